"""The call centre's process (seed 000) as re-read against the seed, through the API, on real dates.

Office hours 08:30–12:00 and 13:30–17:30 on China's working days; the 30 minutes to record a call
and pass it to a handler are clock minutes.
"""

import pytest

from kesu.accounts.roles import Role
from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import at, bring_to_investigation, clocks, contact, due, step
from kesu.conftest import make_staff
from kesu.notifications.models import Notification


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


class TestTheTemplate:
    def test_it_loads_with_the_seeds_rules(self, call_center):
        spec = call_center.spec

        record = next(clock for clock in spec.clocks if clock.key == "record")
        assert (record.start, record.stop, record.limit) == (["received"], ["assigned"], "30 minutes")
        report = next(clock for clock in spec.clocks if clock.key == "escalation_report")
        assert (report.label.zh, report.start, report.stop) == (
            "主管一个工作日内接手上报",
            ["escalated"],
            ["escalation_accepted"],
        )
        # "与客户协商处理方案"
        assert (spec.customer_confirms_plan, spec.on_plan_refused) == (True, "new_plan")


class TestRecordedAndPassedOnWithin30Minutes:
    def test_the_record_clock_runs_until_a_handler_has_the_call(self, as_, intake, travel):
        travel(at(2026, 12, 7, 9, 5))  # a Monday
        number = as_("agent").post("/complaints", intake).json()["number"]

        record = clocks(as_("agent"), number)["record"]
        assert (record["state"], due(record)) == ("running", at(2026, 12, 7, 9, 35))

        travel(at(2026, 12, 7, 9, 27))
        step(as_("agent"), number, "assign", assignee="handler")

        record = clocks(as_("agent"), number)["record"]
        assert record["state"] == "met"

    def test_a_call_passed_on_after_31_minutes_misses_it(self, as_, intake, travel):
        travel(at(2026, 12, 7, 11, 50))
        number = as_("agent").post("/complaints", intake).json()["number"]

        travel(at(2026, 12, 7, 12, 21))  # clock minutes: the lunch break counts
        step(as_("agent"), number, "assign", assignee="handler")

        assert clocks(as_("agent"), number)["record"]["state"] == "breached"

    def test_a_missed_record_deadline_is_told_to_the_handlers_of_the_department_while_nobody_has_the_call(
        self, as_, intake, travel, staff
    ):
        travel(at(2026, 12, 7, 9, 0))
        number = as_("agent").post("/complaints", intake).json()["number"]
        away = make_staff("away", Role.HANDLER, department=staff["handler"].department, is_away=True)

        assert clocks_sweep(now=at(2026, 12, 7, 9, 29)).breached == 0
        assert clocks_sweep(now=at(2026, 12, 7, 9, 30)).breached == 1

        # the handlers (tier 1) of the service department, present; not the agent, nor the supervisor
        assert told("clock_breached") == {"handler", "colleague"}
        assert away.username not in told("clock_breached")
        breached = Complaint.objects.get(number=number).events.get(kind="clock_breached")
        assert breached.data["clock"] == "record"

    def test_once_a_handler_has_the_case_only_he_hears_of_its_deadlines(self, as_, intake, travel):
        travel(at(2026, 12, 7, 9, 0))  # resolve: the longest limit, 3 working days, until the finding
        bring_to_investigation(as_, intake)

        assert clocks_sweep(now=at(2026, 12, 10, 9, 0)).breached == 1

        assert told("clock_breached") == {"handler"}


class TestAPlanTheCustomerAgreesTo:
    @pytest.fixture
    def offered(self, as_, intake):
        number = bring_to_investigation(as_, intake, category="product_quality")
        handler = as_("handler")
        step(handler, number, "finding", finding="product_defect")
        contact(handler, number, "apology")
        planned = step(handler, number, "plan", summary="换新", remedies=[{"kind": "exchange"}])
        assert planned["status"]["key"] == "resolving"  # no approval asked for an exchange
        return number

    def test_the_case_is_settled_only_once_the_customer_agrees(self, as_, offered):
        handler = as_("handler")

        assert step(handler, offered, "resolve", expect=422, resolution="已换新")["code"] == "plan_not_accepted"
        step(handler, offered, "plan/customer-response", accepted=True, note="客户同意换新")
        assert step(handler, offered, "resolve", resolution="已换新")["status"]["key"] == "resolved"

    def test_a_refused_plan_is_negotiated_again_by_the_handler(self, as_, offered):
        refused = step(as_("handler"), offered, "plan/customer-response", accepted=False, note="客户要求退款")

        assert (refused["status"]["key"], refused["tier"]) == ("investigating", 1)
        again = step(as_("handler"), offered, "plan", summary="退款", remedies=[{"kind": "refund", "amount": 99}])
        assert again["plan"]["status"]["key"] == "proposed"
