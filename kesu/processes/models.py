import dataclasses
import datetime as dt
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.lib.configuration import configuration
from kesu.processes.calendar import OFFICIAL_SCHEDULE_COUNTRY, BusinessCalendar
from kesu.processes.document import ProcessDocument

_PARSED: dict[tuple, ProcessDocument] = {}


class ProcessQuerySet(models.QuerySet):
    def current(self, name: str) -> "Process | None":
        """The newest version of a process: the one new complaints start under. Its document is read
        only the first time a worker needs that version's `spec` (intake reads this on every call)."""
        return self.defer("document").filter(name=name).order_by("-version").first()

    def newest_versions(self) -> list["Process"]:
        """The newest version of every process, by name, in one query (without their documents)."""
        newest: dict[str, Process] = {}
        for process in self.defer("document").order_by("name", "-version"):
            newest.setdefault(process.name, process)
        return list(newest.values())


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
        """The parsed document. A stored version never changes, so each is parsed once per process
        (keyed by row and load time); lists may load processes without their document column."""
        return _parsed_once((self.pk, self.loaded_at), lambda: self.document)

    @classmethod
    def spec_of(cls, pk: int, loaded_at) -> ProcessDocument:
        """The parsed document of a version a row names (by id and load time), without its instance."""
        return _parsed_once((pk, loaded_at), lambda: cls.objects.values_list("document", flat=True).get(pk=pk))

    @cached_property
    def calendar(self) -> BusinessCalendar:
        """The process's working calendar with the company's overrides (`calendar_overrides`) and,
        for China, the official schedules entered or imported (see `schedules.official_schedule`)."""
        from kesu.processes.schedules import official_schedule  # schedules' services use these models

        overrides = calendar_overrides()
        calendar = self.spec.calendar.build(
            days_off={day for day, working in overrides.items() if not working},
            working_days={day for day, working in overrides.items() if working},
            timezone=ZoneInfo(settings.TIME_ZONE),
        )
        if calendar.always_open or calendar.country != OFFICIAL_SCHEDULE_COUNTRY:
            return calendar
        return dataclasses.replace(calendar, official=official_schedule())

    def working_minutes(self, start: dt.datetime, end: dt.datetime) -> int:
        """The working time between two moments, in whole minutes, by the process's calendar."""
        return int(self.calendar.working_time_between(start, end).total_seconds() // 60)


def _parsed_once(key: tuple, document) -> ProcessDocument:
    """The version's parsed document from the worker's cache; `document()` is read only on a miss."""
    if key not in _PARSED:
        _PARSED[key] = ProcessDocument.model_validate(document())
    return _PARSED[key]


def calendar_overrides() -> dict[dt.date, bool]:
    """The company's own days, each to whether it is worked (from the worker's configuration cache)."""
    days = CalendarOverride.objects.values_list("day", "is_working_day")
    return configuration("calendar_overrides", lambda: dict(days))


class CalendarOverride(models.Model):
    """The company's own change to the public calendar: an extra day off or an extra working day."""

    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(_("working day"), help_text=_("Ticked: worked; unticked: a day off."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day}"


class OfficialSchedule(models.Model):
    """The official holidays and make-up working days (调休) of one year in China, as the State Council
    publishes them: entered in the admin or imported from a file. It replaces the `holidays` package's
    days of that year; the company's CalendarOverride days still win over it."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("Where it comes from: the notice, or the file imported.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("official schedule")
        verbose_name_plural = _("official schedules")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"


class OfficialDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKING_DAY = "working_day", _("Make-up working day")


class OfficialDay(models.Model):
    """One day of an official schedule: a holiday (春节) or a make-up working day (春节调休上班)."""

    schedule = models.ForeignKey(OfficialSchedule, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=OfficialDayKind.choices)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("official day")
        verbose_name_plural = _("official days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"

    def clean(self):
        year = self._schedule_year()
        if self.day and year and self.day.year != year:
            raise ValidationError({"day": _("The day must be in the schedule's year.")})
        if self.day and self.kind == OfficialDayKind.WORKING_DAY and self.day.weekday() < 5:
            raise ValidationError({"day": _("A make-up working day is a Saturday or Sunday.")})

    def _schedule_year(self) -> int | None:
        """The year of the schedule, also while both are being added in one form (the admin's)."""
        try:
            return self.schedule.year
        except OfficialSchedule.DoesNotExist:
            return None
