from django.db.models import Q, QuerySet

from kesu.complaints.selectors import complaints_visible_to
from kesu.tasks.models import Task, TaskStatus


def tasks_for_user(user) -> QuerySet[Task]:
    """Open tasks this person should do: theirs, as backup, or their department's unowned ones; soonest first."""
    mine = Q()
    for part in _my_task_parts(user):
        mine |= part
    return _open_tasks().filter(mine)


def tasks_for_user_first(user, size: int) -> list[Task]:
    """The first `size` of `tasks_for_user`, each part read in due order from its own index
    (`task_owner_queue`, `task_department_queue`): their OR cannot be read in due order from one, and
    at a million complaints a department's thousands of open tasks were sorted to show ten (20 ms)."""
    found = {task.pk: task for part in _my_task_parts(user) for task in _open_tasks().filter(part)[:size]}
    return sorted(found.values(), key=lambda task: (task.due_at, task.pk))[:size]


def _my_task_parts(user) -> list[Q]:
    parts = [Q(owner=user), Q(backup=user)]
    if user.department_id:
        parts.append(Q(owner=None, department_id=user.department_id))
    return parts


def _open_tasks() -> QuerySet[Task]:
    return (
        Task.objects.filter(status=TaskStatus.OPEN)
        .select_related("complaint", "department", "owner", "backup")
        .order_by("due_at", "id")
    )


def task_for_user(task_id: int, user) -> Task | None:
    """A task the user may see: one of the complaints they may see, or one handed to them or their department."""
    visible = Q(complaint__in=complaints_visible_to(user).values("pk")) | Q(owner=user) | Q(backup=user)
    if user.department_id:
        visible |= Q(department_id=user.department_id)
    return Task.objects.filter(visible, pk=task_id).select_related("complaint__process", "department").first()


def complaint_tasks(complaint) -> QuerySet[Task]:
    return complaint.tasks.select_related("department", "owner", "backup").order_by("created_at", "id")
