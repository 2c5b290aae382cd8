from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementsConfig(AppConfig):
    """纠正预防措施 (CAPA): root cause, action, owner, due date, verification."""

    name = "kesu.improvements"
    verbose_name = _("Corrective and preventive actions")
