from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportSnapshot(models.Model):
    """报告: a report as it was produced, its numbers frozen (complaints that change later do not change
    it). A scheduled one exists once per process, report and period, whichever worker produced it."""

    process_name = models.CharField(_("process"), max_length=50)
    key = models.CharField(_("report"), max_length=50)
    label = models.JSONField(_("title"), help_text="The report's name, {zh, en}, as the process named it.")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"), help_text="The first day after the period.")
    scheduled = models.BooleanField(_("produced on schedule"), default=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    produced_at = models.DateTimeField(_("produced at"), auto_now_add=True)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_start", "-produced_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["process_name", "key", "period_start"],
                condition=Q(scheduled=True),
                name="report_once_per_period",
            )
        ]
        indexes = [models.Index(fields=["-produced_at"], name="report_produced")]


class Spike(models.Model):
    """预警: a day on which a process received far more complaints of one category or store than its
    last 28 days would lead one to expect. Kept once per day and value, so its alert goes out once."""

    process_name = models.CharField(_("process"), max_length=50)
    dimension = models.CharField(_("of"), max_length=20)
    value = models.CharField(_("value"), max_length=200)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("complaints that day"))
    baseline = models.FloatField(_("a day in the 28 days before"))
    probability = models.FloatField(_("chance of as many by accident"))
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)

    class Meta:
        verbose_name = _("spike")
        verbose_name_plural = _("spikes")
        ordering = ["-day", "-count"]
        constraints = [
            models.UniqueConstraint(fields=["process_name", "dimension", "value", "day"], name="spike_once_a_day")
        ]
