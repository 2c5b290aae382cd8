from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    """回访: callbacks and customer surveys after resolution."""

    name = "kesu.followups"
    verbose_name = _("Follow-ups")
