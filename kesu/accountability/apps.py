from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    """责任追究与奖惩: who was at fault, penalties and rewards, the finance ledger."""

    name = "kesu.accountability"
    verbose_name = _("Accountability")
