from functools import cached_property

from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.processes.document import ProcessDocument


class ProcessQuerySet(models.QuerySet):
    def current(self, name: str) -> "Process | None":
        """The newest version of a process: the one new complaints start under."""
        return self.filter(name=name).order_by("-version").first()


class Process(models.Model):
    """One version of a company's complaint process. A complaint keeps the version it started under."""

    name = models.CharField(_("name"), max_length=50)
    version = models.PositiveIntegerField(_("version"))
    label = models.CharField(_("label"), max_length=200)
    document = models.JSONField(_("document"))
    is_default = models.BooleanField(
        _("default for intake"), default=False, help_text=_("Used when an intake does not name a process.")
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    objects = ProcessQuerySet.as_manager()

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="process_unique_version")]

    def __str__(self) -> str:
        return f"{self.label} v{self.version}"

    @cached_property
    def spec(self) -> ProcessDocument:
        return ProcessDocument.model_validate(self.document)
