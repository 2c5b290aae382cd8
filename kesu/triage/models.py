from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint


class ModelStatus(models.TextChoices):
    ACTIVE = "active", _("In use")
    RETIRED = "retired", _("Replaced by a better one")
    REJECTED = "rejected", _("Not used")


class TriageModel(models.Model):
    """One training of a process's classifier (category, department, priority), with its held-out report.
    At most one per process is in use; a new one replaces it only if it is at least as good.
    The pipeline is the fitted scikit-learn objects pickled by joblib: written and read only by
    `kesu.triage.services`, never taken from outside Kesu."""

    process_name = models.CharField(_("process"), max_length=50)
    status = models.CharField(_("status"), max_length=10, choices=ModelStatus.choices)
    trained_at = models.DateTimeField(_("trained at"), default=timezone.now)
    samples = models.PositiveIntegerField(_("complaints learned from"), default=0)
    held_out = models.PositiveIntegerField(_("complaints held out"), default=0)
    score = models.FloatField(_("held-out accuracy"), default=0, help_text=_("The mean top-1 accuracy of its targets."))
    accuracy = models.JSONField(_("accuracy by target"), default=dict, blank=True)
    report = models.JSONField(_("held-out report"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    pipeline = models.BinaryField(null=True, editable=False)
    seconds = models.FloatField(_("training time (s)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the nightly training."),
    )

    class Meta:
        verbose_name = _("triage model")
        verbose_name_plural = _("triage models")
        ordering = ["-trained_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["process_name"], condition=Q(status="active"), name="triage_model_one_active_per_process"
            )
        ]
        indexes = [models.Index(fields=["process_name", "status"], name="triage_model_process")]
        permissions = [("train_triage_model", "Can train the triage models now")]

    def __str__(self) -> str:
        return f"{self.process_name} {self.trained_at:%Y-%m-%d %H:%M}"


class ComplaintMerge(models.Model):
    """A duplicate closed as merged into the complaint that carries the matter on. Both timelines
    are kept; each names the other, and the survivor's page shows the duplicate's."""

    duplicate = models.OneToOneField(
        Complaint, verbose_name=_("duplicate"), on_delete=models.PROTECT, related_name="merged_into"
    )
    survivor = models.ForeignKey(
        Complaint, verbose_name=_("merged into"), on_delete=models.PROTECT, related_name="merged_from"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("merged by"), on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("merged complaint")
        verbose_name_plural = _("merged complaints")
        ordering = ["merged_at", "id"]
