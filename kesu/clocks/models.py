import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")


class Clock(models.Model):
    """时限: one deadline on one complaint, as its process's clock of the same key defines it.

    `due_at` and `warn_at` are kept current (pauses and a new finding move them, unless a date
    promised to the customer fixed them: `promised_at`), so the sweep only compares them with the
    time; `paused_total` is the time spent paused, measured the way the limit counts (working time
    for a working-time limit).
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="clocks")
    key = models.CharField(_("clock"), max_length=50)
    state = models.CharField(_("state"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING)
    limit = models.CharField(_("limit"), max_length=50)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    warn_at = models.DateTimeField(_("warn at"))
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_for = models.CharField(max_length=20, blank=True)
    paused_total = models.DurationField(default=dt.timedelta)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    promised_at = models.DateTimeField(_("promised at"), null=True, blank=True)
    """When the customer was promised a date that became `due_at`; from then on it is fixed."""

    class Meta:
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        indexes = [
            models.Index(fields=["complaint", "key"], name="clock_complaint"),
            models.Index(fields=["due_at"], name="clock_due", condition=Q(state="running", breached_at=None)),
            models.Index(fields=["warn_at"], name="clock_warn", condition=Q(state="running", warned_at=None)),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}:{self.key}"
