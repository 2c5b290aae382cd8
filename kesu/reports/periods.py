"""The periods reports cover, in the process's local days: a week is Monday to Sunday, a quarter
starts in January, April, July or October. `end` is exclusive (the first day after the period)."""

import datetime as dt
from dataclasses import dataclass

from kesu.processes.document import ReportSpec


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def shifted_years(self, years: int) -> "Period":
        return Period(_years_before(self.start, years), _years_before(self.end, years))

    def before(self) -> "Period":
        """The period of the same length just before (the previous week, month, quarter or year)."""
        return period_ending(self.start, _kind(self))


def _years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years, day=min(day.day, 28) if day.month == 2 else day.day)


def _kind(period: Period) -> str:
    days = (period.end - period.start).days
    if days == 7:
        return "week"
    if days <= 31:
        return "month"
    return "quarter" if days <= 92 else "year"


def current_start(every: str, day: dt.date) -> dt.date:
    """The first day of the week, month, quarter or year that `day` is in."""
    if every == "week":
        return day - dt.timedelta(days=day.weekday())
    if every == "month":
        return day.replace(day=1)
    if every == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def period_ending(end: dt.date, every: str) -> Period:
    """The whole week, month, quarter or year that ends the day before `end`."""
    return Period(current_start(every, end - dt.timedelta(days=1)), end)


def last_period(spec: ReportSpec, today: dt.date) -> Period:
    """The last whole period of the report on `today`."""
    return period_ending(current_start(spec.every, today), spec.every)


def due_at(spec: ReportSpec, period: Period, tz) -> dt.datetime:
    """When the report on `period` is produced: its weekday or day after the period, at its time."""
    offset = (spec.weekday or 1) - 1 if spec.every == "week" else (spec.day or 1) - 1
    day = period.end + dt.timedelta(days=offset)
    return dt.datetime.combine(day, spec.at, tzinfo=tz)
