"""汽车4S店客户投诉处理流程 (seed 002, 第一篇): the auto_dealer template, walked through the API on real dates.

Every limit of the seed's procedure is in plain hours (the 1 h, 24 h and 48 h, the 4 h of each
approval step, the 8 h of accountability), so National Day (1-7 October 2026) does not stop them;
the office hours of the template (08:30-12:00, 13:00-17:30 on China's working days) count only the
12315 platform's working days. The approval steps' deadlines are walked through in
kesu/complaints/tests/test_approval_step_deadlines.py.
"""

import datetime as dt

import pytest

from kesu.accounts.models import Department, Seat
from kesu.accounts.roles import Role
from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.models import Complaint
from kesu.complaints.services.pending import pending_reminders_run
from kesu.complaints.tests.helpers import api_version, at, clocks, contact, due, follow_up, step
from kesu.conftest import Api, make_staff
from kesu.notifications.models import Notification
from kesu.processes.models import Process
from kesu.processes.services import process_load_template


@pytest.fixture
def dealer(db, staff):
    """The auto_dealer process and the posts of a 4S shop, each with a primary and a backup owner."""
    process = process_load_template("auto_dealer", make_default=True)
    service_centre = Department.objects.get(code="customer_service")  # created by the routing
    workshop = Department.objects.update_or_create(code="workshop", defaults={"name": "维修车间"})[0]
    people = {
        "mechanic": make_staff("mechanic", Role.DEPARTMENT_STAFF, department=workshop, display_name="维修技师小赵"),
        "manager_wang": make_staff(
            "manager_wang", Role.HANDLER, department=service_centre, display_name="客户经理老王"
        ),
        "manager_li": make_staff("manager_li", Role.HANDLER, department=service_centre, display_name="客户经理小李"),
        "director": make_staff("director", Role.DIRECTOR, department=service_centre, display_name="客服总监"),
        "deputy_director": make_staff("deputy_director", Role.DIRECTOR, department=service_centre),
        "workshop_head": make_staff("workshop_head", Role.MANAGER, display_name="售后经理"),
        "gm": make_staff("gm", Role.GENERAL_MANAGER, display_name="总经理"),
        "deputy_gm": make_staff("deputy_gm", Role.GENERAL_MANAGER, display_name="副总经理"),
    }
    seats = {
        "customer_manager": Seat.objects.create(
            key="customer_manager",
            department=service_centre,
            primary=people["manager_wang"],
            backup=people["manager_li"],
        ),
        "service_director": Seat.objects.create(
            key="service_director",
            department=service_centre,
            primary=people["director"],
            backup=people["deputy_director"],
        ),
        "department_manager": Seat.objects.create(
            key="department_manager", primary=people["workshop_head"], backup=staff["manager"]
        ),
        "general_manager": Seat.objects.create(key="general_manager", primary=people["gm"], backup=people["deputy_gm"]),
    }
    return {"process": process, "people": people, "seats": seats}


@pytest.fixture
def as_(staff, dealer):
    """`as_("manager_wang")`: an API client signed in as that persona (conftest's staff or the shop's)."""
    everyone = {**staff, **dealer["people"]}
    clients: dict[str, Api] = {}

    def client(name: str) -> Api:
        if name not in clients:
            clients[name] = Api(user=everyone[name])
        return clients[name]

    return client


def intake(**change) -> dict:
    return {
        "channel": "phone",
        "customer": {"phone": "13812345678", "name": "张先生"},
        "category": "repair_quality",
        "description": "保养后发动机异响，返厂两次仍未修好。",
        "demand": "要求彻底修好并减免工时费",
        "fields": {"licence_plate": "沪A12345", "vin": "LSVAU2180N2183294", "repair_order": "WX20260928-017"},
        **change,
    }


def take_in(as_, received_at: dt.datetime, **change) -> dict:
    response = as_("agent").post("/complaints", intake(received_at=received_at.isoformat(), **change))
    assert response.status_code == 201, response.content.decode()
    return response.json()


@pytest.fixture
def before_national_day(as_, travel):
    """A phone complaint received on Wed 30 Sep 2026 at 10:00, on the form at 10:30."""
    travel(at(2026, 9, 30, 10, 30))
    return take_in(as_, at(2026, 9, 30, 10))["number"]


# --- the document -------------------------------------------------------------------------------


def test_the_template_loads_with_the_seeds_categories_tiers_and_calendar(dealer):
    spec = Process.objects.get(name="auto_dealer").spec

    assert [category.key for category in spec.categories] == [
        "repair_quality",
        "service_attitude",
        "workplace_conduct",
        "repair_delay",
        "parts_delay",
        "charges",
    ]
    assert [(tier.level, tier.roles, tier.seat) for tier in spec.tiers] == [
        (1, ["handler", "director", "follow_up"], None),
        (2, ["manager", "director"], "department_manager"),
        (3, ["general_manager", "director"], "general_manager"),
    ]
    assert spec.calendar.hours == ["08:30-12:00", "13:00-17:30"]
    assert set(spec.channels) == {"store", "phone", "callback_call", "letter", "regulator"}


def test_the_seeds_reminders_callbacks_approvals_and_summaries_are_declared(dealer):
    spec = Process.objects.get(name="auto_dealer").spec

    assert spec.pending_reminder_day == 4  # 每月4日 未了事宜提醒
    assert (spec.follow_up.within, spec.follow_up.callbacks) == ("24 hours", 1)
    # 管理部四小时内复核, 主管总经理 (a post with a backup) 四个小时内
    assert [[(step.role or step.seat, step.within) for step in rule.steps()] for rule in spec.approvals] == [
        [("manager", "4 hours"), ("general_manager", "4 hours")]
    ]
    # 过失处理意见 by management (or the GM); 及时性考核: a missed deadline proposes a penalty
    assert (spec.accountability.approval, spec.accountability.on_breach) == (
        ["manager", "general_manager"],
        ["responsibility", "responsibility_ceiling"],
    )
    assert [need.value for need in spec.findings["at_fault"].needs] == ["apology_contact", "plan", "accountability"]
    assert [(r.key, r.every, r.weekday, r.day) for r in spec.reports] == [
        ("weekly_summary", "week", 2, None),  # 每周二
        ("monthly_summary", "month", None, 2),  # 每月2日
        ("penalties_rewards", "month", None, 4),  # 每月4日 奖罚情况报财务部
        ("year_end_red_marked", "year", None, None),  # 标红年终总结时考核
    ]


# --- intake: the numbered form with the licence plate ------------------------------------------


def test_the_form_is_numbered_and_records_the_plate_and_who_filled_it_in(as_, before_national_day):
    complaint = as_("agent").get(f"/complaints/{before_national_day}").json()
    received = as_("agent").get(f"/complaints/{before_national_day}/timeline").json()[0]

    assert before_national_day.startswith("FK20260930-")
    assert complaint["fields"] == {
        "licence_plate": "沪A12345",
        "vin": "LSVAU2180N2183294",
        "repair_order": "WX20260928-017",
    }
    assert (received["kind"]["key"], received["actor"]["username"]) == ("received", "agent")  # 填单人


@pytest.mark.parametrize("plate", ["沪AD12345", "沪A·12345", "粤B1234学"])
def test_new_energy_dotted_and_special_plates_are_accepted(as_, plate):
    response = as_("agent").post("/complaints", intake(fields={"licence_plate": plate}))

    assert response.status_code == 201, response.content.decode()
    assert response.json()["fields"]["licence_plate"] == plate


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"licence_plate": "ABC123"}, "fields.licence_plate", "格式不正确。"),
        ({"licence_plate": "沪A1234"}, "fields.licence_plate", "格式不正确。"),  # one character short
        ({"licence_plate": "沪I12345"}, "fields.licence_plate", "格式不正确。"),  # I is never a city letter
        ({}, "fields.licence_plate", "此字段为必填项。"),
        ({"licence_plate": "沪A12345", "vin": "LSVAU2180N218329"}, "fields.vin", "格式不正确。"),  # 16 characters
        ({"licence_plate": "沪A12345", "mileage": "3万"}, "fields.mileage", "该分类没有这个字段。"),
    ],
)
def test_a_wrong_plate_or_vin_is_refused_naming_the_field(as_, fields, field, message):
    response = as_("agent").post("/complaints", intake(fields=fields))

    assert response.status_code == 422, response.content.decode()
    assert response.json()["errors"][0] == {"field": field, "message": message}
    assert Complaint.objects.count() == 0


# --- priority and routing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "priority"),
    [
        ({}, "medium"),
        (  # passed on by the authorities (行政主管部门)
            {"channel": "regulator", "regulator_case_number": "3101", "regulator_assigned_at": "2026-11-02T09:00"},
            "high",
        ),
        ({"description": "客户称要找媒体曝光此事。"}, "high"),  # 重大投诉
        ({"channel": "letter", "description": "已向12315投诉。"}, "high"),
    ],
)
def test_major_complaints_are_high_priority(as_, change, priority):
    assert as_("agent").post("/complaints", intake(**change)).json()["priority"]["key"] == priority


def test_every_form_goes_to_the_customer_manager_of_customer_service(as_):
    complaint = as_("agent").post("/complaints", intake()).json()

    assert complaint["department"]["code"] == "customer_service"
    assert (complaint["status"]["key"], complaint["assignee"]["username"]) == ("assigned", "manager_wang")


def test_a_walk_in_complaint_goes_to_the_service_director_at_once(as_):
    complaint = as_("agent").post("/complaints", intake(channel="store")).json()

    assert (complaint["status"]["key"], complaint["assignee"]["username"]) == ("assigned", "director")


def test_while_the_customer_manager_is_away_the_backup_takes_the_form(as_, dealer):
    wang = dealer["people"]["manager_wang"]
    wang.is_away = True
    wang.save()

    complaint = as_("agent").post("/complaints", intake()).json()

    assert complaint["assignee"]["username"] == "manager_li"


def test_the_person_complained_about_may_not_handle_the_case(as_, before_national_day):
    wang = as_("manager_wang")
    version = api_version(wang, before_national_day)
    named = wang.put(f"/complaints/{before_national_day}/involved", {"version": version, "staff": ["manager_li"]})
    assert named.status_code == 200, named.content.decode()

    refused = step(as_("agent"), before_national_day, "assign", expect=403, assignee="manager_li")

    assert refused["errors"][0]["field"] == "assignee"
    assert contact(as_("manager_li"), before_national_day, "apology", expect=403)["code"] == "involved"


# --- deadlines on real dates ----------------------------------------------------------------------


def test_the_report_is_due_within_one_hour_of_the_customers_complaint(as_, travel, before_national_day):
    late = take_in(as_, at(2026, 9, 30, 9, 15))["number"]  # on the form at 10:30: 75 minutes later

    in_time = clocks(as_("agent"), before_national_day)["report"]
    missed = clocks(as_("agent"), late)["report"]

    assert (due(in_time), in_time["state"]) == (at(2026, 9, 30, 11), "met")  # 10:00 + 1 h
    assert (due(missed), missed["state"]) == (at(2026, 9, 30, 10, 15), "breached")  # 09:15 + 1 h


def test_responsibility_is_due_within_24_hours_of_the_report(as_, before_national_day):
    responsibility = clocks(as_("agent"), before_national_day)["responsibility"]

    assert responsibility["limit"] == "24 hours"
    # on the form at 10:30 on 30 Sep; plain hours, so National Day (1 Oct) does not stop it.
    assert due(responsibility) == at(2026, 10, 1, 10, 30)


def test_the_48_hour_ceiling_runs_beside_the_24_hours(as_, before_national_day):
    ceiling = clocks(as_("agent"), before_national_day)["responsibility_ceiling"]

    assert (ceiling["limit"], due(ceiling)) == ("48 hours", at(2026, 10, 2, 10, 30))


def test_time_waiting_for_an_unreachable_customer_does_not_count_against_the_24_hours(as_, travel, before_national_day):
    wang = as_("manager_wang")
    travel(at(2026, 9, 30, 12, 30))
    step(wang, before_national_day, "wait-for-customer", reason="客户电话无人接听")
    travel(at(2026, 10, 1, 8, 30))
    step(wang, before_national_day, "customer-replied", note="客户回电")

    now = clocks(wang, before_national_day)

    # paused 30 Sep 12:30 → 1 Oct 08:30 = 20 h: 1 Oct 10:30 + 20 h.
    assert due(now["responsibility"]) == at(2026, 10, 2, 6, 30)
    # the ceiling is not moved by waiting: still 30 Sep 10:30 + 48 h.
    assert due(now["responsibility_ceiling"]) == at(2026, 10, 2, 10, 30)


def test_a_customer_unreachable_for_good_is_escalated_at_48_hours_not_24(as_, travel, before_national_day):
    travel(at(2026, 9, 30, 12, 30))
    step(as_("manager_wang"), before_national_day, "wait-for-customer", reason="客户电话无人接听")

    after_24_hours = clocks_sweep(now=at(2026, 10, 1, 11))
    after_48_hours = clocks_sweep(now=at(2026, 10, 2, 10, 31))

    complaint = Complaint.objects.get(number=before_national_day)
    assert (after_24_hours.breached, after_48_hours.breached) == (0, 1)
    assert complaint.tier == 2
    assert complaint.events.get(kind="escalated").data["clock"] == "responsibility_ceiling"


def test_a_pending_matter_stops_the_24_and_48_hour_clocks(as_, travel, before_national_day):
    # "对于当时无法确定责任的质量问题、配件延时、客户不在场…按未了事宜进行处理"
    travel(at(2026, 9, 30, 14))
    step(as_("manager_wang"), before_national_day, "pending", agreed_date="2026-10-15", reason="配件延时，等待到货")

    now = clocks(as_("manager_wang"), before_national_day)

    assert (now["responsibility"]["state"], now["responsibility_ceiling"]["state"]) == ("paused", "paused")
    assert clocks_sweep(now=at(2026, 10, 14)).breached == 0


@pytest.fixture
def plan_proposed(as_, travel, before_national_day):
    """Responsibility settled with the workshop; the plan goes to review at 15:00 on 30 Sep."""
    wang = as_("manager_wang")
    step(wang, before_national_day, "start-investigation")
    step(
        wang,
        before_national_day,
        "finding",
        finding="at_fault",
        note="车间漏装隔音棉",
        responsible_department="workshop",
    )
    contact(wang, before_national_day, "apology", "向张先生致歉，约定周五返修")
    travel(at(2026, 9, 30, 15))
    step(
        wang,
        before_national_day,
        "plan",
        summary="免费返修，减免工时费",
        remedies=[
            {"kind": "repair"},
            {"kind": "compensation", "amount": "380", "note": "工时费减免"},
        ],
    )
    return before_national_day


def test_passing_the_plan_to_management_meets_the_24_hours(as_, plan_proposed):
    now = clocks(as_("manager_wang"), plan_proposed)

    assert (now["responsibility"]["state"], now["responsibility_ceiling"]["state"]) == ("met", "met")


def test_accountability_is_due_8_hours_after_the_gms_opinion_holiday_or_not(as_, travel, plan_proposed):
    travel(at(2026, 9, 30, 17))  # management reviews, then the GM gives the final opinion
    step(as_("manager"), plan_proposed, "plan/approve", note="同意，对车间扣罚")
    step(as_("gm"), plan_proposed, "plan/approve", note="同意")

    accountability = clocks(as_("manager_wang"), plan_proposed)["accountability"]

    # plain hours: 30 Sep 17:00 + 8 h, into National Day.
    assert (accountability["limit"], due(accountability)) == ("8 hours", at(2026, 10, 1, 1))


def record_fault(as_, number: str, expect: int = 201, **change) -> dict:
    """责任认定: the customer manager names the mechanic at fault and proposes the penalty."""
    body = {"person": "mechanic", "fault": "保养时漏装隔音棉", "measure": "penalty", "amount": "200.00", **change}
    response = as_("manager_wang").post(f"/complaints/{number}/accountability", body)
    assert response.status_code == expect, response.content.decode()
    return response.json()


def decide(api: Api, item: dict, expect: int = 200, **body) -> dict:
    response = api.post(f"/accountability/{item['id']}/decide", body)
    assert response.status_code == expect, response.content.decode()
    return response.json()


def test_our_fault_is_resolved_only_once_management_has_approved_the_accountability(as_, travel, plan_proposed):
    travel(at(2026, 9, 30, 16))
    step(as_("manager"), plan_proposed, "plan/approve", note="同意")
    step(as_("gm"), plan_proposed, "plan/approve", note="同意")
    wang = as_("manager_wang")
    assert step(wang, plan_proposed, "resolve", expect=422, resolution="x")["code"] == "accountability_missing"

    travel(at(2026, 9, 30, 18))
    item = record_fault(as_, plan_proposed)

    assert (item["status"], item["person"]["username"], item["department"]["code"]) == (
        "proposed",
        "mechanic",
        "workshop",
    )
    # a proposal is not yet the accountability; the customer manager may not decide on it
    assert step(wang, plan_proposed, "resolve", expect=422, resolution="x")["code"] == "accountability_missing"
    decide(wang, item, expect=403, approve=True)
    travel(at(2026, 9, 30, 21))
    approved = decide(as_("manager"), item, approve=True, amount="300.00", note="过失处理意见：扣罚300元")
    assert (approved["status"], approved["amount"], approved["decided_by"]["username"]) == (
        "approved",
        "300.00",
        "manager",
    )
    resolved = step(wang, plan_proposed, "resolve", resolution="已返修，车间已扣罚")

    assert resolved["status"]["key"] == "resolved"
    # due 1 Oct 00:00 (30 Sep 16:00 + 8 h): carried out at 21:00.
    assert clocks(wang, plan_proposed)["accountability"]["state"] == "met"


def test_the_gm_may_give_the_final_opinion_and_a_refusal_needs_its_reason(as_, travel, plan_proposed):
    travel(at(2026, 10, 9, 16))
    step(as_("manager"), plan_proposed, "plan/approve")
    step(as_("gm"), plan_proposed, "plan/approve")
    item = record_fault(as_, plan_proposed)

    assert decide(as_("director"), item, expect=403, approve=True)["code"] == "forbidden"
    assert decide(as_("gm"), item, expect=422, approve=False)["errors"][0]["field"] == "note"
    rejected = decide(as_("gm"), item, approve=False, note="漏装系车间质检漏检，非技师个人过失")

    assert rejected["status"] == "rejected"
    assert step(as_("manager_wang"), plan_proposed, "resolve", expect=422, resolution="x")["code"] == (
        "accountability_missing"
    )
    second = record_fault(as_, plan_proposed, person=None, department="workshop", fault="车间质检漏检")
    assert decide(as_("gm"), second, approve=True)["status"] == "approved"
    assert step(as_("manager_wang"), plan_proposed, "resolve", resolution="已返修")["status"]["key"] == "resolved"


def test_the_callback_is_due_within_24_hours_of_resolution_and_closing_meets_it(as_, travel, plan_proposed):
    travel(at(2026, 10, 10, 9))
    step(as_("manager"), plan_proposed, "plan/approve")
    step(as_("gm"), plan_proposed, "plan/approve")
    decide(as_("manager"), record_fault(as_, plan_proposed), approve=True)
    travel(at(2026, 10, 10, 15))
    step(as_("manager_wang"), plan_proposed, "resolve", resolution="已返修，工时费已减免，车间已扣罚")

    callback = clocks(as_("follow_up"), plan_proposed)["callback"]
    assert (callback["limit"], due(callback)) == ("24 hours", at(2026, 10, 11, 15))
    assert clocks(as_("follow_up"), plan_proposed)["accountability"]["state"] == "met"

    travel(at(2026, 10, 11, 10))
    follow_up(as_("follow_up"), plan_proposed, "satisfied")
    step(as_("follow_up"), plan_proposed, "close", note="回访满意")

    assert clocks(as_("follow_up"), plan_proposed)["callback"]["state"] == "met"


def test_the_form_cannot_be_closed_before_its_callback(as_, travel, before_national_day):
    wang = as_("manager_wang")
    step(wang, before_national_day, "start-investigation")
    step(wang, before_national_day, "finding", finding="misunderstanding", note="异响为正常涡轮声")
    contact(wang, before_national_day, "explanation", "礼貌说明涡轮工作声音")
    travel(at(2026, 9, 30, 11))
    resolved = step(wang, before_national_day, "resolve", resolution="已解释")

    assert [(callback["status"], due(callback)) for callback in resolved["follow_ups"]] == [
        ("scheduled", at(2026, 10, 1, 11))
    ]
    assert step(as_("follow_up"), before_national_day, "close", expect=422)["code"] == "follow_ups_due"


# --- 及时性考核: a missed deadline proposes a penalty that management decides ---------------------------


def test_a_missed_24_hours_proposes_a_penalty_for_the_customer_manager(as_, before_national_day):
    clocks_sweep(now=at(2026, 10, 1, 10, 31))

    [item] = as_("manager").get(f"/complaints/{before_national_day}").json()["accountabilities"]
    assert (item["person"]["username"], item["measure"], item["status"], item["clock"], item["amount"]) == (
        "manager_wang",
        "penalty",
        "proposed",
        "responsibility",
        None,
    )
    # the amount is management's to fix when it approves
    assert decide(as_("manager"), item, expect=422, approve=True)["errors"][0]["field"] == "amount"
    approved = decide(as_("manager"), item, approve=True, amount="50.00", note="责任认定超时")
    assert (approved["status"], approved["amount"]) == ("approved", "50.00")


# --- 未了事宜: reminded on the 4th of every month ------------------------------------------------------


def test_a_pending_matter_is_reminded_to_the_customer_manager_on_the_4th(as_, travel, before_national_day):
    travel(at(2026, 9, 30, 14))
    step(as_("manager_wang"), before_national_day, "pending", agreed_date="2026-11-15", reason="配件延时，等待到货")

    assert pending_reminders_run(dt.date(2026, 10, 3)) == 0
    assert pending_reminders_run(dt.date(2026, 10, 4)) == 1
    assert pending_reminders_run(dt.date(2026, 11, 4)) == 1

    reminders = [n for n in as_("manager_wang").get("/notifications").json() if n["kind"] == "pending_reminder"]
    assert len(reminders) == 2
    assert as_("director").get("/complaints/pending/ledger").json() == [
        {"handler": "manager_wang", "name": "客户经理老王", "count": 1, "earliest": "2026-11-15"}
    ]


# --- the three tiers --------------------------------------------------------------------------------


def test_a_missed_24_hours_escalates_to_the_department_manager(as_, before_national_day):
    result = clocks_sweep(now=at(2026, 10, 1, 10, 31))

    complaint = Complaint.objects.get(number=before_national_day)
    escalated = complaint.events.get(kind="escalated")
    assert result.breached == 1
    assert (complaint.tier, complaint.escalated_to.username) == (2, "workshop_head")
    assert (escalated.data["cause"], escalated.data["clock"]) == ("clock_breach", "responsibility")
    assert Notification.objects.filter(user__username="workshop_head", kind="escalated_to_you").count() == 1


def test_still_not_done_at_48_hours_it_goes_on_to_the_general_manager(as_, before_national_day):
    clocks_sweep(now=at(2026, 10, 1, 10, 31))
    clocks_sweep(now=at(2026, 10, 2, 10, 31))

    complaint = Complaint.objects.get(number=before_national_day)
    assert (complaint.tier, complaint.escalated_to.username) == (3, "gm")


def test_the_customer_manager_asks_for_support_and_it_goes_up_tier_by_tier(as_, before_national_day):
    wang = as_("manager_wang")
    step(wang, before_national_day, "start-investigation")

    second = step(wang, before_national_day, "escalate", reason="车间不认可责任，请求支持")
    step(as_("workshop_head"), before_national_day, "accept-escalation")
    third = step(as_("workshop_head"), before_national_day, "escalate", reason="需总经理裁定")

    assert (second["tier"], second["escalated_to"]["username"]) == (2, "workshop_head")
    assert (third["tier"], third["escalated_to"]["username"]) == (3, "gm")


def test_while_the_gm_is_away_the_deputy_takes_the_escalation(as_, dealer, before_national_day):
    gm = dealer["people"]["gm"]
    gm.is_away = True
    gm.save()
    step(as_("manager_wang"), before_national_day, "escalate", reason="车间不认可责任")

    third = step(as_("workshop_head"), before_national_day, "escalate", reason="需总经理裁定")

    assert third["escalated_to"]["username"] == "deputy_gm"


def test_a_department_manager_who_is_involved_is_passed_over_for_the_backup(as_, before_national_day, staff):
    # "当事人不得直接参与客户投诉处理": the complaint is about the workshop head himself.
    wang = as_("manager_wang")
    version = api_version(wang, before_national_day)
    named = wang.put(f"/complaints/{before_national_day}/involved", {"version": version, "staff": ["workshop_head"]})
    assert named.status_code == 200, named.content.decode()

    clocks_sweep(now=at(2026, 10, 1, 10, 31))

    complaint = Complaint.objects.get(number=before_national_day)
    assert (complaint.tier, complaint.escalated_to) == (2, staff["manager"])
    assert complaint.events.get(kind="escalated").data["notified"] == ["manager"]
    assert not Notification.objects.filter(user__username="workshop_head", kind="escalated_to_you").exists()
    step(as_("workshop_head"), before_national_day, "accept-escalation", expect=403)


def test_while_the_department_manager_is_away_the_backup_is_called(as_, dealer, before_national_day, staff):
    head = dealer["people"]["workshop_head"]
    head.is_away = True
    head.save()

    clocks_sweep(now=at(2026, 10, 1, 10, 31))

    assert Complaint.objects.get(number=before_national_day).escalated_to == staff["manager"]


# --- 报备: the customer-service director is told when a case goes up ---------------------------------


def resolved_as_a_misunderstanding(as_, travel, number: str) -> None:
    wang = as_("manager_wang")
    step(wang, number, "start-investigation")
    step(wang, number, "finding", finding="misunderstanding", note="异响为正常涡轮声")
    contact(wang, number, "explanation", "礼貌说明涡轮工作声音")
    travel(at(2026, 9, 30, 11))
    step(wang, number, "resolve", resolution="已解释")


def test_a_dissatisfied_customer_going_up_is_reported_to_the_service_director(as_, travel, before_national_day):
    # "如果出现现场抱怨或不满意的客户，第一时间通知客服总监做报备以及现场处理"
    resolved_as_a_misunderstanding(as_, travel, before_national_day)
    travel(at(2026, 10, 1, 9))

    follow_up(as_("follow_up"), before_national_day, "dissatisfied", outcome="客户仍认为异响是故障")

    complaint = Complaint.objects.get(number=before_national_day)
    escalated = complaint.events.get(kind="escalated")
    assert (complaint.tier, complaint.escalated_to.username) == (2, "workshop_head")
    assert (escalated.data["cause"], escalated.data["told"]) == ("customer_dissatisfied", ["director"])
    [told] = [n for n in as_("director").get("/notifications").json() if n["kind"] == "escalation_reported"]
    assert told["text"] == f"投诉 {before_national_day} 已上报至第 2 层，请知悉（报备）。"
    assert not Notification.objects.filter(user__username="workshop_head", kind="escalation_reported").exists()


def test_while_the_director_is_away_the_deputy_director_is_told_and_on_tier_3_too(as_, dealer, before_national_day):
    director = dealer["people"]["director"]
    director.is_away = True
    director.save()

    clocks_sweep(now=at(2026, 10, 1, 10, 31))  # the 24 hours missed: tier 2
    clocks_sweep(now=at(2026, 10, 2, 10, 31))  # the 48 hours missed: tier 3

    reported = Notification.objects.filter(kind="escalation_reported")
    assert sorted(reported.values_list("user__username", "data__tier")) == [
        ("deputy_director", 2),
        ("deputy_director", 3),
    ]
