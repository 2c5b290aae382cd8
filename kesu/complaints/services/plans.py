"""处理方案: a plan of remedies, its approval chain (审批), and the customer's answer to it.

The process names who approves which plans (`approvals`); a plan no rule asks to approve is
carried out at once. Each step of a chain is decided in order, by someone with the step's role
who is not involved, did not propose the plan and decided no earlier step. When the last step
approves (or, where the customer must confirm the plan, when the customer accepts it), the
remedies the process lists under `remedy_tasks` become departments' tasks.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import User
from kesu.complaints.models import (
    ApprovalStatus,
    Complaint,
    CustomerResponse,
    EventKind,
    Plan,
    PlanApproval,
    PlanStatus,
    Status,
)
from kesu.complaints.remedies import RemedyKind, clean_remedies
from kesu.complaints.rules import require_not_involved, require_permission
from kesu.complaints.selectors import deciding_roles
from kesu.complaints.services.common import handler_step, locked, record, require_finding, require_status, required_text
from kesu.complaints.services.escalation import escalate
from kesu.lib.errors import DomainError, NotAllowed
from kesu.notifications.models import NotificationKind
from kesu.notifications.services import notify
from kesu.processes.document import EscalationCause
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
            role=role,
            status=ApprovalStatus.PENDING if index == 0 else ApprovalStatus.WAITING,
        )
        for index, role in enumerate(chain)
    )
    complaint.status = Status.AWAITING_APPROVAL if chain else Status.RESOLVING
    record(
        complaint,
        actor=actor,
        kind=EventKind.PLAN_PROPOSED,
        from_status=before,
        text=plan.summary,
        data={"plan": plan.pk, "remedies": plan.remedies, "chain": list(chain)},
    )
    if chain:
        _ask(complaint, chain[0])
    else:
        _approved(complaint, plan, actor, before=Status.RESOLVING, note="", automatic=True)
    return complaint


def _ask(complaint: Complaint, role: str) -> None:
    people = User.objects.filter(groups__name=role, is_active=True, is_away=False)
    if complaint.department_id and people.filter(department_id=complaint.department_id).exists():
        people = people.filter(department_id=complaint.department_id)
    notify(
        users=people.exclude(pk__in=complaint.involved_staff.values("pk"))[:50],
        kind=NotificationKind.APPROVAL_NEEDED,
        complaint=complaint,
        number=complaint.number,
    )


def _current_step(complaint: Complaint, actor, version: int) -> tuple[Complaint, Plan, PlanApproval]:
    complaint = locked(complaint, version)
    require_permission(actor, "approve_plan")
    require_not_involved(actor, complaint)
    require_status(complaint, {Status.AWAITING_APPROVAL})
    plan = complaint.plans.select_for_update().get(status=PlanStatus.PROPOSED)
    step = plan.approvals.select_for_update().get(status=ApprovalStatus.PENDING)
    if not may_decide_as(actor, step.role):
        raise NotAllowed(_("This step of the approval is for another role."))
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


def _decide_step(step: PlanApproval, actor, status: ApprovalStatus, note: str) -> None:
    step.status, step.decided_by, step.decided_at, step.note = status, actor, timezone.now(), note
    step.save()


def _close_plan(plan: Plan, actor, status: PlanStatus, note: str) -> None:
    plan.status, plan.decided_by, plan.decided_at, plan.decision_note = status, actor, timezone.now(), note
    plan.save()
    plan.approvals.filter(status=ApprovalStatus.WAITING).update(status=ApprovalStatus.CANCELLED)


@transaction.atomic
def complaint_approve_plan(*, complaint: Complaint, actor, version: int, note: str = ""):
    """One step of the chain approves; the next role is asked, or the plan is carried out."""
    complaint, plan, step = _current_step(complaint, actor, version)
    _decide_step(step, actor, ApprovalStatus.APPROVED, note)
    following = plan.approvals.filter(status=ApprovalStatus.WAITING).order_by("step").first()
    if following is None:
        _approved(complaint, plan, actor, before=Status.AWAITING_APPROVAL, note=note)
        return complaint
    following.status = ApprovalStatus.PENDING
    following.save()
    record(
        complaint,
        actor=actor,
        kind=EventKind.PLAN_STEP_APPROVED,
        from_status=complaint.status,
        text=note,
        data={"plan": plan.pk, "step": step.step, "role": step.role, "next": following.role},
    )
    _ask(complaint, following.role)
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
    _decide_step(step, actor, step_status, reason)
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
