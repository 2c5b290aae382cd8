"""处理方案的措施: the remedies a plan is made of."""

from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.lib.errors import FieldError


class RemedyKind(models.TextChoices):
    APOLOGY = "apology", _("Apology")
    EXPLANATION = "explanation", _("Explanation")
    REFUND = "refund", _("Refund")
    EXCHANGE = "exchange", _("Exchange")
    REPAIR = "repair", _("Repair")
    REDELIVERY = "redelivery", _("Re-delivery")
    COMPENSATION = "compensation", _("Compensation")
    COUPON = "coupon", _("Coupon or gift")
    FREE_DELIVERY = "free_delivery", _("Free delivery")
    PRIORITY_DELIVERY = "priority_delivery", _("Priority delivery")
    MEMBERSHIP_EXTENSION = "membership_extension", _("Membership extension")
    ONSITE_SERVICE = "onsite_service", _("On-site service")


NEEDS_AMOUNT = {RemedyKind.REFUND, RemedyKind.COMPENSATION}
MAX_AMOUNT = Decimal("10000000")


def clean_remedies(remedies: list[dict]) -> list[dict]:
    """Remedies in stored form: a known kind, an amount where money changes hands, an optional note."""
    if not remedies:
        raise FieldError("remedies", _("A plan needs at least one remedy."))
    return [_clean_remedy(index, remedy) for index, remedy in enumerate(remedies)]


def _clean_remedy(index: int, remedy: dict) -> dict:
    where = f"remedies.{index}"
    kind = remedy.get("kind")
    if kind not in RemedyKind.values:
        raise FieldError(f"{where}.kind", _("Unknown remedy."))
    cleaned = {"kind": kind, "note": str(remedy.get("note") or "")}
    amount = remedy.get("amount")
    if amount is None:
        if kind in NEEDS_AMOUNT:
            raise FieldError(f"{where}.amount", _("This remedy needs an amount."))
        return cleaned
    try:
        amount = Decimal(str(amount))
    except InvalidOperation:
        raise FieldError(f"{where}.amount", _("Must be a number.")) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise FieldError(f"{where}.amount", _("Must be between 0 and %(max)s.") % {"max": MAX_AMOUNT})
    cleaned["amount"] = str(amount.quantize(Decimal("0.01")))
    return cleaned
