"""生鲜配送 客户投诉应急预案 (seed 001) as the `fresh_delivery` template, walked through the HTTP API.

The plan: delivery delays, service attitude and food quality go to the head of the department
concerned; emergency handling starts within 1 hour and the customer hears of the progress within
2 hours, in clock hours, holidays included; a missed deadline goes up to management. A re-delivery
is the delivery department's task (2 hours), a return or exchange the warehouse's (24 hours); the
staff member behind an attitude problem is recorded before the case is resolved.
"""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.accounts.models import Department, Seat
from kesu.accounts.roles import Role
from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import api_version, at, clocks, contact, due, follow_up, step
from kesu.conftest import PHONE_INTAKE, Api, make_staff
from kesu.notifications.models import Notification
from kesu.processes.services import process_load_template
from kesu.tasks.services import tasks_overdue_notify


def complaint(category: str, description: str, **extra) -> dict:
    return {**PHONE_INTAKE, "category": category, "description": description, **extra}


@pytest.fixture
def fresh_delivery(db):
    return process_load_template("fresh_delivery", make_default=True)


@pytest.fixture
def people(staff, fresh_delivery):
    """The service centre of the conftest plus the heads of the delivery, warehouse and quality
    departments (quality takes food safety under the food-safety plan), two couriers and a packer;
    each department's head post (department_head) has a primary and, for delivery, a backup. The
    manager is the company's management (公司管理层), above the departments."""
    staff["manager"].department = None
    staff["manager"].save()
    departments = {code: Department.objects.get(code=code) for code in ("delivery", "warehouse", "quality", "service")}
    heads = {
        "delivery_head": make_staff("delivery_head", Role.SUPERVISOR, department=departments["delivery"]),
        "delivery_deputy": make_staff("delivery_deputy", Role.SUPERVISOR, department=departments["delivery"]),
        "warehouse_head": make_staff("warehouse_head", Role.SUPERVISOR, department=departments["warehouse"]),
        "quality_head": make_staff("quality_head", Role.SUPERVISOR, department=departments["quality"]),
        "courier": make_staff("courier", Role.DEPARTMENT_STAFF, department=departments["delivery"]),
        "backup_courier": make_staff("backup_courier", Role.DEPARTMENT_STAFF, department=departments["delivery"]),
        "packer": make_staff("packer", Role.DEPARTMENT_STAFF, department=departments["warehouse"]),
    }
    Seat.objects.create(
        key="department_head",
        department=departments["delivery"],
        primary=heads["delivery_head"],
        backup=heads["delivery_deputy"],
    )
    Seat.objects.create(key="department_head", department=departments["warehouse"], primary=heads["warehouse_head"])
    Seat.objects.create(key="department_head", department=departments["quality"], primary=heads["quality_head"])
    Seat.objects.create(key="department_head", department=departments["service"], primary=staff["supervisor"])
    return {**staff, **heads}


@pytest.fixture
def as_(people):
    clients = {}

    def client(name: str, language: str = "zh-hans") -> Api:
        if (name, language) not in clients:
            clients[name, language] = Api(user=people[name], language=language)
        return clients[name, language]

    return client


def take_in(as_, body: dict) -> dict:
    response = as_("agent").post("/complaints", body)
    assert response.status_code == 201, response.content.decode()
    return response.json()


def finish(api: Api, task: dict, result: str) -> dict:
    response = api.post(f"/tasks/{task['id']}/done", {"result": result})
    assert response.status_code == 200, response.content.decode()
    return response.json()


@pytest.fixture
def late_delivery(as_):
    """A delivery delay phoned in on Wednesday 30 September 2026 at 16:00 (the eve of National Day)."""
    return take_in(
        as_,
        complaint(
            "delivery_delay",
            "下午三点的蔬菜订单到四点还没送到。",
            received_at=at(2026, 9, 30, 16).isoformat(),
            fields={"order_number": "SX20260930-88"},
        ),
    )["number"]


@pytest.fixture
def late_delivery_on_the_eve(as_, travel):
    """The same delay, recorded at 16:05 that day: the clock stands there for the steps that follow."""
    travel(at(2026, 9, 30, 16, 5))
    return take_in(
        as_,
        complaint(
            "delivery_delay",
            "下午三点的蔬菜订单到四点还没送到。",
            received_at=at(2026, 9, 30, 16).isoformat(),
            fields={"order_number": "SX20260930-88"},
        ),
    )["number"]


# ─── the template ────────────────────────────────────────────────────────────────────────────────


def test_the_fresh_delivery_plan_loads_as_the_default_process(as_):
    process = as_("agent").get("/processes/fresh_delivery").json()

    assert process["is_default"] is True
    document = process["document"]
    assert [category["key"] for category in document["categories"]] == [
        "delivery_delay",
        "service_attitude",
        "food_quality",
        "other",
        "food_safety",
    ]
    assert document["channels"] == ["phone", "email", "chat", "app"]
    assert [clock["key"] for clock in document["clocks"]] == ["start_handling", "progress_feedback"]
    assert {kind: (rule["department"], rule["within"]) for kind, rule in document["remedy_tasks"].items()} == {
        "redelivery": ("delivery", "2 hours"),
        "exchange": ("warehouse", "24 hours"),
        "refund": ("warehouse", "24 hours"),
    }
    assert document["findings"]["attitude_confirmed"]["needs"] == ["explanation_contact", "plan", "accountability"]
    assert document["accountability"] == {"approval": [], "on_breach": False}
    # "将总结结果反馈给管理层", "定期对服务质量进行自查": a monthly summary (its period the template's choice)
    assert [(report["key"], report["every"], report["to"]) for report in document["reports"]] == [
        ("monthly_summary", "month", ["manager"])
    ]


@pytest.mark.parametrize("channel", ["phone", "email", "chat", "app"])
def test_complaints_come_in_by_hotline_email_online_chat_and_the_app(as_, channel):
    body = complaint("delivery_delay", "订单迟到一小时。", channel=channel)

    assert take_in(as_, body)["channel"]["key"] == channel


def test_a_channel_the_plan_does_not_name_is_refused(as_):
    refused = as_("agent").post("/complaints", complaint("delivery_delay", "订单迟到。", channel="store"))

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "channel"


# ─── intake with the plan's fields ───────────────────────────────────────────────────────────────


def test_intake_records_the_order_the_product_and_what_is_wrong_with_the_food(as_):
    body = complaint(
        "food_quality",
        "收到的三文鱼包装破损，有异味。",
        fields={
            "order_number": "SX20261101-07",
            "product": "冰鲜三文鱼 500g",
            "quality_problem": "packaging_damaged",
        },
    )

    assert take_in(as_, body)["fields"] == {
        "order_number": "SX20261101-07",
        "product": "冰鲜三文鱼 500g",
        "quality_problem": "packaging_damaged",
    }


def test_a_severity_outside_the_plans_choices_is_refused_saying_which_field(as_):
    body = complaint("delivery_delay", "订单迟到。", fields={"severity": "catastrophic"})

    refused = as_("agent").post("/complaints", body)

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "fields.severity"


def test_a_field_of_another_category_is_refused(as_):
    body = complaint("delivery_delay", "订单迟到。", fields={"quality_problem": "substandard"})

    refused = as_("agent").post("/complaints", body)

    assert refused.json()["errors"][0]["field"] == "fields.quality_problem"


# ─── priority: urgent service problems ──────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("category", "description", "fields", "priority"),
    [
        # "如投诉涉及的服务问题较为紧急，如严重配送延误或态度恶劣的行为"
        ("delivery_delay", "年夜饭食材迟到三小时。", {"severity": "serious"}, "high"),
        ("delivery_delay", "严重配送延误，客人已经到家。", {}, "high"),
        ("service_attitude", "配送员态度恶劣，还摔了箱子。", {"staff_involved": "courier"}, "high"),
        ("service_attitude", "客服回复很慢。", {"severity": "serious", "staff_involved": "customer_service"}, "high"),
        # ordinary service problems, and quality problems, keep the category's default
        ("delivery_delay", "订单晚到二十分钟。", {"severity": "normal"}, "medium"),
        ("service_attitude", "配送员没有打招呼。", {"staff_involved": "courier"}, "medium"),
        ("food_quality", "草莓有几颗压坏了。", {"severity": "serious"}, "medium"),
        # food safety is for the food-safety plan and never waits
        ("food_safety", "吃了送来的海鲜后腹泻。", {}, "urgent"),
    ],
)
def test_a_serious_delay_or_rude_behaviour_is_high_priority(as_, category, description, fields, priority):
    taken = take_in(as_, complaint(category, description, fields=fields))

    assert taken["priority"]["key"] == priority


# ─── routing: to the head of the department concerned ───────────────────────────────────────────


@pytest.mark.parametrize(
    ("category", "fields", "department", "head"),
    [
        ("delivery_delay", {}, "delivery", "delivery_head"),
        ("service_attitude", {"staff_involved": "courier"}, "delivery", "delivery_head"),
        ("service_attitude", {"staff_involved": "customer_service"}, "service", "supervisor"),
        ("service_attitude", {}, "service", "supervisor"),
        ("food_quality", {"quality_problem": "substandard"}, "warehouse", "warehouse_head"),
        ("other", {}, "service", "supervisor"),
        # handed to the food-safety plan at intake, whose quality department takes it
        ("food_safety", {}, "quality", "quality_head"),
    ],
)
def test_each_kind_of_complaint_goes_to_the_head_of_its_department(as_, people, category, fields, department, head):
    taken = take_in(as_, complaint(category, "投诉内容", fields=fields))

    assert taken["department"]["code"] == department
    assert (taken["status"]["key"], taken["assignee"]["username"]) == ("assigned", head)
    assert Notification.objects.filter(user=people[head], kind="assigned_to_you").count() == 1


def test_while_the_delivery_head_is_away_the_backup_owner_gets_the_delay(as_, people):
    people["delivery_head"].is_away = True
    people["delivery_head"].save()

    taken = take_in(as_, complaint("delivery_delay", "订单迟到。"))

    assert taken["assignee"]["username"] == "delivery_deputy"


# ─── the 1 hour and 2 hour clocks on real dates ─────────────────────────────────────────────────


def test_a_delivery_delay_must_be_taken_up_within_one_hour_and_the_customer_told_within_two(as_, late_delivery):
    running = clocks(as_("delivery_head"), late_delivery)

    # received Wed 30 Sep 2026 16:00: handling starts by 17:00, progress reaches the customer by 18:00.
    assert (running["start_handling"]["limit"], due(running["start_handling"])) == ("1 hour", at(2026, 9, 30, 17))
    assert (running["progress_feedback"]["limit"], due(running["progress_feedback"])) == (
        "2 hours",
        at(2026, 9, 30, 18),
    )


def test_national_day_and_the_night_do_not_stop_the_emergency_clocks(as_):
    # Thursday 1 October 2026 is National Day and 22:30 is after any office hours, yet the plan counts
    # clock hours ("1小时内", "2小时内", 实时接收): due 23:30 and 00:30 the next day.
    number = take_in(
        as_,
        complaint(
            "delivery_delay",
            "国庆家宴的食材还没送到。",
            received_at=at(2026, 10, 1, 22, 30).isoformat(),
        ),
    )["number"]

    running = clocks(as_("delivery_head"), number)

    assert due(running["start_handling"]) == at(2026, 10, 1, 23, 30)
    assert due(running["progress_feedback"]) == at(2026, 10, 2, 0, 30)


def test_spring_festival_does_not_stop_them_either(as_):
    # Tuesday 17 February 2026 is the first day of the Spring Festival: received 09:15, due 10:15 / 11:15.
    number = take_in(
        as_,
        complaint(
            "food_quality",
            "春节礼盒里的车厘子坏了一半。",
            received_at=at(2026, 2, 17, 9, 15).isoformat(),
        ),
    )["number"]

    running = clocks(as_("warehouse_head"), number)

    assert due(running["start_handling"]) == at(2026, 2, 17, 10, 15)
    assert due(running["progress_feedback"]) == at(2026, 2, 17, 11, 15)


def test_the_head_who_starts_handling_within_the_hour_meets_the_first_clock(as_):
    number = take_in(
        as_,
        complaint(
            "delivery_delay",
            "订单迟到。",
            received_at=(timezone.now() - dt.timedelta(minutes=40)).isoformat(),
        ),
    )["number"]

    step(as_("delivery_head"), number, "start-investigation")

    running = clocks(as_("delivery_head"), number)
    assert running["start_handling"]["state"] == "met"
    assert running["progress_feedback"]["state"] == "running"


def test_starting_after_the_hour_is_recorded_as_a_breach(as_):
    number = take_in(
        as_,
        complaint(
            "delivery_delay",
            "订单迟到。",
            received_at=(timezone.now() - dt.timedelta(minutes=75)).isoformat(),
        ),
    )["number"]

    step(as_("delivery_head"), number, "start-investigation")

    assert clocks(as_("delivery_head"), number)["start_handling"]["state"] == "breached"


@pytest.mark.parametrize(("called_at", "state"), [((17, 59), "met"), ((18, 1), "breached")])
def test_the_first_call_to_the_customer_must_come_within_two_hours(as_, late_delivery, called_at, state):
    head = as_("delivery_head")
    response = head.post(
        f"/complaints/{late_delivery}/contacts",
        {
            "channel": "phone",
            "direction": "outbound",
            "purpose": "progress",
            "summary": "告知客户备用配送员已出发",
            "at": at(2026, 9, 30, *called_at).isoformat(),
        },
    )
    assert response.status_code == 201, response.content.decode()

    # received 16:00, due 18:00: a call at 17:59 meets it, one at 18:01 misses it.
    assert clocks(head, late_delivery)["progress_feedback"]["state"] == state


# ─── escalation to management ───────────────────────────────────────────────────────────────────


def test_a_missed_hour_goes_up_to_management_and_a_missed_second_hour_calls_on_it_again(as_, late_delivery, people):
    # 17:30: only the 1 hour clock (due 17:00) is missed.
    first = clocks_sweep(now=at(2026, 9, 30, 17, 30))
    case = Complaint.objects.get(number=late_delivery)
    assert (first.breached, case.tier) == (1, 2)
    escalated = case.events.get(kind="escalated")
    assert (escalated.data["cause"], escalated.data["clock"], escalated.data["notified"]) == (
        "clock_breach",
        "start_handling",
        ["manager"],
    )
    assert Notification.objects.filter(user=people["manager"], kind="escalated_to_you").count() == 1
    assert Notification.objects.filter(user=people["delivery_head"], kind="clock_breached").count() == 1

    # 18:30: the 2 hour clock (due 18:00) is missed too; management is the top tier, so it is called again.
    second = clocks_sweep(now=at(2026, 9, 30, 18, 30))
    case.refresh_from_db()
    assert (second.breached, case.tier) == (1, 2)
    assert [event.data["clock"] for event in case.events.filter(kind="escalated").order_by("id")] == [
        "start_handling",
        "progress_feedback",
    ]


def test_clocks_met_in_time_do_not_escalate(as_):
    number = take_in(as_, complaint("delivery_delay", "订单迟到。"))["number"]
    step(as_("delivery_head"), number, "start-investigation")
    contact(as_("delivery_head"), number, "progress", "已安排备用车辆重新配送")

    assert clocks_sweep(now=timezone.now() + dt.timedelta(hours=3)).breached == 0
    assert Complaint.objects.get(number=number).tier == 1


def test_the_department_head_may_hand_a_case_up_to_management(as_, late_delivery):
    escalated = step(as_("delivery_head"), late_delivery, "escalate", reason="客户要求整单赔偿，超出权限")

    assert escalated["tier"] == 2
    step(as_("delivery_deputy"), late_delivery, "accept-escalation", expect=403)
    step(as_("manager"), late_delivery, "accept-escalation")
    accepted = Complaint.objects.get(number=late_delivery).events.get(kind="escalation_accepted")
    assert (accepted.actor.username, accepted.data["tier"]) == ("manager", 2)


# ─── findings and what they ask for ─────────────────────────────────────────────────────────────


def test_a_confirmed_delay_needs_its_reason_explained_and_a_remedy_before_it_is_resolved(
    as_, travel, late_delivery_on_the_eve
):
    head = as_("delivery_head")
    travel(at(2026, 9, 30, 16, 20))
    step(head, late_delivery_on_the_eve, "start-investigation")
    step(head, late_delivery_on_the_eve, "finding", finding="delay_confirmed", note="车辆故障导致延误")

    assert (
        step(head, late_delivery_on_the_eve, "resolve", expect=422, resolution="x")["code"]
        == "explanation_contact_missing"
    )
    contact(head, late_delivery_on_the_eve, "explanation", "向客户解释车辆故障导致延误")
    assert step(head, late_delivery_on_the_eve, "resolve", expect=422, resolution="x")["code"] == "plan_missing"

    travel(at(2026, 9, 30, 16, 30))
    planned = step(
        head,
        late_delivery_on_the_eve,
        "plan",
        summary="备用配送员重新配送，本单免运费，下单优先配送",
        remedies=[
            {"kind": "redelivery"},
            {"kind": "free_delivery"},
            {"kind": "priority_delivery"},
        ],
    )

    # no approval rule: the plan goes ahead at once, and the re-delivery is the delivery department's
    # task, due 2 clock hours later (18:30 on the eve of National Day); free and priority delivery
    # apply to the customer's next orders and are nobody's task.
    assert planned["status"]["key"] == "resolving"
    [redelivery] = planned["tasks"]
    assert (redelivery["kind"]["key"], redelivery["department"]["code"], redelivery["title"]) == (
        "redelivery",
        "delivery",
        "备用配送员重新配送",
    )
    assert due(redelivery) == at(2026, 9, 30, 18, 30)
    assert step(head, late_delivery_on_the_eve, "resolve", expect=422, resolution="x")["code"] == "tasks_open"
    travel(at(2026, 9, 30, 17, 40))
    finish(as_("backup_courier"), redelivery, "17:40 已送达，客户签收")
    resolved = step(head, late_delivery_on_the_eve, "resolve", resolution="已重新配送并免运费")

    assert resolved["status"]["key"] == "resolved"


def test_a_re_delivery_not_made_within_2_hours_is_reported_to_the_couriers_and_the_head(
    as_, travel, late_delivery_on_the_eve
):
    head = as_("delivery_head")
    travel(at(2026, 9, 30, 16, 30))
    step(head, late_delivery_on_the_eve, "start-investigation")
    step(head, late_delivery_on_the_eve, "finding", finding="delay_confirmed")
    step(head, late_delivery_on_the_eve, "plan", summary="重新配送", remedies=[{"kind": "redelivery"}])

    assert tasks_overdue_notify(at(2026, 9, 30, 18, 29)) == 0
    assert tasks_overdue_notify(at(2026, 9, 30, 18, 31)) == 1

    told = Notification.objects.filter(kind="task_overdue", complaint__number=late_delivery_on_the_eve)
    # nobody owns it: the whole delivery department is told, and the head as the case's handler.
    assert sorted(note.user.username for note in told) == [
        "backup_courier",
        "courier",
        "delivery_deputy",
        "delivery_head",
    ]


@pytest.mark.parametrize(("remedy", "title"), [("exchange", "退换货：更换合格产品"), ("refund", "退换货：退货退款")])
def test_spoilt_food_is_returned_or_exchanged_by_the_warehouse_within_24_hours_even_at_spring_festival(
    as_, travel, remedy, title
):
    # Tuesday 17 February 2026, the first day of the Spring Festival: the plan counts clock hours.
    travel(at(2026, 2, 17, 9, 15))
    number = take_in(
        as_, complaint("food_quality", "春节礼盒里的车厘子坏了一半。", fields={"quality_problem": "substandard"})
    )["number"]
    head = as_("warehouse_head")
    step(head, number, "start-investigation")
    step(head, number, "finding", finding="quality_confirmed", note="冷链包装破损")
    travel(at(2026, 2, 17, 10))
    amount = {"amount": "168"} if remedy == "refund" else {}
    planned = step(head, number, "plan", summary="立即启动退换货流程", remedies=[{"kind": remedy, **amount}])

    [task] = [task for task in planned["tasks"] if task["kind"]["key"] == remedy]
    assert task["department"]["code"] == "warehouse"
    assert task["title"] == (f"{title} ¥168.00" if remedy == "refund" else title)
    assert due(task) == at(2026, 2, 18, 10)
    finish(as_("packer"), task, "已处理")
    assert step(head, number, "resolve", resolution="已退换货")["status"]["key"] == "resolved"


def test_confirmed_food_quality_has_the_warehouse_trace_the_cause_within_24_hours(as_, travel):
    # "在确认质量问题后，我公司将进行内部追溯，查明问题原因"
    travel(at(2026, 9, 30, 21, 40))
    body = complaint("food_quality", "牛排包装漏气。", fields={"quality_problem": "packaging_damaged"})
    number = take_in(as_, body)["number"]
    head = as_("warehouse_head")
    step(head, number, "start-investigation")
    travel(at(2026, 9, 30, 22, 5))

    confirmed = step(head, number, "finding", finding="quality_confirmed", note="封口机温度不足")

    [trace] = confirmed["tasks"]
    # clock hours, National Day included: Wed 30 Sep 22:05 + 24 h
    assert (trace["kind"]["key"], trace["department"]["code"], trace["required"], due(trace)) == (
        "check_records",
        "warehouse",
        False,
        at(2026, 10, 1, 22, 5),
    )
    assert trace["title"] == "内部追溯，查明问题原因"
    step(head, number, "plan", summary="更换合格产品", remedies=[{"kind": "exchange"}])
    [exchange] = [task for task in api_tasks(head, number) if task["kind"]["key"] == "exchange"]
    finish(as_("packer"), exchange, "已换货")
    # the exchange done, the case is settled while the trace goes on
    assert step(head, number, "resolve", resolution="已换货")["status"]["key"] == "resolved"


def api_tasks(api: Api, number: str) -> list[dict]:
    return api.get(f"/complaints/{number}").json()["tasks"]


def test_the_courier_behind_an_attitude_problem_is_recorded_before_the_case_is_resolved(as_, travel):
    # "对于因配送人员态度不当导致的投诉，责任部门将对相关人员进行严格的调查和培训"
    travel(at(2026, 11, 12, 19))
    number = take_in(
        as_, complaint("service_attitude", "配送员态度恶劣，还摔了箱子。", fields={"staff_involved": "courier"})
    )["number"]
    head = as_("delivery_head")
    step(head, number, "start-investigation")
    named = head.put(f"/complaints/{number}/involved", {"version": api_version(head, number), "staff": ["courier"]})
    assert named.status_code == 200, named.content.decode()
    step(head, number, "finding", finding="attitude_confirmed", note="配送员承认摔箱")
    contact(head, number, "explanation", "致歉并说明将更换配送人员、安排专人对接")
    step(
        head,
        number,
        "plan",
        summary="更换配送人员，安排专门的客服对接",
        remedies=[{"kind": "apology"}, {"kind": "explanation", "note": "更换配送人员、专人对接"}],
    )

    refused = step(head, number, "resolve", expect=422, resolution="x")
    assert (refused["code"], refused["errors"][0]["field"]) == ("accountability_missing", "accountability")

    response = head.post(
        f"/complaints/{number}/accountability",
        {"person": "courier", "fault": "配送时态度恶劣、摔箱，需培训", "measure": "penalty", "points": 2},
    )
    assert response.status_code == 201, response.content.decode()
    # no approver is named: the record stands at once
    assert (response.json()["status"], response.json()["department"]["code"]) == ("approved", "delivery")
    assert step(head, number, "resolve", resolution="已致歉并更换配送人员")["status"]["key"] == "resolved"


def test_the_customer_is_called_back_before_the_case_is_closed(as_, travel):
    travel(at(2026, 11, 12, 19))
    number = take_in(as_, complaint("delivery_delay", "订单迟到。"))["number"]
    head = as_("delivery_head")
    step(head, number, "start-investigation")
    step(head, number, "finding", finding="not_confirmed", note="客户填错送货时间")
    contact(head, number, "explanation", "说明订单时间")
    resolved = step(head, number, "resolve", resolution="已解释")

    # "处理完投诉后，客服中心将主动对客户进行回访" — within 24 clock hours (the default).
    assert [(callback["status"], due(callback)) for callback in resolved["follow_ups"]] == [
        ("scheduled", at(2026, 11, 13, 19))
    ]
    assert step(as_("supervisor"), number, "close", expect=422)["code"] == "follow_ups_due"
    follow_up(as_("follow_up"), number, "very_satisfied", "客户满意")
    assert step(as_("supervisor"), number, "close")["status"]["key"] == "closed"


def test_a_complaint_found_untrue_is_explained_to_the_customer_before_it_is_resolved(as_):
    number = take_in(as_, complaint("service_attitude", "配送员不耐烦。", fields={"staff_involved": "courier"}))[
        "number"
    ]
    head = as_("delivery_head")
    step(head, number, "start-investigation")
    step(head, number, "finding", finding="not_confirmed", note="行车记录仪显示配送员礼貌")

    assert step(head, number, "resolve", expect=422, resolution="x")["code"] == "explanation_contact_missing"
    contact(head, number, "explanation", "向客户说明核实情况")
    assert step(head, number, "resolve", resolution="核实不属实，已解释")["status"]["key"] == "resolved"


def test_a_delay_can_only_be_found_a_delay_or_untrue(as_, late_delivery):
    head = as_("delivery_head")
    step(head, late_delivery, "start-investigation")

    refused = step(head, late_delivery, "finding", expect=422, finding="quality_confirmed")

    assert refused["errors"][0]["field"] == "finding"


def test_an_answer_the_plan_does_not_need_is_refused_and_opens_no_second_task(as_, travel, late_delivery_on_the_eve):
    head = as_("delivery_head")
    travel(at(2026, 9, 30, 16, 30))
    step(head, late_delivery_on_the_eve, "start-investigation")
    step(head, late_delivery_on_the_eve, "finding", finding="delay_confirmed")
    planned = step(head, late_delivery_on_the_eve, "plan", summary="重新配送", remedies=[{"kind": "redelivery"}])

    answer = step(head, late_delivery_on_the_eve, "plan/customer-response", expect=422, accepted=True, note="客户同意")

    assert answer["code"] == "nothing_to_answer"
    tasks = as_("delivery_head").get(f"/complaints/{late_delivery_on_the_eve}").json()["tasks"]
    assert (
        [task["kind"]["key"] for task in tasks] == [task["kind"]["key"] for task in planned["tasks"]] == ["redelivery"]
    )
