from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department
from kesu.complaints.models import Complaint


class Measure(models.TextChoices):
    PENALTY = "penalty", _("Penalty")
    REWARD = "reward", _("Reward")


class AccountabilityStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Accountability(models.Model):
    """责任认定与奖惩: who was at fault (or did well), and the penalty or reward."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="accountabilities")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountabilities",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fault = models.TextField(_("fault or merit"))
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    points = models.IntegerField(_("points"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AccountabilityStatus.choices, default=AccountabilityStatus.PROPOSED
    )
    clock = models.CharField(_("missed deadline"), max_length=50, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True, db_index=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("accountability")
        verbose_name_plural = _("accountability")
        ordering = ["-proposed_at", "-id"]
        permissions = [
            ("decide_accountability", "Can approve or reject a penalty or reward"),
            ("view_ledger", "Can read the monthly penalty and reward ledger"),
        ]
