from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    """Photos, videos, call recordings and documents added to a complaint."""

    name = "kesu.attachments"
    verbose_name = _("Attachments")
