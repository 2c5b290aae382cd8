"""What a report holds, counted by the database (aggregates, never a loop over complaints): the
complaints received in the period by process, with the totals of their handling and each breakdown,
beside the previous period and the same period a year before; how they were handled, each deadline
kept or missed, the working time to resolve them, who complained again; the period's follow-ups by
satisfaction, rewards and penalties, pending matters, corrective actions and the cases picked for
review. Keys only: names are given when the report is shown, in the reader's language."""

import datetime as dt
import math

from django.db import connection
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kesu.accountability.models import Accountability, AccountabilityStatus
from kesu.clocks.models import Clock
from kesu.complaints.models import Complaint, Status
from kesu.followups.models import FollowUp, FollowUpStatus, Satisfaction
from kesu.improvements.models import Improvement, ImprovementStatus
from kesu.processes.document import ProcessDocument
from kesu.processes.vocabulary import PRODUCT_FIELDS
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
    "product": "fields__product",
    "month": "month",
}
"""Breakdown → what it counts by. A process field (`store`, `product`) counts only where the process
has it; `product` is whichever of the product fields the process names. `customer_class` is the
process's own field of that name where it has one (logistics asks the class on every work order),
else the class on the customer's record."""

SECTIONS = (
    "handling",
    "clocks",
    "resolution_time",
    "resolution_rate",
    "satisfaction",
    "repeat",
    "top",
    "accountability",
    "pending",
    "improvements",
    "review",
)
"""The parts of a report besides its breakdowns, each a key a `reports:` entry may put first (`by:`)."""

BREACHED = Exists(Clock.objects.filter(complaint=OuterRef("pk"), breached_at__isnull=False))

TOTALS = {
    "received": Q(),
    "resolved": Q(resolved_at__isnull=False),
    "reopened": Q(reopen_count__gt=0),
    "escalated": Q(tier__gt=1),
    "breached": BREACHED,
    "still_open": Q(resolved_at__isnull=True, closed_at__isnull=True),
    "picked_for_review": Q(picked_for_review=True),
    "red_marked": Q(red_marked=True),
}

AT_ONCE = dt.timedelta(hours=1)
"""当即处理: resolved within this time of being received, the customer still on the line or at the counter."""

HANDLING = {
    "repeated": Q(reopen_count__gt=0),
    "open": Q(reopen_count=0, resolved_at__isnull=True),
    "at_once": Q(reopen_count=0, resolved_at__lte=F("received_at") + AT_ONCE),
    "late": Q(reopen_count=0, resolved_at__gt=F("received_at") + AT_ONCE) & BREACHED,
    "settled_later": Q(reopen_count=0, resolved_at__gt=F("received_at") + AT_ONCE),
}
"""How each complaint was handled (当即处理，期限内处理，循环往复处理), one class each: reopened at least
once; else still open; else settled at once; else resolved after a deadline was missed (late), or
within every deadline (those settled later but not late: counted so, the deadlines are read twice
rather than three times)."""

SATISFIED = (Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED)
REPEAT_WITHIN = dt.timedelta(days=30)
LISTED = 200
"""At most this many cases are listed by number in a report (review picks, rewards and penalties)."""


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone()
    return (
        dt.datetime.combine(period.start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(period.end, dt.time.min, tzinfo=zone),
    )


FILTERS = {"department": "department__code", "category": "category", "store": "fields__store"}
"""What a report may be narrowed to, besides its process: one department, category or store."""


def _narrowing(process_name: str, filters: dict[str, str]) -> dict:
    """The lookups that pick a report's complaints: its process's, narrowed by its filters."""
    return {"process__name": process_name, **{FILTERS[name]: value for name, value in filters.items()}}


def _about(narrowing: dict) -> dict:
    """The same lookups for rows about complaints (follow-ups, penalties, actions): a join, which
    the database reads from the other table's own index, where `complaint IN (…)` would list all."""
    return {f"complaint__{lookup}": value for lookup, value in narrowing.items()}


def _received(complaints, period: Period):
    start, end = _bounds(period)
    return complaints.filter(received_at__gte=start, received_at__lt=end)


def breakdown_fields(spec: ProcessDocument) -> dict[str, str]:
    """The breakdowns this process can count by: every dimension but the fields it does not have."""
    fields = dict(DIMENSIONS)
    if "customer_class" in spec.fields:
        fields["customer_class"] = "fields__customer_class"
    if "store" not in spec.fields:
        del fields["store"]
    product = next((name for name in PRODUCT_FIELDS if name in spec.fields), None)
    if product:
        fields["product"] = f"fields__{product}"
    else:
        del fields["product"]
    return fields


def dimensions_for(spec: ProcessDocument, by: list[str]) -> list[str]:
    """The breakdowns a report shows: those its entry asks for first, then the rest."""
    known = breakdown_fields(spec)
    return list(dict.fromkeys([key for key in by if key in known] + list(known)))


def report_build(
    process_name: str, spec: ProcessDocument, by: list[str], period: Period, filters: dict[str, str] | None = None
) -> dict:
    filters = {name: value for name, value in (filters or {}).items() if value}
    narrowing = _narrowing(process_name, filters)
    complaints = Complaint.objects.filter(**narrowing)
    periods = {"now": period, "previous": period.before(), "last_year": period.shifted_years(1)}
    received = {column: _received(complaints, span) for column, span in periods.items()}
    fields = breakdown_fields(spec)
    counted = _breakdowns(received, {key: fields[key] for key in dimensions_for(spec, by)})
    breakdowns = [{"key": key, "rows": rows} for key, rows in counted.items()]
    kpi_key = "store" if "store" in fields else "department"
    counts = _counted(received, {**TOTALS, **HANDLING})
    return {
        "by": list(by),
        "filters": filters,
        "periods": {column: [span.start.isoformat(), span.end.isoformat()] for column, span in periods.items()},
        "totals": {name: counts[name] for name in TOTALS},
        "handling": _handling(counts),
        "clocks": _clocks(received),
        "resolution_time": {column: _working_hours(queryset) for column, queryset in received.items()},
        "resolution_rate": {"key": kpi_key, "rows": _resolution_rate(received["now"], periods["now"], fields[kpi_key])},
        "repeat": {column: _repeat(queryset) for column, queryset in received.items()},
        "breakdowns": [breakdown for breakdown in breakdowns if breakdown["rows"]],
        "satisfaction": _satisfaction(narrowing, periods),
        "accountability": _accountability(narrowing, periods),
        "pending": _pending(complaints),
        "improvements": _improvements(narrowing, periods),
        "review": _review(received["now"]),
    }


def _handling(counts: dict) -> dict[str, dict[str, int]]:
    handled = {name: counts[name] for name in ("repeated", "open", "at_once", "late")}
    later, late = counts["settled_later"], counts["late"]
    return {**handled, "within_deadline": {column: later[column] - late[column] for column in COLUMNS}}


def _counted(received: dict, conditions: dict) -> dict[str, dict[str, int]]:
    counts = {
        column: queryset.aggregate(**{name: Count("pk", filter=condition) for name, condition in conditions.items()})
        for column, queryset in received.items()
    }
    return {name: {column: counts[column][name] for column in COLUMNS} for name in conditions}


def _breakdowns(received: dict, fields: dict[str, str]) -> dict[str, list[dict]]:
    """Every breakdown, beside the previous period and a year before."""
    counts: dict[str, dict[str, dict[str, int]]] = {key: {} for key in fields}
    for column, queryset in received.items():
        for key, value, count in _counted_by_each(queryset, fields):
            value = (value or "")[:7] if key == "month" else value or ""
            counts[key].setdefault(value, dict.fromkeys(COLUMNS, 0))[column] = count
    return {key: _rows(key, by_value) for key, by_value in counts.items()}


def _rows(key: str, by_value: dict[str, dict[str, int]]) -> list[dict]:
    if set(by_value) <= {""}:
        return []
    rows = [{"key": value, **columns} for value, columns in by_value.items()]
    return sorted(rows, key=lambda row: (key == "month" and row["key"], -row["now"], row["key"]))


def _counted_by_each(complaints, fields: dict[str, str]) -> list[tuple[str, str | None, int]]:
    """(breakdown, value, count) for every breakdown at once: the period's complaints are read once
    (a common table expression) and counted by each dimension in turn (UNION ALL), where a query per
    breakdown would read them all again each time (1 M complaints, a quarter: 27 reads became 3)."""
    columns = {
        f"by_{key}": TruncMonth("received_at", output_field=DateField())
        if key == "month"
        else KT(field)
        if field.startswith("fields__")
        else F(field)
        for key, field in fields.items()
    }
    sql, params = complaints.order_by().values(**columns).query.sql_with_params()
    name = connection.ops.quote_name
    counted = " UNION ALL ".join(
        f"SELECT '{key}', CAST({name('by_' + key)} AS TEXT), COUNT(*) FROM period GROUP BY {name('by_' + key)}"
        for key in fields
    )
    with connection.cursor() as cursor:
        cursor.execute(f"WITH period AS ({sql}) {counted}", params)
        return cursor.fetchall()


def _key(value) -> str:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m") if timezone.is_aware(value) else value.strftime("%Y-%m")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    return "" if value is None else str(value)


def _clocks(received: dict) -> list[dict]:
    """按时率: each deadline of the period's complaints, met (stopped in time), missed, or still running."""
    counts: dict[str, dict[str, dict[str, int]]] = {}
    for column, queryset in received.items():
        rows = (
            Clock.objects.filter(complaint__in=queryset.values("pk"))
            .values("key")
            .annotate(
                met=Count("pk", filter=Q(stopped_at__isnull=False, breached_at__isnull=True)),
                breached=Count("pk", filter=Q(breached_at__isnull=False)),
                running=Count("pk", filter=Q(stopped_at__isnull=True, breached_at__isnull=True)),
            )
            .order_by()
        )
        for row in rows:
            clock = counts.setdefault(row["key"], {state: dict.fromkeys(COLUMNS, 0) for state in STATES})
            for state in STATES:
                clock[state][column] = row[state]
    return [{"key": key, **states} for key, states in sorted(counts.items())]


STATES = ("met", "breached", "running")


def _working_hours(received) -> dict:
    """The median and 90th percentile (nearest rank) of the working time from receipt to resolution,
    in hours: reads of the ordered column at their ranks (SQLite has no percentile function)."""
    resolved = received.filter(working_minutes_to_resolve__isnull=False)
    count = resolved.count()
    if not count:
        return {"count": 0, "median": None, "p90": None}
    ordered = resolved.order_by("working_minutes_to_resolve").values_list("working_minutes_to_resolve", flat=True)
    return {
        "count": count,
        "median": round(ordered[math.ceil(count * 0.5) - 1] / 60, 1),
        "p90": round(ordered[math.ceil(count * 0.9) - 1] / 60, 1),
    }


def _repeat(received) -> dict[str, int]:
    """重复投诉: complaints from a customer who had complained within the 30 days before, and how many
    customers that is (anonymous letters have no one to repeat)."""
    earlier = Complaint.objects.filter(
        customer=OuterRef("customer"),
        received_at__lt=OuterRef("received_at"),
        received_at__gte=OuterRef("received_at") - REPEAT_WITHIN,
    )
    repeated = received.filter(Exists(earlier), is_anonymous=False)
    return repeated.aggregate(complaints=Count("pk"), customers=Count("customer", distinct=True))


def _resolution_rate(received, period: Period, field: str) -> list[dict]:
    """Each store's (or department's) scorecard for its KPIs: received, resolved, within every deadline,
    and the satisfaction of the period's follow-ups of its complaints."""
    rows = {
        _key(row[field]): row
        for row in received.values(field)
        .annotate(
            received=Count("pk"),
            resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
            on_time=Count("pk", filter=Q(resolved_at__isnull=False) & ~BREACHED),
        )
        .order_by()
    }
    start, end = _bounds(period)
    answered = _followups_done({"complaint__in": received.values("pk")}, start, end)
    for row in answered.values(f"complaint__{field}").annotate(
        surveyed=Count("pk"), satisfied=Count("pk", filter=Q(satisfaction__in=SATISFIED))
    ):
        key = _key(row[f"complaint__{field}"])
        if key in rows:
            rows[key].update(surveyed=row["surveyed"], satisfied=row["satisfied"])
    result = [
        {
            "key": key,
            **{name: row.get(name, 0) for name in ("received", "resolved", "on_time", "surveyed", "satisfied")},
        }
        for key, row in rows.items()
    ]
    return sorted(result, key=lambda row: (-row["received"], row["key"]))


def _followups_done(about: dict, start: dt.datetime, end: dt.datetime):
    return FollowUp.objects.filter(**about, status=FollowUpStatus.DONE, done_at__gte=start, done_at__lt=end).exclude(
        satisfaction=""
    )


def _satisfaction(narrowing: dict, periods: dict[str, Period]) -> dict[str, dict[str, int]]:
    """The follow-ups done in each period, by the satisfaction the customer gave."""
    result: dict[str, dict[str, int]] = {}
    for column, span in periods.items():
        start, end = _bounds(span)
        done = _followups_done(_about(narrowing), start, end)
        for satisfaction, count in done.values_list("satisfaction").annotate(count=Count("pk")).order_by():
            result.setdefault(satisfaction, dict.fromkeys(COLUMNS, 0))[column] = count
    return result


def _accountability(narrowing: dict, periods: dict[str, Period]) -> dict:
    """奖罚: the rewards and penalties approved in each period, in number, yuan and points; and those of
    this period one by one, for finance."""
    approved = Accountability.objects.filter(**_about(narrowing), status=AccountabilityStatus.APPROVED)
    totals: dict[str, dict[str, dict]] = {}
    for column, span in periods.items():
        start, end = _bounds(span)
        rows = (
            approved.filter(decided_at__gte=start, decided_at__lt=end)
            .values("measure")
            .annotate(count=Count("pk"), amount=Sum("amount"), points=Sum("points"))
            .order_by()
        )
        for row in rows:
            measure = totals.setdefault(row["measure"], {name: dict.fromkeys(COLUMNS, 0) for name in MEASURED})
            for name in MEASURED:
                measure[name][column] = _number(row[name])
    start, end = _bounds(periods["now"])
    listed = (
        approved.filter(decided_at__gte=start, decided_at__lt=end)
        .order_by("decided_at", "pk")
        .values_list(
            "complaint__number", "measure", "person__username", "department__code", "amount", "points", "fault"
        )[:LISTED]
    )
    return {
        "totals": totals,
        "listed": [
            dict(zip(LISTED_ACCOUNTABILITY, (*row[:4], _number(row[4]), row[5] or 0, row[6]), strict=True))
            for row in listed
        ],
    }


MEASURED = ("count", "amount", "points")
LISTED_ACCOUNTABILITY = ("number", "measure", "person", "department", "amount", "points", "fault")


def _number(value) -> float | int:
    """A sum as JSON keeps it: yuan with their fen, none as 0."""
    if value is None:
        return 0
    return value if isinstance(value, int) else float(value)


def _pending(complaints) -> dict[str, int]:
    """未了事宜 when the report was made: pending matters, and those whose agreed date has passed."""
    pending = complaints.filter(status=Status.PENDING)
    return pending.aggregate(
        pending=Count("pk"), past_agreed_date=Count("pk", filter=Q(pending_until__lt=timezone.localdate()))
    )


def _improvements(narrowing: dict, periods: dict[str, Period]) -> dict[str, dict[str, int]]:
    """纠正预防措施 about the report's complaints: opened, done and verified in each period; still open
    and overdue when the report was made."""
    linked = Improvement.objects.filter(
        Exists(Improvement.complaints.through.objects.filter(improvement=OuterRef("pk"), **_about(narrowing)))
    )
    counts: dict[str, dict[str, int]] = {name: dict.fromkeys(COLUMNS, 0) for name in ("opened", "done", "verified")}
    for column, span in periods.items():
        start, end = _bounds(span)
        row = linked.aggregate(
            opened=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
            done=Count("pk", filter=Q(done_at__gte=start, done_at__lt=end)),
            verified=Count("pk", filter=Q(verified_at__gte=start, verified_at__lt=end)),
        )
        for name, count in row.items():
            counts[name][column] = count
    still = linked.exclude(status=ImprovementStatus.VERIFIED).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=timezone.localdate()))
    )
    return {"counts": counts, **still}


def _review(received) -> dict[str, list[dict]]:
    """The cases picked for the case-sharing meeting and the forms red-marked for the year-end review."""
    columns = ("number", "subject", "category", "finding")
    return {
        name: [
            dict(zip(columns, row, strict=True))
            for row in received.filter(**{name: True}).order_by("received_at", "pk").values_list(*columns)[:LISTED]
        ]
        for name in ("picked_for_review", "red_marked")
    }
