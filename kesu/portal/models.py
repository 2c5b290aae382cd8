from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint, LegalBasis


class Throttle(models.Model):
    """One fixed window of a rate limit: how often `key` (an address, a phone, a complaint number)
    was counted since `window_start`. Kept in the database, so every worker shares it."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="throttle_unique_window")]
        indexes = [models.Index(fields=["window_start"], name="throttle_window")]


class CodePurpose(models.TextChoices):
    SUBMIT = "submit", _("Sending a complaint")
    TRACK = "track", _("Following a complaint")


class VerificationCode(models.Model):
    """短信验证码: six digits sent to a phone, kept only as an HMAC; good for a few minutes and a few tries."""

    phone = models.CharField(max_length=30)
    purpose = models.CharField(max_length=10, choices=CodePurpose.choices)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone", "purpose", "-created_at"], name="code_latest")]


class PrivacyNotice(models.Model):
    """隐私告知: what the portal tells the customer about their personal data before a complaint is
    sent. The one in force is the latest whose `in_force_from` has come; its version and legal basis
    are recorded with every complaint sent under it. Publish a new version rather than editing one."""

    version = models.CharField(_("version"), max_length=30, unique=True)
    legal_basis = models.CharField(
        _("legal basis"), max_length=20, choices=LegalBasis.choices, default=LegalBasis.CONTRACT
    )
    text_zh = models.TextField(_("text (Chinese)"))
    text_en = models.TextField(_("text (English)"))
    in_force_from = models.DateTimeField(_("in force from"), default=timezone.now)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-in_force_from", "-id"]

    def __str__(self) -> str:
        return self.version
