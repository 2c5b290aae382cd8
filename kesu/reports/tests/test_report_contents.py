"""What a report holds, checked against a month of call-centre complaints built for the purpose:
how each was handled, the deadlines kept, the working hours to resolve, who complained again,
satisfaction, penalties, pending matters, corrective actions and the cases picked for review."""

import datetime as dt

import pytest
from django.test import Client

from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import accountable, contact, follow_up, step
from kesu.improvements.services import improvement_create
from kesu.reports.models import ReportSnapshot
from kesu.reports.presenters import snapshot_sections
from kesu.reports.schedule import reports_produce_due
from kesu.reports.tests.test_scheduled_reports import received, shanghai

NOTHING = {"now": 0, "previous": 0, "last_year": 0}


def now(count: int) -> dict:
    return {**NOTHING, "now": count}


def investigate(as_, number: str) -> None:
    step(as_("agent"), number, "assign", assignee="handler")
    step(as_("handler"), number, "start-investigation")


def settle_as_invalid(as_, number: str) -> None:
    handler = as_("handler")
    step(handler, number, "finding", finding="invalid")
    contact(handler, number, "explanation")
    step(handler, number, "resolve", resolution="已向客户解释")


@pytest.fixture
def december(as_, staff, travel):
    """Call-centre complaints of December 2026 (working hours 08:30–12:00 and 13:30–17:30)."""
    numbers = {}

    travel(shanghai(2026, 12, 1, 10))  # settled on the phone half an hour later: at once
    numbers["at_once"] = received(as_, shanghai(2026, 12, 1, 10), phone="13800000001")
    investigate(as_, numbers["at_once"])
    travel(shanghai(2026, 12, 1, 10, 30))
    settle_as_invalid(as_, numbers["at_once"])

    travel(shanghai(2026, 12, 2, 10))  # settled the next day, within its working day: 7.5 working hours
    numbers["in_time"] = received(as_, shanghai(2026, 12, 2, 10), phone="13800000002")
    investigate(as_, numbers["in_time"])
    travel(shanghai(2026, 12, 3, 10))
    settle_as_invalid(as_, numbers["in_time"])
    follow_up(as_("follow_up"), numbers["in_time"], "very_satisfied")

    travel(shanghai(2026, 12, 7, 10))  # valid: 3 working days, missed, settled on the fourth (30 h)
    numbers["late"] = received(as_, shanghai(2026, 12, 7, 10), phone="13800000003")
    investigate(as_, numbers["late"])
    step(as_("handler"), numbers["late"], "finding", finding="valid")

    travel(shanghai(2026, 12, 8, 10))  # settled, the customer dissatisfied at the callback: reopened
    numbers["reopened"] = received(as_, shanghai(2026, 12, 8, 10), phone="13800000004")
    investigate(as_, numbers["reopened"])
    travel(shanghai(2026, 12, 8, 15))
    settle_as_invalid(as_, numbers["reopened"])
    follow_up(as_("follow_up"), numbers["reopened"], "dissatisfied", outcome="客户仍不满意")

    travel(shanghai(2026, 12, 9, 10))  # the same customer again the next day, left pending
    numbers["again"] = received(as_, shanghai(2026, 12, 9, 10), phone="13800000004")
    investigate(as_, numbers["again"])
    step(as_("handler"), numbers["again"], "pending", agreed_date="2027-01-20", reason="等待厂家检测")
    step(as_("supervisor"), numbers["again"], "mark", mark="red", reason="典型案例")

    travel(shanghai(2026, 12, 11, 10))
    clocks_sweep(now=shanghai(2026, 12, 11, 10))
    handler = as_("handler")
    contact(handler, numbers["late"], "apology")
    accountable(handler, numbers["late"], points=3)
    step(handler, numbers["late"], "resolve", resolution="已道歉并扣罚")
    follow_up(as_("follow_up"), numbers["late"], "satisfied")

    improvement_create(
        actor=staff["manager"],
        title="坐席话术培训",
        root_cause="坐席解释不清",
        action="每周话术培训",
        owner=staff["supervisor"],
        due_date=dt.date(2026, 12, 20),
        complaint_numbers=[numbers["late"]],
    )
    received(as_, shanghai(2026, 11, 20, 10), phone="13800000005")  # the month before
    travel(shanghai(2027, 1, 1, 8))
    reports_produce_due()
    return numbers, ReportSnapshot.objects.get(key="monthly").data


def test_each_complaint_is_classed_by_how_it_was_handled(december):
    _numbers, data = december

    assert data["handling"] == {
        "at_once": now(1),
        "within_deadline": now(1),
        "late": now(1),
        "repeated": now(1),
        "open": {**now(1), "previous": 1},
    }
    assert data["totals"]["received"] == {"now": 5, "previous": 1, "last_year": 0}


def test_each_deadline_is_counted_met_missed_or_still_running(december):
    _numbers, data = december

    clocks = {clock["key"]: clock for clock in data["clocks"]}
    # met: the reopened complaint's first round and two others; missed: the late one and the reopened
    # one's second round (a working day from its reopening); still running: the pending one, paused
    assert clocks["resolve"]["met"] == now(3)
    assert clocks["resolve"]["breached"] == now(2)
    assert clocks["resolve"]["running"] == {**now(1), "previous": 1}  # and November's, open
    assert clocks["record"]["met"] == now(5)


def test_the_working_hours_to_resolve_are_the_median_and_90th_percentile_of_the_resolved(december):
    _numbers, data = december

    # 0.5, 7.5 and 30 working hours; the reopened one is not resolved any more
    assert data["resolution_time"]["now"] == {"count": 3, "median": 7.5, "p90": 30.0}
    assert data["resolution_time"]["previous"] == {"count": 0, "median": None, "p90": None}


def test_a_customer_complaining_again_within_30_days_is_a_repeat(december):
    _numbers, data = december

    assert data["repeat"]["now"] == {"complaints": 1, "customers": 1}


def test_satisfaction_penalties_pending_actions_and_review_picks_are_in_the_report(december):
    numbers, data = december

    assert data["satisfaction"] == {"very_satisfied": now(1), "satisfied": now(1), "dissatisfied": now(1)}
    assert data["accountability"]["totals"]["penalty"]["points"] == now(3)
    [penalty] = data["accountability"]["listed"]
    assert (penalty["number"], penalty["person"], penalty["points"]) == (numbers["late"], "agent", 3)
    assert data["pending"] == {"pending": 1, "past_agreed_date": 0}
    assert data["improvements"]["counts"]["opened"] == now(1)
    assert (data["improvements"]["open"], data["improvements"]["overdue"]) == (1, 1)
    assert [row["number"] for row in data["review"]["picked_for_review"]] == [numbers["late"]]
    assert [row["number"] for row in data["review"]["red_marked"]] == [numbers["again"]]


def test_the_scorecard_gives_each_department_its_resolution_and_satisfaction(december):
    _numbers, data = december

    [service] = data["resolution_rate"]["rows"]
    assert (data["resolution_rate"]["key"], service["key"]) == ("department", "service")
    assert {name: service[name] for name in ("received", "resolved", "on_time", "surveyed", "satisfied")} == {
        "received": 5,
        "resolved": 3,
        "on_time": 2,
        "surveyed": 3,
        "satisfied": 2,
    }


def test_the_report_reads_in_names_and_numbers_and_frozen(december, staff):
    numbers, _data = december
    snapshot = ReportSnapshot.objects.get(key="monthly")
    Complaint.objects.filter(number=numbers["again"]).update(red_marked=False)

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(staff["manager"])
    page = client.get(f"/reports/produced/{snapshot.pk}/").content.decode()

    for words in ("当即处理", "按时", "处理完毕", "中位数", "重复投诉", "非常满意", "扣罚", "未了事宜", "纠正预防措施"):
        assert words in page, words
    assert numbers["again"] in page  # red-marked when the report was made
    titles = [section.title for section in snapshot_sections(snapshot)]
    assert titles[0] == "投诉" and len(titles) == len(set(titles))
