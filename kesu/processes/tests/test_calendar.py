"""Working time in the China calendar: holidays, make-up working days (调休), working hours."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kesu.processes.calendar import BusinessCalendar, Duration

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = BusinessCalendar(hours=((dt.time(8, 30), dt.time(12)), (dt.time(13, 30), dt.time(17, 30))))
WHOLE_DAYS = BusinessCalendar()
ALWAYS = BusinessCalendar(always_open=True)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def due(calendar, start, text):
    return Duration.parse(text).due(calendar, start)


class TestChinaCalendar2026:
    @pytest.mark.parametrize(
        "day", [dt.date(2026, 2, 14), dt.date(2026, 2, 28), dt.date(2026, 9, 20), dt.date(2026, 10, 10)]
    )
    def test_the_make_up_weekends_are_working_days(self, day):
        assert day.weekday() >= 5
        assert OFFICE.is_working_day(day)

    @pytest.mark.parametrize(
        "day", [dt.date(2026, 2, 16 + n) for n in range(8)] + [dt.date(2026, 10, n) for n in range(1, 8)]
    )
    def test_the_spring_festival_and_national_day_weeks_are_off(self, day):
        assert not OFFICE.is_working_day(day)

    def test_a_complaint_received_on_30_september_at_16_00_with_3_working_days_is_due_on_the_make_up_saturday(self):
        # 30 Sep: 1.5 h left; 1–7 Oct off; 8 and 9 Oct: 7.5 h each; Sat 10 Oct (调休) is worked: 6 h more → 16:00.
        assert due(OFFICE, at(2026, 9, 30, 16), "3 working days") == at(2026, 10, 10, 16)

    def test_the_same_complaint_on_a_24_7_calendar_is_due_three_days_later(self):
        assert due(ALWAYS, at(2026, 9, 30, 16), "3 working days") == at(2026, 10, 3, 16)

    def test_a_whole_day_calendar_skips_the_holiday_week(self):
        assert due(WHOLE_DAYS, at(2026, 9, 30, 16), "1 working day") == at(2026, 10, 8, 16)

    def test_before_the_spring_festival_the_clock_jumps_the_whole_holiday(self):
        # Fri 13 Feb 17:00, then Sat 14 Feb is a make-up working day, then 15–23 Feb off.
        assert due(OFFICE, at(2026, 2, 13, 17), "1 working day") == at(2026, 2, 14, 17)
        assert due(OFFICE, at(2026, 2, 14, 17), "1 working day") == at(2026, 2, 24, 17)

    def test_four_working_hours_cross_the_lunch_break(self):
        assert due(OFFICE, at(2026, 11, 23, 10), "4 working hours") == at(2026, 11, 23, 15, 30)

    def test_a_complaint_received_at_night_starts_counting_next_morning(self):
        assert due(OFFICE, at(2026, 11, 23, 22), "1 working hours") == at(2026, 11, 24, 9, 30)

    def test_a_deadline_ending_at_closing_time_is_due_at_closing_time(self):
        assert due(OFFICE, at(2026, 11, 23, 13, 30), "4 working hours") == at(2026, 11, 23, 17, 30)

    def test_calendar_hours_ignore_holidays(self):
        assert due(OFFICE, at(2026, 9, 30, 16), "24 hours") == at(2026, 10, 1, 16)
        assert due(OFFICE, at(2026, 9, 30, 16), "30 minutes") == at(2026, 9, 30, 16, 30)

    def test_before_a_day_of_next_month(self):
        assert due(OFFICE, at(2026, 12, 15, 9), "before day 4 of next month") == at(2027, 1, 4)
        assert due(OFFICE, at(2026, 1, 31, 9), "before day 4 of next month") == at(2026, 2, 4)


class TestCompanyOverrides:
    def test_an_extra_day_off_is_skipped(self):
        calendar = BusinessCalendar(days_off=frozenset({dt.date(2026, 11, 24)}))
        assert due(calendar, at(2026, 11, 23, 10), "1 working day") == at(2026, 11, 25, 10)

    def test_an_extra_working_day_is_worked(self):
        calendar = BusinessCalendar(working_days=frozenset({dt.date(2026, 11, 28)}))
        assert due(calendar, at(2026, 11, 27, 10), "1 working day") == at(2026, 11, 28, 10)


class TestDurations:
    @pytest.mark.parametrize("text", ["3 weeks", "three days", "", "day 4", "before day 31 of next month", "-1 hours"])
    def test_nonsense_is_refused_with_an_example(self, text):
        with pytest.raises(ValueError):
            Duration.parse(text)

    def test_working_time_between_two_moments(self):
        assert OFFICE.working_time_between(at(2026, 9, 30, 16), at(2026, 10, 10, 16)) == dt.timedelta(
            hours=22, minutes=30
        )


moments = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 6, 30)).map(
    lambda moment: moment.replace(tzinfo=SHANGHAI, microsecond=0)
)
amounts = st.integers(min_value=0, max_value=60 * 24 * 20).map(lambda minutes: dt.timedelta(minutes=minutes))
calendars = st.sampled_from([OFFICE, WHOLE_DAYS, ALWAYS])


class TestWorkingTimeArithmetic:
    @settings(max_examples=200, deadline=None)
    @given(calendars, moments, amounts)
    def test_adding_working_time_then_measuring_it_gives_it_back(self, calendar, start, amount):
        end = calendar.add_working_time(start, amount)
        assert calendar.working_time_between(start, end) == amount

    @settings(max_examples=200, deadline=None)
    @given(calendars, moments, amounts, amounts)
    def test_adding_in_two_steps_is_adding_once(self, calendar, start, first, second):
        assert calendar.add_working_time(calendar.add_working_time(start, first), second) == calendar.add_working_time(
            start, first + second
        )

    @settings(max_examples=200, deadline=None)
    @given(calendars, moments, amounts, amounts)
    def test_more_time_is_never_due_earlier(self, calendar, start, first, second):
        shorter, longer = sorted([first, second])
        assert calendar.add_working_time(start, shorter) <= calendar.add_working_time(start, longer)

    @settings(max_examples=200, deadline=None)
    @given(calendars, moments, amounts.filter(bool))
    def test_a_deadline_falls_in_working_time(self, calendar, start, amount):
        end = calendar.add_working_time(start, amount)
        day = end.astimezone(SHANGHAI).date()
        periods = calendar.periods(day) + calendar.periods(day - dt.timedelta(days=1))
        assert any(begin < end <= finish for begin, finish in periods)
