from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department
from kesu.complaints.models import Complaint


class ImprovementStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done, awaiting verification")
    VERIFIED = "verified", _("Verified")


class Improvement(models.Model):
    """纠正预防措施 (CAPA): a root cause, the action against it, its owner and due date, verified by
    quality. One action may cover many complaints. Change it only through `kesu.improvements.services`."""

    title = models.CharField(_("title"), max_length=200)
    root_cause = models.TextField(_("root cause"))
    action = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="improvements"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=ImprovementStatus.choices, default=ImprovementStatus.OPEN
    )
    complaints = models.ManyToManyField(
        Complaint, verbose_name=_("complaints"), blank=True, related_name="improvements"
    )

    done_note = models.TextField(_("what was done"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    verification = models.TextField(_("verification result"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    times_sent_back = models.PositiveSmallIntegerField(_("times sent back"), default=0)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="improvement_status_due"),
            models.Index(fields=["owner", "status"], name="improvement_owner"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(done_at__isnull=False),
                name="improvement_done_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="verified") | models.Q(verified_at__isnull=False),
                name="improvement_verified_has_time",
            ),
        ]
        permissions = [
            ("create_improvement", "Can create a corrective action and link complaints to it"),
            ("verify_improvement", "Can verify a corrective action or send it back"),
            ("view_all_improvements", "Can see every corrective action"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today=None) -> bool:
        return self.status == ImprovementStatus.OPEN and self.due_date < (today or timezone.localdate())


class EntryKind(models.TextChoices):
    CREATED = "created", _("Created")
    LINKED = "linked", _("Complaints linked")
    DONE = "done", _("Marked done")
    VERIFIED = "verified", _("Verified")
    SENT_BACK = "sent_back", _("Sent back: not effective")


class ImprovementEntry(models.Model):
    """One append-only line of an action's history: every round of done, verified or sent back."""

    improvement = models.ForeignKey(Improvement, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("corrective action history entry")
        verbose_name_plural = _("corrective action history")
        ordering = ["at", "id"]
