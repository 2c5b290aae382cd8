from django.db.models import Q, QuerySet

from kesu.complaints.selectors import complaints_visible_to
from kesu.tasks.models import Task, TaskStatus


def tasks_for_user(user) -> QuerySet[Task]:
    """Open tasks this person should do: theirs, as backup, or their department's unowned ones; soonest first."""
    mine = Q(owner=user) | Q(backup=user)
    if user.department_id:
        mine |= Q(owner=None, department_id=user.department_id)
    return (
        Task.objects.filter(mine, status=TaskStatus.OPEN)
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
