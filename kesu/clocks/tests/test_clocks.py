"""Clocks of the call-centre process (seed 000) on real dates, through the API and the sweep."""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.clocks.models import Clock
from kesu.clocks.services import clocks_on_event
from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.models import Complaint, EventKind
from kesu.complaints.tests.helpers import (
    accountable,
    at,
    bring_to_investigation,
    clocks,
    contact,
    due,
    move_clock,
    step,
)
from kesu.notifications.models import Notification


@pytest.fixture
def before_national_day(as_, intake):
    """A complaint received on 30 September 2026 at 16:00 and recorded at once."""
    intake["received_at"] = at(2026, 9, 30, 16).isoformat()
    number = as_("agent").post("/complaints", intake).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")
    step(as_("handler"), number, "start-investigation")
    return number


def test_until_the_finding_is_known_the_longest_limit_applies(as_, before_national_day):
    resolve = clocks(as_("handler"), before_national_day)["resolve"]

    assert resolve["limit"] == "3 working days"
    # 30 Sep: 1.5 h; 1–7 Oct off; 8, 9 Oct; Sat 10 Oct is a make-up working day (调休).
    assert due(resolve) == at(2026, 10, 10, 16)


def test_recording_the_finding_recomputes_the_due_time(as_, before_national_day):
    step(as_("handler"), before_national_day, "finding", finding="invalid")

    resolve = clocks(as_("handler"), before_national_day)["resolve"]

    assert resolve["limit"] == "1 working day"
    assert due(resolve) == at(2026, 10, 8, 16)


def test_the_record_clock_is_breached_when_passed_to_a_handler_more_than_30_minutes_after_the_call(as_, intake):
    intake["received_at"] = (timezone.now() - dt.timedelta(minutes=45)).isoformat()
    late = as_("agent").post("/complaints", intake).json()
    intake["received_at"] = (timezone.now() - dt.timedelta(minutes=10)).isoformat()
    in_time = as_("agent").post("/complaints", intake).json()
    for complaint in (late, in_time):
        step(as_("agent"), complaint["number"], "assign", assignee="handler")

    assert clocks(as_("agent"), late["number"])["record"]["state"] == "breached"
    assert clocks(as_("agent"), in_time["number"])["record"]["state"] == "met"


def test_resolving_stops_the_resolve_clock(as_, intake):
    number = as_("agent").post("/complaints", intake).json()["number"]
    handler = as_("handler")
    step(as_("agent"), number, "assign", assignee="handler")
    step(handler, number, "start-investigation")
    step(handler, number, "finding", finding="valid")
    contact(handler, number, "apology")
    accountable(handler, number)
    step(handler, number, "resolve", resolution="已致歉")

    resolve = clocks(handler, number)["resolve"]

    assert resolve["state"] == "met"
    assert resolve["stopped_at"]
    assert resolve["remaining_seconds"] is None


def test_a_reopened_complaint_gets_a_new_resolve_clock(as_, intake):
    number = as_("agent").post("/complaints", intake).json()["number"]
    handler = as_("handler")
    step(as_("agent"), number, "assign", assignee="handler")
    step(handler, number, "start-investigation")
    step(handler, number, "finding", finding="valid")
    contact(handler, number, "apology")
    accountable(handler, number)
    step(handler, number, "resolve", resolution="已致歉")
    step(as_("follow_up"), number, "reopen", reason="客户不满意")

    resolves = Clock.objects.filter(complaint__number=number, key="resolve").order_by("id")

    assert [clock.state for clock in resolves] == ["stopped", "running"]
    assert resolves[1].limit == "3 working days"


class TestPauses:
    def test_waiting_for_the_customer_pauses_the_resolve_clock_and_shows_it(self, as_, before_national_day):
        handler = as_("handler")
        waiting = step(handler, before_national_day, "wait-for-customer", reason="等客户提供购买凭证")

        assert waiting["waiting_for_customer"] is True
        assert clocks(handler, before_national_day)["resolve"]["state"] == "paused"
        replied = step(handler, before_national_day, "customer-replied", note="客户已提供凭证")
        assert replied["waiting_for_customer"] is False
        assert clocks(handler, before_national_day)["resolve"]["state"] == "running"

    def test_time_paused_moves_the_due_time_by_the_working_time_it_took(self, as_, before_national_day):
        complaint = Complaint.objects.select_related("process").get(number=before_national_day)
        clocks_on_event(complaint, EventKind.WAITING_FOR_CUSTOMER, at(2026, 10, 8, 9, 0))
        clocks_on_event(complaint, EventKind.CUSTOMER_REPLIED, at(2026, 10, 9, 9, 0))

        resolve = Clock.objects.get(complaint=complaint, key="resolve")

        # paused for one working day (8 Oct 09:00 → 9 Oct 09:00): due one working day later, Mon 12 Oct.
        assert resolve.paused_total == dt.timedelta(hours=7, minutes=30)
        assert resolve.due_at == at(2026, 10, 12, 16)
        complaint.refresh_from_db()
        assert complaint.next_due_at == min(clock.due_at for clock in complaint.clocks.filter(state="running"))

    def test_a_pending_matter_pauses_the_clock_until_it_resumes(self, as_, before_national_day):
        handler = as_("handler")
        agreed = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
        step(handler, before_national_day, "pending", agreed_date=agreed, reason="等待检测报告")
        assert clocks(handler, before_national_day)["resolve"]["state"] == "paused"

        step(handler, before_national_day, "resume")

        assert clocks(handler, before_national_day)["resolve"]["state"] == "running"

    def test_a_clock_the_process_does_not_pause_keeps_running(self, as_, before_national_day):
        step(as_("handler"), before_national_day, "escalate", reason="无法处理")
        step(as_("handler"), before_national_day, "wait-for-customer", reason="等客户回电")

        assert clocks(as_("handler"), before_national_day)["escalation_report"]["state"] == "running"


def test_the_complaint_keeps_the_earliest_deadline_of_its_running_clocks(as_, intake):
    number = bring_to_investigation(as_, intake)
    handler = as_("handler")

    def next_deadline():
        complaint = Complaint.objects.get(number=number)
        running = complaint.clocks.filter(state="running").values_list("due_at", "warn_at")
        earliest = (min((due for due, _ in running), default=None), min((warn for _, warn in running), default=None))
        return (complaint.next_due_at, complaint.next_warn_at), earliest

    kept, earliest = next_deadline()
    assert kept == earliest and kept[0] is not None
    step(handler, number, "wait-for-customer", reason="等客户提供购买凭证")
    kept, earliest = next_deadline()
    assert kept == earliest
    step(handler, number, "customer-replied", note="客户已提供凭证")
    step(handler, number, "finding", finding="valid")
    kept, earliest = next_deadline()
    assert kept == earliest and kept[0] is not None


class TestTheSweep:
    def test_a_missed_deadline_escalates_to_the_supervisor_once(self, as_, before_national_day, staff):
        first = clocks_sweep()
        second = clocks_sweep()

        complaint = Complaint.objects.get(number=before_national_day)
        assert (first.breached, second.breached) == (1, 0)
        assert complaint.tier == 2
        assert complaint.events.filter(kind="clock_breached").count() == 1
        escalated = complaint.events.get(kind="escalated")
        assert escalated.data["cause"] == "clock_breach"
        assert escalated.data["clock"] == "resolve"
        assert escalated.data["notified"] == ["supervisor"]
        assert Notification.objects.filter(user=staff["supervisor"], kind="escalated_to_you").count() == 1
        assert Notification.objects.filter(user=staff["handler"], kind="clock_breached").count() == 1

    def test_the_supervisor_must_take_it_up_within_one_working_day(self, as_, before_national_day):
        clocks_sweep()
        report = clocks(as_("supervisor"), before_national_day)["escalation_report"]
        assert (report["state"], report["limit"]) == ("running", "1 working day")

        step(as_("supervisor"), before_national_day, "accept-escalation")

        assert clocks(as_("supervisor"), before_national_day)["escalation_report"]["state"] == "met"

    def test_the_supervisor_may_pass_it_up_to_the_manager(self, as_, before_national_day, staff):
        clocks_sweep()
        step(as_("supervisor"), before_national_day, "escalate", reason="需经理决定")

        complaint = Complaint.objects.get(number=before_national_day)
        assert complaint.tier == 3
        assert complaint.events.filter(kind="escalated").last().data["notified"] == ["manager"]

    def test_a_near_deadline_warns_the_handler_once(self, as_, intake, staff):
        intake["received_at"] = (timezone.now() - dt.timedelta(hours=1)).isoformat()
        number = as_("agent").post("/complaints", intake).json()["number"]
        step(as_("agent"), number, "assign", assignee="handler")
        Clock.objects.filter(complaint__number=number, key="resolve").update(warn_at=timezone.now())

        assert clocks_sweep().warned == 1
        assert clocks_sweep().warned == 0
        warning = Notification.objects.get(user=staff["handler"], kind="clock_warning")
        assert warning.data["number"] == number
        [shown] = [item for item in as_("handler").get("/notifications").json() if item["kind"] == "clock_warning"]
        assert shown["text"].startswith(f"投诉 {number}：时限“处理完毕”即将到期")

    def test_closed_cases_are_not_swept(self, as_, intake):
        number = as_("agent").post("/complaints", intake).json()["number"]
        handler = as_("handler")
        step(as_("agent"), number, "assign", assignee="handler")
        step(handler, number, "start-investigation")
        step(handler, number, "finding", finding="valid")
        contact(handler, number, "apology")
        accountable(handler, number)
        step(handler, number, "resolve", resolution="已致歉")

        assert clocks_sweep(now=timezone.now() + dt.timedelta(days=30)).breached == 0


class TestQueues:
    @pytest.fixture
    def three(self, as_, intake):
        """One long overdue, one nearly due, one fresh complaint."""
        agent = as_("agent")
        make = lambda **change: agent.post("/complaints", {**intake, **change}).json()["number"]  # noqa: E731
        overdue = make(received_at=(timezone.now() - dt.timedelta(days=20)).isoformat())
        soon = make()
        fresh = make()
        move_clock(
            soon,
            "resolve",
            warn_at=timezone.now() - dt.timedelta(minutes=1),
            due_at=timezone.now() + dt.timedelta(hours=1),
        )
        return overdue, soon, fresh

    def numbers(self, api, **params):
        return [item["number"] for item in api.get("/complaints", params).json()["items"]]

    def test_the_list_filters_overdue_and_due_soon(self, as_, three):
        overdue, soon, fresh = three
        supervisor = as_("supervisor")

        assert self.numbers(supervisor, overdue=True) == [overdue]
        assert self.numbers(supervisor, due_soon=True) == [soon]
        assert set(self.numbers(supervisor, overdue=False)) == {soon, fresh}

    def test_the_queue_sorts_by_the_next_deadline(self, as_, three):
        overdue, soon, fresh = three

        items = as_("supervisor").get("/complaints", {"order": "due"}).json()["items"]

        assert [item["number"] for item in items] == [overdue, soon, fresh]
        assert items[0]["next_due_at"] < items[1]["next_due_at"] < items[2]["next_due_at"]

    def test_a_clock_shows_its_remaining_time_and_warning(self, as_, three):
        overdue, soon, _fresh = three

        late = clocks(as_("agent"), overdue)["resolve"]
        near = clocks(as_("agent"), soon)["resolve"]

        assert (late["overdue"], late["remaining_seconds"] < 0) == (True, True)
        assert (near["warning"], near["overdue"]) == (True, False)
        assert 0 < near["remaining_seconds"] <= 3600
