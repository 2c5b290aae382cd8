from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint


class NotificationKind(models.TextChoices):
    ESCALATED_TO_YOU = "escalated_to_you", _("A complaint was escalated to you")
    ESCALATION_REPORTED = "escalation_reported", _("A complaint went up a tier (for your information)")
    CLOCK_WARNING = "clock_warning", _("A deadline is near")
    CLOCK_BREACHED = "clock_breached", _("A deadline was missed")
    ASSIGNED_TO_YOU = "assigned_to_you", _("A complaint was assigned to you")
    TASK_FOR_YOU = "task_for_you", _("A task was handed to you")
    TASK_DONE = "task_done", _("A task was done")
    TASK_OVERDUE = "task_overdue", _("A task is overdue")
    APPROVAL_NEEDED = "approval_needed", _("A plan waits for your approval")
    FOLLOW_UP_DUE = "follow_up_due", _("A follow-up call is due")
    PENDING_REMINDER = "pending_reminder", _("A pending matter needs a word with the customer")
    CUSTOMER_WROTE = "customer_wrote", _("The customer added to a complaint or answered a plan")
    REPORT_READY = "report_ready", _("A report is ready")
    SPIKE = "spike", _("Complaints of one kind far above the usual")
    EXPORT_READY = "export_ready", _("An export of the complaint list is ready")
    EXPORT_FAILED = "export_failed", _("An export of the complaint list failed")


class Notification(models.Model):
    """An in-app message to one member of staff, in their inbox; also e-mailed through the outbox when
    e-mail is set up and they have not turned that kind off."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, null=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
            models.Index(fields=["user"], name="notification_unread", condition=Q(read_at=None)),
        ]


class DeliveryChannel(models.TextChoices):
    """The ways out of Kesu. In-app notifications are `Notification` rows themselves, read where they are."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk robot")
    FEISHU = "feishu", _("Feishu bot")
    WEBHOOK = "webhook", _("Webhook")


ROBOT_CHANNELS = (DeliveryChannel.WECOM, DeliveryChannel.DINGTALK, DeliveryChannel.FEISHU)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class RobotAlert(models.TextChoices):
    """What a department's or process's group robot is told."""

    NEW_URGENT = "new_urgent", _("A new high-priority complaint")
    BREACH = "breach", _("A deadline was missed")
    ESCALATION = "escalation", _("A complaint was escalated")
    DAILY_DIGEST = "daily_digest", _("The daily digest")
    REPORT = "report", _("A report on schedule, in short")
    SPIKE = "spike", _("Complaints of one kind far above the usual")


class Robot(models.Model):
    """A group robot (WeCom, DingTalk, Feishu) that posts alerts of one department or process to its group.

    Its address carries the robot's key or token and, with the signing secret, is a credential: it is
    entered in the admin and never shown in lists.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=[(channel.value, channel.label) for channel in ROBOT_CHANNELS]
    )
    url = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Alerts about this department's complaints. Leave empty for every department."),
    )
    process = models.CharField(
        _("process"), max_length=50, blank=True, help_text=_("Alerts about this process only. Leave empty for all.")
    )
    alerts = models.JSONField(_("alerts"), default=list, blank=True)
    mention_mobiles = models.JSONField(_("mobiles to mention"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    digest_sent_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")

    def __str__(self) -> str:
        return self.name


class WebhookEndpoint(models.Model):
    """An address of the company's own systems that is told of complaint events, signed as Standard
    Webhooks says. While a secret is rotated the old one keeps signing too, until it expires."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("address"), max_length=500)
    event_types = models.JSONField(
        _("event types"), default=list, blank=True, help_text=_("Leave empty to receive every event.")
    )
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    """One outgoing message: written in the transaction of the change that causes it, sent by the worker.

    `idempotency_key` names the message once for ever (it is the webhook-id, the e-mail's Message-ID
    seed, the SMS's OutId): a message written twice is stored once, and a receiver can tell a repeat.
    """

    channel = models.CharField(_("channel"), max_length=20, choices=DeliveryChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    kind = models.CharField(_("message"), max_length=50)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("content"), blank=True)
    payload = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    robot = models.ForeignKey(Robot, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    provider_ref = models.CharField(_("provider's reference"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due",
                condition=Q(status__in=["pending", "sending"]),
            ),
            models.Index(
                fields=["channel", "recipient", "sent_at"], name="delivery_recently_sent", condition=Q(status="sent")
            ),
            models.Index(fields=["status", "-created_at"], name="delivery_by_status"),
            models.Index(fields=["complaint", "created_at"], name="delivery_of_complaint"),
        ]
        permissions = [("retry_delivery", "Can see the outbox and send a delivery again")]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} → {self.recipient}"


class DeliveryAttempt(models.Model):
    """One try at sending a delivery: when, what the other side answered, what went wrong."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField(default=False)
    response_code = models.CharField(_("response code"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "at", "id"]


class NotificationPreference(models.Model):
    """A member of staff's choice for one kind of notification on one channel (no row: it is sent)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    channel = models.CharField(max_length=20, choices=DeliveryChannel.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notification_preference_unique")
        ]


class MessageTemplate(models.Model):
    """The admin's wording of one customer message in one language (Kesu's own wording applies without
    one). Text placeholders are written `${number}`; an SMS goes out as the provider's approved
    template, named by its code, with the message's values as its parameters."""

    key = models.CharField(_("message"), max_length=30)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("e-mail subject"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True)
    sms_template_code = models.CharField(_("SMS template code"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="message_template_unique")]
