"""Choices shared by processes, complaints and integrations (DESIGN.md's vocabulary)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    CALLBACK_CALL = "callback_call", _("Callback call")
    EMAIL = "email", _("E-mail")
    WEB = "web", _("Web portal")
    APP = "app", _("App")
    CHAT = "chat", _("Online chat")
    SOCIAL = "social", _("Social media")
    STORE = "store", _("Store walk-in")
    LETTER = "letter", _("Letter / fax")
    REGULATOR = "regulator", _("Regulator transfer (12315)")
    INTERNAL = "internal", _("Internal")


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


PRODUCT_FIELDS = ("product", "product_name", "equipment_model", "part_number")
"""The process fields that name what was bought: a process's product is the first of these it has
(reports count by it, the list filters by it)."""
