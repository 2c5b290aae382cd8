from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kesu.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from kesu.reports import files  # noqa: F401  (reports travel as e-mail attachments)
