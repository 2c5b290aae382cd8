from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department
from kesu.complaints.models import Complaint


class TaskKind(models.TextChoices):
    CHECK_RECORDS = "check_records", _("Check records (warehouse, delivery, staff)")
    ANALYSE_PART = "analyse_part", _("Analyse the returned part")
    REFUND = "refund", _("Refund")
    EXCHANGE = "exchange", _("Exchange")
    REPAIR = "repair", _("Repair")
    REDELIVERY = "redelivery", _("Re-delivery")
    ONSITE_SERVICE = "onsite_service", _("On-site service")
    COMPENSATION = "compensation", _("Compensation")
    SUPPLIER_CLAIM = "supplier_claim", _("Supplier claim")
    OTHER = "other", _("Other")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(models.Model):
    """协办任务: work a department does for a complaint (check records, analyse a part, refund…).

    A required task that is still open keeps the complaint from being resolved.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("kind"), max_length=30, choices=TaskKind.choices)
    title = models.CharField(_("title"), max_length=200)
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    backup = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("backup owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    required = models.BooleanField(_("required before resolving"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    due_at = models.DateTimeField(_("due at"))
    result = models.TextField(_("result"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("What the task was about in money, as the department reports it (e.g. the supplier claim)."),
    )
    breached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["department", "status", "due_at"], name="task_department_queue"),
            models.Index(fields=["owner", "status", "due_at"], name="task_owner_queue"),
            # "complaints their department has a task for" (complaints_visible_to), read from the index
            models.Index(fields=["department", "complaint"], name="task_department_complaint"),
            models.Index(fields=["due_at"], name="task_due", condition=Q(status="open", breached_at=None)),
        ]

    def __str__(self) -> str:
        return self.title
