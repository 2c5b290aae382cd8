"""物流客户投诉处理流程 (seed 002, 第三篇): the logistics template, walked through the API on real dates.

Office hours of the template: 09:00-12:00 and 13:00-18:00 (8 working hours a day) on China's
working days; in 2026 National Day runs 1-7 October, and Sunday 20 September and Saturday
10 October are make-up working days (调休). The customer must be satisfied with the way a complaint
is handled: a refused way needs a new one, and whoever holds the work order sends it up when the rounds
cannot satisfy the customer — customer service to its manager, the manager to division management.
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
def logistics(db):
    process = process_load_template("logistics", make_default=True)
    Department.objects.update_or_create(code="operations", defaults={"name": "运营部"})[0]
    return process


@pytest.fixture
def people(staff, logistics):
    operations = Department.objects.get(code="operations")
    return {
        **staff,
        "division_head": make_staff("division_head", Role.GENERAL_MANAGER, display_name="事业部总经理"),
        "dispatcher": make_staff("dispatcher", Role.DEPARTMENT_STAFF, department=operations, display_name="运营调度"),
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
        "customer": {"phone": "13812345678", "name": "王经理"},
        "category": "timeliness",
        "description": "承诺次日达的货物第三天仍未送到。",
        "demand": "要求说明原因并赔偿",
        "fields": {"customer_class": "B", "waybill_number": "SF1234567890"},
        **change,
    }


def take_in(as_, **change) -> str:
    response = as_("agent").post("/complaints", intake(**change))
    assert response.status_code == 201, response.content.decode()
    return response.json()["number"]


@pytest.fixture
def before_national_day(as_, travel):
    """A work order received on Wed 30 Sep 2026 at 17:00, handed to customer service at once."""
    travel(at(2026, 9, 30, 17, 5))
    number = take_in(as_, received_at=at(2026, 9, 30, 17).isoformat())
    step(as_("agent"), number, "assign", assignee="handler")
    step(as_("handler"), number, "start-investigation")
    return number


# --- the document ---------------------------------------------------------------------------------


def test_the_template_loads_with_the_content_classes_tiers_and_monthly_statistics(logistics):
    spec = Process.objects.get(name="logistics").spec

    assert [category.key for category in spec.categories] == [
        "system",
        "personnel",
        "timeliness",
        "cargo_exception",
        "other",
    ]
    assert [(tier.level, tier.roles) for tier in spec.tiers] == [
        (1, ["handler"]),
        (2, ["supervisor", "manager"]),
        (3, ["general_manager"]),
    ]
    assert [(r.key, r.every, r.to, r.by) for r in spec.reports] == [
        (
            "monthly_statistics",
            "month",
            ["manager", "general_manager"],  # 4.3.2 "向公司管理层报告"
            ["customer_class", "category", "handling", "satisfaction"],
        ),
    ]
    assert set(spec.channels) == {"phone", "email", "web", "chat", "letter", "internal"}
    # 4.2 A-E: the customer must accept the way of handling; refused, a new one at the same tier
    assert (spec.customer_confirms_plan, spec.on_plan_refused) == (True, "new_plan")
    assert [need.value for need in spec.findings["valid"].needs] == ["apology_contact", "plan"]


# --- intake: the work order -----------------------------------------------------------------------


def test_the_work_order_records_the_customer_class_and_the_waybill(as_):
    complaint = as_("agent").get(f"/complaints/{take_in(as_)}").json()

    assert complaint["number"].startswith("GD")
    assert complaint["fields"] == {"customer_class": "B", "waybill_number": "SF1234567890"}


def test_a_personnel_complaint_needs_no_waybill(as_):
    number = take_in(as_, category="personnel", description="司机态度恶劣", fields={"customer_class": "C"})

    assert as_("agent").get(f"/complaints/{number}").json()["fields"] == {"customer_class": "C"}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"waybill_number": "SF1234567890"}, "fields.customer_class", "此字段为必填项。"),
        (
            {"customer_class": "E", "waybill_number": "SF1234567890"},
            "fields.customer_class",
            "请从以下选项中选择：A, B, C, D。",
        ),
        ({"customer_class": "A"}, "fields.waybill_number", "此字段为必填项。"),
        ({"customer_class": "A", "waybill_number": "运单12"}, "fields.waybill_number", "格式不正确。"),
    ],
)
def test_a_work_order_without_its_class_or_with_a_wrong_waybill_is_refused_naming_the_field(
    as_, fields, field, message
):
    response = as_("agent").post("/complaints", intake(fields=fields))

    assert response.status_code == 422, response.content.decode()
    assert response.json()["errors"][0] == {"field": field, "message": message}
    assert Complaint.objects.count() == 0


# --- priority and routing ---------------------------------------------------------------------------


@pytest.mark.parametrize(("customer_class", "priority"), [("A", "high"), ("B", "medium"), ("D", "medium")])
def test_class_a_customers_are_taken_first(as_, customer_class, priority):
    body = intake(fields={"customer_class": customer_class, "waybill_number": "SF1234567890"})

    assert as_("agent").post("/complaints", body).json()["priority"]["key"] == priority


@pytest.mark.parametrize("channel", ["phone", "email", "internal"])
def test_every_work_order_goes_to_customer_service_whoever_took_it_in(as_, channel):
    complaint = as_("agent").post("/complaints", intake(channel=channel)).json()

    assert complaint["department"]["code"] == "customer_service"


# --- deadlines on real dates ----------------------------------------------------------------------------


def test_the_customer_is_told_the_handling_or_the_deadline_within_2_working_hours(as_, before_national_day):
    first_reply = clocks(as_("handler"), before_national_day)["first_reply"]

    # 30 Sep 17:00-18:00 = 1 h; 1-7 Oct off; Thu 8 Oct 09:00 + 1 h.
    assert (first_reply["limit"], due(first_reply)) == ("2 working hours", at(2026, 10, 8, 10))


def test_the_answer_is_due_within_3_working_days_counting_the_make_up_saturday(as_, before_national_day):
    reply = clocks(as_("handler"), before_national_day)["reply"]

    # 24 working hours: 30 Sep 1 h; 8 and 9 Oct 8 h each (17 h); Sat 10 Oct (调休) 09:00-12:00 = 3 h
    # (20 h), 13:00 + 4 h.
    assert (reply["limit"], due(reply)) == ("3 working days", at(2026, 10, 10, 17))


def test_a_complaint_made_on_a_saturday_before_the_make_up_sunday_is_due_on_that_sunday(as_, travel):
    travel(at(2026, 9, 19, 10, 5))
    number = take_in(as_, received_at=at(2026, 9, 19, 10).isoformat())

    # Sat 19 Sep is not worked, Sun 20 Sep is (调休): 09:00 + 2 h.
    assert due(clocks(as_("agent"), number)["first_reply"]) == at(2026, 9, 20, 11)


def test_telling_the_customer_meets_the_first_reply(as_, before_national_day):
    contact(as_("handler"), before_national_day, "progress", "告知客户3个工作日内答复")

    now = clocks(as_("handler"), before_national_day)

    assert (now["first_reply"]["state"], now["reply"]["state"]) == ("met", "running")


def test_a_complaint_settled_at_once_meets_both_deadlines(as_, before_national_day):
    handler = as_("handler")
    step(handler, before_national_day, "finding", finding="valid", note="中转延误", responsible_department="operations")
    contact(handler, before_national_day, "apology", "致歉并告知已加急派送")
    step(handler, before_national_day, "plan", summary="加急派送", remedies=[{"kind": "priority_delivery"}])
    step(handler, before_national_day, "plan/customer-response", accepted=True, note="客户对处理方法满意")
    step(handler, before_national_day, "resolve", resolution="当即处理：加急派送")

    now = clocks(handler, before_national_day)

    assert (now["first_reply"]["state"], now["reply"]["state"]) == ("met", "met")


def test_waiting_for_the_customer_moves_the_answer_by_the_working_time_waited(as_, travel, before_national_day):
    handler = as_("handler")
    travel(at(2026, 10, 8, 9))
    step(handler, before_national_day, "wait-for-customer", reason="等客户提供签收照片")
    travel(at(2026, 10, 8, 14))
    step(handler, before_national_day, "customer-replied", note="客户已提供照片")

    reply = clocks(handler, before_national_day)["reply"]

    # waited 09:00-14:00 on 8 Oct = 4 working hours (lunch does not count): Sat 10 Oct 17:00 + 4 h
    # runs past the end of the day (1 h) into Mon 12 Oct 09:00 + 3 h.
    assert due(reply) == at(2026, 10, 12, 12)


# --- up the tiers -------------------------------------------------------------------------------------------


def test_what_customer_service_cannot_settle_goes_to_its_supervisor_or_manager(as_, before_national_day):
    escalated = step(as_("handler"), before_national_day, "escalate", reason="客户要求的赔偿超出权限")

    event = Complaint.objects.get(number=before_national_day).events.get(kind="escalated")
    assert escalated["tier"] == 2
    assert (event.data["cause"], event.data["notified"]) == ("handler_request", ["supervisor", "manager"])


def test_if_the_managers_measures_do_not_satisfy_it_goes_to_division_management(as_, before_national_day):
    step(as_("handler"), before_national_day, "escalate", reason="客户对处理意见不满意")
    step(as_("manager"), before_national_day, "accept-escalation")

    third = step(as_("manager"), before_national_day, "escalate", reason="多次协商客户仍不满意")

    event = Complaint.objects.get(number=before_national_day).events.filter(kind="escalated").last()
    assert third["tier"] == 3
    assert event.data["notified"] == ["division_head"]
    assert Notification.objects.filter(user__username="division_head", kind="escalated_to_you").count() == 1


def test_a_late_first_reply_is_reported_to_the_handler_a_late_answer_goes_up_a_tier(as_, before_national_day, staff):
    # first reply due Thu 8 Oct 10:00 (notify only), the answer Sat 10 Oct 17:00 (above).
    first = clocks_sweep(now=at(2026, 10, 10, 16, 59))
    assert (first.breached, Complaint.objects.get(number=before_national_day).tier) == (1, 1)

    assert clocks_sweep(now=at(2026, 10, 10, 17, 1)).breached == 1

    complaint = Complaint.objects.get(number=before_national_day)
    escalated = complaint.events.get(kind="escalated")
    assert complaint.tier == 2
    assert (escalated.data["cause"], escalated.data["clock"]) == ("clock_breach", "reply")
    breaches = Notification.objects.filter(user=staff["handler"], kind="clock_breached")
    assert sorted(note.data["clock"] for note in breaches) == ["first_reply", "reply"]


def test_a_late_first_reply_on_a_work_order_nobody_has_taken_reaches_customer_service(as_, travel, people):
    # routing names no post: until someone takes the work order, customer service's staff hear of it
    desk = make_staff("desk", Role.HANDLER, department=Department.objects.get(code="customer_service"))
    travel(at(2026, 9, 30, 17, 5))
    number = take_in(as_, received_at=at(2026, 9, 30, 17).isoformat())

    assert clocks_sweep(now=at(2026, 10, 8, 9, 59)).breached == 0
    assert clocks_sweep(now=at(2026, 10, 8, 10, 1)).breached == 1

    told = Notification.objects.filter(kind="clock_breached", complaint__number=number)
    assert [(note.user, note.data["clock"]) for note in told] == [(desk, "first_reply")]


# --- 4.2 A-E: until the customer is satisfied -------------------------------------------------------------


def offer(api: Api, number: str, summary: str, amount: str) -> dict:
    """A way of handling the complaint (no approval is asked: it goes to the customer at once)."""
    return step(api, number, "plan", summary=summary, remedies=[{"kind": "compensation", "amount": amount}])


def test_the_way_of_handling_must_satisfy_the_customer_before_the_work_order_is_settled(as_, before_national_day):
    handler = as_("handler")
    step(handler, before_national_day, "finding", finding="valid", note="中转延误")
    contact(handler, before_national_day, "apology", "向客户道歉")
    assert step(handler, before_national_day, "resolve", expect=422, resolution="x")["code"] == "plan_missing"

    offered = offer(handler, before_national_day, "退还运费", "25")

    assert (offered["status"]["key"], offered["plan"]["status"]["key"]) == ("resolving", "approved")
    assert step(handler, before_national_day, "resolve", expect=422, resolution="x")["code"] == "plan_not_accepted"
    step(handler, before_national_day, "plan/customer-response", accepted=True, note="客户满意")
    assert step(handler, before_national_day, "resolve", resolution="退还运费")["status"]["key"] == "resolved"


def plan_answers(api: Api, number: str) -> list[str]:
    timeline = api.get(f"/complaints/{number}/timeline").json()
    return [event["kind"]["key"] for event in timeline if event["kind"]["key"].startswith("plan_")]


def escalations(number: str) -> list[tuple[int, str, list[str]]]:
    events = Complaint.objects.get(number=number).events.filter(kind="escalated").order_by("id")
    return [(event.data["to_tier"], event.data["cause"], event.data["notified"]) for event in events]


def test_a_refused_way_of_handling_is_followed_by_the_answer_within_the_deadline_at_the_same_tier(
    as_, travel, before_national_day
):
    # B "对不能及时处理的，或客户对即时处理意见不满意的，客户服务人员应告知客户处理答复的期限"
    handler = as_("handler")
    step(handler, before_national_day, "finding", finding="valid", note="中转延误")
    contact(handler, before_national_day, "apology", "向客户道歉")
    offer(handler, before_national_day, "退还运费", "25")
    travel(at(2026, 10, 8, 10))

    refused = step(handler, before_national_day, "plan/customer-response", accepted=False, note="客户要求赔偿货损")

    assert (refused["status"]["key"], refused["tier"], refused["plan"]["status"]["key"]) == (
        "investigating",
        1,
        "refused",
    )
    assert escalations(before_national_day) == []
    step(handler, before_national_day, "promise", date="2026-10-12", reason="需核查中转站记录")
    # the date told to the customer, at the end of its office hours
    assert due(clocks(handler, before_national_day)["reply"]) == at(2026, 10, 12, 18)


def test_a_dissatisfied_customer_takes_the_work_order_to_the_manager_then_to_division_management(
    as_, travel, before_national_day, people
):
    handler, manager, division = as_("handler"), as_("manager"), as_("division_head")
    step(handler, before_national_day, "finding", finding="valid", note="中转延误")
    contact(handler, before_national_day, "apology", "向客户道歉")

    # A refused, then B (the answer within the deadline) refused
    offer(handler, before_national_day, "退还运费", "25")
    travel(at(2026, 10, 8, 10))
    step(handler, before_national_day, "plan/customer-response", accepted=False, note="客户要求赔偿货损")
    offer(handler, before_national_day, "退还运费并补偿 100 元", "125")
    step(handler, before_national_day, "plan/customer-response", accepted=False, note="仍要求赔偿货损")
    assert Complaint.objects.get(number=before_national_day).tier == 1

    # C "对上述A和B的处理，客户都不满意的，客户服务人员应及时报告客服经理"
    step(handler, before_national_day, "escalate", reason="A、B两次处理客户均不满意")

    assert escalations(before_national_day) == [(2, "handler_request", ["supervisor", "manager"])]
    assert Notification.objects.filter(user=people["manager"], kind="escalated_to_you").count() == 1

    # D: the manager's measures, refused, then agreed anew with the other departments (如此反复)
    step(manager, before_national_day, "accept-escalation")
    offer(manager, before_national_day, "退还运费并赔偿货损 300 元", "325")
    step(manager, before_national_day, "plan/customer-response", accepted=False, note="仍不满意")
    again = offer(manager, before_national_day, "运营部核定货损，赔偿 500 元", "525")
    assert (again["status"]["key"], again["tier"]) == ("resolving", 2)
    step(manager, before_national_day, "plan/customer-response", accepted=False, note="依然不满意")

    # "还无法满足客户投诉需求，将此次投诉上报给事业部更高管理层"
    step(manager, before_national_day, "escalate", reason="多次商议仍无法满足客户")

    assert escalations(before_national_day)[-1] == (3, "handler_request", ["division_head"])

    # E: division management's decision, until the customer is satisfied; having taken the work order
    # over, it settles it, and customer service keeps it in view
    step(division, before_national_day, "accept-escalation")
    offer(division, before_national_day, "全额赔偿货值 800 元", "800")
    step(division, before_national_day, "plan/customer-response", accepted=True, note="客户满意")
    resolved = step(division, before_national_day, "resolve", resolution="事业部决定全额赔偿，客户满意")

    assert (resolved["status"]["key"], resolved["tier"]) == ("resolved", 3)
    assert plan_answers(handler, before_national_day) == [
        *["plan_proposed", "plan_approved", "plan_refused"] * 4,
        *["plan_proposed", "plan_approved", "plan_accepted"],
    ]


def test_customer_service_hands_the_operations_part_to_operations_and_follows_it_up(as_, travel, before_national_day):
    # 4.2 B "涉及到其他部门的，将《客服工单》移交给负责部门，并跟进处理结果"
    handler = as_("handler")
    task = {"kind": "check_records", "title": "核查中转站延误原因", "department": "operations"}
    response = handler.post(f"/complaints/{before_national_day}/tasks", {**task, "within": "1 working day"})
    assert response.status_code == 201, response.content.decode()
    handed = response.json()

    # Wed 30 Sep 17:05 + 8 working hours: 55 min that day, 1-7 Oct off, Thu 8 Oct 09:00 + 7 h 05 min.
    assert (handed["department"]["code"], handed["required"], due(handed)) == (
        "operations",
        True,
        at(2026, 10, 8, 17, 5),
    )
    assert [item["id"] for item in as_("dispatcher").get("/tasks").json()] == [handed["id"]]
    step(handler, before_national_day, "finding", finding="invalid", note="客户地址填写错误")
    contact(handler, before_national_day, "explanation", "说明地址有误")
    assert step(handler, before_national_day, "resolve", expect=422, resolution="x")["code"] == "tasks_open"

    travel(at(2026, 10, 8, 11))
    done = as_("dispatcher").post(f"/tasks/{handed['id']}/done", {"result": "中转站记录：收件地址错误，已改派"})
    assert done.status_code == 200, done.content.decode()
    assert step(handler, before_national_day, "resolve", resolution="已说明并改派")["status"]["key"] == "resolved"


@pytest.mark.parametrize(
    ("satisfaction", "status", "tier"), [("neutral", "resolved", 1), ("dissatisfied", "investigating", 2)]
)
def test_the_callback_records_the_satisfaction_and_a_dissatisfied_customer_goes_up_again(
    as_, before_national_day, satisfaction, status, tier
):
    # 3.1 "征求客户满意意见"; 4.3.2 D "客户满意情况：非常满意，满意，一般，不满意"
    handler = as_("handler")
    step(handler, before_national_day, "finding", finding="invalid")
    contact(handler, before_national_day, "explanation", "说明已按时效送达")
    step(handler, before_national_day, "resolve", resolution="已说明")

    after = follow_up(as_("follow_up"), before_national_day, satisfaction, "回访")

    assert (after["status"]["key"], after["tier"], after["follow_ups"][0]["satisfaction"]) == (
        status,
        tier,
        satisfaction,
    )
