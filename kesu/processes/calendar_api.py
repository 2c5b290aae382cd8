"""/api/v1/calendar: China's official schedules year by year and the company's own days (admin only).
Thin: `schedules` does the work, and recomputes the deadlines a change moves."""

import datetime as dt
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status, UploadedFile
from pydantic import Field

from kesu.accounts.auth import staff_token
from kesu.lib.errors import NotAllowed
from kesu.lib.schemas import In
from kesu.processes import schedules
from kesu.processes.models import CalendarOverride, OfficialDayKind

router = Router(tags=["calendar"], auth=staff_token)


def _allow(request, permission: str) -> None:
    if not request.auth.has_perm(permission):
        raise NotAllowed(_("Your role does not allow this."))


class YearOut(Schema):
    year: int
    known: bool = Field(description="Its official schedule is known: deadlines through it are final.")
    source: Literal["package", "imported", "rules"] = Field(
        description="`package`: the holidays package has it; `imported`: entered here; `rules`: unknown, "
        "holidays by rule only, no make-up working days."
    )


class DayIn(In):
    date: dt.date
    kind: OfficialDayKind
    name: str = Field(min_length=1, max_length=100)


class ScheduleIn(In):
    source: str = Field(default="", max_length=200, description="Where it comes from: the notice.")
    days: list[DayIn] = Field(min_length=1)


class DayOut(Schema):
    date: dt.date
    kind: str
    name: str


class ScheduleOut(YearOut):
    note: str = Field(description="For an imported year: where it came from (the notice or the file).")
    updated_at: dt.datetime | None
    days: list[DayOut] = Field(description="Holidays and make-up working days; other days follow the week.")
    clocks_moved: int | None = Field(default=None, description="After a change: the deadlines it moved.")


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[dict]


class OverrideIn(In):
    is_working_day: bool
    note: str = Field(default="", max_length=200)


class OverrideOut(Schema):
    day: dt.date
    is_working_day: bool
    note: str
    clocks_moved: int | None = None


def _schedule_out(year: int, clocks_moved: int | None = None) -> dict:
    status = schedules.year_status(year)
    row = schedules.schedule_source(year)
    return {
        "year": year,
        "known": status.known,
        "source": status.source,
        "note": row.source if row else "",
        "updated_at": row.updated_at if row else None,
        "days": [{"date": day.day, "kind": day.kind, "name": day.name} for day in schedules.schedule_days(year)],
        "clocks_moved": clocks_moved,
    }


@router.get("/schedules", response=list[YearOut], summary="Years and whether their official schedule is known")
def list_years(request):
    _allow(request, "processes.view_officialschedule")
    return [{"year": item.year, "known": item.known, "source": item.source} for item in schedules.schedule_years()]


@router.get("/schedules/{int:year}", response=ScheduleOut, summary="The official schedule of a year")
def get_schedule(request, year: int):
    _allow(request, "processes.view_officialschedule")
    schedules.schedule_year_check(year)
    return _schedule_out(year)


@router.put(
    "/schedules/{int:year}",
    response={200: ScheduleOut, 422: ErrorOut},
    summary="Enter the official schedule of a year (replaces the package's days of that year)",
    description="Deadlines still running that the change moves are recomputed at once.",
)
def put_schedule(request, year: int, payload: ScheduleIn):
    _allow(request, "processes.change_officialschedule")
    rows = [day.model_dump() for day in payload.days]
    try:
        days = schedules.schedule_days_from_rows(year, rows)
    except schedules.ScheduleRowsError as error:
        return _rows_refused(error)
    change = schedules.official_schedule_set(year=year, days=days, source=payload.source)
    return _schedule_out(year, change.clocks_moved)


@router.post(
    "/schedules/{int:year}/import",
    response={200: ScheduleOut, 422: ErrorOut},
    summary="Import the official schedule of a year from a file (multipart `file`, CSV or YAML)",
    description="Lines `date,kind,name` (kind `holiday` or `working_day`); every bad line is named with its "
    "reason and then nothing is written.",
)
def import_schedule(request, year: int, file: File[UploadedFile]):
    _allow(request, "processes.change_officialschedule")
    try:
        change = schedules.official_schedule_import(year=year, content=file.read(), filename=file.name or "")
    except schedules.ScheduleRowsError as error:
        return _rows_refused(error)
    return _schedule_out(year, change.clocks_moved)


@router.delete("/schedules/{int:year}", response=ScheduleOut, summary="Forget the schedule entered for a year")
def delete_schedule(request, year: int):
    _allow(request, "processes.delete_officialschedule")
    change = schedules.official_schedule_delete(year=year)
    return _schedule_out(year, change.clocks_moved)


def _rows_refused(error: schedules.ScheduleRowsError):
    return Status(422, {"detail": str(error.message), "code": error.code, "errors": error.errors})


@router.get("/overrides", response=list[OverrideOut], summary="The company's own days off and working days")
def list_overrides(request, year: int | None = None):
    _allow(request, "processes.view_calendaroverride")
    overrides = CalendarOverride.objects.order_by("day")
    if year is None:
        return overrides
    schedules.schedule_year_check(year)
    return overrides.filter(day__year=year)


@router.get("/overrides/{day}", response=OverrideOut, summary="One of the company's own days")
def get_override(request, day: dt.date):
    _allow(request, "processes.view_calendaroverride")
    return get_object_or_404(CalendarOverride, day=day)


@router.put("/overrides/{day}", response=OverrideOut, summary="Make a day a company day off or working day")
def put_override(request, day: dt.date, payload: OverrideIn):
    _allow(request, "processes.change_calendaroverride")
    _allow(request, "processes.add_calendaroverride")
    override, moved = schedules.calendar_override_set(day=day, is_working_day=payload.is_working_day, note=payload.note)
    return {
        "day": override.day,
        "is_working_day": override.is_working_day,
        "note": override.note,
        "clocks_moved": moved,
    }


@router.delete("/overrides/{day}", response={204: None}, summary="Give a day back to the official calendar")
def delete_override(request, day: dt.date):
    _allow(request, "processes.delete_calendaroverride")
    schedules.calendar_override_delete(day=day)
    return Status(204, None)
