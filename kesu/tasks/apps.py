from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    """协办任务: sub-tasks handed to departments, with owner, backup and deadline."""

    name = "kesu.tasks"
    verbose_name = _("Tasks")
