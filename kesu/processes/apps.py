from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessesConfig(AppConfig):
    name = "kesu.processes"
    verbose_name = _("Processes")

    def ready(self):
        from kesu.processes import checks  # noqa: F401 — registers the calendar's system check
