"""客户投诉处理的一般步骤 (seed 002, 第二篇): the generic template, walked through the API on real dates.

Office hours of the template: 09:00-12:00 and 13:00-18:00 (8 working hours a day) on China's
working days; in 2026 the Spring Festival holiday runs 15-23 February, and Saturdays 14 and 28
February are make-up working days (调休).
"""

import pytest

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import at, clocks, contact, due, follow_up, step
from kesu.conftest import Api, make_staff
from kesu.notifications.models import Notification
from kesu.processes.models import Process
from kesu.processes.services import process_load_template


@pytest.fixture
def generic(db):
    return process_load_template("generic", make_default=True)


@pytest.fixture
def people(staff, generic):
    """The conftest's service centre, the store clerk the complaint is about, and finance's cashier."""
    service, finance = (Department.objects.get(code=code) for code in ("service", "finance"))
    return {
        **staff,
        "store_clerk": make_staff("store_clerk", Role.AGENT, department=service, display_name="店员小孙"),
        "cashier": make_staff("cashier", Role.DEPARTMENT_STAFF, department=finance, display_name="出纳"),
    }


@pytest.fixture
def as_(people):
    clients: dict[str, Api] = {}

    def client(name: str) -> Api:
        if name not in clients:
            clients[name] = Api(user=people[name])
        return clients[name]

    return client


def intake(**change) -> dict:
    return {
        "channel": "phone",
        "customer": {"phone": "13812345678", "name": "李女士"},
        "category": "service_quality",
        "description": "门店店员态度恶劣，拒绝为我办理退货。",
        "demand": "要求道歉并办理退货",
        "fields": {"complained_object": "徐汇门店店员", "loss_amount": "199.00"},
        **change,
    }


def take_in(as_, **change) -> str:
    response = as_("agent").post("/complaints", intake(**change))
    assert response.status_code == 201, response.content.decode()
    return response.json()["number"]


@pytest.fixture
def before_spring_festival(as_, travel):
    """Received on Friday 13 February 2026 at 10:00, handed to the handler at once, being investigated."""
    travel(at(2026, 2, 13, 10, 5))
    number = take_in(as_, received_at=at(2026, 2, 13, 10).isoformat())
    step(as_("agent"), number, "assign", assignee="handler")
    step(as_("handler"), number, "start-investigation")
    return number


# --- the document ---------------------------------------------------------------------------------


def test_the_template_loads_with_the_eight_steps(generic):
    spec = Process.objects.get(name="generic").spec

    assert {key: (finding.valid, [need.value for need in finding.needs]) for key, finding in spec.findings.items()} == {
        "valid": (True, ["apology_contact", "plan", "accountability"]),  # 2. 成立 → 5. 方案, 7. 处罚
        "valid_demand_unreasonable": (True, ["explanation_contact", "plan", "accountability"]),  # 要求是否合理
        "invalid": (False, ["explanation_contact"]),  # 不能成立: 婉转答复
    }
    assert [rule.chain for rule in spec.approvals] == [["manager"]]  # 6. 主管领导批示, every plan
    # 7. 处罚直接责任者 (approved by the leader), 对不及时处理问题造成延误的责任人也要进行追究
    assert (spec.accountability.approval, spec.accountability.on_breach) == (["manager"], ["resolve"])
    # 7. 实施处理方案: what the plan promises is each department's task (DEFAULT departments and limits)
    assert {kind: (rule.department, rule.within) for kind, rule in spec.remedy_tasks.items()} == {
        "refund": ("finance", "3 working days"),
        "compensation": ("finance", "3 working days"),
        "exchange": ("logistics", "3 working days"),
        "redelivery": ("logistics", "3 working days"),
        "repair": ("quality", "5 working days"),
    }
    assert [(tier.level, tier.roles) for tier in spec.tiers] == [
        (1, ["handler"]),
        (2, ["supervisor"]),
        (3, ["manager"]),
    ]
    assert (spec.follow_up.within, spec.follow_up.callbacks) == ("1 working day", 1)  # 7. 尽快收集反馈


# --- 1. record ------------------------------------------------------------------------------------


def test_the_record_keeps_the_object_of_the_complaint_the_demand_and_the_loss(as_):
    complaint = as_("agent").get(f"/complaints/{take_in(as_)}").json()

    assert complaint["fields"] == {"complained_object": "徐汇门店店员", "loss_amount": "199.00"}
    assert complaint["demand"] == "要求道歉并办理退货"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "fields.complained_object", "此字段为必填项。"),
        ({"complained_object": "门店", "loss_amount": "-5"}, "fields.loss_amount", "不能小于 0。"),
        ({"complained_object": "门店", "loss_amount": "很多"}, "fields.loss_amount", "必须是数字。"),
    ],
)
def test_a_record_without_its_object_or_with_a_wrong_loss_is_refused_naming_the_field(as_, fields, field, message):
    response = as_("agent").post("/complaints", intake(fields=fields))

    assert response.status_code == 422, response.content.decode()
    assert response.json()["errors"][0] == {"field": field, "message": message}
    assert Complaint.objects.count() == 0


# --- 3. the responsible department; priority --------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "department"),
    [
        ("product_quality", "quality"),
        ("service_quality", "customer_service"),
        ("delivery", "logistics"),
        ("billing", "finance"),
        ("other", "customer_service"),
    ],
)
def test_the_content_of_the_complaint_names_the_department_that_takes_it(as_, category, department):
    complaint = as_("agent").post("/complaints", intake(category=category)).json()

    assert complaint["department"]["code"] == department
    assert (complaint["status"]["key"], complaint["assignee"]) == ("new", None)


def test_the_routing_creates_the_departments_it_names(generic):
    assert {"quality", "logistics", "finance", "customer_service"} <= set(
        Department.objects.values_list("code", flat=True)
    )


@pytest.mark.parametrize(("channel", "priority"), [("regulator", "high"), ("phone", "medium"), ("web", "medium")])
def test_a_complaint_passed_on_by_a_regulator_is_high_priority(as_, channel, priority):
    transfer = {"regulator_case_number": "3101150020261102001", "regulator_assigned_at": "2026-11-02T09:00"}
    body = intake(channel=channel, **(transfer if channel == "regulator" else {}))
    assert as_("agent").post("/complaints", body).json()["priority"]["key"] == priority


# --- deadlines on real dates ----------------------------------------------------------------------------


def test_until_the_finding_is_known_the_case_has_5_working_days_across_the_spring_festival(as_, before_spring_festival):
    resolve = clocks(as_("handler"), before_spring_festival)["resolve"]

    assert resolve["limit"] == "5 working days"
    # 40 working hours: Fri 13 Feb 10:00-18:00 = 7 h; Sat 14 Feb (调休) 8 h (15 h); 15-23 Feb off;
    # 24, 25, 26 Feb 8 h each (39 h); Fri 27 Feb 09:00 + 1 h.
    assert due(resolve) == at(2026, 2, 27, 10)


def test_a_complaint_that_does_not_stand_must_be_answered_within_2_working_days(as_, before_spring_festival):
    step(as_("handler"), before_spring_festival, "finding", finding="invalid", note="店员按规定拒绝已拆封商品")

    resolve = clocks(as_("handler"), before_spring_festival)["resolve"]

    # 16 working hours: 13 Feb 7 h, Sat 14 Feb 8 h (15 h), then Tue 24 Feb 09:00 + 1 h.
    assert (resolve["limit"], due(resolve)) == ("2 working days", at(2026, 2, 24, 10))


def test_the_leader_decides_on_the_plan_within_a_working_day(as_, travel, before_spring_festival):
    handler = as_("handler")
    step(
        handler,
        before_spring_festival,
        "finding",
        finding="valid",
        note="店员未按退货规定执行",
        responsible_department="service",
    )
    travel(at(2026, 2, 14, 15))  # the make-up Saturday
    step(
        handler,
        before_spring_festival,
        "plan",
        summary="致歉并办理退货",
        remedies=[{"kind": "apology"}, {"kind": "refund", "amount": "199"}],
    )

    approval = clocks(handler, before_spring_festival)["approval"]

    # Sat 14 Feb 15:00-18:00 = 3 h; 15-23 Feb off; Tue 24 Feb 09:00-12:00 = 3 h (6 h), 13:00 + 2 h.
    assert (approval["limit"], due(approval)) == ("1 working day", at(2026, 2, 24, 15))


def test_a_reopened_case_gets_a_new_resolve_clock(as_, before_spring_festival):
    handler = as_("handler")
    step(handler, before_spring_festival, "finding", finding="invalid")
    contact(handler, before_spring_festival, "explanation", "婉转说明退货规定，客户表示理解")
    step(handler, before_spring_festival, "resolve", resolution="已向客户解释")
    step(as_("follow_up"), before_spring_festival, "reopen", reason="客户回访时仍不满意")

    resolve = clocks(handler, before_spring_festival)["resolve"]

    # the finding stays "invalid", so the new clock has 2 working days from the reopening.
    assert (resolve["state"], resolve["limit"]) == ("running", "2 working days")


# --- 5.-7. plan, the leader's approval, carrying it out ---------------------------------------------


def penalise(api: Api, number: str, expect: int = 201, **change) -> dict:
    """7. 处罚直接责任者: the handler names the person at fault and proposes the penalty."""
    body = {"person": "store_clerk", "fault": "未按退货规定办理，态度恶劣", "measure": "penalty", "amount": "100.00"}
    response = api.post(f"/complaints/{number}/accountability", {**body, **change})
    assert response.status_code == expect, response.content.decode()
    return response.json()


def decide(api: Api, item: dict, expect: int = 200, **body) -> dict:
    response = api.post(f"/accountability/{item['id']}/decide", body)
    assert response.status_code == expect, response.content.decode()
    return response.json()


def test_every_plan_waits_for_the_leaders_approval_before_it_is_carried_out(as_, travel, before_spring_festival):
    handler = as_("handler")
    step(handler, before_spring_festival, "finding", finding="valid", note="店员未按退货规定执行")
    contact(handler, before_spring_festival, "apology", "向客户致歉")
    step(handler, before_spring_festival, "plan", summary="办理退货", remedies=[{"kind": "refund", "amount": "199"}])

    assert (
        step(handler, before_spring_festival, "resolve", expect=409, resolution="已退货")["code"]
        == "invalid_transition"
    )
    assert step(handler, before_spring_festival, "plan/approve", expect=403)["code"] == "forbidden"
    travel(at(2026, 2, 13, 11))
    approved = step(as_("manager"), before_spring_festival, "plan/approve", note="同意，对店员按规定处罚")

    assert clocks(handler, before_spring_festival)["approval"]["state"] == "met"
    # 7. the refund is finance's task: 3 working days (24 working hours) from Fri 13 Feb 11:00 —
    # 6 h that day, Sat 14 Feb (调休) 8 h, 15-23 Feb off, Tue 24 Feb 8 h, Wed 25 Feb 09:00 + 2 h.
    [refund] = approved["tasks"]
    assert (refund["kind"]["key"], refund["department"]["code"], refund["title"]) == (
        "refund",
        "finance",
        "退款 ¥199.00",
    )
    assert due(refund) == at(2026, 2, 25, 11)
    # 7. 处罚直接责任者: not before the penalty of the clerk at fault is approved
    refused = step(handler, before_spring_festival, "resolve", expect=422, resolution="x")
    assert refused["code"] == "accountability_missing"
    decide(as_("manager"), penalise(handler, before_spring_festival), approve=True)
    assert step(handler, before_spring_festival, "resolve", expect=422, resolution="x")["code"] == "tasks_open"
    travel(at(2026, 2, 24, 10))
    done = as_("cashier").post(f"/tasks/{refund['id']}/done", {"result": "已退款 199 元"})
    assert done.status_code == 200, done.content.decode()
    resolved = step(handler, before_spring_festival, "resolve", resolution="已退货，客户已收到退款")

    assert resolved["status"]["key"] == "resolved"


def test_the_penalty_of_the_person_at_fault_is_approved_by_the_leader(as_, before_spring_festival):
    handler = as_("handler")
    item = penalise(handler, before_spring_festival, amount=None, points=None, expect=422)
    assert item["errors"][0]["field"] == "amount"
    item = penalise(handler, before_spring_festival)
    assert (item["status"], item["person"]["username"], item["department"]["code"]) == (
        "proposed",
        "store_clerk",
        "service",
    )

    decide(as_("supervisor"), item, expect=403, approve=True)
    # "依照投诉所造成的损失大小，扣款责任人的一定比例的工资或奖金": the leader fixes the amount (loss 199 yuan)
    approved = decide(as_("manager"), item, approve=True, amount="39.80", note="按损失的20%扣款")

    assert (approved["status"], approved["amount"], approved["decided_by"]["username"]) == (
        "approved",
        "39.80",
        "manager",
    )


@pytest.mark.parametrize(
    ("remedy", "department", "expected"),
    [
        # approved Mon 2 Mar 2026 at 10:00: 3 working days end Thu 5 Mar 10:00, 5 end Mon 9 Mar 10:00.
        ({"kind": "refund", "amount": "199"}, "finance", at(2026, 3, 5, 10)),
        ({"kind": "compensation", "amount": "50"}, "finance", at(2026, 3, 5, 10)),
        ({"kind": "exchange"}, "logistics", at(2026, 3, 5, 10)),
        ({"kind": "redelivery"}, "logistics", at(2026, 3, 5, 10)),
        ({"kind": "repair"}, "quality", at(2026, 3, 9, 10)),
    ],
)
def test_each_remedy_of_the_plan_is_carried_out_by_its_department(as_, travel, remedy, department, expected):
    travel(at(2026, 3, 2, 9))
    number = take_in(as_)
    step(as_("agent"), number, "assign", assignee="handler")
    step(as_("handler"), number, "start-investigation")
    step(as_("handler"), number, "finding", finding="valid_demand_unreasonable")
    step(as_("handler"), number, "plan", summary="按规定处理", remedies=[remedy, {"kind": "apology"}])
    travel(at(2026, 3, 2, 10))

    approved = step(as_("manager"), number, "plan/approve")

    [task] = approved["tasks"]
    assert (task["kind"]["key"], task["department"]["code"], task["required"], due(task)) == (
        remedy["kind"],
        department,
        True,
        expected,
    )


def test_the_customers_feedback_is_collected_before_the_case_is_closed(as_, before_spring_festival):
    handler = as_("handler")
    step(handler, before_spring_festival, "finding", finding="invalid")
    contact(handler, before_spring_festival, "explanation", "婉转说明退货规定")
    resolved = step(handler, before_spring_festival, "resolve", resolution="已解释")

    # 7. "尽快地收集客户的反馈意见": within 1 working day of Fri 13 Feb 10:05 — 6 h 55 min that day,
    # then Sat 14 Feb (调休) 09:00 + 1 h 05 min.
    assert [(callback["status"], due(callback)) for callback in resolved["follow_ups"]] == [
        ("scheduled", at(2026, 2, 14, 10, 5))
    ]
    assert step(as_("supervisor"), before_spring_festival, "close", expect=422)["code"] == "follow_ups_due"
    follow_up(as_("follow_up"), before_spring_festival, "satisfied")
    assert step(as_("supervisor"), before_spring_festival, "close")["status"]["key"] == "closed"


def test_a_complaint_that_does_not_stand_is_answered_tactfully_before_it_is_resolved(as_, before_spring_festival):
    handler = as_("handler")
    step(handler, before_spring_festival, "finding", finding="invalid")

    refused = step(handler, before_spring_festival, "resolve", expect=422, resolution="不成立")
    contact(handler, before_spring_festival, "explanation", "婉转说明，取得客户谅解")

    assert refused["code"] == "explanation_contact_missing"
    assert step(handler, before_spring_festival, "resolve", resolution="已解释")["status"]["key"] == "resolved"


# --- escalation ---------------------------------------------------------------------------------------------


def test_a_case_that_runs_late_is_reported_to_the_head_of_department(as_, before_spring_festival, staff):
    # due Fri 27 Feb 10:00 (above): one minute later it is late.
    assert clocks_sweep(now=at(2026, 2, 27, 9, 59)).breached == 0
    assert clocks_sweep(now=at(2026, 2, 27, 10, 1)).breached == 1

    complaint = Complaint.objects.get(number=before_spring_festival)
    escalated = complaint.events.get(kind="escalated")
    assert complaint.tier == 2
    assert (escalated.data["cause"], escalated.data["notified"]) == ("clock_breach", ["supervisor"])
    assert Notification.objects.filter(user=staff["handler"], kind="clock_breached").count() == 1


def test_the_handler_who_let_the_case_run_late_is_proposed_for_a_penalty(as_, before_spring_festival):
    # 7. "同时对不及时处理问题造成延误的责任人也要进行追究"
    clocks_sweep(now=at(2026, 2, 27, 10, 1))

    [item] = as_("manager").get(f"/complaints/{before_spring_festival}").json()["accountabilities"]
    assert (item["person"]["username"], item["clock"], item["status"], item["proposed_by"]) == (
        "handler",
        "resolve",
        "proposed",
        None,
    )
    rejected = decide(as_("manager"), item, approve=False, note="客户迟迟未提供凭证，延误非处理人之过")
    assert rejected["status"] == "rejected"


def test_the_handler_reports_up_to_the_head_of_department_and_on_to_the_leader(as_, before_spring_festival):
    second = step(as_("handler"), before_spring_festival, "escalate", reason="客户要求超出权限的赔偿")
    step(as_("supervisor"), before_spring_festival, "accept-escalation")
    third = step(as_("supervisor"), before_spring_festival, "escalate", reason="需主管领导批示")

    events = Complaint.objects.get(number=before_spring_festival).events.filter(kind="escalated").order_by("id")
    assert (second["tier"], third["tier"]) == (2, 3)
    assert [event.data["notified"] for event in events] == [["supervisor"], ["manager"]]
