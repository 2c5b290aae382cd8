"""Counts and reports, computed by the database (aggregates), never by looping in Python."""

import datetime as dt

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from kesu.complaints.models import Status
from kesu.complaints.selectors import complaints_visible_to, due_soon, overdue
from kesu.followups.models import FollowUp, FollowUpStatus
from kesu.lib.replica import reads_from_replica

OPEN = [Status.NEW, Status.ASSIGNED, Status.INVESTIGATING, Status.AWAITING_APPROVAL, Status.RESOLVING, Status.PENDING]


def dashboard_counts(user) -> dict:
    """The home page's numbers: open cases by status, overdue, due soon, mine, escalated to me."""
    now = timezone.now()
    open_cases = complaints_visible_to(user, all_of_them=True).filter(status__in=OPEN)
    if user.has_perm("complaints.view_all_complaints"):
        by_status, counts = _counts_from_indexes(open_cases, user, now)
    else:
        by_status, counts = _counts_in_one_pass(open_cases, user, now)
    return {"open_by_status": {status: by_status.get(status, 0) for status in OPEN}, **counts}


def _counts_from_indexes(open_cases, user, now) -> tuple[dict, dict]:
    """Every open complaint: each count reads its own index (status, deadlines, assignee), where a
    single pass would read a third of the table."""
    by_status = dict(open_cases.values_list("status").annotate(count=Count("*")).order_by())
    mine = open_cases.filter(Q(assignee=user) | Q(escalated_to=user)).aggregate(
        mine=Count("pk", filter=Q(assignee=user)),
        escalated_to_me=Count("pk", filter=Q(escalated_to=user)),
    )
    overdue_count = open_cases.filter(overdue(now)).count()
    return by_status, {"overdue": overdue_count, "due_soon": open_cases.filter(due_soon(now)).count(), **mine}


def _counts_in_one_pass(open_cases, user, now) -> tuple[dict, dict]:
    """A department's complaints lie scattered over the table: reading them once for all the counts
    beats reading them once per count (1 M: 4 × 100 ms became 100 ms)."""
    counted = {
        "overdue": Count("pk", filter=overdue(now)),
        "due_soon": Count("pk", filter=due_soon(now)),
        "mine": Count("pk", filter=Q(assignee=user)),
        "escalated_to_me": Count("pk", filter=Q(escalated_to=user)),
    }
    rows = list(open_cases.values("status").annotate(count=Count("*"), **counted).order_by())
    by_status = {row["status"]: row["count"] for row in rows}
    return by_status, {name: sum(row[name] for row in rows) for name in counted}


def _month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime(month.year, month.month, 1))
    end = timezone.make_aware(dt.datetime(month.year + month.month // 12, month.month % 12 + 1, 1))
    return start, end


def _breakdown(complaints, field: str) -> dict[str, int]:
    return dict(complaints.values_list(field).annotate(count=Count("pk")).order_by())


@reads_from_replica()
def monthly_report(user, month: dt.date) -> dict:
    """月报: what came in during the month and how it was handled; satisfaction of the month's callbacks."""
    start, end = _month_bounds(month)
    received = complaints_visible_to(user, all_of_them=True).filter(received_at__gte=start, received_at__lt=end)
    resolution = ExpressionWrapper(F("resolved_at") - F("received_at"), output_field=DurationField())
    was_resolved = Q(resolved_at__isnull=False)
    totals = received.aggregate(
        received=Count("pk"),
        resolved=Count("pk", filter=was_resolved),
        average=Avg(resolution, filter=was_resolved),
        escalated=Count("pk", filter=Q(tier__gt=1)),
        reopened=Count("pk", filter=Q(reopen_count__gt=0)),
    )
    callbacks = FollowUp.objects.filter(
        status=FollowUpStatus.DONE, done_at__gte=start, done_at__lt=end, complaint__in=complaints_visible_to(user)
    )
    average = totals["average"]
    return {
        "month": month.strftime("%Y-%m"),
        "received": totals["received"],
        "resolved": totals["resolved"],
        "average_resolution_hours": round(average.total_seconds() / 3600, 1) if average else None,
        "by_category": _breakdown(received, "category"),
        "by_channel": _breakdown(received, "channel"),
        "by_priority": _breakdown(received, "priority"),
        "by_status": _breakdown(received, "status"),
        "by_department": _breakdown(received, "department__code"),
        "by_process": _breakdown(received, "process__name"),
        "escalated": totals["escalated"],
        "reopened": totals["reopened"],
        "satisfaction": _breakdown(callbacks, "satisfaction"),
    }
