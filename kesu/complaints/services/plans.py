"""处理方案: a plan of remedies, its approval chain (审批), and the customer's answer to it.

The process names who approves which plans (`approvals`); a plan no rule asks to approve is
carried out at once. Each step of a chain is decided in order, by someone with the step's role
(or a leader above it) or by the holder of the step's post (its backup while the holder is away),
who is not involved, did not propose the plan and decided no earlier step. A step may have its own
limit, counted from the decision before it (the first step: from the proposal); the sweep warns
before it and, when it is missed, does what the step says (remind, call on the post's backup,
escalate). When the last step approves (or, where the customer must confirm the plan, when the
customer accepts it), the remedies the process lists under `remedy_tasks` become departments' tasks.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Seat, User
from kesu.clocks.models import Clock, ClockState
from kesu.clocks.services import clocks_start_approval_step, clocks_stop_approval_step
from kesu.complaints.models import (
    ApprovalStatus,
    Complaint,
    CustomerResponse,
    Event,
    EventKind,
    Plan,
    PlanApproval,
    PlanStatus,
    Status,
)
from kesu.complaints.remedies import RemedyKind, clean_remedies
from kesu.complaints.rules import require_not_involved, require_permission
from kesu.complaints.selectors import deciding_roles
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
from kesu.lib.errors import DomainError, NotAllowed
from kesu.notifications.models import NotificationKind
from kesu.notifications.services import notify
from kesu.processes.document import ChainStep, EscalationCause, StepBreachAction
from kesu.tasks.services import rule_department, task_due, task_open


@transaction.atomic
def complaint_propose_plan(*, complaint: Complaint, actor, version: int, summary: str, remedies: list[dict]):
    """Propose how to settle the complaint; it waits for the approvals the process asks for, if any."""
    complaint, before = handler_step(complaint, actor, version, {Status.INVESTIGATING})
    require_finding(complaint)
    plan = Plan.objects.create(
        complaint=complaint,
        summary=required_text(summary, "summary"),
        remedies=clean_remedies(remedies),
        proposed_by=actor,
    )
    chain = complaint.process.spec.approval_chain(
        finding=complaint.finding, priority=complaint.priority, category=complaint.category, remedies=plan.remedies
    )
    PlanApproval.objects.bulk_create(
        PlanApproval(
            plan=plan,
            step=index + 1,
            role=step.role or "",
            seat=step.seat or "",
            rule=step.model_dump(mode="json", exclude_none=True),
        )
        for index, step in enumerate(chain)
    )
    complaint.status = Status.AWAITING_APPROVAL if chain else Status.RESOLVING
    event = record(
        complaint,
        actor=actor,
        kind=EventKind.PLAN_PROPOSED,
        from_status=before,
        text=plan.summary,
        data={"plan": plan.pk, "remedies": plan.remedies, "chain": [step.seat or step.role for step in chain]},
    )
    if chain:
        _open(complaint, plan.approvals.get(step=1), at=event.at)
    else:
        _approved(complaint, plan, actor, before=Status.RESOLVING, note="", automatic=True)
    return complaint


def step_rule(approval: PlanApproval) -> ChainStep:
    """The step as the process wrote it (a step saved before steps had limits: its role alone)."""
    return ChainStep.model_validate(approval.rule) if approval.rule else ChainStep(role=approval.role)


def _open(complaint: Complaint, approval: PlanApproval, *, at: dt.datetime) -> None:
    """The step now waits for its decision: its deadline starts, and its people are asked."""
    rule = step_rule(approval)
    if rule.within:
        approval.clock = clocks_start_approval_step(
            complaint, key=rule.clock_key, within=rule.within, warn_at=rule.warn_at, at=at
        )
    approval.status = ApprovalStatus.PENDING
    approval.save()
    notify(
        users=step_people(complaint, approval),
        kind=NotificationKind.APPROVAL_NEEDED,
        complaint=complaint,
        number=complaint.number,
    )


def step_people(complaint: Complaint, approval: PlanApproval) -> list[User]:
    """Who the step waits on: the post's holder (its backup while the holder is away, and the backup
    as well once a missed deadline called on them), else the people present with the step's role,
    those of the complaint's department if it has any. Never staff involved in the complaint."""
    involved = set(complaint.involved_staff.values_list("pk", flat=True))
    if approval.seat:
        return _post_people(complaint, approval, involved)
    people = User.objects.filter(groups__name=approval.role, is_active=True, is_away=False).exclude(pk__in=involved)
    if complaint.department_id and people.filter(department_id=complaint.department_id).exists():
        people = people.filter(department_id=complaint.department_id)
    return list(people.order_by("pk")[:50])


def _post_people(complaint: Complaint, approval: PlanApproval, involved: set[int]) -> list[User]:
    seats = Seat.objects.select_related("primary", "backup").filter(key=approval.seat)
    seat = seats.filter(department_id=complaint.department_id).first() or seats.filter(department=None).first()
    if seat is None:
        return []
    people = [seat.holder(excluding=involved)]
    backup = seat.backup
    if approval.backup_asked_at and backup is not None and backup.is_active and backup.pk not in involved:
        people.append(backup)
    return list({person.pk: person for person in people if person is not None}.values())


def _current_step(complaint: Complaint, actor, version: int) -> tuple[Complaint, Plan, PlanApproval]:
    complaint = locked(complaint, version)
    require_permission(actor, "approve_plan")
    require_not_involved(actor, complaint)
    require_status(complaint, {Status.AWAITING_APPROVAL})
    plan = complaint.plans.select_for_update().get(status=PlanStatus.PROPOSED)
    step = plan.approvals.select_for_update().get(status=ApprovalStatus.PENDING)
    if not may_decide_step(actor, complaint, step):
        raise NotAllowed(_("This step of the approval is for another role or post."))
    if plan.proposed_by_id == actor.pk:
        raise DomainError(_("Nobody may approve or reject their own plan."), code="own_plan")
    if plan.approvals.filter(decided_by=actor).exists():
        raise DomainError(
            _("You decided an earlier step of this plan; another person decides this one."), code="decided_before"
        )
    return complaint, plan, step


def may_decide_as(user, role: str) -> bool:
    """The step's own role, or a leader above it (主管 < 经理 < 客服总监 < 总经理)."""
    return user.is_superuser or role in deciding_roles(user)


def may_decide_step(user, complaint: Complaint, step: PlanApproval) -> bool:
    """A role's step: that role or a leader above it; a post's step: whoever the step waits on."""
    if not step.seat:
        return may_decide_as(user, step.role)
    return user.is_superuser or user in step_people(complaint, step)


def _decide_step(complaint: Complaint, step: PlanApproval, actor, status: ApprovalStatus, note: str) -> None:
    step.status, step.decided_by, step.decided_at, step.note = status, actor, timezone.now(), note
    step.save()
    if step.clock_id:
        clocks_stop_approval_step(complaint, step.clock_id, step.decided_at)


def _close_plan(plan: Plan, actor, status: PlanStatus, note: str) -> None:
    plan.status, plan.decided_by, plan.decided_at, plan.decision_note = status, actor, timezone.now(), note
    plan.save()
    plan.approvals.filter(status=ApprovalStatus.WAITING).update(status=ApprovalStatus.CANCELLED)


@transaction.atomic
def complaint_approve_plan(*, complaint: Complaint, actor, version: int, note: str = ""):
    """One step of the chain approves; the next role is asked, or the plan is carried out."""
    complaint, plan, step = _current_step(complaint, actor, version)
    _decide_step(complaint, step, actor, ApprovalStatus.APPROVED, note)
    following = plan.approvals.filter(status=ApprovalStatus.WAITING).order_by("step").first()
    if following is None:
        _approved(complaint, plan, actor, before=Status.AWAITING_APPROVAL, note=note)
        return complaint
    record(
        complaint,
        actor=actor,
        kind=EventKind.PLAN_STEP_APPROVED,
        from_status=complaint.status,
        text=note,
        data={
            "plan": plan.pk,
            "step": step.step,
            "role": step.role or step.seat,
            "next": following.role or following.seat,
        },
    )
    _open(complaint, following, at=step.decided_at)
    return complaint


def _approved(complaint: Complaint, plan: Plan, actor, *, before: str, note: str, automatic: bool = False) -> None:
    _close_plan(plan, actor, PlanStatus.APPROVED, note)
    complaint.status = Status.RESOLVING
    record(
        complaint,
        actor=actor,
        kind=EventKind.PLAN_APPROVED,
        from_status=before,
        text=note,
        data={"plan": plan.pk, "automatic": automatic},
    )
    if not complaint.process.spec.customer_confirms_plan:
        _remedy_tasks(complaint, plan, actor)


def _remedy_tasks(complaint: Complaint, plan: Plan, actor) -> None:
    """Each remedy the process says a department carries out becomes a task with its deadline."""
    rules = complaint.process.spec.remedy_tasks
    now = timezone.now()
    for remedy in plan.remedies:
        rule = rules.get(remedy["kind"])
        if rule is None:
            continue
        department = rule_department(rule.department)
        title = str(rule.label) if rule.label else str(RemedyKind(remedy["kind"]).label)
        if remedy.get("amount"):
            title = f"{title} ¥{remedy['amount']}"
        task_open(
            complaint=complaint,
            actor=actor,
            kind=remedy["kind"],
            title=title,
            department=department,
            due_at=task_due(complaint, rule.within, now),
        )


@transaction.atomic
def complaint_reject_plan(*, complaint: Complaint, actor, version: int, reason: str):
    """The plan is refused, with the reason; the handler must find another."""
    return _send_back(complaint, actor, version, reason, decision=SendBack.REJECTED)


@transaction.atomic
def complaint_request_plan_changes(*, complaint: Complaint, actor, version: int, reason: str):
    """The approver asks for a revised plan (e.g. a smaller amount); the handler proposes it again."""
    return _send_back(complaint, actor, version, reason, decision=SendBack.CHANGES_REQUESTED)


class SendBack:
    """How an approver sends a plan back: the step's, the plan's and the event's words for it."""

    REJECTED = (ApprovalStatus.REJECTED, PlanStatus.REJECTED, EventKind.PLAN_REJECTED)
    CHANGES_REQUESTED = (
        ApprovalStatus.CHANGES_REQUESTED,
        PlanStatus.CHANGES_REQUESTED,
        EventKind.PLAN_CHANGES_REQUESTED,
    )


def _send_back(complaint: Complaint, actor, version: int, reason: str, *, decision) -> Complaint:
    step_status, plan_status, event_kind = decision
    complaint, plan, step = _current_step(complaint, actor, version)
    reason = required_text(reason, "reason")
    _decide_step(complaint, step, actor, step_status, reason)
    _close_plan(plan, actor, plan_status, reason)
    complaint.status = Status.INVESTIGATING
    record(
        complaint,
        actor=actor,
        kind=event_kind,
        from_status=Status.AWAITING_APPROVAL,
        text=reason,
        data={"plan": plan.pk, "step": step.step},
    )
    return complaint


@transaction.atomic
def complaint_record_customer_response(*, complaint: Complaint, actor, version: int, accepted: bool, note: str):
    """The approved plan was put to the customer, who answered staff (by phone, in the store)."""
    complaint, before = handler_step(complaint, actor, version, {Status.RESOLVING})
    customer_answer(complaint, actor=actor, before=before, accepted=accepted, note=note)
    return complaint


def plan_waiting_for_customer(complaint: Complaint) -> Plan | None:
    """The approved plan whose answer the process asks of the customer and that has none yet."""
    if not complaint.process.spec.customer_confirms_plan or complaint.status != Status.RESOLVING:
        return None
    plan = complaint.plans.filter(status=PlanStatus.APPROVED).first()
    return plan if plan is not None and not plan.customer_response else None


def customer_answer(complaint: Complaint, *, actor, before: str, accepted: bool, note: str) -> None:
    """The customer's yes or no to the plan (on a locked complaint; `actor` None when they answered
    themselves on the portal). Accepted, it is carried out; refused, a new plan is needed — or,
    where the process says so, the next tier takes the case up. Only a process that asks the
    customer's yes takes an answer: elsewhere the plan went ahead when it was approved."""
    plan = plan_waiting_for_customer(complaint)
    if plan is None:
        raise DomainError(_("There is no plan waiting for the customer's answer."), code="nothing_to_answer")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    plan.customer_response = CustomerResponse.ACCEPTED if accepted else CustomerResponse.REFUSED
    plan.customer_response_note = note
    if accepted:
        plan.save()
        record(
            complaint, actor=actor, kind=EventKind.PLAN_ACCEPTED, from_status=before, text=note, data={"plan": plan.pk}
        )
        _remedy_tasks(complaint, plan, actor)
        return
    plan.status = PlanStatus.REFUSED
    plan.save()
    complaint.status = Status.INVESTIGATING
    record(complaint, actor=actor, kind=EventKind.PLAN_REFUSED, from_status=before, text=note, data={"plan": plan.pk})
    if complaint.process.spec.on_plan_refused == "escalate":
        escalate(complaint, cause=EscalationCause.CUSTOMER_DISSATISFIED, actor=actor, reason=note)


def require_customer_acceptance(complaint: Complaint) -> None:
    """Where the process asks the customer to confirm the plan, the approved plan must be accepted."""
    if not complaint.process.spec.customer_confirms_plan:
        return
    plan = complaint.plans.filter(status=PlanStatus.APPROVED).first()
    if plan is not None and plan.customer_response != CustomerResponse.ACCEPTED:
        raise DomainError(_("The customer has not accepted the plan yet."), field="plan", code="plan_not_accepted")


# ---- the deadline of an approval step, as the sweep finds it -----------------------------------


def approval_step_warn(clock_id: int, now: dt.datetime) -> bool:
    """Remind the step's people that its deadline is near; once, however many workers sweep."""
    with transaction.atomic():
        claimed = Clock.objects.filter(pk=clock_id, state=ClockState.RUNNING, warned_at=None).update(warned_at=now)
        if claimed:
            step = _step_of(clock_id)
            _notify_about_step(step, NotificationKind.CLOCK_WARNING, [step.plan.complaint.assignee])
    return bool(claimed)


def approval_step_breach(clock_id: int, now: dt.datetime) -> bool:
    """The step's deadline was missed: the timeline says so and the step's `on_breach` runs — once.

    Like a process clock (`escalation.clock_breach`): the complaint is locked first, then the clock
    is claimed. The lateness is the approver's, so no penalty is proposed for the handler."""
    complaint_id = Clock.objects.values_list("complaint_id", flat=True).get(pk=clock_id)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().select_related("process").get(pk=complaint_id)
        claimed = Clock.objects.filter(pk=clock_id, state=ClockState.RUNNING, breached_at=None).update(breached_at=now)
        if not claimed:
            return False
        step = _step_of(clock_id)
        rule = step_rule(step)
        Event.objects.create(
            complaint=complaint,
            kind=EventKind.CLOCK_BREACHED,
            at=now,
            data={
                "clock": step.clock.key,
                "due_at": step.clock.due_at.isoformat(),
                "limit": step.clock.limit,
                "approval_step": step.step,
                "waiting_on": [person.username for person in step_people(complaint, step)],
            },
        )
        if StepBreachAction.BACKUP in rule.on_breach:
            _call_on_backup(complaint, step, now)
        if StepBreachAction.NOTIFY in rule.on_breach:
            _notify_about_step(step, NotificationKind.CLOCK_BREACHED, [complaint.assignee], complaint)
        escalates = EscalationCause.CLOCK_BREACH in complaint.process.spec.escalate_on
        if StepBreachAction.ESCALATE in rule.on_breach and escalates and complaint.status in OPEN_STATUSES:
            escalate(complaint, cause=EscalationCause.CLOCK_BREACH, clock=step.clock.key)
    return True


def _step_of(clock_id: int) -> PlanApproval:
    return PlanApproval.objects.select_related("clock", "plan__complaint__process").get(clock_id=clock_id)


def _call_on_backup(complaint: Complaint, step: PlanApproval, now: dt.datetime) -> None:
    """The post's backup is asked as well and may decide from now on (不得由于人员休息延误…时效性)."""
    before = {person.pk for person in step_people(complaint, step)}
    step.backup_asked_at = now
    step.save(update_fields=["backup_asked_at"])
    newly_asked = [person for person in step_people(complaint, step) if person.pk not in before]
    notify(users=newly_asked, kind=NotificationKind.APPROVAL_NEEDED, complaint=complaint, number=complaint.number)


def _notify_about_step(step: PlanApproval, kind: NotificationKind, others: list, complaint: Complaint | None = None):
    complaint = complaint or step.plan.complaint
    notify(
        users=[*step_people(complaint, step), *others],
        kind=kind,
        complaint=complaint,
        number=complaint.number,
        clock=step.clock.key,
        clock_label=step_rule(step).deadline_label().model_dump(),
        due=timezone.localtime(step.clock.due_at).strftime("%Y-%m-%d %H:%M"),
    )
