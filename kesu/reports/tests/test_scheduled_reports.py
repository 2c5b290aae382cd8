"""报告: each report a process names is produced once its period is over, at its day and time in
Shanghai, once however many workers ask, its numbers frozen, and sent to the roles it names."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint
from kesu.conftest import PHONE_INTAKE, make_staff
from kesu.notifications.models import Notification
from kesu.processes.services import process_load_template, template_names
from kesu.reports.models import ReportSnapshot
from kesu.reports.periods import Period, due_at, last_period
from kesu.reports.schedule import reports_produce_due
from kesu.web.tests.test_i18n import visible_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
MINUTE = dt.timedelta(minutes=1)

# The periods just over on Monday 4 January 2027: the week of 28 Dec – 3 Jan, December, the fourth
# quarter, the year 2026.
ENDED = {
    "week": Period(dt.date(2026, 12, 28), dt.date(2027, 1, 4)),
    "month": Period(dt.date(2026, 12, 1), dt.date(2027, 1, 1)),
    "quarter": Period(dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
    "year": Period(dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
}


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def every_template(db):
    return [process_load_template(name) for name in template_names()]


def entries(processes):
    return [(process, spec) for process in processes for spec in process.spec.reports]


def test_the_templates_name_their_reports(every_template):
    assert len(entries(every_template)) >= 12


def test_each_templates_report_is_produced_at_its_moment_in_shanghai_over_its_period_once_and_sent(
    every_template,
):
    roles = {role for _process, spec in entries(every_template) for role in spec.roles()}
    departments = {code for _process, spec in entries(every_template) for code in spec.departments()}
    for role in roles:
        make_staff(f"reader_{role}", role)
    for code in departments:
        make_staff(f"member_{code}", Role.DEPARTMENT_STAFF, department=Department.objects.get(code=code))
    for process, spec in entries(every_template):
        ReportSnapshot.objects.all().delete()  # each entry on its own: others fall due around it
        period = ENDED[spec.every]
        moment = due_at(spec, period, SHANGHAI)
        assert last_period(spec, moment.date()) == period
        this_one = ReportSnapshot.objects.filter(process_name=process.name, key=spec.key, period_start=period.start)

        reports_produce_due(now=moment - MINUTE)
        assert not this_one.exists(), (process.name, spec.key)
        reports_produce_due(now=moment)
        reports_produce_due(now=moment + 5 * MINUTE)  # a second worker, or the next sweep

        [snapshot] = this_one
        assert (snapshot.period_end, snapshot.scheduled) == (period.end, True)
        told = Notification.objects.filter(kind="report_ready", data__report_id=snapshot.pk)
        addressed = [f"reader_{role}" for role in spec.roles()] + [f"member_{code}" for code in spec.departments()]
        assert sorted(told.values_list("user__username", flat=True)) == sorted(addressed), (process.name, spec.key)


def test_a_weekly_report_on_tuesday_is_the_last_monday_to_sunday_at_8_in_shanghai(db):
    auto_dealer = process_load_template("auto_dealer")
    weekly = next(spec for spec in auto_dealer.spec.reports if spec.key == "weekly_summary")

    moment = due_at(weekly, last_period(weekly, dt.date(2026, 12, 30)), SHANGHAI)

    # Tuesday 29 December 2026, 08:00 in Shanghai, which is 00:00 UTC: Huey's own clock is never asked
    assert moment == shanghai(2026, 12, 29, 8) == dt.datetime(2026, 12, 29, 0, 0, tzinfo=dt.UTC)
    assert last_period(weekly, dt.date(2026, 12, 30)) == Period(dt.date(2026, 12, 21), dt.date(2026, 12, 28))


def test_a_report_missed_long_ago_is_not_produced_late(call_center):
    monthly = next(spec for spec in call_center.spec.reports if spec.key == "monthly")

    reports_produce_due(now=due_at(monthly, ENDED["month"], SHANGHAI) + dt.timedelta(days=4))

    assert not ReportSnapshot.objects.filter(key="monthly").exists()


def test_the_report_goes_to_the_roles_it_names_and_opens_from_the_notification(call_center, staff):
    reports_produce_due(now=shanghai(2027, 1, 1, 8))

    snapshot = ReportSnapshot.objects.get(key="monthly")
    told = Notification.objects.filter(kind="report_ready").values_list("user__username", flat=True)
    assert sorted(told) == ["manager", "supervisor"]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(staff["manager"])
    inbox = client.get("/notifications/").content.decode()
    opened = client.get(f"/notifications/{Notification.objects.get(user=staff['manager']).pk}/open/")
    assert "报告“月报”（2026-12-01 – 2026-12-31）已生成" in inbox
    assert opened["Location"] == f"/reports/produced/{snapshot.pk}/"
    assert "2026-12-01 – 2026-12-31" in client.get(f"/reports/produced/{snapshot.pk}/").content.decode()


def test_finance_reads_the_penalties_report_sent_to_it_and_an_agent_reads_none(db, staff):
    process_load_template("auto_dealer")
    cashier = make_staff("cashier", Role.FINANCE, department=Department.objects.get(code="finance"))
    reports_produce_due(now=shanghai(2027, 1, 4, 8))
    penalties = ReportSnapshot.objects.get(key="penalties_rewards")
    finance, agent = Client(), Client()
    finance.force_login(cashier)
    agent.force_login(staff["agent"])

    assert Notification.objects.filter(user=cashier, kind="report_ready").exists()
    assert finance.get(f"/reports/produced/{penalties.pk}/").status_code == 200
    assert agent.get(f"/reports/produced/{penalties.pk}/").status_code == 403
    assert agent.get("/reports/produced/").status_code == 403


def received(as_, when: dt.datetime, category: str = "service_quality", phone: str = "13812345678") -> str:
    body = {**PHONE_INTAKE, "category": category, "received_at": when.isoformat(), "customer": {"phone": phone}}
    response = as_("agent").post("/complaints", body)
    assert response.status_code == 201, response.content.decode()
    return response.json()["number"]


def test_the_numbers_are_the_periods_beside_the_previous_one_and_last_years_and_stay_as_they_were(as_, travel):
    travel(shanghai(2027, 1, 1, 7))
    for day in (3, 10, 20):
        received(as_, shanghai(2026, 12, day, 10))
    received(as_, shanghai(2026, 12, 31, 23, 59), category="product_quality")
    received(as_, shanghai(2027, 1, 1, 0, 1))  # the next month's
    received(as_, shanghai(2026, 11, 15, 10))
    received(as_, shanghai(2025, 12, 15, 10), category="product_quality")
    received(as_, shanghai(2025, 12, 16, 10), category="product_quality")

    reports_produce_due(now=shanghai(2027, 1, 1, 8))
    snapshot = ReportSnapshot.objects.get(key="monthly")
    Complaint.objects.filter(category="service_quality").update(category="product_quality")

    data = ReportSnapshot.objects.get(pk=snapshot.pk).data
    assert data["totals"]["received"] == {"now": 4, "previous": 1, "last_year": 2}
    by_category = {row["key"]: row for row in next(b for b in data["breakdowns"] if b["key"] == "category")["rows"]}
    assert by_category["service_quality"] == {"key": "service_quality", "now": 3, "previous": 1, "last_year": 0}
    assert by_category["product_quality"] == {"key": "product_quality", "now": 1, "previous": 0, "last_year": 2}
    assert data["breakdowns"][0]["key"] == "category"  # the entry names no breakdown: the defaults, category first


def test_the_report_page_names_every_key_and_shows_the_change(as_, staff, travel):
    travel(shanghai(2027, 1, 1, 7))
    received(as_, shanghai(2026, 12, 3, 10))
    received(as_, shanghai(2026, 12, 4, 10))
    received(as_, shanghai(2026, 11, 4, 10))
    reports_produce_due(now=shanghai(2027, 1, 1, 8))
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(staff["manager"])

    page = client.get(f"/reports/produced/{ReportSnapshot.objects.get(key='monthly').pk}/").content.decode()

    assert "服务质量投诉" in page and "电话" in page and "+100%" in page
    assert "service_quality" not in visible_text(page)  # only in the links and the form's values


def test_a_leader_runs_any_report_for_any_dates(as_, staff, travel):
    travel(shanghai(2027, 1, 1, 7))
    received(as_, shanghai(2026, 12, 3, 10))
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(staff["manager"])

    response = client.post(
        "/reports/produced/", {"report": "call_center:weekly", "start": "2026-12-01", "end": "2026-12-10"}
    )
    backwards = client.post(
        "/reports/produced/", {"report": "call_center:weekly", "start": "2026-12-10", "end": "2026-12-01"}
    )

    snapshot = ReportSnapshot.objects.get()
    assert response["Location"] == f"/reports/produced/{snapshot.pk}/"
    assert (snapshot.scheduled, snapshot.period_end, snapshot.data["totals"]["received"]["now"]) == (
        False,
        dt.date(2026, 12, 11),
        1,
    )
    assert backwards.status_code == 422 and "结束日期早于开始日期" in backwards.content.decode()
