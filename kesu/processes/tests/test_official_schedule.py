"""Next year's calendar: the State Council publishes 2027's holidays and make-up working days (调休)
around November, the `holidays` package does not have them yet. A deadline reaching into 2027 is
provisional until the admin imports the schedule; the import recomputes it to the minute.

The dates in these files are the tests' own, not the official 2027 schedule."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kesu.accounts.roles import Role
from kesu.clocks.models import Clock
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import at, clocks, due
from kesu.conftest import Api, make_staff
from kesu.processes import schedules
from kesu.processes.checks import next_year_schedule_known
from kesu.processes.models import OfficialDay, OfficialSchedule, Process

NEW_YEAR_2027 = """date,kind,name
2027-01-01,holiday,元旦
# the tests' own make-up day: Sunday 3 January is worked
2027-01-03,working_day,元旦调休上班
"""


@pytest.fixture
def admin_api(admin):
    return Api(user=admin, language="en")


@pytest.fixture
def it_admin(db):
    """The administrator with access to the admin site."""
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page.force_login(make_staff("it_admin", Role.ADMIN, is_staff=True))
    return page


@pytest.fixture
def new_years_eve(as_, intake, travel):
    """A complaint phoned in on Thursday 31 December 2026 at 16:00 (call_center: 08:30–12:00,
    13:30–17:30, resolve within 3 working days until the finding is known)."""
    travel(at(2026, 12, 31, 16))
    return as_("agent").post("/complaints", intake).json()["number"]


def import_file(api: Api, year: int, text: str, name: str = "2027.csv"):
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return api.client.post(f"/api/v1/calendar/schedules/{year}/import", {"file": upload})


def resolve_clock(number: str) -> Clock:
    return Clock.objects.get(complaint__number=number, key="resolve")


class TestProvisionalDeadlines:
    def test_a_deadline_counted_into_an_unknown_year_is_provisional(self, as_, new_years_eve):
        resolve = clocks(as_("agent"), new_years_eve)["resolve"]

        # 31 Dec: 1.5 h; 1 Jan (by rule), 2, 3 Jan off; 4 and 5 Jan 7.5 h each; 6 Jan 6 h → 16:00.
        assert due(resolve) == at(2027, 1, 6, 16)
        assert resolve["provisional"] is True

    def test_a_calendar_time_limit_is_never_provisional(self, as_, new_years_eve):
        assert clocks(as_("agent"), new_years_eve)["record"]["provisional"] is False

    def test_a_deadline_within_a_known_year_is_final(self, as_, intake, travel):
        travel(at(2026, 12, 7, 10))
        number = as_("agent").post("/complaints", intake).json()["number"]

        resolve = clocks(as_("agent"), number)["resolve"]

        assert due(resolve) == at(2026, 12, 10, 10)
        assert resolve["provisional"] is False

    def test_the_complaint_page_marks_it_provisional(self, staff, new_years_eve):
        page = Client()
        page.force_login(staff["agent"])

        html = page.get(f"/complaints/{new_years_eve}/").content.decode()

        assert "2027-01-06 16:00" in html
        assert "暂定" in html


class TestImportingTheSchedule:
    def test_importing_the_year_recomputes_the_due_time_to_the_minute(self, as_, admin_api, new_years_eve):
        answer = import_file(admin_api, 2027, NEW_YEAR_2027)

        assert answer.status_code == 200, answer.content.decode()
        assert answer.json()["clocks_moved"] == 1
        resolve = clocks(as_("agent"), new_years_eve)["resolve"]
        # 31 Dec: 1.5 h; 1 Jan off; Sun 3 Jan worked: 7.5 h; 4 Jan 7.5 h; 5 Jan 6 h → 16:00.
        assert due(resolve) == at(2027, 1, 5, 16)
        assert resolve["provisional"] is False

    def test_the_warning_time_and_the_complaints_next_deadlines_follow(self, admin_api, new_years_eve):
        # only the resolve clock runs (the record clock, 30 minutes, is not the point here)
        Clock.objects.filter(complaint__number=new_years_eve).exclude(key="resolve").update(state="stopped")

        import_file(admin_api, 2027, NEW_YEAR_2027)

        clock = resolve_clock(new_years_eve)
        complaint = Complaint.objects.get(number=new_years_eve)
        # warned at 80 %: 18 working hours → 31 Dec 1.5 h, 3 Jan 7.5 h, 4 Jan 7.5 h, 5 Jan 1.5 h → 10:00.
        assert clock.warn_at == at(2027, 1, 5, 10)
        assert complaint.next_due_at == at(2027, 1, 5, 16)
        assert complaint.next_warn_at == at(2027, 1, 5, 10)

    def test_the_imported_year_replaces_the_package_days(self, admin_api, call_center, new_years_eve):
        import_file(admin_api, 2027, NEW_YEAR_2027)

        calendar = Process.objects.get(pk=call_center.pk).calendar
        # the package's own guess (Labour Day "observed" on Monday 3 May) is gone with the year
        assert calendar.is_working_day(dt.date(2027, 5, 3))
        assert not calendar.is_working_day(dt.date(2027, 1, 1))
        assert calendar.is_working_day(dt.date(2027, 1, 3))
        # years the package knows are untouched
        assert not calendar.is_working_day(dt.date(2026, 10, 1))

    def test_a_company_day_off_still_wins_and_moves_the_deadline(self, as_, admin_api, new_years_eve):
        import_file(admin_api, 2027, NEW_YEAR_2027)

        answer = admin_api.put("/calendar/overrides/2027-01-04", {"is_working_day": False, "note": "年会"})

        assert answer.status_code == 200, answer.content.decode()
        assert answer.json()["clocks_moved"] == 1
        assert due(clocks(as_("agent"), new_years_eve)["resolve"]) == at(2027, 1, 6, 16)

    def test_giving_the_day_back_moves_the_deadline_back(self, as_, admin_api, new_years_eve):
        import_file(admin_api, 2027, NEW_YEAR_2027)
        admin_api.put("/calendar/overrides/2027-01-04", {"is_working_day": False})

        answer = admin_api.client.delete("/api/v1/calendar/overrides/2027-01-04")

        assert answer.status_code == 204
        assert due(clocks(as_("agent"), new_years_eve)["resolve"]) == at(2027, 1, 5, 16)

    def test_a_deadline_before_the_changed_days_is_not_touched(self, as_, admin_api, intake, travel):
        travel(at(2026, 12, 7, 10))
        number = as_("agent").post("/complaints", intake).json()["number"]

        answer = import_file(admin_api, 2027, NEW_YEAR_2027)

        assert answer.json()["clocks_moved"] == 0
        assert due(clocks(as_("agent"), number)["resolve"]) == at(2026, 12, 10, 10)

    def test_a_yaml_file_is_taken_too(self, as_, admin_api, new_years_eve):
        text = "- {date: 2027-01-01, kind: holiday, name: 元旦}\n- {date: 2027-01-03, kind: working_day, name: 调休}\n"

        answer = import_file(admin_api, 2027, text, name="2027.yaml")

        assert answer.status_code == 200, answer.content.decode()
        assert due(clocks(as_("agent"), new_years_eve)["resolve"]) == at(2027, 1, 5, 16)

    def test_entering_the_schedule_as_json_recomputes_too(self, as_, admin_api, new_years_eve):
        days = [
            {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
            {"date": "2027-01-03", "kind": "working_day", "name": "元旦调休上班"},
        ]

        answer = admin_api.put("/calendar/schedules/2027", {"source": "国办发明电〔2026〕", "days": days})

        assert answer.status_code == 200, answer.content.decode()
        assert answer.json()["source"] == "imported"
        assert answer.json()["days"] == [
            {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
            {"date": "2027-01-03", "kind": "working_day", "name": "元旦调休上班"},
        ]
        assert due(clocks(as_("agent"), new_years_eve)["resolve"]) == at(2027, 1, 5, 16)

    def test_forgetting_the_year_brings_back_the_package_and_the_provisional_deadline(
        self, as_, admin_api, new_years_eve
    ):
        import_file(admin_api, 2027, NEW_YEAR_2027)

        answer = admin_api.client.delete("/api/v1/calendar/schedules/2027")

        assert answer.status_code == 200
        resolve = clocks(as_("agent"), new_years_eve)["resolve"]
        assert due(resolve) == at(2027, 1, 6, 16)
        assert resolve["provisional"] is True


class TestBadFiles:
    def test_each_bad_line_is_named_with_its_reason_and_nothing_is_written(self, as_, admin_api, new_years_eve):
        text = (
            "date,kind,name\n"
            "2027-01-01,holiday,元旦\n"
            "2027-13-01,holiday,不存在\n"
            "2027-02-06,vacation,春节\n"
            "2026-12-31,holiday,跨年\n"
            "2027-01-05,working_day,星期二\n"
            "2027-01-01,holiday,元旦\n"
            "2027-02-07,holiday,\n"
        )

        answer = import_file(admin_api, 2027, text)

        assert answer.status_code == 422
        body = answer.json()
        assert body["code"] == "invalid_rows"
        assert [error["message"] for error in body["errors"]] == [
            "line 3: the date must be written as 2027-01-01.",
            'line 4: the kind must be holiday or working_day, not "vacation".',
            "line 5: 2026-12-31 is not in 2027.",
            "line 6: 2027-01-05 is a weekday: a make-up working day is a Saturday or Sunday.",
            "line 7: 2027-01-01 is given twice (also at line 2).",
            "line 8: the name is missing (e.g. 春节, 春节调休上班).",
        ]
        assert {error["field"] for error in body["errors"]} == {"file"}
        assert not OfficialSchedule.objects.exists() and not OfficialDay.objects.exists()
        assert clocks(as_("agent"), new_years_eve)["resolve"]["provisional"] is True

    def test_the_reasons_are_in_chinese_for_a_chinese_caller(self, admin):
        answer = import_file(Api(user=admin), 2027, "2027-01-04,working_day,周一\n")

        assert answer.status_code == 422
        assert answer.json()["errors"][0]["message"].startswith("第 1 行：")

    def test_an_empty_file_is_refused(self, admin_api):
        answer = import_file(admin_api, 2027, "date,kind,name\n")

        assert answer.status_code == 422
        assert answer.json()["errors"][0]["field"] == "file"

    def test_a_day_given_twice_in_json_is_refused_on_its_place(self, admin_api):
        day = {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}

        answer = admin_api.put("/calendar/schedules/2027", {"days": [day, day]})

        assert answer.status_code == 422
        assert answer.json()["errors"] == [
            {"field": "days.1", "message": "2027-01-01 is given twice (also at days.0)."}
        ]

    def test_a_year_out_of_range_is_refused(self, admin_api):
        answer = admin_api.get("/calendar/schedules/1999")

        assert answer.status_code == 422
        assert answer.json()["errors"][0]["field"] == "year"


class TestKnownYears:
    def test_next_year_is_unknown_until_its_schedule_is_entered(self, admin_api, travel):
        travel(at(2026, 12, 7, 10))

        before = {item["year"]: item for item in admin_api.get("/calendar/schedules").json()}
        import_file(admin_api, 2027, NEW_YEAR_2027)
        after = {item["year"]: item for item in admin_api.get("/calendar/schedules").json()}

        assert before[2026] == {"year": 2026, "known": True, "source": "package"}
        assert before[2027] == {"year": 2027, "known": False, "source": "rules"}
        assert after[2027] == {"year": 2027, "known": True, "source": "imported"}

    def test_an_unknown_years_days_are_the_packages_guess(self, admin_api):
        schedule = admin_api.get("/calendar/schedules/2027").json()

        assert schedule["known"] is False
        assert {"date": "2027-01-01", "kind": "holiday", "name": "New Year's Day"} in schedule["days"]
        assert not [day for day in schedule["days"] if day["kind"] == "working_day"]


class TestWarnings:
    @pytest.fixture
    def signed_in(self, staff, it_admin, call_center):
        handler = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        handler.force_login(staff["handler"])
        return {"admin": it_admin, "handler": handler}

    def test_the_admin_is_warned_on_the_home_page_and_the_admin_index(self, signed_in, travel):
        travel(at(2026, 12, 7, 10))

        assert 'id="calendar-warning"' in signed_in["admin"].get("/").content.decode()
        assert "2027" in signed_in["admin"].get("/admin/").content.decode()
        assert "officialschedule" in signed_in["admin"].get("/admin/").content.decode()

    def test_staff_without_the_admin_role_are_not(self, signed_in, travel):
        travel(at(2026, 12, 7, 10))

        assert 'id="calendar-warning"' not in signed_in["handler"].get("/").content.decode()

    def test_the_warning_goes_once_the_year_is_known(self, signed_in, admin_api, travel):
        travel(at(2026, 12, 7, 10))
        import_file(admin_api, 2027, NEW_YEAR_2027)

        assert 'id="calendar-warning"' not in signed_in["admin"].get("/").content.decode()

    def test_a_system_check_warns_too(self, db, travel):
        travel(at(2026, 12, 7, 10))

        warnings = next_year_schedule_known(databases=["default"])

        assert [warning.id for warning in warnings] == ["kesu.processes.W001"]


class TestWhoMay:
    CALLS = [
        ("get", "/calendar/schedules", None),
        ("get", "/calendar/schedules/2027", None),
        ("put", "/calendar/schedules/2027", {"days": [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]}),
        ("get", "/calendar/overrides", None),
        ("put", "/calendar/overrides/2027-01-04", {"is_working_day": False}),
    ]

    @pytest.mark.parametrize("method, path, body", CALLS)
    @pytest.mark.parametrize("persona", ["agent", "handler", "supervisor", "manager", "finance"])
    def test_only_the_admin_may_read_or_change_the_calendar(self, as_, persona, method, path, body):
        caller = as_(persona)
        answer = caller.get(path) if method == "get" else caller.put(path, body)

        assert answer.status_code == 403
        assert answer.json()["code"] == "forbidden"

    @pytest.mark.parametrize("method, path, body", CALLS)
    def test_the_admin_may(self, admin_api, method, path, body):
        answer = admin_api.get(path) if method == "get" else admin_api.put(path, body)

        assert answer.status_code == 200, answer.content.decode()

    def test_others_may_not_import_or_delete(self, as_):
        assert import_file(as_("manager"), 2027, NEW_YEAR_2027).status_code == 403
        assert as_("manager").client.delete("/api/v1/calendar/schedules/2027").status_code == 403
        assert as_("manager").client.delete("/api/v1/calendar/overrides/2027-01-04").status_code == 403
        assert not OfficialSchedule.objects.exists()

    def test_without_a_token_the_caller_is_asked_to_sign_in(self, db):
        assert Client().get("/api/v1/calendar/schedules").status_code == 401


class TestTheAdmin:
    def test_the_admin_imports_a_file_in_the_admin(self, new_years_eve, it_admin, as_):
        upload = SimpleUploadedFile("2027.csv", NEW_YEAR_2027.encode(), content_type="text/csv")

        answer = it_admin.post("/admin/processes/officialschedule/import/", {"year": 2027, "file": upload})

        assert answer.status_code == 302, answer.content.decode()
        assert answer.url == "/admin/processes/officialschedule/"
        assert OfficialSchedule.objects.get(year=2027).days.count() == 2
        assert due(clocks(as_("agent"), new_years_eve)["resolve"]) == at(2027, 1, 5, 16)

    def test_a_company_day_saved_in_the_admin_moves_the_deadline(self, new_years_eve, it_admin, as_):
        answer = it_admin.post(
            "/admin/processes/calendaroverride/add/", {"day": "2027-01-05", "is_working_day": "", "note": "停电"}
        )

        assert answer.status_code == 302, answer.content.decode()
        assert answer.url == "/admin/processes/calendaroverride/"
        # 1 Jan (by rule), 2–3 Jan, 5 Jan off: 31 Dec 1.5 h, 4 Jan 7.5 h, 6 Jan 7.5 h, 7 Jan 6 h → 16:00.
        assert due(clocks(as_("agent"), new_years_eve)["resolve"]) == at(2027, 1, 7, 16)


class TestTheCache:
    def test_a_schedule_written_by_another_process_is_seen_within_the_cache_time(self, db, monkeypatch):
        clock = [1000.0]
        monkeypatch.setattr(schedules.time, "monotonic", lambda: clock[0])
        assert 2027 not in schedules.official_schedule().years
        # another worker imports 2027: this one does not know yet
        OfficialSchedule.objects.create(year=2027, source="another worker")

        still = schedules.official_schedule().years
        clock[0] += schedules.SCHEDULE_CACHE_SECONDS
        later = schedules.official_schedule().years

        assert 2027 not in still
        assert 2027 in later

    def test_the_process_that_imports_sees_it_at_once(self, admin_api):
        assert 2027 not in schedules.known_years()

        import_file(admin_api, 2027, NEW_YEAR_2027)

        assert 2027 in schedules.known_years()


class TestEnteringByHandInTheAdmin:
    def test_the_admin_pages_show_the_schedules_and_the_import(self, it_admin):
        assert it_admin.get("/admin/processes/officialschedule/").status_code == 200
        assert it_admin.get("/admin/processes/officialschedule/add/").status_code == 200
        assert it_admin.get("/admin/processes/officialschedule/import/").status_code == 200

    def test_a_schedule_entered_by_hand_moves_the_deadline(self, new_years_eve, it_admin, as_):
        form = {
            "year": "2027",
            "source": "国办发明电",
            "days-TOTAL_FORMS": "2",
            "days-INITIAL_FORMS": "0",
            "days-0-day": "2027-01-01",
            "days-0-kind": "holiday",
            "days-0-name": "元旦",
            "days-1-day": "2027-01-03",
            "days-1-kind": "working_day",
            "days-1-name": "元旦调休上班",
        }

        answer = it_admin.post("/admin/processes/officialschedule/add/", form)

        assert answer.status_code == 302, answer.content.decode()
        assert due(clocks(as_("agent"), new_years_eve)["resolve"]) == at(2027, 1, 5, 16)

    def test_a_working_day_on_a_weekday_is_refused_in_the_admin(self, it_admin):
        form = {
            "year": "2027",
            "days-TOTAL_FORMS": "1",
            "days-INITIAL_FORMS": "0",
            "days-0-day": "2027-01-05",
            "days-0-kind": "working_day",
            "days-0-name": "周二",
        }

        answer = it_admin.post("/admin/processes/officialschedule/add/", form)

        assert answer.status_code == 200
        assert not OfficialSchedule.objects.exists()
