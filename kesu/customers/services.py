from functools import cache

import phonenumbers
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
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


def normalize_email(raw: str) -> str:
    """An e-mail address as Kesu keeps and compares it: trimmed and lower-case (one address, one customer)."""
    return raw.strip().lower()


def customer_with_email(email: str) -> Customer | None:
    """The customer with this address, whatever its case (by the index of the unique constraint)."""
    address = normalize_email(email)
    if not address:
        return None
    return Customer.objects.alias(address=Lower("email")).filter(address=address).first()


def customer_find_or_create(*, phone: str = "", email: str = "", **details) -> Customer:
    """The customer with this phone (else e-mail); created with the given details when unknown.

    Known customers are not overwritten: a complaint never silently changes who the customer is.
    A new phone whose e-mail is already another customer's is a new customer without the e-mail:
    an address belongs to one customer. Concurrent intakes for the same new phone or e-mail end with
    one customer (the unique constraints decide).
    """
    email = normalize_email(email)
    if not phone:
        return customer_with_email(email) or _created(lambda: customer_with_email(email), email=email, **details)
    if not email:
        return _found_or_created_by_phone(Customer(phone=phone, **details))

    def by_phone():
        return Customer.objects.filter(phone=phone).first()

    existing = by_phone()
    if existing:
        return existing
    if email and customer_with_email(email):
        email = ""
    try:
        return _created(by_phone, phone=phone, email=email, **details)
    except IntegrityError:  # the e-mail became another new customer's meanwhile
        return _created(by_phone, phone=phone, email="", **details)


def _found_or_created_by_phone(new: Customer) -> Customer:
    """The customer with `new`'s phone, else `new` saved: one statement, whose unique index on the
    phone makes concurrent intakes for the same new phone end with one customer."""
    fields = [field for field in Customer._meta.concrete_fields if not field.primary_key]
    values = [field.get_db_prep_save(field.pre_save(new, add=True), connection) for field in fields]
    return next(iter(Customer.objects.raw(_upsert_by_phone_sql(), values)))


@cache
def _upsert_by_phone_sql() -> str:
    """INSERT … ON CONFLICT on the partial unique index of the phone (PostgreSQL; SQLite 3.35+):
    a known customer's row is returned as it is (the no-op update makes RETURNING give it)."""
    quote = connection.ops.quote_name
    fields = [field for field in Customer._meta.concrete_fields if not field.primary_key]
    phone = quote("phone")
    return (
        f"INSERT INTO {quote(Customer._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({phone}) WHERE NOT ({phone} = '') DO UPDATE SET {phone} = EXCLUDED.{phone} "
        f"RETURNING {', '.join(quote(field.column) for field in Customer._meta.concrete_fields)}"
    )


def _created(find, **fields) -> Customer:
    """A new customer; or, when a concurrent intake created it first (a unique constraint says so), `find()`'s."""
    try:
        with transaction.atomic():
            return Customer.objects.create(**fields)
    except IntegrityError:
        created_meanwhile = find()
        if created_meanwhile is None:
            raise
        return created_meanwhile


def customer_create_anonymous(**details) -> Customer:
    """A complainant who left no phone or e-mail: a customer of their own, never matched to another."""
    return Customer.objects.create(**details)


def personal_data_access_log(*, customer: Customer, user, purpose: str) -> None:
    PersonalDataAccess.objects.create(customer=customer, user=user, purpose=purpose)
