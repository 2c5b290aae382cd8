from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    """分诊: suggestions learned from the company's own closed complaints, duplicates and similar cases."""

    name = "kesu.triage"
    verbose_name = _("Triage")
