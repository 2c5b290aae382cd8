"""零售业客户投诉处理规定 (seed 003) as the `retail` template, walked through the HTTP API.

The rules: every complaint names its store; high priority (safety, a major service failure) goes to
the department supervisor, medium to the front-line service team, low into the feedback statistics;
a response within 24 hours (complex cases 48), progress told within 24 hours; an approved plan is
carried out within 5 working days (an exchange's logistics); a missed response goes to the supervisor.
"""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.accounts.models import Department, Seat
from kesu.accounts.roles import Role
from kesu.clocks.models import Clock
from kesu.clocks.services import clocks_trigger
from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import at, clocks, contact, due, step
from kesu.conftest import PHONE_INTAKE, Api, make_staff
from kesu.notifications.models import Notification
from kesu.processes.document import Trigger
from kesu.processes.services import process_load_template


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
    """The conftest's service centre plus the customer-service supervisor (holding the department
    supervisor post for every department, with a backup) and the front-line team."""
    customer_service = Department.objects.get(code="customer_service")
    frontline = Department.objects.get(code="frontline_service")
    added = {
        "cs_supervisor": make_staff("cs_supervisor", Role.SUPERVISOR, department=customer_service),
        "cs_deputy": make_staff("cs_deputy", Role.SUPERVISOR, department=customer_service),
        "frontline": make_staff("frontline", Role.HANDLER, department=frontline),
        "store_clerk": make_staff("store_clerk", Role.AGENT, department=frontline),
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
    assert "carry_out" not in running


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


# ─── carrying out the plan: working days ────────────────────────────────────────────────────────


def test_an_approved_exchange_must_be_carried_out_within_five_working_days(as_):
    number = take_in(
        as_,
        complaint(
            "product_quality",
            "电饭煲内胆掉漆。",
            received_at=(timezone.now() - dt.timedelta(hours=3)).isoformat(),
        ),
    )["number"]
    frontline_takes(as_, number)
    step(as_("frontline"), number, "finding", finding="quality_defect")
    step(as_("frontline"), number, "plan", summary="换新", remedies=[{"kind": "exchange"}])  # no approval needed

    carry_out = clocks(as_("frontline"), number)["carry_out"]
    assert (carry_out["limit"], carry_out["state"]) == ("5 working days", "running")

    step(as_("frontline"), number, "resolve", resolution="已完成换货物流安排")
    assert clocks(as_("frontline"), number)["carry_out"]["state"] == "met"


@pytest.mark.parametrize(
    ("approved", "expected"),
    [
        # Wed 30 Sep 10:00: 14 h left that day; 1–7 Oct off; Thu 8, Fri 9, Sat 10 (make-up working
        # day, 调休) and Mon 12 Oct are whole working days (110 h); the last 10 h end Tue 13 Oct 10:00.
        (at(2026, 9, 30, 10), at(2026, 10, 13, 10)),
        # Fri 13 Feb 10:00: 14 h; Sat 14 Feb is a make-up working day (38 h); 15–23 Feb off (Spring
        # Festival); Tue 24, Wed 25, Thu 26 Feb (110 h); the last 10 h end Fri 27 Feb 10:00.
        (at(2026, 2, 13, 10), at(2026, 2, 27, 10)),
        # an ordinary week: Mon 16 Nov 10:00 → Mon 23 Nov 10:00 (Sat 21 and Sun 22 are not worked).
        (at(2026, 11, 16, 10), at(2026, 11, 23, 10)),
    ],
)
def test_the_five_working_days_skip_holidays_and_count_make_up_days(as_, approved, expected):
    number = take_in(as_, complaint("return_exchange", "换货一直没发出。"))["number"]
    case = Complaint.objects.select_related("process").get(number=number)

    clocks_trigger(case, Trigger.PLAN_APPROVED, approved)

    assert Clock.objects.get(complaint=case, key="carry_out").due_at == expected


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
