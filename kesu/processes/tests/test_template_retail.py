"""零售业客户投诉处理规定 (seed 003) as the `retail` template, walked through the HTTP API.

The rules: every complaint names its store; high priority (safety, a major service failure) goes to
the department supervisor, medium to the front-line service team, low into the feedback statistics;
a response within 24 hours (complex cases 48), progress told within 24 hours; a missed response goes
to the supervisor; the final plan is confirmed by the customer; a refund is paid within 3 working days
(a finance task) and an exchange shipped within 5 (a logistics task); a callback before closing.
"""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.accounts.models import Department, Seat
from kesu.accounts.roles import Role
from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import at, clocks, contact, due, follow_up, step
from kesu.conftest import PHONE_INTAKE, Api, make_staff
from kesu.notifications.models import Notification
from kesu.processes.services import process_load_template
from kesu.tasks.services import tasks_overdue_notify


def complaint(category: str, description: str, *, fields=None, **extra) -> dict:
    """A walk-in complaint at the Xuhui store unless said otherwise."""
    return {
        **PHONE_INTAKE,
        "channel": "store",
        "category": category,
        "description": description,
        "fields": {"store": "徐汇店", **(fields or {})},
        **extra,
    }


@pytest.fixture
def retail(db):
    return process_load_template("retail", make_default=True)


@pytest.fixture
def people(staff, retail):
    """The conftest's service centre (with its logistics department) plus the customer-service
    supervisor (holding the department supervisor post for every department, with a backup), the
    front-line team and the cashier of finance, who pays refunds."""
    customer_service = Department.objects.get(code="customer_service")
    frontline = Department.objects.get(code="frontline_service")
    finance = Department.objects.update_or_create(code="finance", defaults={"name": "财务部"})[0]
    added = {
        "cs_supervisor": make_staff("cs_supervisor", Role.SUPERVISOR, department=customer_service),
        "cs_deputy": make_staff("cs_deputy", Role.SUPERVISOR, department=customer_service),
        "frontline": make_staff("frontline", Role.HANDLER, department=frontline),
        "store_clerk": make_staff("store_clerk", Role.AGENT, department=frontline),
        "cashier": make_staff("cashier", Role.DEPARTMENT_STAFF, department=finance),
    }
    Seat.objects.create(key="department_supervisor", primary=added["cs_supervisor"], backup=added["cs_deputy"])
    return {**staff, **added}


@pytest.fixture
def as_(people):
    clients = {}

    def client(name: str, language: str = "zh-hans") -> Api:
        if (name, language) not in clients:
            clients[name, language] = Api(user=people[name], language=language)
        return clients[name, language]

    return client


def take_in(as_, body: dict, by: str = "store_clerk") -> dict:
    response = as_(by).post("/complaints", body)
    assert response.status_code == 201, response.content.decode()
    return response.json()


@pytest.fixture
def defect_on_the_eve_of_national_day(as_):
    """A slightly faulty kettle brought back to the store on Wednesday 30 September 2026 at 16:00."""
    return take_in(
        as_,
        complaint(
            "product_quality",
            "电水壶开关有轻微松动。",
            fields={"product_name": "电水壶", "receipt_number": "R0930-118"},
            received_at=at(2026, 9, 30, 16).isoformat(),
        ),
    )["number"]


def frontline_takes(as_, number: str) -> None:
    step(as_("agent"), number, "assign", assignee="frontline")
    step(as_("frontline"), number, "start-investigation")


def tasks_by_kind(api: Api, number: str) -> dict:
    return {task["kind"]["key"]: task for task in api.get(f"/complaints/{number}").json()["tasks"]}


def finish(api: Api, task: dict, result: str) -> dict:
    response = api.post(f"/tasks/{task['id']}/done", {"result": result})
    assert response.status_code == 200, response.content.decode()
    return response.json()


# ─── the template ────────────────────────────────────────────────────────────────────────────────


def test_the_retail_rules_load_as_the_default_process(as_):
    process = as_("agent").get("/processes/retail").json()

    assert process["is_default"] is True
    document = process["document"]
    assert [category["key"] for category in document["categories"]] == [
        "product_quality",
        "service_attitude",
        "price_dispute",
        "return_exchange",
        "delivery",
        "other",
        "inquiry_suggestion",
    ]
    assert document["channels"] == ["store", "phone", "chat", "social", "web", "app"]
    assert [report["every"] for report in document["reports"]] == ["quarter", "quarter", "quarter"]
    assert "store" in document["reports"][0]["by"]
    # "最终方案需经客户确认"; "退款需在3个工作日内到账。换货需在5个工作日内完成物流安排。"
    assert (document["customer_confirms_plan"], document["on_plan_refused"]) == (True, "new_plan")
    assert {kind: (rule["department"], rule["within"]) for kind, rule in document["remedy_tasks"].items()} == {
        "refund": ("finance", "3 working days"),
        "exchange": ("logistics", "5 working days"),
    }
    assert [clock["key"] for clock in document["clocks"]] == ["respond", "progress"]


@pytest.mark.parametrize("channel", ["store", "phone", "chat", "social", "web", "app"])
def test_stores_the_hotline_online_service_social_media_and_the_online_shop_take_complaints(as_, channel):
    assert take_in(as_, complaint("delivery", "送货晚了。", channel=channel))["channel"]["key"] == channel


# ─── intake: member, goods and store ───────────────────────────────────────────────────────────


def test_intake_records_the_member_the_goods_and_the_store(as_):
    body = complaint(
        "product_quality",
        "毛衣洗一次就起球。",
        fields={
            "store": "静安店",
            "product_name": "羊毛衫",
            "product_spec": "L 码",
            "receipt_number": "R20261101-0031",
            "order_number": "SO-7781",
        },
    )
    body["customer"] = {**body["customer"], "member_number": "VIP-000123"}

    taken = take_in(as_, body)

    assert taken["fields"] == {
        "store": "静安店",
        "product_name": "羊毛衫",
        "product_spec": "L 码",
        "receipt_number": "R20261101-0031",
        "order_number": "SO-7781",
    }
    # the intake answer masks the customer; reading the complaint shows the member number to staff.
    assert as_("store_clerk").get(f"/complaints/{taken['number']}").json()["customer"]["member_number"] == "VIP-000123"


def test_a_complaint_must_name_its_store_for_the_statistics_by_store(as_):
    body = complaint("product_quality", "毛衣起球。")
    body["fields"] = {"product_name": "羊毛衫"}

    refused = as_("store_clerk").post("/complaints", body)

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "fields.store"


def test_the_complex_case_flag_must_be_true_or_false(as_):
    refused = as_("store_clerk").post("/complaints", complaint("other", "问题复杂。", fields={"complex": "是"}))

    assert refused.json()["errors"][0]["field"] == "fields.complex"


# ─── priority and routing: supervisor / front line / statistics ─────────────────────────────────


@pytest.mark.parametrize(
    ("category", "description", "fields", "priority"),
    [
        # 高优先级：涉及安全问题、重大服务失误（如长时间等待无回应）
        ("product_quality", "儿童玩具有尖锐毛刺。", {"safety_issue": True}, "high"),
        ("service_attitude", "收银台排队四十分钟。", {"major_service_failure": True}, "high"),
        ("service_attitude", "在服务台长时间等待无人回应。", {}, "high"),
        ("product_quality", "电暖器插头发烫，有安全隐患。", {}, "high"),
        # 中优先级：商品轻微瑕疵、一般服务不满
        ("product_quality", "杯子有一处轻微划痕。", {}, "medium"),
        ("service_attitude", "店员介绍不够耐心。", {"safety_issue": False}, "medium"),
        # 低优先级：咨询类、非紧急建议
        ("inquiry_suggestion", "建议增加自助收银机。", {}, "low"),
    ],
)
def test_safety_and_major_service_failures_are_high_slight_defects_medium_and_enquiries_low(
    as_, category, description, fields, priority
):
    assert take_in(as_, complaint(category, description, fields=fields))["priority"]["key"] == priority


def test_a_high_priority_complaint_goes_straight_to_the_department_supervisor(as_, people):
    taken = take_in(as_, complaint("product_quality", "儿童玩具有尖锐毛刺。", fields={"safety_issue": True}))

    assert taken["department"]["code"] == "customer_service"
    assert (taken["status"]["key"], taken["assignee"]["username"]) == ("assigned", "cs_supervisor")
    assert Notification.objects.filter(user=people["cs_supervisor"], kind="assigned_to_you").count() == 1


def test_while_the_supervisor_is_away_the_backup_owner_takes_high_priority_complaints(as_, people):
    people["cs_supervisor"].is_away = True
    people["cs_supervisor"].save()

    taken = take_in(as_, complaint("product_quality", "电暖器插头发烫，有安全隐患。"))

    assert taken["assignee"]["username"] == "cs_deputy"


def test_a_medium_priority_complaint_waits_in_the_front_line_queue(as_):
    taken = take_in(as_, complaint("product_quality", "杯子有一处轻微划痕。"))

    assert (taken["department"]["code"], taken["status"]["key"], taken["assignee"]) == (
        "frontline_service",
        "new",
        None,
    )


def test_a_low_priority_enquiry_goes_into_the_feedback_statistics(as_):
    taken = take_in(as_, complaint("inquiry_suggestion", "会员积分什么时候过期？"))

    assert (taken["department"]["code"], taken["status"]["key"], taken["assignee"]) == ("feedback_stats", "new", None)


def test_the_priority_the_clerk_marks_at_intake_decides_the_route(as_):
    # "初步判断投诉类型…并标注优先级": marked low by hand, a quality remark goes to the statistics.
    taken = take_in(as_, complaint("product_quality", "包装颜色和图片不一样。", priority="low"))

    assert (taken["priority"]["key"], taken["department"]["code"]) == ("low", "feedback_stats")


# ─── the response and progress clocks on real dates ─────────────────────────────────────────────


def test_a_complaint_must_be_answered_and_the_customer_told_of_progress_within_24_hours(
    as_, defect_on_the_eve_of_national_day
):
    running = clocks(as_("agent"), defect_on_the_eve_of_national_day)

    # received Wed 30 Sep 2026 16:00; "24小时内" counts clock hours, so National Day (1 Oct) does not
    # stop them: both due Thu 1 Oct 16:00.
    assert (running["respond"]["limit"], due(running["respond"])) == ("24 hours", at(2026, 10, 1, 16))
    assert (running["progress"]["limit"], due(running["progress"])) == ("24 hours", at(2026, 10, 1, 16))
    assert set(running) == {"respond", "progress"}


def test_a_missed_progress_report_is_told_to_the_front_line_while_nobody_handles_the_case(
    as_, defect_on_the_eve_of_national_day
):
    # medium priority: routed to the front-line department, no post, so nobody has it yet
    assert Complaint.objects.get(number=defect_on_the_eve_of_national_day).assignee is None

    clocks_sweep(now=at(2026, 10, 1, 16))

    told = {
        notification.user.username
        for notification in Notification.objects.filter(kind="clock_breached")
        if notification.data["clock"] == "progress"
    }
    assert "frontline" in told and "store_clerk" not in told


def test_a_complex_case_has_48_hours_to_be_answered_but_still_24_to_tell_the_customer(as_):
    number = take_in(
        as_,
        complaint(
            "return_exchange",
            "跨店退货被拒，涉及多张发票。",
            fields={"complex": True},
            received_at=at(2026, 9, 30, 16).isoformat(),
        ),
    )["number"]

    running = clocks(as_("agent"), number)

    assert (running["respond"]["limit"], due(running["respond"])) == ("48 hours", at(2026, 10, 2, 16))
    assert due(running["progress"]) == at(2026, 10, 1, 16)


def test_a_proposed_plan_is_the_response_and_the_first_call_the_progress_report(as_):
    number = take_in(
        as_,
        complaint(
            "product_quality",
            "电饭煲内胆掉漆。",
            received_at=(timezone.now() - dt.timedelta(hours=3)).isoformat(),
        ),
    )["number"]
    frontline_takes(as_, number)
    contact(as_("frontline"), number, "progress", "告知客户正在核实批次")
    step(as_("frontline"), number, "finding", finding="quality_defect")
    step(as_("frontline"), number, "plan", summary="为客户换新内胆", remedies=[{"kind": "exchange"}])

    running = clocks(as_("frontline"), number)

    assert (running["progress"]["state"], running["respond"]["state"]) == ("met", "met")


def test_an_enquiry_answered_and_closed_within_the_day_meets_the_response_clock(as_):
    number = take_in(as_, complaint("inquiry_suggestion", "会员积分什么时候过期？"))["number"]
    frontline_takes(as_, number)
    step(as_("frontline"), number, "finding", finding="answered")
    contact(as_("frontline"), number, "explanation", "告知积分年底清零")

    step(as_("frontline"), number, "resolve", resolution="已答复")

    assert clocks(as_("frontline"), number)["respond"]["state"] == "met"


# ─── the customer confirms the plan; refunds and exchanges are departments' tasks ──────────────


def defect_planned(as_, travel, moment: dt.datetime, remedies: list[dict]) -> str:
    """A faulty rice cooker brought back at `moment`; the front line proposes `remedies` at once (no
    approval rule: the plan goes ahead) and the customer accepts it in the same minute."""
    travel(moment)
    number = take_in(as_, complaint("product_quality", "电饭煲内胆掉漆。", fields={"product_name": "电饭煲"}))["number"]
    frontline_takes(as_, number)
    step(as_("frontline"), number, "finding", finding="quality_defect")
    step(as_("frontline"), number, "plan", summary="退款或换新", remedies=remedies)
    step(as_("frontline"), number, "plan/customer-response", accepted=True, note="客户电话确认同意")
    return number


@pytest.mark.parametrize(
    ("moment", "refund_due", "exchange_due"),
    [
        # Wed 30 Sep 10:00: 14 h left that day; 1–7 Oct off; Thu 8 and Fri 9 Oct are whole working
        # days (62 h), the refund's last 10 h end Sat 10 Oct 10:00 (a make-up working day, 调休);
        # the exchange's 120 h run on through Sat 10 (86 h) and Mon 12 Oct (110 h) to Tue 13 Oct 10:00.
        (at(2026, 9, 30, 10), at(2026, 10, 10, 10), at(2026, 10, 13, 10)),
        # Fri 13 Feb 10:00: 14 h; Sat 14 Feb is a make-up working day (38 h); 15–23 Feb off (Spring
        # Festival); Tue 24 Feb (62 h): the refund is due Wed 25 Feb 10:00, the exchange (Wed 25 and
        # Thu 26 Feb, 110 h) Fri 27 Feb 10:00.
        (at(2026, 2, 13, 10), at(2026, 2, 25, 10), at(2026, 2, 27, 10)),
        # an ordinary week: Mon 16 Nov 10:00 → Thu 19 Nov 10:00 and (Sat 21, Sun 22 off) Mon 23 Nov 10:00.
        (at(2026, 11, 16, 10), at(2026, 11, 19, 10), at(2026, 11, 23, 10)),
    ],
)
def test_a_refund_is_paid_within_3_working_days_and_an_exchange_shipped_within_5(
    as_, travel, moment, refund_due, exchange_due
):
    number = defect_planned(as_, travel, moment, [{"kind": "refund", "amount": "199"}, {"kind": "exchange"}])

    tasks = tasks_by_kind(as_("frontline"), number)

    assert set(tasks) == {"refund", "exchange"}
    refund, exchange = tasks["refund"], tasks["exchange"]
    assert (refund["department"]["code"], refund["title"], refund["status"], refund["required"]) == (
        "finance",
        "退款到账（3个工作日内） ¥199.00",
        "open",
        True,
    )
    assert (exchange["department"]["code"], exchange["title"]) == ("logistics", "换货物流安排（5个工作日内）")
    assert (due(refund), due(exchange)) == (refund_due, exchange_due)


def test_the_case_is_resolved_only_once_finance_and_logistics_have_done_their_part(as_, travel):
    number = defect_planned(
        as_, travel, at(2026, 11, 16, 10), [{"kind": "refund", "amount": "199"}, {"kind": "exchange"}]
    )
    tasks = tasks_by_kind(as_("frontline"), number)

    # each department sees its own task, and only its own
    assert [task["id"] for task in as_("cashier").get("/tasks").json()] == [tasks["refund"]["id"]]
    assert [task["id"] for task in as_("logistics_clerk").get("/tasks").json()] == [tasks["exchange"]["id"]]
    travel(at(2026, 11, 17, 15))
    finish(as_("cashier"), tasks["refund"], "已原路退款 199 元")
    assert step(as_("frontline"), number, "resolve", expect=422, resolution="x")["code"] == "tasks_open"
    travel(at(2026, 11, 20, 11))
    finish(as_("logistics_clerk"), tasks["exchange"], "新电饭煲已发出，运单 SF0001")

    resolved = step(as_("frontline"), number, "resolve", resolution="已退款并换新")

    assert resolved["status"]["key"] == "resolved"
    assert [(task["status"], task["overdue"]) for task in resolved["tasks"]] == [("done", False), ("done", False)]


def test_a_refund_not_paid_in_time_is_reported_overdue_to_finance_and_the_handler(as_, travel, people):
    number = defect_planned(as_, travel, at(2026, 11, 16, 10), [{"kind": "refund", "amount": "59"}])

    # due Thu 19 Nov 10:00: one minute later the sweep reports it, once.
    assert tasks_overdue_notify(at(2026, 11, 19, 9, 59)) == 0
    assert tasks_overdue_notify(at(2026, 11, 19, 10, 1)) == 1
    assert tasks_overdue_notify(at(2026, 11, 19, 10, 2)) == 0

    told = Notification.objects.filter(kind="task_overdue", complaint__number=number)
    assert sorted(note.user.username for note in told) == ["cashier", "frontline"]


def test_the_final_plan_must_be_confirmed_by_the_customer_before_the_case_is_resolved(as_):
    number = take_in(as_, complaint("service_attitude", "店员当众指责顾客。"))["number"]
    frontline_takes(as_, number)
    step(as_("frontline"), number, "finding", finding="service_fault")
    contact(as_("frontline"), number, "apology", "向客户致歉")
    step(
        as_("frontline"),
        number,
        "plan",
        summary="会员权益延长三个月",
        remedies=[{"kind": "membership_extension", "note": "三个月"}],
    )

    assert step(as_("frontline"), number, "resolve", expect=422, resolution="x")["code"] == "plan_not_accepted"
    contact(as_("frontline"), number, "plan_offer", "电话告知延长会员三个月的方案")
    accepted = step(as_("frontline"), number, "plan/customer-response", accepted=True, note="客户同意，通话已录音")

    assert (accepted["plan"]["customer_response"], accepted["status"]["key"]) == ("accepted", "resolving")
    assert step(as_("frontline"), number, "resolve", resolution="已延长会员")["status"]["key"] == "resolved"
    # "保留沟通记录": the offer and the customer's answer are on the timeline
    timeline = as_("frontline").get(f"/complaints/{number}/timeline").json()
    assert [event["kind"]["key"] for event in timeline][-3:] == ["contact", "plan_accepted", "resolved"]
    assert timeline[-2]["text"] == "客户同意，通话已录音"


def test_a_plan_the_customer_refuses_goes_back_for_a_new_one(as_, travel):
    travel(at(2026, 11, 16, 10))
    number = take_in(as_, complaint("product_quality", "电饭煲内胆掉漆。"))["number"]
    frontline_takes(as_, number)
    step(as_("frontline"), number, "finding", finding="quality_defect")
    step(as_("frontline"), number, "plan", summary="退款 199 元", remedies=[{"kind": "refund", "amount": "199"}])

    refused = step(as_("frontline"), number, "plan/customer-response", accepted=False, note="客户不要退款，要换新")

    assert (refused["status"]["key"], refused["plan"]["status"]["key"], refused["tier"]) == (
        "investigating",
        "refused",
        1,
    )
    assert [task for task in refused["tasks"] if task["status"] == "open"] == []
    travel(at(2026, 11, 16, 14))
    step(as_("frontline"), number, "plan", summary="换新", remedies=[{"kind": "exchange"}])
    step(as_("frontline"), number, "plan/customer-response", accepted=True, note="客户同意换新")
    exchange = tasks_by_kind(as_("frontline"), number)["exchange"]
    # five working days from Mon 16 Nov 14:00: Mon 23 Nov 14:00.
    assert (exchange["status"], exchange["department"]["code"], due(exchange)) == (
        "open",
        "logistics",
        at(2026, 11, 23, 14),
    )


# ─── checks with other departments, the callback before closing ─────────────────────────────────


def test_the_front_line_asks_logistics_to_check_where_the_goods_came_from(as_, travel):
    # "内部核实：联系相关部门（如采购、仓储、物流）确认商品来源、生产日期等信息"
    travel(at(2026, 11, 20, 16))
    number = take_in(as_, complaint("product_quality", "酸奶离保质期只剩一天。", fields={"product_name": "酸奶"}))[
        "number"
    ]
    frontline_takes(as_, number)
    check = {"kind": "check_records", "title": "核实批次与生产日期", "department": "logistics"}
    response = as_("frontline").post(f"/complaints/{number}/tasks", {**check, "within": "1 working day"})
    assert response.status_code == 201, response.content.decode()
    check = response.json()

    # Fri 20 Nov 16:00 + one working day (Sat 21 and Sun 22 Nov off) = Mon 23 Nov 16:00.
    assert (check["department"]["code"], due(check)) == ("logistics", at(2026, 11, 23, 16))
    step(as_("frontline"), number, "finding", finding="invalid", note="批次在保质期内")
    contact(as_("frontline"), number, "explanation", "说明商品在保质期内")
    assert step(as_("frontline"), number, "resolve", expect=422, resolution="x")["code"] == "tasks_open"
    finish(as_("logistics_clerk"), check, "入库记录：生产日期 11 月 5 日")
    assert step(as_("frontline"), number, "resolve", resolution="已解释")["status"]["key"] == "resolved"


def test_the_customer_is_called_back_before_the_case_is_closed(as_, travel):
    travel(at(2026, 11, 16, 10))
    number = take_in(as_, complaint("price_dispute", "满减活动没有给我减。"))["number"]
    frontline_takes(as_, number)
    step(as_("frontline"), number, "finding", finding="price_rule_explained")
    contact(as_("frontline"), number, "explanation", "解释促销规则")
    resolved = step(as_("frontline"), number, "resolve", resolution="已解释促销规则")

    # "处理完成后通过电话或邮件回访客户" — one callback, due within 24 hours (the default).
    [callback] = resolved["follow_ups"]
    assert (callback["status"], due(callback)) == ("scheduled", at(2026, 11, 17, 10))
    assert step(as_("follow_up"), number, "close", expect=422)["code"] == "follow_ups_due"
    follow_up(as_("follow_up"), number, "satisfied", "客户认可解释")
    assert step(as_("follow_up"), number, "close", note="回访满意")["status"]["key"] == "closed"


# ─── escalation to the department supervisor ────────────────────────────────────────────────────


def test_a_missed_response_goes_up_to_the_department_supervisor(as_, defect_on_the_eve_of_national_day, people):
    swept = clocks_sweep(now=at(2026, 10, 1, 16, 1))

    # both 24 h clocks fell due at 16:00; only the response escalates, progress only notifies.
    case = Complaint.objects.get(number=defect_on_the_eve_of_national_day)
    assert (swept.breached, case.tier, case.escalated_to.username) == (2, 2, "cs_supervisor")
    escalated = case.events.get(kind="escalated")
    assert (escalated.data["cause"], escalated.data["clock"]) == ("clock_breach", "respond")
    assert Notification.objects.filter(user=people["cs_supervisor"], kind="escalated_to_you").count() == 1


def test_a_complex_case_is_not_escalated_before_its_48_hours(as_, people):
    number = take_in(
        as_,
        complaint(
            "return_exchange",
            "跨店退货被拒。",
            fields={"complex": True},
            received_at=at(2026, 9, 30, 16).isoformat(),
        ),
    )["number"]

    # Thu 1 Oct 16:01: the progress clock (24 h) is missed, the response (48 h) is not.
    assert clocks_sweep(now=at(2026, 10, 1, 16, 1)).breached == 1
    assert Complaint.objects.get(number=number).tier == 1
    # Fri 2 Oct 16:01: the response is missed as well and goes to the supervisor.
    assert clocks_sweep(now=at(2026, 10, 2, 16, 1)).breached == 1
    assert Complaint.objects.get(number=number).tier == 2


def test_the_front_line_may_hand_a_case_to_the_supervisor(as_, defect_on_the_eve_of_national_day):
    number = defect_on_the_eve_of_national_day
    frontline_takes(as_, number)

    escalated = step(as_("frontline"), number, "escalate", reason="客户要求三倍赔偿")

    assert (escalated["tier"], escalated["escalated_to"]["username"]) == (2, "cs_supervisor")
    step(as_("frontline"), number, "accept-escalation", expect=403)
    step(as_("cs_supervisor"), number, "accept-escalation")
    accepted = Complaint.objects.get(number=number).events.get(kind="escalation_accepted")
    assert (accepted.actor.username, accepted.data["tier"]) == ("cs_supervisor", 2)


# ─── the remedies the findings ask for ──────────────────────────────────────────────────────────


def test_a_service_fault_needs_an_apology_and_a_plan_such_as_extended_membership(as_):
    number = take_in(as_, complaint("service_attitude", "店员当众指责顾客。"))["number"]
    frontline_takes(as_, number)
    step(as_("frontline"), number, "finding", finding="service_fault")

    assert step(as_("frontline"), number, "resolve", expect=422, resolution="x")["code"] == "apology_contact_missing"
    contact(as_("frontline"), number, "apology", "向客户致歉")
    assert step(as_("frontline"), number, "resolve", expect=422, resolution="x")["code"] == "plan_missing"
    step(
        as_("frontline"),
        number,
        "plan",
        summary="会员权益延长三个月，门店培训",
        remedies=[
            {"kind": "apology"},
            {"kind": "membership_extension", "note": "三个月"},
        ],
    )
    step(as_("frontline"), number, "plan/customer-response", accepted=True, note="客户接受")

    assert step(as_("frontline"), number, "resolve", resolution="已致歉并延长会员")["status"]["key"] == "resolved"


def test_a_price_dispute_under_the_promotion_rules_is_settled_by_explaining_them(as_):
    number = take_in(as_, complaint("price_dispute", "满减活动没有给我减。"))["number"]
    frontline_takes(as_, number)
    step(as_("frontline"), number, "finding", finding="price_rule_explained", note="活动不含特价商品")

    assert (
        step(as_("frontline"), number, "resolve", expect=422, resolution="x")["code"] == "explanation_contact_missing"
    )
    contact(as_("frontline"), number, "explanation", "解释促销规则，客户认可")
    assert step(as_("frontline"), number, "resolve", resolution="已解释促销规则")["status"]["key"] == "resolved"
