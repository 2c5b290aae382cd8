"""China's official holidays and make-up working days, year by year, and the company's own days.

The `holidays` package knows a year's adjusted schedule only once a release carries it (the State
Council publishes it around November); until then the year is *unknown* and a deadline counted
through it is provisional. The company enters or imports the official schedule of a year; it then
replaces the package's days of that year. Whenever the schedule or a company override changes, the
running clocks whose due time may move are recomputed in the same transaction.
"""

import csv
import dataclasses
import datetime as dt
import io
import threading
import time
from collections.abc import Iterable

import holidays
import yaml
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.clocks.services import clocks_recompute_for_calendar_change
from kesu.lib.errors import DomainError, FieldError
from kesu.lib.schemas import YEARS
from kesu.processes.calendar import (
    DAY,
    OFFICIAL_SCHEDULE_COUNTRY,
    BusinessCalendar,
    Duration,
    OfficialSchedule,
    package_schedule_years,
)
from kesu.processes.document import CalendarSpec
from kesu.processes.models import CalendarOverride, OfficialDay, OfficialDayKind
from kesu.processes.models import OfficialSchedule as OfficialScheduleRow

SCHEDULE_CACHE_SECONDS = 60

# --- reading the schedule, with a short per-process cache ------------------------------------------

_cache_lock = threading.Lock()
_cached: tuple[float, OfficialSchedule] | None = None


def official_schedule() -> OfficialSchedule:
    """The official schedules entered or imported, as the calendars apply them.

    Read from the database at most once every SCHEDULE_CACHE_SECONDS per worker process (every
    calendar built reads it). A change is seen at once by the process that made it: the services
    below forget the cached copy as they write (so their own recompute reads the new schedule,
    uncommitted, in their transaction) and again when the transaction commits (so a copy another
    thread read meanwhile is dropped). Other processes see it within SCHEDULE_CACHE_SECONDS; clocks
    are not affected by that delay, as the process that made the change recomputes them.
    """
    global _cached
    cached = _cached
    if cached is not None and time.monotonic() - cached[0] < SCHEDULE_CACHE_SECONDS:
        return cached[1]
    schedule = _read_official_schedule()
    with _cache_lock:
        _cached = (time.monotonic(), schedule)
    return schedule


def forget_official_schedule() -> None:
    """Drop this process's cached copy: the next calendar built reads the database."""
    global _cached
    with _cache_lock:
        _cached = None


def _read_official_schedule() -> OfficialSchedule:
    days = list(OfficialDay.objects.values_list("day", "kind"))
    return OfficialSchedule(
        years=frozenset(OfficialScheduleRow.objects.values_list("year", flat=True)),
        holidays=frozenset(day for day, kind in days if kind == OfficialDayKind.HOLIDAY),
        working_days=frozenset(day for day, kind in days if kind == OfficialDayKind.WORKING_DAY),
    )


# --- known years, warnings, provisional deadlines -----------------------------------------------


def known_years() -> frozenset[int]:
    """The years whose official schedule Kesu has: from the `holidays` package or entered here."""
    return package_schedule_years(OFFICIAL_SCHEDULE_COUNTRY) | official_schedule().years


def unknown_next_year(today: dt.date | None = None) -> int | None:
    """Next year (from today in TIME_ZONE) when its official schedule is not known yet, else None."""
    next_year = (today or timezone.localdate()).year + 1
    return None if next_year in known_years() else next_year


def next_year_warning(today: dt.date | None = None) -> str | None:
    """What the admin is told while next year's official schedule is missing."""
    year = unknown_next_year(today)
    if year is None:
        return None
    return _(
        "China's official holidays and make-up working days of %(year)s are not known yet: deadlines "
        "that reach into %(year)s are provisional. Enter or import the schedule once the State Council "
        "publishes it (Processes › Official schedules)."
    ) % {"year": year}


def deadline_is_provisional(calendar: CalendarSpec, limit: str, started_at: dt.datetime, due_at: dt.datetime) -> bool:
    """A working-time deadline in China's calendar counted through (or due in) a year whose official
    schedule is unknown: it will move once the schedule is entered."""
    if calendar.always_open or calendar.country != OFFICIAL_SCHEDULE_COUNTRY:
        return False
    duration = Duration.parse(limit)
    if not duration.working or duration.is_deadline:
        return False
    years = set(range(timezone.localtime(started_at).year, timezone.localtime(due_at).year + 1))
    if years <= package_schedule_years(OFFICIAL_SCHEDULE_COUNTRY):
        return False  # known without reading the database
    return not years <= known_years()


@dataclasses.dataclass(frozen=True)
class YearStatus:
    year: int
    known: bool
    source: str
    """"package" (the holidays package has it), "imported" (entered here), or "rules" (unknown: the
    package's guess by rule, without make-up working days)."""


def schedule_years(today: dt.date | None = None) -> list[YearStatus]:
    """Every year Kesu has a schedule for, this year and next, each with where its days come from."""
    this_year = (today or timezone.localdate()).year
    years = official_schedule().years | package_schedule_years(OFFICIAL_SCHEDULE_COUNTRY)
    return [year_status(year) for year in sorted(years | {this_year, this_year + 1})]


def year_status(year: int) -> YearStatus:
    if year in official_schedule().years:
        return YearStatus(year, True, "imported")
    if year in package_schedule_years(OFFICIAL_SCHEDULE_COUNTRY):
        return YearStatus(year, True, "package")
    return YearStatus(year, False, "rules")


@dataclasses.dataclass(frozen=True)
class ScheduleDay:
    """One day of an official schedule; `line` is where it was read (a file's line, else None)."""

    day: dt.date
    kind: str
    name: str
    line: int | None = None


def schedule_days(year: int) -> list[ScheduleDay]:
    """The days that make `year` differ from plain weeks: those entered here, else the package's."""
    if year in official_schedule().years:
        rows = OfficialDay.objects.filter(schedule__year=year).order_by("day")
        return [ScheduleDay(row.day, row.kind, row.name) for row in rows]
    package = holidays.country_holidays(OFFICIAL_SCHEDULE_COUNTRY, years=year)
    days = [ScheduleDay(day, OfficialDayKind.HOLIDAY, name) for day, name in package.items()]
    days += [ScheduleDay(day, OfficialDayKind.WORKING_DAY, "") for day in package.weekend_workdays if day.year == year]
    return sorted(set(days), key=lambda item: item.day)


def schedule_source(year: int) -> OfficialScheduleRow | None:
    return OfficialScheduleRow.objects.filter(year=year).first()


# --- files ------------------------------------------------------------------------------------------


class ScheduleRowsError(DomainError):
    """Rows of a schedule refused: each is named (line, or place in the list) with its reason."""

    code = "invalid_rows"

    def __init__(self, problems: list[tuple[str, str]]):
        self.errors = [{"field": field, "message": message} for field, message in problems]
        first_field, first_message = problems[0]
        super().__init__(first_message, field=first_field)


_KINDS = {kind.value for kind in OfficialDayKind}
_HEADER = ["date", "kind", "name"]


def schedule_file_read(content: bytes, filename: str) -> list[dict]:
    """The rows of a schedule file, each a dict of `date`, `kind`, `name` and its `line`.

    CSV (UTF-8, or GB18030 as Chinese Excel saves it): `date,kind,name` per line, an optional header
    line naming those columns, blank lines and lines starting with `#` ignored. YAML: a list of
    mappings `{date: 2027-01-01, kind: holiday, name: 元旦}`. Files ending `.yaml`/`.yml` are YAML.
    """
    text = _decoded(content)
    if filename.lower().endswith((".yaml", ".yml")):
        return _yaml_rows(text)
    return _csv_rows(text)


def _decoded(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("gb18030")
        except UnicodeDecodeError:
            raise FieldError("file", _("The file is neither UTF-8 nor GB18030 text.")) from None


def _csv_rows(text: str) -> list[dict]:
    rows = []
    for line, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if not rows and [cell.lower() for cell in cells] == _HEADER:
            continue
        rows.append({"line": line, **dict(zip(_HEADER, cells + [""] * (3 - len(cells)), strict=False))})
        if len(cells) > 3:
            rows[-1]["extra"] = True
    return rows


def _yaml_rows(text: str) -> list[dict]:
    try:
        document = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise FieldError("file", _("The file is not valid YAML: %(error)s") % {"error": error}) from None
    if document is None:
        return []
    if not isinstance(document, yaml.SequenceNode):
        raise FieldError("file", _("The YAML file must be a list of days (date, kind, name)."))
    rows = []
    for node in document.value:
        line = node.start_mark.line + 1
        value = yaml.SafeLoader("").construct_object(node, deep=True)
        rows.append({"line": line, **value} if isinstance(value, dict) else {"line": line, "not_a_mapping": True})
    return rows


def schedule_days_from_rows(year: int, rows: Iterable[dict]) -> list[ScheduleDay]:
    """The days of `rows` (from a file, or the API's list), every bad one refused with its place."""
    days, problems, seen = [], [], {}
    for index, row in enumerate(rows):
        line = row.get("line")
        where = ("file", _("line %(line)s: ") % {"line": line}) if line else (f"days.{index}", "")
        reason = _row_problem(year, row, seen)
        if reason:
            problems.append((where[0], where[1] + reason))
            continue
        day = _as_date(row["date"])
        seen[day] = _("line %(line)s") % {"line": line} if line else f"days.{index}"
        days.append(ScheduleDay(day, row["kind"], str(row["name"]).strip(), line))
    if problems:
        raise ScheduleRowsError(problems)
    if not days:
        raise FieldError("file", _("The schedule holds no days."))
    return days


def _row_problem(year: int, row: dict, seen: dict) -> str | None:
    if row.get("not_a_mapping") or row.get("extra"):
        return _("write a day as date, kind, name.")
    day = _as_date(row.get("date"))
    if day is None:
        return _("the date must be written as %(example)s.") % {"example": f"{year}-01-01"}
    if day.year != year:
        return _("%(day)s is not in %(year)s.") % {"day": day, "year": year}
    if day in seen:
        return _("%(day)s is given twice (also at %(first)s).") % {"day": day, "first": seen[day]}
    kind = row.get("kind")
    if kind not in _KINDS:
        return _('the kind must be holiday or working_day, not "%(kind)s".') % {"kind": kind or ""}
    if kind == OfficialDayKind.WORKING_DAY and day.weekday() < 5:
        return _("%(day)s is a weekday: a make-up working day is a Saturday or Sunday.") % {"day": day}
    name = str(row.get("name") or "").strip()
    if not name:
        return _("the name is missing (e.g. 春节, 春节调休上班).")
    if len(name) > 100:
        return _("the name is longer than 100 characters.")
    return None


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


# --- changes -------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ScheduleChange:
    schedule: OfficialScheduleRow | None
    clocks_moved: int


def schedule_year_check(year: int) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        raise FieldError(
            "year", _("Give a year between %(first)s and %(last)s.") % {"first": YEARS[0], "last": YEARS[1]}
        )


@transaction.atomic
def official_schedule_set(*, year: int, days: list[ScheduleDay], source: str = "") -> ScheduleChange:
    """The official schedule of `year` becomes `days`, in place of the package's days and of any
    schedule entered before; running clocks whose due time moves are recomputed."""
    schedule_year_check(year)
    before = _read_official_schedule()
    schedule, _created = OfficialScheduleRow.objects.update_or_create(year=year, defaults={"source": source[:200]})
    schedule.days.all().delete()
    OfficialDay.objects.bulk_create(
        OfficialDay(schedule=schedule, day=item.day, kind=item.kind, name=item.name) for item in days
    )
    return ScheduleChange(schedule, _official_schedule_changed(before))


@transaction.atomic
def official_schedule_import(*, year: int, content: bytes, filename: str) -> ScheduleChange:
    """A schedule file (see `schedule_file_read`): all its rows are taken, or none."""
    schedule_year_check(year)
    days = schedule_days_from_rows(year, schedule_file_read(content, filename))
    return official_schedule_set(year=year, days=days, source=filename)


@transaction.atomic
def official_schedule_delete(*, year: int) -> ScheduleChange:
    """Forget the schedule entered for `year`: the package's days apply again."""
    before = _read_official_schedule()
    get_object_or_404(OfficialScheduleRow, year=year).delete()
    return ScheduleChange(None, _official_schedule_changed(before))


def official_schedule_saved(*, before: OfficialSchedule) -> int:
    """After the admin saved a schedule and its days itself: recompute what moved since `before`
    (read with `official_schedule_snapshot` before saving)."""
    return _official_schedule_changed(before)


def official_schedule_snapshot() -> OfficialSchedule:
    """The schedule as the database holds it now, uncached: to compare with after a change."""
    return _read_official_schedule()


def _official_schedule_changed(before: OfficialSchedule) -> int:
    forget_official_schedule()
    transaction.on_commit(forget_official_schedule)
    after = official_schedule()
    changed = _days_that_differ(before, after)
    if not changed:
        return 0
    return clocks_recompute_for_calendar_change(min(changed), max(changed))


def _days_that_differ(before: OfficialSchedule, after: OfficialSchedule) -> list[dt.date]:
    """The days worked under one schedule and not the other (only the years either covers can differ)."""
    china = BusinessCalendar(country=OFFICIAL_SCHEDULE_COUNTRY)
    old, new = dataclasses.replace(china, official=before), dataclasses.replace(china, official=after)
    changed = []
    for year in sorted(before.years | after.years):
        day = dt.date(year, 1, 1)
        while day.year == year:
            if old.is_working_day(day) != new.is_working_day(day):
                changed.append(day)
            day += DAY
    return changed


@transaction.atomic
def calendar_override_set(*, day: dt.date, is_working_day: bool, note: str = "") -> tuple[CalendarOverride, int]:
    """The company's own day off or extra working day; clocks whose due time moves are recomputed."""
    _check_day(day)
    override, _created = CalendarOverride.objects.update_or_create(
        day=day, defaults={"is_working_day": is_working_day, "note": note}
    )
    return override, clocks_recompute_for_calendar_change(day, day)


@transaction.atomic
def calendar_override_save(*, override: CalendarOverride) -> int:
    """The admin's save of an override (its day may have changed): both days are recomputed."""
    _check_day(override.day)
    old_day = CalendarOverride.objects.filter(pk=override.pk).values_list("day", flat=True).first()
    override.save()
    days = {override.day, old_day or override.day}
    return clocks_recompute_for_calendar_change(min(days), max(days))


@transaction.atomic
def calendar_override_delete(*, day: dt.date) -> int:
    get_object_or_404(CalendarOverride, day=day)
    return calendar_overrides_delete(days=[day])


@transaction.atomic
def calendar_overrides_delete(*, days: list[dt.date]) -> int:
    """The days go back to the official calendar; clocks whose due time moves are recomputed."""
    CalendarOverride.objects.filter(day__in=days).delete()
    return clocks_recompute_for_calendar_change(min(days), max(days)) if days else 0


def _check_day(day: dt.date) -> None:
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise FieldError(
            "day", _("Give a date between %(first)s and %(last)s.") % {"first": YEARS[0], "last": YEARS[1]}
        )
