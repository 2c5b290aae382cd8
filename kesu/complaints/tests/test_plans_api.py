"""处理方案 and 审批: chains of approvers in order, changes asked, the customer's answer, remedy tasks."""

import pytest

from kesu.accounts.roles import Role
from kesu.complaints.tests.helpers import bring_to_investigation, call_center_variant, contact, step
from kesu.conftest import make_staff

COMPENSATION = [{"kind": "apology"}, {"kind": "compensation", "amount": 800}]


@pytest.fixture
def two_step_chain(call_center, staff):
    """Compensation over 500 yuan: the supervisor, then the general manager."""
    make_staff("gm", Role.GENERAL_MANAGER, display_name="总经理")
    staff["gm"] = staff["outsider"].__class__.objects.get(username="gm")
    return call_center_variant(
        approvals=[
            {"when": {"remedy": ["compensation"]}, "chain": ["supervisor"]},
            {"when": {"amount_over": 500}, "chain": ["general_manager"]},
        ]
    )


@pytest.fixture
def proposed(as_, intake, two_step_chain):
    number = bring_to_investigation(as_, intake, category="product_quality")
    step(as_("handler"), number, "finding", finding="product_defect")
    step(as_("handler"), number, "plan", summary="致歉并补偿 800 元", remedies=COMPENSATION)
    return number


def steps(body):
    return [(each["role"], each["status"]) for each in body["plan"]["approvals"]]


def test_a_chain_of_two_approvals_is_decided_in_order(as_, proposed):
    first = step(as_("supervisor"), proposed, "plan/approve", note="同意，报总经理")

    assert first["status"]["key"] == "awaiting_approval"
    assert steps(first) == [("supervisor", "approved"), ("general_manager", "pending")]
    final = step(as_("gm"), proposed, "plan/approve", note="同意")
    assert final["status"]["key"] == "resolving"
    assert steps(final) == [("supervisor", "approved"), ("general_manager", "approved")]
    assert final["plan"]["status"]["key"] == "approved"


def test_a_lower_leader_cannot_decide_a_higher_leaders_step(as_, proposed):
    step(as_("supervisor"), proposed, "plan/approve")

    step(as_("manager"), proposed, "plan/approve", expect=403)


def test_a_higher_leader_may_decide_a_lower_step_but_not_two_steps(as_, proposed):
    step(as_("gm"), proposed, "plan/approve")  # the supervisor's step: a GM is above a supervisor

    assert step(as_("gm"), proposed, "plan/approve", expect=422)["code"] == "decided_before"


def test_rejection_at_the_second_step_ends_the_chain_and_returns_the_case(as_, proposed):
    step(as_("supervisor"), proposed, "plan/approve")

    rejected = step(as_("gm"), proposed, "plan/reject", reason="金额过高")

    assert rejected["status"]["key"] == "investigating"
    assert steps(rejected) == [("supervisor", "approved"), ("general_manager", "rejected")]


def test_waiting_steps_are_cancelled_when_the_first_asks_for_changes(as_, proposed):
    changed = step(as_("supervisor"), proposed, "plan/request-changes", reason="先致歉，补偿减半")

    assert steps(changed) == [("supervisor", "changes_requested"), ("general_manager", "cancelled")]


def test_every_decision_is_on_the_timeline(as_, proposed):
    step(as_("supervisor"), proposed, "plan/approve", note="同意")
    step(as_("gm"), proposed, "plan/approve", note="同意")

    kinds = [event["kind"]["key"] for event in as_("handler").get(f"/complaints/{proposed}/timeline").json()]
    assert kinds[-3:] == ["plan_proposed", "plan_step_approved", "plan_approved"]


def test_the_approvers_are_told_in_turn(as_, proposed, staff):
    assert [n["kind"] for n in as_("supervisor").get("/notifications").json()] == ["approval_needed"]
    assert as_("gm").get("/notifications").json() == []

    step(as_("supervisor"), proposed, "plan/approve")

    assert [n["kind"] for n in as_("gm").get("/notifications").json()] == ["approval_needed"]


class TestTheCustomersAnswer:
    @pytest.fixture
    def confirming(self, call_center):
        return call_center_variant(customer_confirms_plan=True, on_plan_refused="new_plan")

    def offer(self, as_, intake):
        number = bring_to_investigation(as_, intake, category="product_quality")
        step(as_("handler"), number, "finding", finding="product_defect")
        step(as_("handler"), number, "plan", summary="换新", remedies=[{"kind": "exchange"}])
        contact(as_("handler"), number, "apology")
        contact(as_("handler"), number, "plan_offer", "向客户说明换新方案")
        return number

    def test_a_plan_the_customer_must_confirm_is_resolved_only_after_a_yes(self, as_, intake, confirming):
        number = self.offer(as_, intake)

        assert step(as_("handler"), number, "resolve", expect=422, resolution="x")["code"] == "plan_not_accepted"
        accepted = step(as_("handler"), number, "plan/customer-response", accepted=True, note="客户同意换新")
        assert accepted["plan"]["customer_response"] == "accepted"
        assert step(as_("handler"), number, "resolve", resolution="已换新")["status"]["key"] == "resolved"

    def test_a_refused_plan_needs_a_new_one(self, as_, intake, confirming):
        number = self.offer(as_, intake)

        refused = step(as_("handler"), number, "plan/customer-response", accepted=False, note="客户要求退款")

        assert refused["status"]["key"] == "investigating"
        assert refused["plan"]["status"]["key"] == "refused"
        assert refused["tier"] == 1

    def test_where_the_process_says_so_a_refusal_goes_to_the_next_tier(self, as_, intake, call_center):
        call_center_variant(customer_confirms_plan=True, on_plan_refused="escalate")
        number = self.offer(as_, intake)

        refused = step(as_("handler"), number, "plan/customer-response", accepted=False, note="客户仍不满意")

        assert (refused["status"]["key"], refused["tier"]) == ("investigating", 2)

    def test_the_answer_is_taken_once(self, as_, intake, confirming):
        number = self.offer(as_, intake)
        step(as_("handler"), number, "plan/customer-response", accepted=True)

        again = step(as_("handler"), number, "plan/customer-response", expect=422, accepted=False)

        assert again["code"] == "nothing_to_answer"


class TestRemedyTasks:
    @pytest.fixture
    def refunds_by_finance(self, call_center, departments):
        return call_center_variant(
            remedy_tasks={
                "refund": {"department": "finance", "within": "3 working days"},
                "exchange": {"department": "logistics", "within": "5 working days"},
            },
            approvals=[],
            customer_confirms_plan=False,  # the plan goes ahead at once, without the customer's yes
        )

    def test_each_remedy_to_carry_out_becomes_a_department_task_with_its_deadline(
        self, as_, intake, refunds_by_finance
    ):
        number = bring_to_investigation(as_, intake, category="product_quality")
        step(as_("handler"), number, "finding", finding="product_defect")

        planned = step(
            as_("handler"),
            number,
            "plan",
            summary="退款并换新",
            remedies=[{"kind": "refund", "amount": 199}, {"kind": "exchange"}, {"kind": "apology"}],
        )

        tasks = {task["kind"]["key"]: task for task in planned["tasks"]}
        assert set(tasks) == {"refund", "exchange"}
        assert (tasks["refund"]["department"]["code"], tasks["refund"]["title"]) == ("finance", "退款 ¥199.00")
        assert tasks["exchange"]["department"]["code"] == "logistics"
        assert tasks["refund"]["due_at"] < tasks["exchange"]["due_at"]
        contact(as_("handler"), number, "apology")
        assert step(as_("handler"), number, "resolve", expect=422, resolution="x")["code"] == "tasks_open"


def test_a_leader_finds_the_plans_waiting_for_their_decision(proposed, staff):
    from kesu.complaints.selectors import plans_awaiting_decision

    def waiting(name):
        return [complaint.number for complaint in plans_awaiting_decision(staff[name])]

    assert (waiting("supervisor"), waiting("manager"), waiting("handler")) == ([proposed], [proposed], [])


def test_a_decided_step_leaves_the_deciders_list(as_, proposed, staff):
    from kesu.complaints.selectors import plans_awaiting_decision

    step(as_("gm"), proposed, "plan/approve")  # the supervisor's step, decided by the GM

    assert list(plans_awaiting_decision(staff["gm"])) == []
    assert [c.number for c in plans_awaiting_decision(staff["supervisor"])] == []
