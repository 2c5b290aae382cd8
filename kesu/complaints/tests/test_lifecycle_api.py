"""A complaint's whole life through the HTTP API, as the call-centre process (seed 000) runs it."""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import accountable, contact, follow_up, step


@pytest.fixture
def received(as_, intake):
    """A service-quality complaint the agent has just recorded."""
    return as_("agent").post("/complaints", intake).json()["number"]


@pytest.fixture
def investigating(as_, received):
    step(as_("agent"), received, "assign", assignee="handler")
    step(as_("handler"), received, "start-investigation")
    return received


def kinds(api, number):
    return [event["kind"]["key"] for event in api.get(f"/complaints/{number}/timeline").json()]


def test_a_valid_service_complaint_runs_from_intake_to_closure(as_, received):
    agent, handler, follow_up_agent = as_("agent"), as_("handler"), as_("follow_up")

    assigned = step(agent, received, "assign", assignee="handler")
    assert assigned["status"]["key"] == "assigned"
    assert assigned["assignee"]["username"] == "handler"
    assert assigned["department"]["code"] == "service"

    assert step(handler, received, "start-investigation")["status"]["key"] == "investigating"
    found = step(handler, received, "finding", finding="valid", note="录音证实坐席态度恶劣")
    assert found["finding"] == {"key": "valid", "label": "有效投诉"}
    contact(handler, received, "apology", "致电客户致歉，客户表示谅解")
    accountable(handler, received)
    resolved = step(handler, received, "resolve", resolution="已致歉，对坐席扣罚")
    assert resolved["status"]["key"] == "resolved"
    assert resolved["resolved_at"]

    assert step(follow_up_agent, received, "close", expect=422)["code"] == "follow_ups_due"
    called = follow_up(follow_up_agent, received, "satisfied", "客户对处理结果满意")
    assert called["follow_ups"][0]["satisfaction"] == "satisfied"
    closed = step(follow_up_agent, received, "close", note="回访满意")
    assert closed["status"]["key"] == "closed"
    assert kinds(handler, received) == [
        "received",
        "assigned",
        "investigation_started",
        "finding_recorded",
        "contact",
        "accountability_recorded",
        "accountability_decided",
        "resolved",
        "follow_up_done",
        "closed",
    ]


def test_an_invalid_complaint_needs_an_explanation_to_the_customer_before_it_resolves(as_, investigating):
    handler = as_("handler", language="en")
    step(handler, investigating, "finding", finding="invalid", note="录音显示坐席无过失")

    refused = step(handler, investigating, "resolve", expect=422, resolution="无效投诉")
    assert refused["code"] == "explanation_contact_missing"
    assert refused["errors"][0]["field"] == "contacts"

    contact(handler, investigating, "explanation", "再次致电客户说明情况，取得理解")
    assert step(handler, investigating, "resolve", resolution="已解释")["status"]["key"] == "resolved"
    follow_up(as_("follow_up"), investigating)
    assert step(as_("follow_up"), investigating, "close")["status"]["key"] == "closed"


def test_a_contact_logged_before_the_finding_does_not_count_as_its_explanation(as_, investigating):
    handler = as_("handler")
    contact(handler, investigating, "explanation")
    step(handler, investigating, "finding", finding="invalid")

    step(handler, investigating, "resolve", expect=422, resolution="无效投诉")


def test_a_product_defect_needs_an_approved_plan(as_, intake):
    intake["category"] = "product_quality"
    number = as_("agent").post("/complaints", intake).json()["number"]
    handler, supervisor = as_("handler"), as_("supervisor")
    step(as_("agent"), number, "assign", assignee="handler")
    step(handler, number, "start-investigation")
    step(handler, number, "finding", finding="product_defect")
    contact(handler, number, "apology")

    assert step(handler, number, "resolve", expect=422, resolution="换货")["code"] == "plan_missing"

    # call_center: compensation and refunds need the supervisor's approval
    remedies = [{"kind": "exchange"}, {"kind": "compensation", "amount": 200}]
    proposed = step(handler, number, "plan", summary="换新并补偿 200 元", remedies=remedies)
    assert proposed["status"]["key"] == "awaiting_approval"
    assert proposed["plan"]["status"]["key"] == "proposed"
    assert [(s["role"], s["status"]) for s in proposed["plan"]["approvals"]] == [("supervisor", "pending")]

    approved = step(supervisor, number, "plan/approve", note="同意")
    assert approved["status"]["key"] == "resolving"
    assert approved["plan"]["decided_by"]["username"] == "supervisor"
    # "与客户协商处理方案": the approved plan stands once the customer agrees
    step(handler, number, "plan/customer-response", accepted=True, note="客户同意换新并补偿")
    assert step(handler, number, "resolve", resolution="已换新")["status"]["key"] == "resolved"


def test_a_plan_no_rule_asks_to_approve_is_carried_out_at_once(as_, intake):
    intake["category"] = "product_quality"
    number = as_("agent").post("/complaints", intake).json()["number"]
    handler = as_("handler")
    step(as_("agent"), number, "assign", assignee="handler")
    step(handler, number, "start-investigation")
    step(handler, number, "finding", finding="product_defect")

    proposed = step(handler, number, "plan", summary="为客户换新", remedies=[{"kind": "exchange"}])

    assert proposed["status"]["key"] == "resolving"
    assert proposed["plan"]["status"]["key"] == "approved"
    assert proposed["plan"]["approvals"] == []


def test_a_rejected_plan_goes_back_to_the_handler_with_the_reason(as_, investigating):
    handler, supervisor = as_("handler"), as_("supervisor")
    step(handler, investigating, "finding", finding="valid")
    step(handler, investigating, "plan", summary="补偿 500 元", remedies=[{"kind": "compensation", "amount": 500}])

    rejected = step(supervisor, investigating, "plan/reject", reason="金额过高，先致歉")
    assert rejected["status"]["key"] == "investigating"
    assert rejected["plan"]["status"]["key"] == "rejected"
    assert rejected["plan"]["decision_note"] == "金额过高，先致歉"

    again = step(
        handler, investigating, "plan", summary="致歉并赠送优惠券", remedies=[{"kind": "coupon", "amount": 50}]
    )
    assert again["plan"]["status"]["key"] == "approved"  # no rule asks to approve a coupon
    assert again["plan"]["remedies"] == [{"kind": "coupon", "note": "", "amount": "50.00"}]


def test_an_approver_may_ask_for_changes_and_the_revised_plan_goes_round_again(as_, investigating):
    handler, supervisor = as_("handler"), as_("supervisor")
    step(handler, investigating, "finding", finding="valid")
    step(handler, investigating, "plan", summary="补偿 500 元", remedies=[{"kind": "compensation", "amount": 500}])

    sent_back = step(supervisor, investigating, "plan/request-changes", reason="补偿改为 200 元")
    assert sent_back["status"]["key"] == "investigating"
    assert sent_back["plan"]["status"]["key"] == "changes_requested"

    revised = step(
        handler, investigating, "plan", summary="补偿 200 元", remedies=[{"kind": "compensation", "amount": 200}]
    )
    assert revised["status"]["key"] == "awaiting_approval"
    assert step(supervisor, investigating, "plan/approve")["status"]["key"] == "resolving"


def test_a_pending_matter_waits_for_the_agreed_date_and_resumes_where_it_stopped(as_, investigating):
    handler = as_("handler")
    agreed = timezone.localdate() + dt.timedelta(days=30)

    pending = step(handler, investigating, "pending", agreed_date=agreed.isoformat(), reason="等待厂家检测报告")
    assert pending["status"]["key"] == "pending"
    assert pending["pending_until"] == agreed.isoformat()

    resumed = step(handler, investigating, "resume")
    assert resumed["status"]["key"] == "investigating"
    assert resumed["pending_until"] is None


def test_the_agreed_date_of_a_pending_matter_must_be_in_the_future(as_, investigating):
    today = timezone.localdate().isoformat()

    refused = step(as_("handler"), investigating, "pending", expect=422, agreed_date=today, reason="等待")

    assert refused["errors"][0]["field"] == "agreed_date"


def test_a_dissatisfied_customer_reopens_the_case(as_, investigating):
    handler, follow_up_agent = as_("handler"), as_("follow_up")
    step(handler, investigating, "finding", finding="valid")
    contact(handler, investigating, "apology")
    accountable(handler, investigating)
    step(handler, investigating, "resolve", resolution="已致歉")
    follow_up(follow_up_agent, investigating)
    step(follow_up_agent, investigating, "close")

    reopened = step(follow_up_agent, investigating, "reopen", reason="回访不满意，要求赔偿")
    assert reopened["status"]["key"] == "investigating"
    assert reopened["reopen_count"] == 1
    assert reopened["closed_at"] is None
    assert reopened["assignee"]["username"] == "handler"
    # call_center escalates on a dissatisfied customer: the supervisor's tier takes it up
    assert reopened["tier"] == 2
    escalated = Complaint.objects.get(number=investigating).events.get(kind="escalated")
    assert escalated.data["cause"] == "customer_dissatisfied"


def test_the_handler_can_be_reassigned_without_losing_the_status(as_, investigating):
    moved = step(as_("supervisor"), investigating, "assign", assignee="colleague")

    assert moved["status"]["key"] == "investigating"
    assert moved["assignee"]["username"] == "colleague"


FORBIDDEN = [
    # (status reached, step refused)
    ("new", "start-investigation", {}),
    ("new", "finding", {"finding": "valid"}),
    ("new", "resolve", {"resolution": "x"}),
    ("new", "close", {}),
    ("new", "reopen", {"reason": "x"}),
    ("new", "plan/approve", {}),
    ("assigned", "finding", {"finding": "valid"}),
    ("assigned", "plan", {"summary": "x", "remedies": [{"kind": "apology"}]}),
    ("assigned", "resume", {}),
    ("investigating", "start-investigation", {}),
    ("investigating", "close", {}),
    ("investigating", "plan/reject", {"reason": "x"}),
    ("resolved", "assign", {"assignee": "colleague"}),
    ("resolved", "finding", {"finding": "invalid"}),
    ("resolved", "pending", {"agreed_date": "2099-01-01", "reason": "x"}),
    ("closed", "resolve", {"resolution": "x"}),
    ("closed", "close", {}),
]


def _bring_to(as_, number, status):
    agent, handler = as_("agent"), as_("handler")
    if status == "new":
        return
    step(agent, number, "assign", assignee="handler")
    if status == "assigned":
        return
    step(handler, number, "start-investigation")
    if status == "investigating":
        return
    step(handler, number, "finding", finding="invalid")
    contact(handler, number, "explanation")
    step(handler, number, "resolve", resolution="已解释")
    if status == "resolved":
        return
    follow_up(as_("follow_up"), number)
    step(as_("follow_up"), number, "close")


@pytest.mark.parametrize(("status", "action", "body"), FORBIDDEN)
def test_a_step_not_allowed_from_the_current_status_is_refused(as_, received, status, action, body):
    _bring_to(as_, received, status)
    before = Complaint.objects.get(number=received)

    refused = step(as_("supervisor"), received, action, expect=409, **body)

    assert refused["code"] == "invalid_transition"
    after = Complaint.objects.get(number=received)
    assert (after.status, after.version, after.events.count()) == (before.status, before.version, before.events.count())


def test_notes_and_contacts_are_on_the_timeline_with_who_and_when(as_, received):
    as_("agent").post(f"/complaints/{received}/notes", {"text": "客户情绪激动"})
    contact(as_("agent"), received, "progress", "告知客户已转处理专员")

    timeline = as_("supervisor").get(f"/complaints/{received}/timeline").json()

    note, logged = timeline[-2], timeline[-1]
    assert (note["kind"]["key"], note["text"], note["actor"]["username"]) == ("note", "客户情绪激动", "agent")
    assert logged["data"]["purpose"] == "progress"
    assert logged["data"]["direction"] == "outbound"
