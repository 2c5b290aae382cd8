"""科技公司用户反馈与投诉处理流程 (seed 004) as the `tech` template, walked through the HTTP API.

The rules: technical problems go to technical support, service problems to customer service,
suggestions to product management; the department confirms receipt within 24 hours (by taking the
case up), or it goes to the department's head; the user is told the result of every case.
"""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import at, clocks, contact, due, step
from kesu.conftest import PHONE_INTAKE, Api, make_staff
from kesu.notifications.models import Notification
from kesu.processes.services import process_load_template


def feedback(category: str, description: str, **extra) -> dict:
    return {**PHONE_INTAKE, "category": category, "description": description, **extra}


@pytest.fixture
def tech(db):
    return process_load_template("tech", make_default=True)


@pytest.fixture
def people(staff, tech):
    """The conftest's service centre plus an engineer and a head in each of the three departments."""
    support, service, product = (
        Department.objects.get(code=code) for code in ("tech_support", "customer_service", "product")
    )
    return {
        **staff,
        "engineer": make_staff("engineer", Role.HANDLER, department=support),
        "support_head": make_staff("support_head", Role.SUPERVISOR, department=support),
        "service_rep": make_staff("service_rep", Role.HANDLER, department=service),
        "service_head": make_staff("service_head", Role.SUPERVISOR, department=service),
        "product_manager": make_staff("product_manager", Role.HANDLER, department=product),
        "product_head": make_staff("product_head", Role.SUPERVISOR, department=product),
    }


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


@pytest.fixture
def crash_on_national_day_eve(as_):
    """An app crash reported on the website on Wednesday 30 September 2026 at 20:00."""
    return take_in(
        as_,
        feedback(
            "technical",
            "升级后应用一打开就闪退。",
            channel="web",
            received_at=at(2026, 9, 30, 20).isoformat(),
            fields={"product": "移动应用", "app_version": "5.2.1", "device": "iPhone 15 / iOS 18"},
        ),
    )["number"]


def taken_up_by(as_, number: str, handler: str) -> None:
    step(as_("agent"), number, "assign", assignee=handler)
    step(as_(handler), number, "start-investigation")


# ─── the template ────────────────────────────────────────────────────────────────────────────────


def test_the_tech_process_loads_as_the_default_process(as_):
    process = as_("agent").get("/processes/tech").json()

    assert process["is_default"] is True
    document = process["document"]
    assert [category["key"] for category in document["categories"]] == ["technical", "service", "suggestion"]
    assert document["channels"] == ["web", "phone", "social", "app"]
    assert document["reports"] == [
        {
            "key": "satisfaction",
            "label": {"zh": "用户满意度报告", "en": "User satisfaction report"},
            "every": "quarter",
            "at": "08:00:00",
            "to": ["manager", "director"],
            "by": ["category", "satisfaction"],
        }
    ]


@pytest.mark.parametrize("channel", ["web", "phone", "social", "app"])
def test_the_website_hotline_social_media_and_app_take_feedback(as_, channel):
    assert take_in(as_, feedback("service", "客服回复慢。", channel=channel))["channel"]["key"] == channel


def test_a_store_walk_in_is_not_a_channel_of_this_process(as_):
    refused = as_("agent").post("/complaints", feedback("service", "客服回复慢。", channel="store"))

    assert refused.json()["errors"][0]["field"] == "channel"


# ─── intake and numbering ───────────────────────────────────────────────────────────────────────


def test_a_technical_problem_records_product_version_and_device_and_gets_a_unique_number(
    as_, crash_on_national_day_eve
):
    second = take_in(as_, feedback("technical", "同步失败。"))
    read = as_("agent").get(f"/complaints/{crash_on_national_day_eve}").json()

    assert read["fields"] == {"product": "移动应用", "app_version": "5.2.1", "device": "iPhone 15 / iOS 18"}
    assert second["number"] != crash_on_national_day_eve


def test_a_suggestion_has_no_version_field(as_):
    refused = as_("agent").post(
        "/complaints", feedback("suggestion", "希望支持深色模式。", fields={"app_version": "5.2"})
    )

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "fields.app_version"


def test_the_team_judges_the_urgency_by_hand_at_intake(as_):
    # "初步筛选，以判断问题的性质和紧急程度": no rule decides it, the team does.
    ordinary = take_in(as_, feedback("technical", "设置页文字错位。"))
    urgent = take_in(as_, feedback("technical", "全部用户无法登录。", priority="urgent"))

    assert (ordinary["priority"]["key"], urgent["priority"]["key"]) == ("medium", "urgent")


# ─── routing to the three departments ──────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("category", "department"),
    [("technical", "tech_support"), ("service", "customer_service"), ("suggestion", "product")],
)
def test_technical_problems_go_to_support_service_problems_to_service_and_suggestions_to_product(
    as_, category, department
):
    taken = take_in(as_, feedback(category, "用户反馈"))

    assert (taken["department"]["code"], taken["status"]["key"], taken["assignee"]) == (department, "new", None)


# ─── the 24 hour acknowledgement ────────────────────────────────────────────────────────────────


def test_the_department_must_confirm_receipt_within_24_hours_even_over_national_day(as_, crash_on_national_day_eve):
    acknowledge = clocks(as_("engineer"), crash_on_national_day_eve)["acknowledge"]

    # received Wed 30 Sep 2026 20:00; "24小时内" counts clock hours, so National Day (1 Oct) does not
    # stop it: due Thu 1 Oct 20:00.
    assert (acknowledge["limit"], due(acknowledge)) == ("24 hours", at(2026, 10, 1, 20))


def test_feedback_over_the_spring_festival_is_confirmed_within_24_hours_too(as_):
    # received Mon 16 Feb 2026 (New Year's Eve, a day off) at 23:00: due Tue 17 Feb 23:00.
    number = take_in(
        as_, feedback("suggestion", "希望红包功能支持定时发送。", received_at=at(2026, 2, 16, 23).isoformat())
    )["number"]

    assert due(clocks(as_("product_manager"), number)["acknowledge"]) == at(2026, 2, 17, 23)


def test_assigning_is_not_yet_confirming_receipt_taking_the_case_up_is(as_):
    number = take_in(
        as_,
        feedback(
            "technical",
            "导出报表失败。",
            received_at=(timezone.now() - dt.timedelta(hours=5)).isoformat(),
        ),
    )["number"]

    step(as_("agent"), number, "assign", assignee="engineer")
    assert clocks(as_("engineer"), number)["acknowledge"]["state"] == "running"

    step(as_("engineer"), number, "start-investigation")
    assert clocks(as_("engineer"), number)["acknowledge"]["state"] == "met"


def test_confirming_after_24_hours_is_recorded_as_a_breach(as_):
    number = take_in(
        as_,
        feedback(
            "service",
            "工单无人处理。",
            received_at=(timezone.now() - dt.timedelta(hours=25)).isoformat(),
        ),
    )["number"]

    taken_up_by(as_, number, "service_rep")

    assert clocks(as_("service_rep"), number)["acknowledge"]["state"] == "breached"


# ─── escalation to the head of the department ───────────────────────────────────────────────────


def test_an_unconfirmed_problem_goes_to_the_head_of_its_department_after_24_hours(
    as_, crash_on_national_day_eve, people
):
    # Thu 1 Oct 19:59: one minute to go, nothing happens but the 80 % warning (due at 15:12).
    early = clocks_sweep(now=at(2026, 10, 1, 19, 59))
    assert (early.warned, early.breached) == (1, 0)

    late = clocks_sweep(now=at(2026, 10, 1, 20, 1))

    case = Complaint.objects.get(number=crash_on_national_day_eve)
    assert (late.breached, case.tier) == (1, 2)
    escalated = case.events.get(kind="escalated")
    # only the head of technical support, not the heads of the other departments
    assert (escalated.data["cause"], escalated.data["clock"], escalated.data["notified"]) == (
        "clock_breach",
        "acknowledge",
        ["support_head"],
    )
    assert Notification.objects.filter(user=people["support_head"], kind="escalated_to_you").count() == 1
    assert Notification.objects.filter(user=people["service_head"]).count() == 0


def test_the_handler_may_ask_the_head_of_department_to_take_a_problem_up(as_, crash_on_national_day_eve):
    taken_up_by(as_, crash_on_national_day_eve, "engineer")

    escalated = step(as_("engineer"), crash_on_national_day_eve, "escalate", reason="需要架构组配合排查")

    assert escalated["tier"] == 2
    step(as_("engineer"), crash_on_national_day_eve, "accept-escalation", expect=403)
    step(as_("support_head"), crash_on_national_day_eve, "accept-escalation")
    accepted = Complaint.objects.get(number=crash_on_national_day_eve).events.get(kind="escalation_accepted")
    assert (accepted.actor.username, accepted.data["tier"]) == ("support_head", 2)


# ─── the result is told to the user ─────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("category", "handler", "finding"),
    [
        ("technical", "engineer", "fault_confirmed"),
        ("technical", "engineer", "not_a_fault"),
        ("service", "service_rep", "service_fault"),
        ("suggestion", "product_manager", "suggestion_adopted"),
        ("suggestion", "product_manager", "suggestion_declined"),
    ],
)
def test_every_case_is_resolved_only_after_the_user_is_told_the_result(as_, category, handler, finding):
    number = take_in(as_, feedback(category, "用户反馈"))["number"]
    taken_up_by(as_, number, handler)
    step(as_(handler), number, "finding", finding=finding)

    assert step(as_(handler), number, "resolve", expect=422, resolution="x")["code"] == "explanation_contact_missing"
    contact(as_(handler), number, "explanation", "告知用户处理结果及后续措施")
    assert step(as_(handler), number, "resolve", resolution="已处理并告知用户")["status"]["key"] == "resolved"


def test_an_adopted_suggestion_gives_product_management_its_improvement_plan_to_draw_up(as_, travel):
    # 五.2 "针对用户反馈的建议，相关部门需讨论实施的可行性，并制定具体的改进计划"
    travel(at(2026, 9, 28, 10))
    number = take_in(as_, feedback("suggestion", "希望支持深色模式。"))["number"]
    taken_up_by(as_, number, "product_manager")

    decided = step(as_("product_manager"), number, "finding", finding="suggestion_adopted", note="排入下季度版本")

    [task] = decided["tasks"]
    # Mon 28 Sep 10:00 + 10 working days: 29, 30 Sep; 1-7 Oct off; 8, 9, Sat 10 (调休), 12-16 Oct.
    assert (task["department"]["code"], task["required"], due(task)) == ("product", False, at(2026, 10, 16, 10))
    assert [item["id"] for item in as_("product_head").get("/tasks").json()] == [task["id"]]
    contact(as_("product_manager"), number, "explanation", "告知用户建议已采纳，改进计划制定中")
    assert step(as_("product_manager"), number, "resolve", resolution="建议采纳")["status"]["key"] == "resolved"


def test_a_delay_is_told_to_the_user_with_its_reason_and_a_new_date(as_, crash_on_national_day_eve):
    # "告知用户延迟原因以及预计解决时间": recorded today as a progress contact and a pending matter.
    number = crash_on_national_day_eve
    taken_up_by(as_, number, "engineer")
    new_date = timezone.localdate() + dt.timedelta(days=7)

    contact(as_("engineer"), number, "progress", "第三方推送服务故障，预计一周内修复")
    pending = step(
        as_("engineer"), number, "pending", agreed_date=new_date.isoformat(), reason="等待第三方推送服务修复"
    )

    assert (pending["status"]["key"], pending["pending_until"], pending["pending_reason"]) == (
        "pending",
        new_date.isoformat(),
        "等待第三方推送服务修复",
    )
