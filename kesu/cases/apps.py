from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """典型案例: lessons written from closed complaints, searchable."""

    name = "kesu.cases"
    verbose_name = _("Case library")
