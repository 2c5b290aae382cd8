from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The pages staff use all day (server-rendered, htmx)."""

    name = "kesu.web"
    verbose_name = _("Pages")
