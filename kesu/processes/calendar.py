"""Working time: which days are worked, which hours, and deadline arithmetic over them.

China's public holidays and make-up working days (调休) come from the `holidays` package, or, for a
year whose official schedule the company has entered or imported, from that schedule (it replaces the
package's days of that year); the company's own days off and extra working days win over both.
"N working days" means N times the length of a working day of working time, so a complaint received
on a Wednesday at 16:00 with "1 working day" is due on Thursday at 16:00 — or later, if Thursday is
a holiday.
"""

import datetime as dt
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, cached_property
from zoneinfo import ZoneInfo

import holidays

_MAX_DAYS = 3 * 366  # no deadline reaches further: a calendar without working days is a mistake
DAY = dt.timedelta(days=1)


@cache
def public_holidays(country: str) -> holidays.HolidayBase:
    """One calendar per country for the whole process: working out a year of holidays takes a while,
    and public holidays do not change while Kesu runs (a new `holidays` release comes with a restart)."""
    return holidays.country_holidays(country)


OFFICIAL_SCHEDULE_COUNTRY = "CN"
"""The country whose government publishes each year's holidays and make-up working days (the State
Council, around November): the only one whose years may be unknown, and whose schedule can be imported."""


@cache
def package_schedule_years(country: str) -> frozenset[int]:
    """The years for which the `holidays` package carries the official adjusted schedule of `country`
    (China's holidays and make-up days of a year cannot be worked out by rule: they are announced)."""
    if country != OFFICIAL_SCHEDULE_COUNTRY:
        return frozenset()
    return frozenset(public_holidays(country).special_public_holidays)


@dataclass(frozen=True)
class OfficialSchedule:
    """The official schedules entered or imported for some years: within those years they are the
    whole truth (the package's days of those years no longer count)."""

    years: frozenset[int] = frozenset()
    holidays: frozenset[dt.date] = frozenset()
    working_days: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date, weekend: AbstractSet[int]) -> bool | None:
        """Whether the schedule makes `day` a working day; None for a day of a year it does not cover."""
        if day.year not in self.years:
            return None
        return day in self.working_days or (day.weekday() not in weekend and day not in self.holidays)


NO_OFFICIAL_SCHEDULE = OfficialSchedule()


@dataclass(frozen=True)
class BusinessCalendar:
    timezone: ZoneInfo = ZoneInfo("Asia/Shanghai")
    country: str = "CN"
    hours: tuple[tuple[dt.time, dt.time], ...] = ()
    """Working periods of a working day, e.g. ((08:30, 12:00), (13:30, 17:30)); empty: the whole day."""
    always_open: bool = False
    """24/7: every day is a working day."""
    days_off: frozenset[dt.date] = field(default_factory=frozenset)
    working_days: frozenset[dt.date] = field(default_factory=frozenset)
    official: OfficialSchedule = NO_OFFICIAL_SCHEDULE
    """Official schedules entered or imported, for the years the package does not know (or knows wrong)."""

    @property
    def _public(self) -> holidays.HolidayBase:
        return public_holidays(self.country)

    def is_working_day(self, day: dt.date) -> bool:
        if self.always_open or day in self.working_days:
            return True
        if day in self.days_off:
            return False
        official = self.official.is_working_day(day, self._public.weekend)
        return self._public.is_working_day(day) if official is None else official

    @cached_property
    def working_day_length(self) -> dt.timedelta:
        if not self.hours:
            return DAY
        return sum((_span(start, end) for start, end in self.hours), dt.timedelta())

    def periods(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working periods of one day, as aware datetimes."""
        if not self.is_working_day(day):
            return []
        if not self.hours:
            return [(self._at(day, dt.time()), self._at(day + DAY, dt.time()))]
        return [(self._at(day, start), self._at(day, end)) for start, end in self.hours]

    def _at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.timezone)

    def _days_from(self, moment: dt.datetime):
        day = moment.astimezone(self.timezone).date()
        for offset in range(_MAX_DAYS):
            yield day + offset * DAY
        raise ValueError("no working time within three years: check the calendar")

    def add_working_time(self, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        """The moment when `amount` of working time has passed after `start`."""
        remaining = amount
        if remaining <= dt.timedelta():
            return start
        for day in self._days_from(start):
            for period_start, period_end in self.periods(day):
                begin = max(period_start, start)
                if begin >= period_end:
                    continue
                if remaining <= period_end - begin:
                    return begin + remaining
                remaining -= period_end - begin
        raise AssertionError("unreachable")

    def working_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        total = dt.timedelta()
        if end <= start:
            return total
        for day in self._days_from(start):
            if self._at(day, dt.time()) >= end:
                return total
            for period_start, period_end in self.periods(day):
                overlap = min(period_end, end) - max(period_start, start)
                if overlap > dt.timedelta():
                    total += overlap
        raise AssertionError("unreachable")


def _span(start: dt.time, end: dt.time) -> dt.timedelta:
    return dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)


_DURATION = re.compile(r"^(?P<amount>\d+(?:\.\d+)?) (?P<working>working )?(?P<unit>minute|hour|day)s?$")
_BEFORE_DAY = re.compile(r"^before day (?P<day>\d{1,2}) of next month$")


@dataclass(frozen=True)
class Duration:
    """A limit as a process states it: "30 minutes", "24 hours", "4 working hours",
    "3 working days", "2 days", or "before day 4 of next month"."""

    text: str
    amount: Decimal = Decimal(0)
    unit: str = "hour"
    working: bool = False
    day_of_next_month: int | None = None

    @classmethod
    def parse(cls, text: str) -> "Duration":
        text = " ".join(text.split())
        if match := _BEFORE_DAY.match(text):
            day = int(match["day"])
            if not 1 <= day <= 28:
                raise ValueError("the day of next month must be between 1 and 28")
            return cls(text=text, day_of_next_month=day)
        if match := _DURATION.match(text):
            return cls(text=text, amount=Decimal(match["amount"]), unit=match["unit"], working=bool(match["working"]))
        raise ValueError(
            f"{text!r} is not a duration: say e.g. '30 minutes', '24 hours', '4 working hours', "
            "'3 working days' or 'before day 4 of next month'"
        )

    @property
    def is_deadline(self) -> bool:
        """A fixed date rather than an amount of time: pauses do not move it."""
        return self.day_of_next_month is not None

    def length(self, calendar: BusinessCalendar) -> dt.timedelta:
        """The amount of time (working time if `working`) the duration stands for."""
        if self.unit == "day":
            unit = calendar.working_day_length if self.working else DAY
        else:
            unit = dt.timedelta(hours=1) if self.unit == "hour" else dt.timedelta(minutes=1)
        return unit * float(self.amount)

    def due(
        self,
        calendar: BusinessCalendar,
        start: dt.datetime,
        extra: dt.timedelta = dt.timedelta(),
        fraction: float = 1.0,
    ) -> dt.datetime:
        """When a clock started at `start` has used `fraction` of its limit, `extra` (time paused) added."""
        if self.is_deadline:
            local = start.astimezone(calendar.timezone)
            first_of_next = (local.date().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
            deadline = dt.datetime.combine(
                first_of_next.replace(day=self.day_of_next_month), dt.time(), tzinfo=calendar.timezone
            )
            return start + (deadline - start) * fraction
        amount = self.length(calendar) * fraction + extra
        if self.working:
            return calendar.add_working_time(start, amount)
        return start + amount

    def elapsed(self, calendar: BusinessCalendar, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Time between two moments as this duration counts it (working time if `working`)."""
        if self.working:
            return calendar.working_time_between(start, end)
        return max(end - start, dt.timedelta())
