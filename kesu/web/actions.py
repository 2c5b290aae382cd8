"""Which steps a member of staff may take on a complaint now: one place, mirroring
`kesu.complaints.rules` and the status checks of the services, so the page shows only the
buttons that would work. The services still decide; this only keeps the page honest."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kesu.accountability.models import AccountabilityStatus
from kesu.accounts.selectors import role_names
from kesu.cases.models import ArticleStatus
from kesu.complaints.models import ApprovalStatus, Complaint, PlanStatus, Status
from kesu.complaints.services.common import OPEN_STATUSES
from kesu.complaints.services.handover import HANDABLE
from kesu.complaints.services.plans import may_decide_step
from kesu.complaints.services.promises import may_promise_date
from kesu.followups.scheduling import follow_ups_done
from kesu.improvements.models import ImprovementStatus
from kesu.notifications.outbox import may_retry
from kesu.processes.document import EscalationCause, FindingNeed
from kesu.reports.recipients import report_is_addressed_to
from kesu.tasks.models import TaskStatus

HANDLER_WORKING = frozenset({Status.ASSIGNED, Status.INVESTIGATING, Status.RESOLVING})
TASK_STATUSES = frozenset(
    {Status.ASSIGNED, Status.INVESTIGATING, Status.AWAITING_APPROVAL, Status.RESOLVING, Status.PENDING}
)


@dataclass(frozen=True)
class Action:
    key: str
    label: Promise
    style: str = "outline-primary"
    panel: bool = False  # offered in its panel of the page, not in the row of steps at the top


ACTIONS = {
    action.key: action
    for action in [
        Action("assign", _("Assign"), "primary"),
        Action("start_investigation", _("Start investigation"), "primary"),
        Action("finding", _("Record finding"), "primary"),
        Action("plan", _("Propose plan"), "primary"),
        Action("approve_plan", _("Approve plan"), "success"),
        Action("request_changes", _("Ask for changes"), "outline-warning"),
        Action("reject_plan", _("Reject plan"), "outline-danger"),
        Action("customer_response", _("The customer's answer to the plan"), "primary"),
        Action("resolve", _("Resolve"), "success"),
        Action("follow_up", _("Record follow-up"), "primary"),
        Action("close", _("Close"), "success"),
        Action("reopen", _("Reopen"), "outline-danger"),
        Action("promise", _("Promise a date / notify a delay"), "outline-primary"),
        Action("pending", _("Put on pending"), "outline-secondary"),
        Action("resume", _("Resume"), "primary"),
        Action("wait_for_customer", _("Wait for the customer"), "outline-secondary"),
        Action("customer_replied", _("The customer replied"), "primary"),
        Action("escalate", _("Escalate"), "outline-warning"),
        Action("hand_over", _("Hand to another process"), "outline-secondary"),
        Action("accept_escalation", _("Accept escalation"), "warning"),
        Action("priority", _("Change priority"), "outline-secondary"),
        Action("involved", _("Staff involved"), "outline-secondary"),
        Action("contact", _("Log contact"), "outline-primary"),
        Action("task", _("Hand a task to a department"), "outline-primary"),
        Action("mark", _("Marks for review"), "outline-secondary"),
        Action("accountability", _("Record accountability"), "outline-primary", panel=True),
        Action("approve_accountability", _("Approve accountability"), "success", panel=True),
        Action("reject_accountability", _("Reject accountability"), "outline-danger", panel=True),
        Action("link_improvement", _("Link to a corrective action"), "outline-primary", panel=True),
        Action("create_improvement", _("New corrective action"), "outline-primary", panel=True),
        Action("write_case", _("Write a case article"), "outline-primary", panel=True),
    ]
}


@dataclass(frozen=True)
class Viewer:
    """What the rules look at about the person viewing the complaint, read once."""

    user: object
    involved: bool

    def can(self, permission: str) -> bool:
        return self.user.has_perm(f"complaints.{permission}")

    def has(self, permission: str) -> bool:
        """A permission of another app: `improvements.create_improvement`."""
        return self.user.has_perm(permission)

    def is_handler_of(self, complaint: Complaint) -> bool:
        if self.can("manage_complaint"):
            return True
        return self.can("handle_complaint") and complaint.assignee_id == self.user.pk


def viewer_of(user, complaint: Complaint) -> Viewer:
    return Viewer(user=user, involved=complaint.involved_staff.filter(pk=user.pk).exists())


def allowed_actions(user, complaint: Complaint, viewer: Viewer | None = None) -> list[Action]:
    """The steps `user` may take on `complaint` in its current status, in the order of its life."""
    viewer = viewer or viewer_of(user, complaint)
    if viewer.involved:
        return []  # 当事人: never handle, approve or judge it
    allowed = _handler_steps(viewer, complaint) | _other_steps(viewer, complaint)
    return [action for key, action in ACTIONS.items() if key in allowed]


# The step that moves a complaint on, first found wins: what waits on this person (an escalation to
# accept, a plan to decide, the customer's reply, a case on hold), then the steps of its life in order.
NEXT_STEPS = (
    "accept_escalation",
    "approve_plan",
    "customer_replied",
    "resume",
    "assign",
    "start_investigation",
    "finding",
    "plan",
    "customer_response",
    "resolve",
    "follow_up",
    "close",
)


def primary_action(complaint: Complaint, actions: list[Action]) -> Action | None:
    """The next step of `complaint` among the allowed `actions` (from `allowed_actions`): the page's
    one primary button. A step already taken is not next (assigning again, recording the finding
    again), nor is a plan the finding does not ask for; None when no step moves the case on."""
    allowed = {action.key: action for action in actions if not action.panel}
    for key in NEXT_STEPS:
        if key in allowed and not _already_taken(key, complaint):
            return allowed[key]
    return None


def _already_taken(key: str, complaint: Complaint) -> bool:
    if key == "assign":
        return complaint.assignee_id is not None
    if key == "finding":
        return bool(complaint.finding)
    if key == "plan":
        finding = complaint.process.spec.findings.get(complaint.finding)
        return finding is None or FindingNeed.PLAN not in finding.needs
    return False


def _handler_steps(viewer: Viewer, complaint: Complaint) -> set[str]:
    if not viewer.is_handler_of(complaint):
        return set()
    status = complaint.status
    steps = set()
    if status == Status.ASSIGNED:
        steps.add("start_investigation")
    if status == Status.INVESTIGATING:
        steps.add("finding")
        if complaint.finding:
            steps.add("plan")
    if status in (Status.INVESTIGATING, Status.RESOLVING) and complaint.finding:
        steps.add("resolve")
    if status == Status.RESOLVING and _awaits_customer_answer(complaint):
        steps.add("customer_response")
    if may_promise_date(complaint):
        steps.add("promise")
    if status in HANDLER_WORKING:
        steps.add("pending")
        if not complaint.waiting_for_customer:
            steps.add("wait_for_customer")
    if status == Status.PENDING:
        steps.add("resume")
    if status in HANDABLE:
        steps.add("hand_over")
    if status in TASK_STATUSES:
        steps.add("task")
    steps.add("accountability")  # kesu.accountability.services: the handler or a supervisor, in any status
    if status in OPEN_STATUSES:
        steps |= {"priority", "involved"}
        if complaint.waiting_for_customer:
            steps.add("customer_replied")
        if EscalationCause.HANDLER_REQUEST in complaint.process.spec.escalate_on:
            steps.add("escalate")
    return steps


def _other_steps(viewer: Viewer, complaint: Complaint) -> set[str]:
    status = complaint.status
    steps = set()
    if viewer.can("assign_complaint") and status in OPEN_STATUSES:
        steps.add("assign")
    if viewer.can("approve_plan") and status == Status.AWAITING_APPROVAL and _may_decide_plan(viewer, complaint):
        steps |= {"approve_plan", "request_changes", "reject_plan"}
    if viewer.can("close_complaint") and status == Status.RESOLVED:
        if not follow_ups_done(complaint):
            steps.add("follow_up")
        elif complaint.finding:
            steps.add("close")
    if viewer.can("reopen_complaint") and status in (Status.RESOLVED, Status.CLOSED):
        steps.add("reopen")
    if viewer.can("log_contact"):
        steps.add("contact")
    if _may_accept_escalation(viewer, complaint):
        steps.add("accept_escalation")
    if viewer.can("manage_complaint"):
        steps.add("mark")
    if viewer.has("improvements.create_improvement"):
        steps |= {"link_improvement", "create_improvement"}
    if viewer.has("cases.write_case_article") and status == Status.CLOSED:
        steps.add("write_case")
    return steps


def _may_decide_plan(viewer: Viewer, complaint: Complaint) -> bool:
    """Mirrors the approval chain: the pending step's role (or a leader above it) or post, never one's own
    plan, and never two steps of one plan."""
    plan = complaint.plans.filter(status=PlanStatus.PROPOSED).first()
    if plan is None or plan.proposed_by_id == viewer.user.pk:
        return False
    step = plan.approvals.filter(status=ApprovalStatus.PENDING).first()
    if step is None or not may_decide_step(viewer.user, complaint, step):
        return False
    return not plan.approvals.filter(decided_by=viewer.user).exists()


def _awaits_customer_answer(complaint: Complaint) -> bool:
    if not complaint.process.spec.customer_confirms_plan:
        return False
    return complaint.plans.filter(status=PlanStatus.APPROVED, customer_response="").exists()


def _may_accept_escalation(viewer: Viewer, complaint: Complaint) -> bool:
    if complaint.tier < 2 or complaint.escalation_accepted_at is not None:
        return False
    if complaint.escalated_to_id == viewer.user.pk:
        return True
    tier = complaint.process.spec.tier(complaint.tier)
    return tier is not None and bool(role_names(viewer.user) & set(tier.roles))


# ---- 协办任务 -----------------------------------------------------------------------------------


def may_complete_task(user, task, *, involved: bool) -> bool:
    """Mirrors kesu.tasks.services: the owner, the backup, the department when unowned, or a supervisor."""
    if task.status != TaskStatus.OPEN or involved:
        return False
    if user.pk in (task.owner_id, task.backup_id):
        return True
    if task.owner_id is None and user.department_id == task.department_id:
        return True
    return user.has_perm("complaints.manage_complaint")


def may_cancel_task(user, task, complaint: Complaint) -> bool:
    """The complaint's handler (or a supervisor) calls a task off."""
    return task.status == TaskStatus.OPEN and Viewer(user=user, involved=False).is_handler_of(complaint)


def task_rows(user, complaint: Complaint, tasks, viewer: Viewer | None = None) -> list[dict]:
    viewer = viewer or viewer_of(user, complaint)
    return [
        {
            "task": task,
            "may_complete": may_complete_task(user, task, involved=viewer.involved),
            "may_cancel": not viewer.involved and may_cancel_task(user, task, complaint),
        }
        for task in tasks
    ]


# ---- 责任认定与奖惩 ----------------------------------------------------------------------------


def may_decide_accountability(user, item, *, involved: bool) -> bool:
    """Mirrors kesu.accountability.services.accountability_decide: a proposed item, a role the
    process names for the approval, never one's own or one's proposal, never as 当事人."""
    if item.status != AccountabilityStatus.PROPOSED or involved:
        return False
    if user.pk in (item.person_id, item.proposed_by_id):
        return False
    roles = item.complaint.process.spec.accountability.approval
    if not roles or not user.has_perm("accountability.decide_accountability"):
        return False
    return bool(role_names(user) & set(roles))


def accountability_rows(user, complaint: Complaint, items, viewer: Viewer | None = None) -> list[dict]:
    viewer = viewer or viewer_of(user, complaint)
    return [
        {"item": item, "may_decide": may_decide_accountability(user, item, involved=viewer.involved)} for item in items
    ]


def may_see_survey_link(user, *, involved: bool) -> bool:
    """Those who talk to the customer hand out the survey link (it lets anyone holding it answer)."""
    return not involved and user.has_perm("complaints.log_contact")


# ---- 纠正预防措施 -------------------------------------------------------------------------------


def improvement_actions(user, improvement) -> set[str]:
    """Mirrors kesu.improvements.rules: the owner marks an open action done; quality (never the
    owner) verifies a done one or sends it back."""
    steps = set()
    if improvement.status == ImprovementStatus.OPEN and improvement.owner_id == user.pk:
        steps.add("done")
    if (
        improvement.status == ImprovementStatus.DONE
        and user.has_perm("improvements.verify_improvement")
        and improvement.owner_id != user.pk
    ):
        steps |= {"verify", "send_back"}
    return steps


def may_see_improvements(user) -> bool:
    """The corrective-actions page: quality and leaders, and anyone who owns an action."""
    if user.has_perm("improvements.view_all_improvements") or user.has_perm("improvements.verify_improvement"):
        return True
    return user.improvements.exists()


# ---- 典型案例 ---------------------------------------------------------------------------------


def article_actions(user, article) -> set[str]:
    """Mirrors kesu.cases.rules: a draft is published by a publisher and edited by its author or a publisher."""
    if article.status != ArticleStatus.DRAFT:
        return set()
    steps = set()
    if user.has_perm("cases.publish_case_article"):
        steps |= {"publish", "edit"}
    if article.author_id == user.pk:
        steps.add("edit")
    return steps


# ---- reports ----------------------------------------------------------------------------------


def may_see_reports(user) -> bool:
    """The counts and the monthly report: leaders (supervisors and above)."""
    return user.has_perm("complaints.manage_complaint")


def may_see_review_picks(user) -> bool:
    """The cases picked for the noon review: whoever sees every complaint (agents learn from them)."""
    return user.has_perm("complaints.view_all_complaints")


def may_see_red_marks(user) -> bool:
    """The year's red-marked forms are for the year-end assessment: leaders."""
    return may_see_reports(user)


def may_download_ledger(user) -> bool:
    return user.has_perm("accountability.view_ledger")


# ---- the outbox -------------------------------------------------------------------------------


def may_see_outbox(user) -> bool:
    """The outbox is for those who may send a message again: managers, directors, GMs, the admin."""
    return may_retry(user)


def may_read_report(user, snapshot) -> bool:
    """Leaders read every report; anyone else the reports addressed to their role, their department
    or a post they hold (the finance department: penalties and rewards)."""
    return may_see_reports(user) or report_is_addressed_to(user, snapshot.data)
