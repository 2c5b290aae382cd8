from django.conf import settings
from django.db import models
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
