"""The page offers a step exactly when the service would take it (kesu.web.actions mirrors the rules)."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from kesu.complaints import services
from kesu.complaints.selectors import complaint_for_user
from kesu.followups.services import followup_record
from kesu.lib.errors import DomainError
from kesu.web.actions import allowed_actions, primary_action
from kesu.web.tests.conftest import advance

PERSONAS = ["agent", "handler", "colleague", "supervisor", "manager", "follow_up", "logistics_clerk"]


def keys(user, complaint) -> set[str]:
    return {action.key for action in allowed_actions(user, complaint)}


def succeeds(user, complaint, service, **arguments) -> bool:
    """Whether the service takes the step for `user` (undone afterwards)."""
    try:
        with transaction.atomic():
            service(complaint=complaint, actor=user, version=complaint.version, **arguments)
            transaction.set_rollback(True)
    except DomainError:
        return False
    return True


def steps_to_try(staff):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return {
        "assign": (services.complaint_assign, {"assignee": staff["colleague"]}),
        "start_investigation": (services.complaint_start_investigation, {}),
        "escalate": (services.complaint_request_escalation, {"reason": "处理不了"}),
        "wait_for_customer": (services.complaint_wait_for_customer, {"reason": "等客户提供照片"}),
        "priority": (services.complaint_set_priority, {"priority": "high", "reason": "客户情绪激动"}),
        "pending": (services.complaint_put_pending, {"agreed_date": tomorrow, "reason": "等配件"}),
        "finding": (services.complaint_record_finding, {"finding": "product_defect"}),
        "resume": (services.complaint_resume, {}),
        "close": (services.complaint_close, {}),
        "reopen": (services.complaint_reopen, {"reason": "客户不满意"}),
        "approve_plan": (services.complaint_approve_plan, {}),
        "request_changes": (services.complaint_request_plan_changes, {"reason": "金额太高"}),
    }


def assert_mirrors_services(staff, complaint):
    for name in PERSONAS:
        user = staff[name]
        offered = keys(user, complaint)
        for key, (service, arguments) in steps_to_try(staff).items():
            assert (key in offered) == succeeds(user, complaint, service, **arguments), (name, key, complaint.status)


def test_a_new_complaint_offers_assignment_to_the_agent_only(staff, take_in):
    complaint = take_in()

    assert keys(staff["agent"], complaint) == {"assign", "contact"}
    assert keys(staff["handler"], complaint) == {"contact"}
    assert keys(staff["logistics_clerk"], complaint) == set()
    assert_mirrors_services(staff, complaint)


def test_the_assigned_handler_may_start_the_investigation_and_a_colleague_may_not(staff, assigned):
    handler_steps = keys(staff["handler"], assigned)

    assert {"start_investigation", "pending", "wait_for_customer", "escalate", "priority", "task"} <= handler_steps
    assert "assign" not in handler_steps
    assert keys(staff["colleague"], assigned) == {"contact"}
    assert "start_investigation" in keys(staff["supervisor"], assigned)
    assert_mirrors_services(staff, assigned)


def test_a_plan_is_offered_once_the_finding_is_recorded(staff, assigned):
    investigating = advance(assigned, staff["handler"], ("start_investigation", {}))
    assert {"finding"} <= keys(staff["handler"], investigating)
    assert not {"plan", "resolve"} & keys(staff["handler"], investigating)
    assert_mirrors_services(staff, investigating)

    found = advance(investigating, staff["handler"], ("record_finding", {"finding": "product_defect"}))
    assert {"plan", "resolve", "finding"} <= keys(staff["handler"], found)


def test_only_someone_else_with_the_right_may_decide_on_a_plan(staff, assigned):
    complaint = advance(
        assigned,
        staff["handler"],
        ("start_investigation", {}),
        ("record_finding", {"finding": "product_defect"}),
        ("propose_plan", {"summary": "赔偿", "remedies": [{"kind": "compensation", "amount": "100"}]}),
    )

    assert {"approve_plan", "request_changes", "reject_plan"} <= keys(staff["supervisor"], complaint)
    assert not {"approve_plan", "reject_plan"} & keys(staff["handler"], complaint)
    assert not {"approve_plan", "reject_plan"} & keys(staff["agent"], complaint)
    assert "approve_plan" in keys(staff["manager"], complaint)  # a leader above the step's role
    assert_mirrors_services(staff, complaint)


def test_a_plan_nobody_must_approve_is_carried_out_at_once(staff, assigned):
    complaint = advance(
        assigned,
        staff["handler"],
        ("start_investigation", {}),
        ("record_finding", {"finding": "product_defect"}),
        ("propose_plan", {"summary": "换货", "remedies": [{"kind": "exchange"}]}),
    )

    assert complaint.status == "resolving"
    assert "resolve" in keys(staff["handler"], complaint)
    assert "approve_plan" not in keys(staff["supervisor"], complaint)
    # call_center: "与客户协商处理方案", the customer's yes is asked for
    assert "customer_response" in keys(staff["handler"], complaint)


def test_a_resolved_complaint_is_closed_or_reopened_by_follow_up(staff, resolved):
    assert {"follow_up", "reopen"} <= keys(staff["follow_up"], resolved)
    assert "close" not in keys(staff["follow_up"], resolved)  # the callback comes first
    assert keys(staff["handler"], resolved) == {"contact", "accountability"}  # accountability: in any status
    assert_mirrors_services(staff, resolved)

    followup_record(complaint=resolved, actor=staff["follow_up"], satisfaction="satisfied", outcome="满意")
    called_back = complaint_for_user(resolved.number, staff["follow_up"])
    assert {"close", "reopen"} <= keys(staff["follow_up"], called_back)
    assert "follow_up" not in keys(staff["follow_up"], called_back)
    assert_mirrors_services(staff, called_back)


def test_a_pending_matter_offers_resume(staff, assigned):
    tomorrow = timezone.localdate() + dt.timedelta(days=3)
    pending = advance(assigned, staff["handler"], ("put_pending", {"agreed_date": tomorrow, "reason": "等配件"}))

    assert "resume" in keys(staff["handler"], pending)
    assert "pending" not in keys(staff["handler"], pending)
    assert_mirrors_services(staff, pending)


def test_waiting_for_the_customer_offers_their_reply(staff, assigned):
    waiting = advance(assigned, staff["handler"], ("wait_for_customer", {"reason": "等照片"}))

    assert "customer_replied" in keys(staff["handler"], waiting)
    assert "wait_for_customer" not in keys(staff["handler"], waiting)


def test_staff_involved_are_offered_nothing(staff, assigned):
    services.complaint_set_involved(
        complaint=assigned, actor=staff["handler"], version=assigned.version, staff=[staff["supervisor"]]
    )
    complaint = complaint_for_user(assigned.number, staff["supervisor"])

    assert keys(staff["supervisor"], complaint) == set()
    assert_mirrors_services(staff, complaint)


def test_the_tier_it_went_to_may_accept_an_escalation(staff, assigned):
    escalated = advance(assigned, staff["handler"], ("request_escalation", {"reason": "客户要求主管处理"}))

    assert "accept_escalation" in keys(staff["supervisor"], escalated)
    assert "accept_escalation" not in keys(staff["handler"], escalated)


@pytest.mark.parametrize("name", ["outsider", "finance"])
def test_people_without_a_role_in_complaints_are_offered_nothing(staff, assigned, name):
    assert keys(staff[name], assigned) == set()


def next_step(user, complaint) -> str | None:
    complaint = complaint_for_user(complaint.number, user)
    action = primary_action(complaint, allowed_actions(user, complaint))
    return action.key if action else None


def test_the_next_step_follows_the_life_of_the_complaint(staff, take_in):
    handler = staff["handler"]
    complaint = take_in()
    assert next_step(staff["agent"], complaint) == "assign"

    complaint = advance(complaint, staff["agent"], ("assign", {"assignee": handler}))
    assert next_step(staff["agent"], complaint) is None  # assigning again is not what moves it on
    assert next_step(handler, complaint) == "start_investigation"

    complaint = advance(complaint, handler, ("start_investigation", {}))
    assert next_step(handler, complaint) == "finding"

    complaint = advance(complaint, handler, ("record_finding", {"finding": "product_defect"}))
    assert next_step(handler, complaint) == "plan"  # the finding asks for a plan

    refund = {"summary": "退款", "remedies": [{"kind": "refund", "amount": "199"}]}
    complaint = advance(complaint, handler, ("propose_plan", refund))
    assert next_step(staff["supervisor"], complaint) == "approve_plan"
    assert next_step(handler, complaint) is None  # his own plan waits for others


def test_a_finding_without_a_plan_is_resolved_next_then_called_back_and_closed(staff, resolved):
    assert next_step(staff["follow_up"], resolved) == "follow_up"
    assert next_step(staff["handler"], resolved) is None

    followup_record(complaint=resolved, actor=staff["follow_up"], satisfaction="dissatisfied", outcome="不满意")
    reopened = complaint_for_user(resolved.number, staff["handler"])
    assert reopened.finding  # the finding stands: resolving again is next
    assert next_step(staff["handler"], reopened) == "resolve"


def test_a_case_on_hold_is_resumed_next(staff, assigned):
    tomorrow = timezone.localdate() + dt.timedelta(days=3)
    complaint = advance(
        assigned, staff["handler"], ("put_pending", {"agreed_date": tomorrow, "reason": "客户出差，约定下周处理"})
    )
    assert next_step(staff["handler"], complaint) == "resume"
