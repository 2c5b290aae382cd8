"""What a report holds, counted by the database (aggregates, never a loop over complaints): the
complaints received in the period by process, with the totals of their handling and each breakdown,
beside the previous period and the same period a year before; and the period's follow-ups by
satisfaction. Keys only: names are given when the report is shown, in the reader's language."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kesu.clocks.models import Clock
from kesu.complaints.models import Complaint
from kesu.followups.models import FollowUp, FollowUpStatus
from kesu.processes.document import ProcessDocument
from kesu.reports.periods import Period

COLUMNS = ("now", "previous", "last_year")

DIMENSIONS = {
    "category": "category",
    "finding": "finding",
    "channel": "channel",
    "priority": "priority",
    "department": "department__code",
    "responsible_department": "responsible_department__code",
    "handler": "assignee__username",
    "customer_class": "customer__customer_class",
    "store": "fields__store",
    "month": "month",
}
"""Breakdown → what it counts by. A process field (`store`) counts only where the process has it."""

TOTALS = {
    "received": Q(),
    "resolved": Q(resolved_at__isnull=False),
    "reopened": Q(reopen_count__gt=0),
    "escalated": Q(tier__gt=1),
    "breached": Exists(Clock.objects.filter(complaint=OuterRef("pk"), breached_at__isnull=False)),
    "still_open": Q(resolved_at__isnull=True, closed_at__isnull=True),
}


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone()
    return (
        dt.datetime.combine(period.start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(period.end, dt.time.min, tzinfo=zone),
    )


def _received(process_name: str, period: Period):
    start, end = _bounds(period)
    return Complaint.objects.filter(process__name=process_name, received_at__gte=start, received_at__lt=end)


def dimensions_for(spec: ProcessDocument, by: list[str]) -> list[str]:
    """The breakdowns a report shows: those its entry asks for first, then the rest."""
    wanted = [key for key in by if key in DIMENSIONS] + [key for key in DIMENSIONS if key not in by]
    return [key for key in dict.fromkeys(wanted) if key != "store" or "store" in spec.fields]


def report_build(process_name: str, spec: ProcessDocument, by: list[str], period: Period) -> dict:
    periods = {"now": period, "previous": period.before(), "last_year": period.shifted_years(1)}
    received = {column: _received(process_name, span) for column, span in periods.items()}
    totals = {
        column: queryset.aggregate(**{name: Count("pk", filter=condition) for name, condition in TOTALS.items()})
        for column, queryset in received.items()
    }
    breakdowns = [{"key": key, "rows": _breakdown(received, key)} for key in dimensions_for(spec, by)]
    return {
        "periods": {column: [span.start.isoformat(), span.end.isoformat()] for column, span in periods.items()},
        "totals": {name: {column: totals[column][name] for column in COLUMNS} for name in TOTALS},
        "breakdowns": [breakdown for breakdown in breakdowns if breakdown["rows"]],
        "satisfaction": _satisfaction(process_name, periods),
    }


def _breakdown(received: dict, key: str) -> list[dict]:
    counts: dict[str, dict[str, int]] = {}
    for column, queryset in received.items():
        if key == "month":
            queryset = queryset.annotate(month=TruncMonth("received_at"))
        for value, count in queryset.values_list(DIMENSIONS[key]).annotate(count=Count("pk")).order_by():
            counts.setdefault(_key(value), dict.fromkeys(COLUMNS, 0))[column] = count
    if set(counts) <= {""}:
        return []
    rows = [{"key": value, **columns} for value, columns in counts.items()]
    return sorted(rows, key=lambda row: (key == "month" and row["key"], -row["now"], row["key"]))


def _key(value) -> str:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m") if timezone.is_aware(value) else value.strftime("%Y-%m")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    return "" if value is None else str(value)


def _satisfaction(process_name: str, periods: dict[str, Period]) -> dict[str, dict[str, int]]:
    """The follow-ups done in each period, by the satisfaction the customer gave."""
    result: dict[str, dict[str, int]] = {}
    for column, span in periods.items():
        start, end = _bounds(span)
        done = FollowUp.objects.filter(
            complaint__process__name=process_name, status=FollowUpStatus.DONE, done_at__gte=start, done_at__lt=end
        ).exclude(satisfaction="")
        for satisfaction, count in done.values_list("satisfaction").annotate(count=Count("pk")).order_by():
            result.setdefault(satisfaction, dict.fromkeys(COLUMNS, 0))[column] = count
    return result
