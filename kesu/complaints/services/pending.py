"""未了事宜: the monthly reminder, on the day the process names (auto_dealer: the 4th), of every
pending matter, so the handler talks to the customer and follows how it changes."""

import datetime as dt

from django.db import transaction
from django.db.models import Count, Min

from kesu.complaints.models import Complaint, Event, EventKind, Status
from kesu.notifications.models import NotificationKind
from kesu.notifications.services import notify
from kesu.processes.models import Process


def pending_reminders_run(today: dt.date) -> int:
    """Remind the handlers of the pending matters whose process reminds on `today`'s day of the month.
    Once a day at most per complaint, however often it runs."""
    processes = [process.pk for process in Process.objects.all() if process.spec.pending_reminder_day == today.day]
    due = Complaint.objects.filter(status=Status.PENDING, process_id__in=processes).exclude(pending_reminded_on=today)
    reminded = 0
    for complaint_id in due.values_list("pk", flat=True).iterator():
        reminded += _remind(complaint_id, today)
    return reminded


@transaction.atomic
def _remind(complaint_id: int, today: dt.date) -> int:
    claimed = (
        Complaint.objects.filter(pk=complaint_id, status=Status.PENDING)
        .exclude(pending_reminded_on=today)
        .update(pending_reminded_on=today)
    )
    if not claimed:
        return 0
    complaint = Complaint.objects.select_related("assignee").get(pk=complaint_id)
    agreed = complaint.pending_until.isoformat() if complaint.pending_until else ""
    Event.objects.create(complaint=complaint, kind=EventKind.PENDING_REMINDED, data={"agreed_date": agreed})
    notify(
        users=[complaint.assignee],
        kind=NotificationKind.PENDING_REMINDER,
        complaint=complaint,
        number=complaint.number,
        agreed_date=agreed,
    )
    return 1


def pending_ledger(complaints):
    """未了事宜台账: per handler, how many pending matters and the earliest agreed date."""
    return (
        complaints.filter(status=Status.PENDING)
        .values("assignee__username", "assignee__display_name")
        .annotate(count=Count("pk"), earliest=Min("pending_until"))
        .order_by("assignee__username")
    )
