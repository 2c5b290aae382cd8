"""A report snapshot as it is read: every key by its name in the reader's language (the process's
categories and findings, departments, staff), each number beside the previous period and last year."""

import datetime as dt

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department, User, staff_name
from kesu.customers.models import CustomerClass
from kesu.followups.models import Satisfaction
from kesu.lib.choices import choice_label
from kesu.processes.models import Process
from kesu.processes.vocabulary import Channel, Priority
from kesu.reports.building import COLUMNS
from kesu.reports.models import ReportSnapshot

TOTALS = {
    "received": _("Received"),
    "resolved": _("Resolved"),
    "reopened": _("Reopened"),
    "escalated": _("Escalated"),
    "breached": _("With a deadline missed"),
    "still_open": _("Still open"),
}
DIMENSIONS = {
    "category": _("By category"),
    "finding": _("By finding"),
    "channel": _("By channel"),
    "priority": _("By priority"),
    "department": _("By department"),
    "responsible_department": _("By responsible department"),
    "handler": _("By handler"),
    "customer_class": _("By customer class"),
    "store": _("By store"),
    "month": _("By month"),
}


def snapshot_title(snapshot: ReportSnapshot) -> str:
    language = "en" if (get_language() or "").startswith("en") else "zh"
    return snapshot.label.get(language) or snapshot.key


def snapshot_period(snapshot: ReportSnapshot) -> str:
    return _span(snapshot.period_start.isoformat(), snapshot.period_end.isoformat())


def _span(start: str, end: str) -> str:
    """A period by its first and last day (it is kept with the day after its end)."""
    last = dt.date.fromisoformat(end) - dt.timedelta(days=1)
    return f"{start} – {last:%Y-%m-%d}"


def snapshot_page(snapshot: ReportSnapshot) -> dict:
    data = snapshot.data
    names = _Names(snapshot)
    return {
        "title": snapshot_title(snapshot),
        "period": snapshot_period(snapshot),
        "periods": {column: _span(*data["periods"][column]) for column in COLUMNS},
        "totals": [_row(str(label), data["totals"].get(key, {})) for key, label in TOTALS.items()],
        "breakdowns": [
            {
                "key": breakdown["key"],
                "title": str(DIMENSIONS.get(breakdown["key"], breakdown["key"])),
                "rows": [_row(names.of(breakdown["key"], row["key"]), row) for row in breakdown["rows"]],
            }
            for breakdown in data["breakdowns"]
        ],
        "satisfaction": [
            _row(choice_label(Satisfaction, key) if key in Satisfaction.values else key, counts)
            for key, counts in data.get("satisfaction", {}).items()
        ],
    }


def _row(label: str, counts: dict) -> dict:
    now, previous = counts.get("now", 0), counts.get("previous", 0)
    change = None if not previous else round((now - previous) * 100 / previous)
    return {"label": label, "now": now, "previous": previous, "last_year": counts.get("last_year", 0), "change": change}


class _Names:
    """The names behind a report's keys, each kind read once."""

    def __init__(self, snapshot: ReportSnapshot):
        process = Process.objects.current(snapshot.process_name)
        self.spec = process.spec if process else None
        self._departments = None
        self._staff = None
        self._handlers = [
            row["key"]
            for breakdown in snapshot.data["breakdowns"]
            if breakdown["key"] == "handler"
            for row in breakdown["rows"]
        ]

    def of(self, dimension: str, key: str) -> str:
        if not key:
            return str(_("Not given"))
        if dimension == "category" and self.spec and self.spec.category(key):
            return str(self.spec.category(key).label)
        if dimension == "finding" and self.spec and key in self.spec.findings:
            return str(self.spec.findings[key].label)
        if dimension == "channel":
            return choice_label(Channel, key)
        if dimension == "priority":
            return choice_label(Priority, key)
        if dimension == "customer_class":
            return choice_label(CustomerClass, key)
        if dimension in ("department", "responsible_department"):
            if self._departments is None:
                self._departments = dict(Department.objects.values_list("code", "name"))
            return self._departments.get(key, key)
        if dimension == "handler":
            if self._staff is None:
                fields = ("username", "display_name", "first_name", "last_name")
                people = User.objects.filter(username__in=self._handlers).values_list(*fields)
                self._staff = {row[0]: staff_name(*row) for row in people}
            return self._staff.get(key, key)
        return key
