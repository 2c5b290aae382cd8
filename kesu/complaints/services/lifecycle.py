"""The steps of a complaint's life after intake (DESIGN.md, "Life of a complaint").

Each step: lock the complaint, refuse a stale version, check status, role and the 当事人 rule,
change it, raise its version and write one event — all in one transaction.
"""

import datetime as dt

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.accountability.services import require_accountability
from kesu.accounts.models import Department
from kesu.clocks.services import clocks_trigger
from kesu.complaints.models import Complaint, Event, EventKind, Status
from kesu.complaints.rules import (
    require_may_be_involved,
    require_may_handle,
    require_not_involved,
    require_permission,
)
from kesu.complaints.services.common import (
    OPEN_STATUSES,
    handler_step,
    locked,
    record,
    require_finding,
    require_status,
    required_text,
)
from kesu.complaints.services.escalation import escalate
from kesu.complaints.services.handover import hand_over_on_finding
from kesu.complaints.services.plans import require_customer_acceptance
from kesu.complaints.services.promises import promise_agreed_date
from kesu.followups.scheduling import follow_ups_done, followup_schedule_next, followups_cancel
from kesu.lib.errors import DomainError, FieldError
from kesu.notifications.models import NotificationKind
from kesu.notifications.services import notify
from kesu.processes.document import EscalationCause, FindingNeed, Trigger
from kesu.tasks.services import require_no_open_required_tasks, tasks_for_finding


@transaction.atomic
def complaint_assign(*, complaint: Complaint, actor, version: int, assignee, department: Department | None = None):
    """分派: hand the complaint to a handler (a new complaint becomes `assigned`; others keep their status)."""
    complaint = locked(complaint, version)
    require_permission(actor, "assign_complaint")
    require_not_involved(actor, complaint)
    require_status(complaint, OPEN_STATUSES)
    require_may_handle(assignee, complaint, field="assignee")
    before = complaint.status
    complaint.assignee = assignee
    complaint.department = department or assignee.department or complaint.department
    if complaint.status == Status.NEW:
        complaint.status = Status.ASSIGNED
    record(
        complaint,
        actor=actor,
        kind=EventKind.ASSIGNED,
        from_status=before,
        data={"assignee": assignee.username, "department": complaint.department.code if complaint.department else None},
    )
    notify(users=[assignee], kind=NotificationKind.ASSIGNED_TO_YOU, complaint=complaint, number=complaint.number)
    return complaint


@transaction.atomic
def complaint_start_investigation(*, complaint: Complaint, actor, version: int):
    """调查核实: the handler takes the case up."""
    complaint, before = handler_step(complaint, actor, version, {Status.ASSIGNED})
    complaint.status = Status.INVESTIGATING
    record(complaint, actor=actor, kind=EventKind.INVESTIGATION_STARTED, from_status=before)
    return complaint


@transaction.atomic
def complaint_record_finding(
    *, complaint: Complaint, actor, version: int, finding: str, note: str = "", responsible_department=None
):
    """二次分类 / 责任认定: what the investigation concluded, among the findings of the complaint's category;
    the departments' tasks the finding calls for are opened (a bought-in part: the supplier claim),
    unless a routing rule naming the finding hands the complaint to another process (转交)."""
    complaint, before = handler_step(complaint, actor, version, {Status.INVESTIGATING})
    category = complaint.process.spec.category(complaint.category)
    if finding not in category.findings:
        raise FieldError(
            "finding",
            _("Choose one of the findings of this category: %(keys)s.") % {"keys": ", ".join(category.findings)},
        )
    complaint.finding = finding
    complaint.finding_note = note
    complaint.responsible_department = responsible_department
    if complaint.process.spec.findings[finding].share_in_review:
        mark_set(complaint, Mark.REVIEW, on=True)
    record(
        complaint,
        actor=actor,
        kind=EventKind.FINDING_RECORDED,
        from_status=before,
        text=note,
        data={
            "finding": finding,
            "responsible_department": responsible_department.code if responsible_department else None,
        },
    )
    if hand_over_on_finding(complaint, actor) is None:
        tasks_for_finding(complaint, actor)
    return complaint


def _require_finding_needs(complaint: Complaint) -> None:
    """What the finding asks for before resolving: explanation or apology contact, an approved plan."""
    needs = complaint.process.spec.findings[complaint.finding].needs
    finding_event = complaint.events.filter(kind=EventKind.FINDING_RECORDED).order_by("-id").first()
    contacts_since = complaint.events.filter(kind=EventKind.CONTACT, id__gt=finding_event.id)
    for need, purpose, message in (
        (
            FindingNeed.EXPLANATION_CONTACT,
            "explanation",
            _("Log the contact in which the finding was explained to the customer."),
        ),
        (FindingNeed.APOLOGY_CONTACT, "apology", _("Log the contact in which the customer received an apology.")),
    ):
        if need in needs and not contacts_since.filter(data__purpose=purpose).exists():
            raise DomainError(message, field="contacts", code=f"{need.value}_missing")
    if FindingNeed.PLAN in needs and complaint.status != Status.RESOLVING:
        raise DomainError(_("This finding needs an approved plan."), field="plan", code="plan_missing")
    if FindingNeed.ACCOUNTABILITY in needs:
        require_accountability(complaint)


@transaction.atomic
def complaint_resolve(*, complaint: Complaint, actor, version: int, resolution: str):
    """处理完毕: the case is settled (its needs met, its required tasks done, the customer's yes where
    the process asks for it) and waits for the follow-up callbacks the process schedules."""
    complaint, before = handler_step(complaint, actor, version, {Status.INVESTIGATING, Status.RESOLVING})
    require_finding(complaint)
    _require_finding_needs(complaint)
    require_no_open_required_tasks(complaint)
    require_customer_acceptance(complaint)
    complaint.resolution = required_text(resolution, "resolution")
    complaint.status = Status.RESOLVED
    complaint.resolved_at = timezone.now()
    complaint.working_minutes_to_resolve = complaint.process.working_minutes(
        complaint.received_at, complaint.resolved_at
    )
    record(complaint, actor=actor, kind=EventKind.RESOLVED, from_status=before, text=complaint.resolution)
    followup_schedule_next(complaint, sequence=1)
    return complaint


@transaction.atomic
def complaint_put_pending(*, complaint: Complaint, actor, version: int, agreed_date: dt.date, reason: str):
    """未了事宜: cannot be settled now; the customer agreed to wait until `agreed_date`, which becomes
    the deadline of the process's promised clock, if it has one."""
    complaint, before = handler_step(
        complaint, actor, version, {Status.ASSIGNED, Status.INVESTIGATING, Status.RESOLVING}
    )
    if agreed_date <= timezone.localdate():
        raise FieldError("agreed_date", _("The agreed date must be after today."))
    complaint.status_before_pending = before
    complaint.pending_until = agreed_date
    complaint.pending_reason = required_text(reason, "reason")
    complaint.status = Status.PENDING
    moved = promise_agreed_date(complaint, agreed_date)
    record(
        complaint,
        actor=actor,
        kind=EventKind.PUT_PENDING,
        from_status=before,
        text=complaint.pending_reason,
        data={"agreed_date": agreed_date.isoformat(), **moved},
    )
    return complaint


@transaction.atomic
def complaint_resume(*, complaint: Complaint, actor, version: int):
    """The pending matter is taken up again where it stopped."""
    complaint, before = handler_step(complaint, actor, version, {Status.PENDING})
    complaint.status = complaint.status_before_pending or Status.INVESTIGATING
    complaint.status_before_pending = ""
    complaint.pending_until = None
    record(complaint, actor=actor, kind=EventKind.RESUMED, from_status=before)
    return complaint


@transaction.atomic
def complaint_close(*, complaint: Complaint, actor, version: int, note: str = ""):
    """结案归档."""
    complaint = locked(complaint, version)
    require_permission(actor, "close_complaint")
    require_not_involved(actor, complaint)
    require_status(complaint, {Status.RESOLVED})
    require_finding(complaint)
    if not follow_ups_done(complaint):
        raise DomainError(_("Make the follow-up callbacks first."), field="follow_ups", code="follow_ups_due")
    complaint.status = Status.CLOSED
    complaint.closed_at = timezone.now()
    record(complaint, actor=actor, kind=EventKind.CLOSED, from_status=Status.RESOLVED, text=note)
    return complaint


@transaction.atomic
def complaint_reopen(*, complaint: Complaint, actor, version: int, reason: str):
    """The customer is not satisfied: the case goes back to investigation with its handler, and up
    one tier where the process escalates on a dissatisfied customer."""
    complaint = locked(complaint, version)
    require_permission(actor, "reopen_complaint")
    require_not_involved(actor, complaint)
    require_status(complaint, {Status.RESOLVED, Status.CLOSED})
    reopen(complaint, actor=actor, reason=required_text(reason, "reason"))
    return complaint


def reopen(complaint: Complaint, *, actor, reason: str, to: str = Status.INVESTIGATING) -> None:
    """Reopen a locked, resolved or closed complaint at step `to`; pending callbacks are called off."""
    before = complaint.status
    complaint.status = to
    complaint.reopen_count += 1
    complaint.resolved_at = None
    complaint.working_minutes_to_resolve = None
    complaint.closed_at = None
    followups_cancel(complaint)
    record(complaint, actor=actor, kind=EventKind.REOPENED, from_status=before, text=reason)
    if EscalationCause.CUSTOMER_DISSATISFIED in complaint.process.spec.escalate_on:
        escalate(complaint, cause=EscalationCause.CUSTOMER_DISSATISFIED, actor=actor, reason=reason)


@transaction.atomic
def complaint_set_involved(*, complaint: Complaint, actor, version: int, staff: list):
    """当事人: name the staff the complaint is about; they may no longer handle, approve or judge it."""
    complaint, before = handler_step(complaint, actor, version, OPEN_STATUSES)
    require_may_be_involved(staff, complaint, actor, field="staff")
    complaint.involved_staff.set(staff)
    record(
        complaint,
        actor=actor,
        kind=EventKind.INVOLVED_CHANGED,
        from_status=before,
        data={"staff": sorted(person.username for person in staff)},
    )
    return complaint


class Mark(models.TextChoices):
    RED = "red", _("Red-marked for the year-end review")
    REVIEW = "review", _("Picked for the case-sharing meeting")


MARK_FIELDS = {Mark.RED: ("red_marked", "red_marked_at"), Mark.REVIEW: ("picked_for_review", "picked_at")}


def mark_set(complaint: Complaint, mark: str, *, on: bool) -> None:
    """Marked since when (kept while it stays marked), or not marked."""
    flag, since = MARK_FIELDS[mark]
    if on and not getattr(complaint, flag):
        setattr(complaint, since, timezone.now())
    elif not on:
        setattr(complaint, since, None)
    setattr(complaint, flag, on)


@transaction.atomic
def complaint_mark(*, complaint: Complaint, actor, version: int, mark: str, on: bool, reason: str = ""):
    """A supervisor red-marks a case for the year-end review or picks it for the case-sharing meeting."""
    complaint = locked(complaint, version)
    require_permission(actor, "manage_complaint")
    require_not_involved(actor, complaint)
    mark_set(complaint, mark, on=on)
    record(
        complaint,
        actor=actor,
        kind=EventKind.MARKED,
        from_status=complaint.status,
        text=reason,
        data={"mark": mark, "on": on},
    )
    return complaint


# Notes and contacts only append to the timeline: they change nothing a concurrent writer
# could lose, so they take no version. (The first contact may stop a clock: "contact within 2 h".)


def complaint_add_note(*, complaint: Complaint, actor, text: str) -> Event:
    """An internal note; anyone who may see the complaint may write one (those involved too: their account)."""
    return Event.objects.create(complaint=complaint, kind=EventKind.NOTE, actor=actor, text=required_text(text, "text"))


def complaint_log_contact(
    *, complaint: Complaint, actor, channel: str, direction: str, purpose: str, summary: str, at: dt.datetime
) -> Event:
    """Every contact with the customer is logged: how, which way, why, what was said."""
    require_permission(actor, "log_contact")
    require_not_involved(actor, complaint)
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise FieldError("at", _("May not be in the future."))
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().select_related("process").get(pk=complaint.pk)
        first = not complaint.events.filter(kind=EventKind.CONTACT).exists()
        event = Event.objects.create(
            complaint=complaint,
            kind=EventKind.CONTACT,
            actor=actor,
            text=required_text(summary, "summary"),
            data={"channel": channel, "direction": direction, "purpose": purpose, "contacted_at": at.isoformat()},
        )
        if first:
            clocks_trigger(complaint, Trigger.FIRST_CONTACT, at)
    return event


@transaction.atomic
def complaint_set_priority(*, complaint: Complaint, actor, version: int, priority: str, reason: str):
    """Change the priority by hand; clocks whose limit depends on it follow."""
    complaint, before = handler_step(complaint, actor, version, OPEN_STATUSES)
    previous, complaint.priority = complaint.priority, priority
    record(
        complaint,
        actor=actor,
        kind=EventKind.PRIORITY_CHANGED,
        from_status=before,
        text=required_text(reason, "reason"),
        data={"from": previous, "to": priority},
    )
    return complaint


@transaction.atomic
def complaint_wait_for_customer(*, complaint: Complaint, actor, version: int, reason: str):
    """The case waits for the customer (documents, a visit, a reply); clocks the process says pause, pause."""
    complaint, before = handler_step(
        complaint, actor, version, {Status.ASSIGNED, Status.INVESTIGATING, Status.RESOLVING}
    )
    if complaint.waiting_for_customer:
        raise DomainError(_("The case is already waiting for the customer."), code="already_waiting")
    complaint.waiting_for_customer = True
    record(
        complaint,
        actor=actor,
        kind=EventKind.WAITING_FOR_CUSTOMER,
        from_status=before,
        text=required_text(reason, "reason"),
    )
    return complaint


@transaction.atomic
def complaint_customer_replied(*, complaint: Complaint, actor, version: int, note: str = ""):
    """The customer answered: paused clocks run again, their due times moved by the time paused."""
    complaint, before = handler_step(complaint, actor, version, OPEN_STATUSES)
    if not complaint.waiting_for_customer:
        raise DomainError(_("The case is not waiting for the customer."), code="not_waiting")
    complaint.waiting_for_customer = False
    record(complaint, actor=actor, kind=EventKind.CUSTOMER_REPLIED, from_status=before, text=note)
    return complaint
