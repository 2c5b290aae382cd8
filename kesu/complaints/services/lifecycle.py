"""The steps of a complaint's life after intake (DESIGN.md, "Life of a complaint").

Each step: lock the complaint, refuse a stale version, check status, role and the 当事人 rule,
change it, raise its version and write one event — all in one transaction.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department
from kesu.clocks.services import clocks_trigger
from kesu.complaints.models import Complaint, Event, EventKind, Plan, PlanStatus, Status
from kesu.complaints.remedies import clean_remedies
from kesu.complaints.rules import require_handler, require_may_handle, require_not_involved, require_permission
from kesu.complaints.services.common import OPEN_STATUSES, locked, record, require_status, required_text
from kesu.complaints.services.escalation import escalate
from kesu.lib.errors import DomainError, FieldError
from kesu.notifications.models import NotificationKind
from kesu.notifications.services import notify
from kesu.processes.document import EscalationCause, FindingNeed, Trigger


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


def _handler_step(complaint: Complaint, actor, version: int, allowed) -> tuple[Complaint, str]:
    complaint = locked(complaint, version)
    require_handler(actor, complaint)
    require_not_involved(actor, complaint)
    require_status(complaint, allowed)
    return complaint, complaint.status


@transaction.atomic
def complaint_start_investigation(*, complaint: Complaint, actor, version: int):
    """调查核实: the handler takes the case up."""
    complaint, before = _handler_step(complaint, actor, version, {Status.ASSIGNED})
    complaint.status = Status.INVESTIGATING
    record(complaint, actor=actor, kind=EventKind.INVESTIGATION_STARTED, from_status=before)
    return complaint


@transaction.atomic
def complaint_record_finding(
    *, complaint: Complaint, actor, version: int, finding: str, note: str = "", responsible_department=None
):
    """二次分类 / 责任认定: what the investigation concluded, among the findings of the complaint's category."""
    complaint, before = _handler_step(complaint, actor, version, {Status.INVESTIGATING})
    category = complaint.process.spec.category(complaint.category)
    if finding not in category.findings:
        raise FieldError(
            "finding",
            _("Choose one of the findings of this category: %(keys)s.") % {"keys": ", ".join(category.findings)},
        )
    complaint.finding = finding
    complaint.finding_note = note
    complaint.responsible_department = responsible_department
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
    return complaint


def _require_finding(complaint: Complaint) -> None:
    if not complaint.finding:
        raise DomainError(_("Record the finding first."), field="finding", code="finding_missing")


@transaction.atomic
def complaint_propose_plan(*, complaint: Complaint, actor, version: int, summary: str, remedies: list[dict]):
    """处理方案: propose how to settle the complaint; it waits for approval."""
    complaint, before = _handler_step(complaint, actor, version, {Status.INVESTIGATING})
    _require_finding(complaint)
    plan = Plan.objects.create(
        complaint=complaint,
        summary=required_text(summary, "summary"),
        remedies=clean_remedies(remedies),
        proposed_by=actor,
    )
    complaint.status = Status.AWAITING_APPROVAL
    record(
        complaint,
        actor=actor,
        kind=EventKind.PLAN_PROPOSED,
        from_status=before,
        text=plan.summary,
        data={"plan": plan.pk, "remedies": plan.remedies},
    )
    return complaint


def _plan_decision(complaint: Complaint, actor, version: int) -> tuple[Complaint, Plan]:
    complaint = locked(complaint, version)
    require_permission(actor, "approve_plan")
    require_not_involved(actor, complaint)
    require_status(complaint, {Status.AWAITING_APPROVAL})
    plan = complaint.plans.select_for_update().get(status=PlanStatus.PROPOSED)
    if plan.proposed_by_id == actor.pk:
        raise DomainError(_("Nobody may approve or reject their own plan."), code="own_plan")
    return complaint, plan


def _decide(plan: Plan, actor, status: PlanStatus, note: str) -> None:
    plan.status = status
    plan.decided_by = actor
    plan.decided_at = timezone.now()
    plan.decision_note = note
    plan.save()


@transaction.atomic
def complaint_approve_plan(*, complaint: Complaint, actor, version: int, note: str = ""):
    """审批: the plan is approved and carried out."""
    complaint, plan = _plan_decision(complaint, actor, version)
    _decide(plan, actor, PlanStatus.APPROVED, note)
    complaint.status = Status.RESOLVING
    record(
        complaint,
        actor=actor,
        kind=EventKind.PLAN_APPROVED,
        from_status=Status.AWAITING_APPROVAL,
        text=note,
        data={"plan": plan.pk},
    )
    return complaint


@transaction.atomic
def complaint_reject_plan(*, complaint: Complaint, actor, version: int, reason: str):
    """The plan goes back to the handler, with the reason, for a new one."""
    complaint, plan = _plan_decision(complaint, actor, version)
    reason = required_text(reason, "reason")
    _decide(plan, actor, PlanStatus.REJECTED, reason)
    complaint.status = Status.INVESTIGATING
    record(
        complaint,
        actor=actor,
        kind=EventKind.PLAN_REJECTED,
        from_status=Status.AWAITING_APPROVAL,
        text=reason,
        data={"plan": plan.pk},
    )
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


@transaction.atomic
def complaint_resolve(*, complaint: Complaint, actor, version: int, resolution: str):
    """处理完毕: the case is settled and waits for the follow-up."""
    complaint, before = _handler_step(complaint, actor, version, {Status.INVESTIGATING, Status.RESOLVING})
    _require_finding(complaint)
    _require_finding_needs(complaint)
    complaint.resolution = required_text(resolution, "resolution")
    complaint.status = Status.RESOLVED
    complaint.resolved_at = timezone.now()
    record(complaint, actor=actor, kind=EventKind.RESOLVED, from_status=before, text=complaint.resolution)
    return complaint


@transaction.atomic
def complaint_put_pending(*, complaint: Complaint, actor, version: int, agreed_date: dt.date, reason: str):
    """未了事宜: cannot be settled now; the customer agreed to wait until `agreed_date`."""
    complaint, before = _handler_step(
        complaint, actor, version, {Status.ASSIGNED, Status.INVESTIGATING, Status.RESOLVING}
    )
    if agreed_date <= timezone.localdate():
        raise FieldError("agreed_date", _("The agreed date must be after today."))
    complaint.status_before_pending = before
    complaint.pending_until = agreed_date
    complaint.pending_reason = required_text(reason, "reason")
    complaint.status = Status.PENDING
    record(
        complaint,
        actor=actor,
        kind=EventKind.PUT_PENDING,
        from_status=before,
        text=complaint.pending_reason,
        data={"agreed_date": agreed_date.isoformat()},
    )
    return complaint


@transaction.atomic
def complaint_resume(*, complaint: Complaint, actor, version: int):
    """The pending matter is taken up again where it stopped."""
    complaint, before = _handler_step(complaint, actor, version, {Status.PENDING})
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
    _require_finding(complaint)
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
    before = complaint.status
    require_status(complaint, {Status.RESOLVED, Status.CLOSED})
    reason = required_text(reason, "reason")
    complaint.status = Status.INVESTIGATING
    complaint.reopen_count += 1
    complaint.resolved_at = None
    complaint.closed_at = None
    record(complaint, actor=actor, kind=EventKind.REOPENED, from_status=before, text=reason)
    if EscalationCause.CUSTOMER_DISSATISFIED in complaint.process.spec.escalate_on:
        escalate(complaint, cause=EscalationCause.CUSTOMER_DISSATISFIED, actor=actor, reason=reason)
    return complaint


@transaction.atomic
def complaint_set_involved(*, complaint: Complaint, actor, version: int, staff: list):
    """当事人: name the staff the complaint is about; they may no longer handle, approve or judge it."""
    complaint, before = _handler_step(complaint, actor, version, OPEN_STATUSES)
    if complaint.assignee in staff:
        raise FieldError("staff", _("The handler cannot be involved; assign the complaint to someone else first."))
    if actor in staff:
        raise FieldError("staff", _("Ask another handler or a supervisor to name you as involved."))
    complaint.involved_staff.set(staff)
    record(
        complaint,
        actor=actor,
        kind=EventKind.INVOLVED_CHANGED,
        from_status=before,
        data={"staff": sorted(person.username for person in staff)},
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
    complaint, before = _handler_step(complaint, actor, version, OPEN_STATUSES)
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
    complaint, before = _handler_step(
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
    complaint, before = _handler_step(complaint, actor, version, OPEN_STATUSES)
    if not complaint.waiting_for_customer:
        raise DomainError(_("The case is not waiting for the customer."), code="not_waiting")
    complaint.waiting_for_customer = False
    record(complaint, actor=actor, kind=EventKind.CUSTOMER_REPLIED, from_status=before, text=note)
    return complaint
