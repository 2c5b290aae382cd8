from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint


class NotificationKind(models.TextChoices):
    ESCALATED_TO_YOU = "escalated_to_you", _("A complaint was escalated to you")
    CLOCK_WARNING = "clock_warning", _("A deadline is near")
    CLOCK_BREACHED = "clock_breached", _("A deadline was missed")
    ASSIGNED_TO_YOU = "assigned_to_you", _("A complaint was assigned to you")
    TASK_FOR_YOU = "task_for_you", _("A task was handed to you")
    TASK_DONE = "task_done", _("A task was done")
    TASK_OVERDUE = "task_overdue", _("A task is overdue")
    APPROVAL_NEEDED = "approval_needed", _("A plan waits for your approval")
    FOLLOW_UP_DUE = "follow_up_due", _("A follow-up call is due")
    PENDING_REMINDER = "pending_reminder", _("A pending matter needs a word with the customer")


class Notification(models.Model):
    """An in-app message to one member of staff; e-mailed too when e-mail is set up."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, null=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
            models.Index(fields=["created_at"], name="notification_unsent", condition=Q(emailed_at=None)),
        ]
