"""The complaint list's optional columns: each member of staff chooses which they see; the page draws
only those (the number, subject, status and priority are always there)."""

from django.utils.translation import gettext_lazy as _

from kesu.web.models import ListColumns

OPTIONAL_COLUMNS = [
    ("category", _("Category")),
    ("customer", _("Customer")),
    ("handler", _("Handler")),
    ("due", _("Next deadline")),
    ("received", _("Received at")),
    ("process", _("Process")),
]
USUAL_COLUMNS = ["category", "customer", "handler", "due", "received"]


def list_columns(user) -> list[str]:
    """The optional columns `user` chose, in the list's order; the usual ones until they choose."""
    chosen = ListColumns.objects.filter(user=user).values_list("columns", flat=True).first()
    return USUAL_COLUMNS if chosen is None else [key for key, _label in OPTIONAL_COLUMNS if key in chosen]


def list_columns_choose(user, columns: list[str]) -> None:
    chosen = [key for key, _label in OPTIONAL_COLUMNS if key in columns]
    ListColumns.objects.update_or_create(user=user, defaults={"columns": chosen})
