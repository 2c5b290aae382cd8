"""告知客户期限: the date the handler tells the customer becomes the deadline of the clock the process
names for it (`promised: true`, one of the deadlines the customer sees).

- logistics (seed 002, 第三篇, 4.2 B): what cannot be settled at once gets a reply deadline told to
  the customer ("告知客户处理答复的期限"), and is answered within it;
- tech (seed 004, 4.2): a case that takes longer than expected is told its delay, with the reason
  and the new date ("告知用户延迟原因以及预计解决时间");
- a pending matter (未了事宜) carries the date agreed with the customer.

A date means the end of that day's working hours in the process's calendar (logistics: 18:00,
whether or not the day is worked), or 23:59 where the calendar counts whole days. That moment is the
clock's due time, which pauses and new limits no longer move (`kesu.clocks.services.clocks_promise`).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.clocks.models import ClockState
from kesu.clocks.services import clocks_promise
from kesu.complaints.models import Complaint, EventKind, Status
from kesu.complaints.services.common import handler_step, record, required_text
from kesu.lib.errors import DomainError, FieldError
from kesu.processes.calendar import BusinessCalendar
from kesu.processes.document import ClockSpec

PROMISE_STATUSES = frozenset({Status.ASSIGNED, Status.INVESTIGATING, Status.AWAITING_APPROVAL, Status.RESOLVING})
"""A date is promised while the case is worked on; a pending matter has its agreed date instead."""

WHOLE_DAY_ENDS = dt.time(23, 59)


def promised_moment(calendar: BusinessCalendar, date: dt.date) -> dt.datetime:
    """When a promise "by `date`" falls due: the end of the calendar's working hours that day."""
    closing = max(end for _start, end in calendar.hours) if calendar.hours else WHOLE_DAY_ENDS
    return dt.datetime.combine(date, closing, tzinfo=calendar.timezone)


def may_promise_date(complaint: Complaint) -> bool:
    """The step applies now: the process has a promised clock, it is live, the case is worked on."""
    spec = complaint.process.spec.promised_clock()
    return (
        spec is not None
        and complaint.status in PROMISE_STATUSES
        and complaint.clocks.filter(key=spec.key).exclude(state=ClockState.STOPPED).exists()
    )


@transaction.atomic
def complaint_promise_date(*, complaint: Complaint, actor, version: int, date: dt.date, reason: str) -> Complaint:
    """The handler tells the customer by when it will be settled (a first deadline, or a delay with
    its new date): the date becomes the promised clock's due time, the timeline shows the due time
    before and after with the reason, and the process's delay message goes out with both."""
    complaint, before = handler_step(complaint, actor, version, PROMISE_STATUSES)
    spec = _promised_clock(complaint)
    due_at = _moment_to_come(complaint, date)
    reason = required_text(reason, "reason")
    previous = clocks_promise(complaint, spec.key, due_at, timezone.now())
    if previous is None:
        raise DomainError(
            _("The deadline the date would set is not running now."), field="date", code="deadline_not_running"
        )
    record(
        complaint,
        actor=actor,
        kind=EventKind.DATE_PROMISED,
        from_status=before,
        text=reason,
        data={"promised_date": date.isoformat(), **_moved(spec.key, previous, due_at)},
    )
    return complaint


def promise_agreed_date(complaint: Complaint, agreed_date: dt.date) -> dict:
    """A pending matter's agreed date becomes the promised clock's due time, where the process has
    one running. Returns what the timeline records of the move (nothing if none)."""
    spec = complaint.process.spec.promised_clock()
    if spec is None:
        return {}
    due_at = promised_moment(complaint.process.calendar, agreed_date)
    previous = clocks_promise(complaint, spec.key, due_at, timezone.now())
    return {} if previous is None else _moved(spec.key, previous, due_at)


def _promised_clock(complaint: Complaint) -> ClockSpec:
    spec = complaint.process.spec.promised_clock()
    if spec is None:
        raise FieldError(
            "date", _("This process sets no deadline by a date promised to the customer."), code="no_promised_clock"
        )
    return spec


def _moment_to_come(complaint: Complaint, date: dt.date) -> dt.datetime:
    moment = promised_moment(complaint.process.calendar, date)
    if moment <= timezone.now():
        raise FieldError(
            "date",
            _("That date's working hours are over (%(moment)s): promise a later date.")
            % {"moment": timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")},
            code="date_passed",
        )
    return moment


def _moved(clock: str, before: dt.datetime, after: dt.datetime) -> dict:
    return {"clock": clock, "due_before": before.isoformat(), "due_after": after.isoformat()}
