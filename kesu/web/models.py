from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SavedView(models.Model):
    """A list's filters, saved under a name by one member of staff."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_view_unique_name")]

    def __str__(self) -> str:
        return self.name


class CompanySetup(models.Model):
    """The company's first-hour set-up, one row: its name and the steps of the setup page the admin
    has been through, so the page can be left and taken up again where it was."""

    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    steps_done = models.JSONField(_("steps done"), default=list, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("company setup")
        verbose_name_plural = _("company setup")

    def __str__(self) -> str:
        return self.company_name or str(_("company setup"))


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel"
    CSV = "csv", "CSV"


class ListExport(models.Model):
    """The complaint list, filtered as its requester saw it, written to a file by the worker
    (`kesu.web.list_exports`) for the requester alone to download; deleted after some days."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    reason = models.CharField(_("reason"), max_length=500)
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to="exports/", blank=True)
    failure = models.TextField(_("failure"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("list export")
        verbose_name_plural = _("list exports")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["requested_at"], name="list_export_requested_at")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_pending(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def file_name(self) -> str:
        """The name the download is offered under: when it was asked for, in local time."""
        return f"complaints-{timezone.localtime(self.requested_at):%Y%m%d-%H%M}.{self.format}"


class ListColumns(models.Model):
    """The optional columns of the complaint list one member of staff chose to see
    (`kesu.web.list_columns`); without a row, the list shows the usual ones."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_columns")
    columns = models.JSONField(_("columns"), default=list, blank=True)

    class Meta:
        verbose_name = _("columns of the list")
        verbose_name_plural = _("columns of the list")

    def __str__(self) -> str:
        return ", ".join(self.columns)
