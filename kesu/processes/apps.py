from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from kesu.lib.configuration import configuration_changed


class ProcessesConfig(AppConfig):
    name = "kesu.processes"
    verbose_name = _("Processes")

    def ready(self):
        from kesu.processes import checks  # noqa: F401 — registers the calendar's system check
        from kesu.processes.models import CalendarOverride, Process

        for model in (Process, CalendarOverride):
            post_save.connect(configuration_changed, sender=model, dispatch_uid=f"configuration:{model.__name__}")
            post_delete.connect(configuration_changed, sender=model, dispatch_uid=f"configuration:{model.__name__}")
