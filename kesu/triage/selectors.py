"""Reads the triage needs: the process and the customer named at intake."""

from django.utils.translation import gettext_lazy as _

from kesu.customers.models import Customer
from kesu.customers.services import normalize_phone
from kesu.lib.errors import FieldError
from kesu.processes.models import Process


def process_named(name: str, *, field: str = "process") -> Process:
    process = Process.objects.current(name)
    if process is None:
        raise FieldError(field, _("Unknown process."))
    return process


def customer_with_phone(raw: str, *, field: str = "customer_phone") -> Customer | None:
    """The customer with this phone, if there is one (a number that is not a phone number is refused)."""
    if not raw.strip():
        return None
    return Customer.objects.filter(phone=normalize_phone(raw, field=field)).first()
