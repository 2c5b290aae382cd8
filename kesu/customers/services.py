import phonenumbers
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from kesu.customers.models import Customer, PersonalDataAccess
from kesu.lib.errors import FieldError


def normalize_phone(raw: str, *, field: str = "phone") -> str:
    """A Chinese mobile or landline number (or an international one with +) in E.164 form."""
    try:
        parsed = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise FieldError(field, _("Enter a valid phone number, e.g. 13812345678 or 010-12345678."))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def customer_find_or_create(*, phone: str = "", email: str = "", **details) -> Customer:
    """The customer with this phone (else e-mail); created with the given details when unknown.

    Known customers are not overwritten: a complaint never silently changes who the customer is.
    Concurrent intakes for the same new phone end with one customer (the unique phone constraint decides).
    """
    if phone:
        lookup = {"phone": phone}
    else:
        lookup = {"email": email}
    existing = Customer.objects.filter(**lookup).order_by("id").first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Customer.objects.create(phone=phone, email=email, **details)
    except IntegrityError:
        return Customer.objects.get(phone=phone)


def customer_create_anonymous(**details) -> Customer:
    """A complainant who left no phone or e-mail: a customer of their own, never matched to another."""
    return Customer.objects.create(**details)


def personal_data_access_log(*, customer: Customer, user, purpose: str) -> None:
    PersonalDataAccess.objects.create(customer=customer, user=user, purpose=purpose)
