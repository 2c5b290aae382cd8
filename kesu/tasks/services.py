"""协办: hand work to a department with a deadline, carry it out, record the result."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department, User
from kesu.accounts.names import department_first_name
from kesu.complaints.models import Complaint, Event, EventKind, Status
from kesu.complaints.rules import require_handler, require_not_involved
from kesu.lib.errors import DomainError, FieldError, InvalidTransition, NotAllowed
from kesu.notifications.models import NotificationKind
from kesu.notifications.services import notify
from kesu.processes.calendar import Duration
from kesu.tasks.models import Task, TaskKind, TaskStatus

TASK_STATUSES = {Status.ASSIGNED, Status.INVESTIGATING, Status.AWAITING_APPROVAL, Status.RESOLVING, Status.PENDING}


def task_due(complaint: Complaint, within: str, start: dt.datetime) -> dt.datetime:
    """`within` ("3 working days") counted in the complaint's process calendar from `start`."""
    try:
        duration = Duration.parse(within)
    except ValueError:
        raise FieldError("within", _("Say the deadline like “3 working days” or “24 hours”.")) from None
    return duration.due(complaint.process.calendar, start)


def task_open(
    *,
    complaint: Complaint,
    actor,
    kind: str,
    title: str,
    department: Department,
    due_at: dt.datetime,
    owner: User | None = None,
    backup: User | None = None,
    required: bool = True,
) -> Task:
    """Create a task inside an already locked complaint's transaction; the event and notice go with it."""
    task = Task.objects.create(
        complaint=complaint,
        kind=kind,
        title=title,
        department=department,
        owner=owner,
        backup=backup,
        required=required,
        due_at=due_at,
        created_by=actor,
    )
    Event.objects.create(
        complaint=complaint,
        kind=EventKind.TASK_CREATED,
        actor=actor,
        text=title,
        data={
            "task": task.pk,
            "department": department.code,
            "owner": owner.username if owner else None,
            "due_at": due_at.isoformat(),
            "required": required,
        },
    )
    notify(
        users=_task_people(task),
        kind=NotificationKind.TASK_FOR_YOU,
        complaint=complaint,
        number=complaint.number,
        task=title,
        task_id=task.pk,
    )
    return task


def rule_department(code: str) -> Department:
    """The department a process's rule names (made when the company has not set it up yet)."""
    return Department.objects.get_or_create(code=code, defaults={"name": department_first_name(code)})[0]


def tasks_for_finding(complaint: Complaint, actor) -> list[Task]:
    """The tasks the complaint's finding hands to departments by rule, each opened once however often
    the finding is recorded (a cancelled one may open again)."""
    return _tasks_by_rules(complaint, actor, complaint.process.spec.findings[complaint.finding].tasks)


def tasks_for_category(complaint: Complaint, actor) -> list[Task]:
    """The tasks a complaint of its category opens as soon as it is taken in (food safety: the
    product trace-back)."""
    return _tasks_by_rules(complaint, actor, complaint.process.spec.category(complaint.category).tasks)


def _tasks_by_rules(complaint: Complaint, actor, rules) -> list[Task]:
    now, opened = timezone.now(), []
    for rule in rules:
        department = rule_department(rule.department)
        if complaint.tasks.filter(kind=rule.kind, department=department).exclude(status=TaskStatus.CANCELLED).exists():
            continue
        task = task_open(
            complaint=complaint,
            actor=actor,
            kind=rule.kind,
            title=str(rule.label) if rule.label else str(TaskKind(rule.kind).label),
            department=department,
            due_at=task_due(complaint, rule.within, now),
            required=rule.required,
        )
        opened.append(task)
    return opened


def _task_people(task: Task) -> list[User]:
    if task.owner or task.backup:
        return [person for person in (task.owner, task.backup) if person]
    return list(User.objects.filter(department=task.department, is_active=True)[:50])


def task_owners(department: Department | None) -> QuerySet[User]:
    """Who may own (or back up) a task of `department`: its active members; with no department yet,
    the active members of any department."""
    people = User.objects.filter(is_active=True)
    return people.filter(department=department) if department else people.filter(department__isnull=False)


@transaction.atomic
def complaint_create_task(
    *,
    complaint: Complaint,
    actor,
    kind: str,
    title: str,
    department: Department,
    within: str,
    owner: User | None = None,
    backup: User | None = None,
    required: bool = True,
) -> Task:
    """The handler hands part of the work to a department (check records, analyse the part…)."""
    complaint = Complaint.objects.select_for_update().select_related("process").get(pk=complaint.pk)
    require_handler(actor, complaint)
    require_not_involved(actor, complaint)
    if complaint.status not in TASK_STATUSES:
        raise InvalidTransition(_("Tasks can be handed out only while the complaint is being handled."), field="status")
    for person, field in ((owner, "owner"), (backup, "backup")):
        if person is not None and not task_owners(department).filter(pk=person.pk).exists():
            raise FieldError(field, _("The owner must belong to the task's department."))
    return task_open(
        complaint=complaint,
        actor=actor,
        kind=kind,
        title=title,
        department=department,
        due_at=task_due(complaint, within, timezone.now()),
        owner=owner,
        backup=backup,
        required=required,
    )


def _locked_open_task(task: Task) -> Task:
    task = Task.objects.select_for_update().select_related("complaint", "department").get(pk=task.pk)
    if task.status != TaskStatus.OPEN:
        raise InvalidTransition(_("The task is already finished."), field="status")
    return task


def _require_task_worker(user, task: Task) -> None:
    """The owner, the backup, anyone of the department when it has no owner, or the complaint's handler side."""
    if user.pk in (task.owner_id, task.backup_id):
        return
    if task.owner_id is None and user.department_id == task.department_id:
        return
    if user.has_perm("complaints.manage_complaint"):
        return
    raise NotAllowed(_("Only the task's owner, its backup or its department may do this."))


@transaction.atomic
def task_complete(*, task: Task, actor, result: str, amount: Decimal | None = None) -> Task:
    """The department reports what it did or found, and the money it came to where there was some
    (the supplier's claim settled, the refund paid); the handler sees it on the timeline."""
    Complaint.objects.select_for_update().filter(pk=task.complaint_id).get()
    task = _locked_open_task(task)
    _require_task_worker(actor, task)
    require_not_involved(actor, task.complaint)
    if not result or not result.strip():
        raise FieldError("result", _("This field is required."))
    if amount is not None and amount < 0:
        raise FieldError("amount", _("The amount cannot be negative."))
    task.status, task.result, task.done_by, task.done_at = TaskStatus.DONE, result.strip(), actor, timezone.now()
    task.amount = amount
    task.save()
    Event.objects.create(
        complaint=task.complaint,
        kind=EventKind.TASK_DONE,
        actor=actor,
        text=task.result,
        data={"task": task.pk, "title": task.title, "amount": str(amount) if amount is not None else None},
    )
    notify(
        users=[task.complaint.assignee],
        kind=NotificationKind.TASK_DONE,
        complaint=task.complaint,
        number=task.complaint.number,
        task=task.title,
        task_id=task.pk,
    )
    return task


@transaction.atomic
def task_cancel(*, task: Task, actor, reason: str) -> Task:
    """The handler calls a task off (no longer needed); it then no longer holds up the resolution."""
    complaint = Complaint.objects.select_for_update().get(pk=task.complaint_id)
    task = _locked_open_task(task)
    require_handler(actor, complaint)
    if not reason or not reason.strip():
        raise FieldError("reason", _("This field is required."))
    task.status, task.result, task.done_by, task.done_at = TaskStatus.CANCELLED, reason.strip(), actor, timezone.now()
    task.save()
    Event.objects.create(
        complaint=complaint,
        kind=EventKind.TASK_CANCELLED,
        actor=actor,
        text=task.result,
        data={"task": task.pk, "title": task.title},
    )
    return task


def require_no_open_required_tasks(complaint: Complaint) -> None:
    if complaint.tasks.filter(required=True, status=TaskStatus.OPEN).exists():
        raise DomainError(_("A required task is still open."), field="tasks", code="tasks_open")


def tasks_overdue_notify(now: dt.datetime) -> int:
    """Tell the owner and the complaint's handler, once, that a task is past its deadline."""
    overdue = Task.objects.filter(status=TaskStatus.OPEN, breached_at=None, due_at__lte=now)
    told = 0
    for task in overdue.select_related("complaint", "owner", "backup", "complaint__assignee")[:1000]:
        if Task.objects.filter(pk=task.pk, breached_at=None).update(breached_at=now):
            notify(
                users=[*_task_people(task), task.complaint.assignee],
                kind=NotificationKind.TASK_OVERDUE,
                complaint=task.complaint,
                number=task.complaint.number,
                task=task.title,
                task_id=task.pk,
            )
            told += 1
    return told
