"""The equipment maker's after-sales process (seed 002, part 5), scenario by scenario through the API.

Working time is whole working days of China's calendar: "1 working day" is 24 hours of working
days, skipping public holidays and counting make-up working days (调休).
"""

import copy
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.accounts.models import Department, Seat
from kesu.accounts.roles import Role
from kesu.clocks.models import Clock
from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import api_version, at, clocks, contact, due, step
from kesu.conftest import PNG, Api, make_staff
from kesu.notifications.models import Notification
from kesu.processes.services import process_load_template


@pytest.fixture
def equipment_aftersales(departments):
    """Loaded after the shared departments exist; its routing adds production, sales and project."""
    return process_load_template("equipment_aftersales", make_default=True)


@pytest.fixture
def people(staff, equipment_aftersales):
    """Who 3.职责 names: sales, the project manager, production's after-sales lead and installer,
    the production manager and production QC; each post with a backup where the seed needs one."""
    production, sales, project = (Department.objects.get(code=code) for code in ("production", "sales", "project"))
    crew = {
        "project_manager": make_staff("project_manager", Role.MANAGER, department=project, display_name="项目经理"),
        "project_deputy": make_staff("project_deputy", Role.SUPERVISOR, department=project, display_name="项目副经理"),
        "sales_owner": make_staff("sales_owner", Role.HANDLER, department=sales, display_name="业务员小周"),
        "installer": make_staff("installer", Role.HANDLER, department=production, display_name="安装调试负责人"),
        "lead": make_staff("lead", Role.HANDLER, department=production, display_name="售后负责人老吴"),
        "production_manager": make_staff(
            "production_manager", Role.MANAGER, department=production, display_name="生产经理"
        ),
        "qc": make_staff("qc", Role.QUALITY, department=production, display_name="生产质检"),
        "qc_backup": make_staff("qc_backup", Role.QUALITY, department=production, display_name="生产质检（备）"),
    }
    # the two posts that confirm the disposition form are the company's (the case is production's by then)
    Seat.objects.create(key="project_manager", primary=crew["project_manager"], backup=crew["project_deputy"])
    Seat.objects.create(key="production_manager", primary=crew["production_manager"])
    Seat.objects.create(key="sales_owner", department=sales, primary=crew["sales_owner"])
    Seat.objects.create(key="installation_lead", department=production, primary=crew["installer"])
    Seat.objects.create(key="production_qc", primary=crew["qc"], backup=crew["qc_backup"])
    return {**staff, **crew}


@pytest.fixture
def as_(people):
    """`as_("lead")`: an API client signed in as that person."""
    clients = {}

    def client(name: str, language: str = "zh-hans") -> Api:
        if (name, language) not in clients:
            clients[name, language] = Api(user=people[name], language=language)
        return clients[name, language]

    return client


FAILURE = {
    "channel": "phone",
    "customer": {"phone": "13711112222", "name": "佛山某包装厂李工", "region": "广东"},
    "category": "failure_in_use",
    "subject": "封箱机主电机异响停机",
    "description": "设备运行三个月后主电机异响并停机，已发缺陷照片。",
    "demand": "要求上门维修",
    "fields": {
        "equipment_serial": "FX-2026-00318",
        "equipment_model": "FX-600",
        "order_number": "HT-2026-041",
        "site": "佛山南海区某包装厂二号车间",
        "defect_quantity": 1,
        "shipped_on": "2026-06-18",
        "disposition_requested": "none",
        "onsite_service": True,
    },
}

INSTALLATION_FIELDS = {
    "equipment_serial": "FX-2026-00401",
    "equipment_model": "FX-800",
    "site": "苏州工业园区客户新厂房",
    "issue_type": "quality_failure",
    "fixed_on_site": False,
}


def body(received_at: dt.datetime | None = None, **change) -> dict:
    fields = change.pop("fields", {})
    data = copy.deepcopy(FAILURE)
    data.update(change)
    data["fields"] = {**data["fields"], **fields} if data["category"] != "installation" else fields
    for key in [key for key, value in data["fields"].items() if value is None]:
        del data["fields"][key]
    if received_at is not None:
        data["received_at"] = received_at.isoformat()
    return data


def with_photo(api: Api, data: dict):
    """Intake with the photo of the defect that 5.2.1 asks for (缺陷内容（照片）)."""
    return api.upload("/complaints/with-files", [SimpleUploadedFile("缺陷照片.png", PNG)], complaint=data)


def take_in(api: Api, received_at: dt.datetime | None = None, **change) -> dict:
    response = with_photo(api, body(received_at, **change))
    assert response.status_code == 201, response.content.decode()
    return response.json()


def refusal(api: Api, **change) -> dict:
    response = with_photo(api, body(**change))
    assert response.status_code == 422, response.content.decode()
    assert Complaint.objects.count() == 0
    return response.json()["errors"][0]


def not_on_site(**fields) -> dict:
    return {"onsite_service": False, **fields}


class TestTheTemplate:
    def test_it_loads_with_the_seeds_rules(self, equipment_aftersales):
        spec = equipment_aftersales.spec

        assert (equipment_aftersales.name, equipment_aftersales.is_default) == ("equipment_aftersales", True)
        assert [category.key for category in spec.categories] == ["failure_in_use", "unmet_requirement", "installation"]
        (clock,) = spec.clocks
        assert (clock.key, clock.limit, [rule.limit for rule in clock.limit_rules]) == (
            "service_arranged",
            "2 working days",
            ["1 working day"],
        )
        assert [(tier.level, tier.seat) for tier in spec.tiers] == [(1, None), (2, "production_qc")]
        assert spec.escalate_on == ["handler_request"]
        # 5.2.7: the disposition form is confirmed by the project manager and the production manager.
        assert [[step.seat for step in rule.steps()] for rule in spec.approvals] == [
            ["project_manager", "production_manager"]
        ]
        # the plan is approved after the service: the customer hears of the progress, not of a plan
        assert [message.message for message in spec.customer_messages] == ["acknowledgement", "progress", "result"]

    def test_every_complaint_sales_takes_comes_with_a_photo_of_the_defect(self, as_):
        # 5.2.1 "缺陷内容（照片）": failures in use and unmet requirements alike
        without = as_("agent", "en").post("/complaints", body(category="unmet_requirement"))

        assert without.status_code == 422
        assert without.json()["errors"][0]["field"] == "files"

    def test_loading_it_creates_the_departments_its_routing_names(self, equipment_aftersales):
        assert set(Department.objects.values_list("code", flat=True)) >= {"production", "sales", "project"}


class TestIntake:
    def test_sales_records_the_facts_it_confirmed_with_the_customer(self, as_):
        recorded = take_in(as_("agent"))

        assert recorded["category"] == {"key": "failure_in_use", "label": "使用中质量失效"}
        assert recorded["fields"] == {
            "equipment_serial": "FX-2026-00318",
            "equipment_model": "FX-600",
            "order_number": "HT-2026-041",
            "site": "佛山南海区某包装厂二号车间",
            "defect_quantity": 1,
            "shipped_on": "2026-06-18",
            "disposition_requested": "none",
            "onsite_service": True,
        }

    @pytest.mark.parametrize(
        "missing",
        ["equipment_serial", "site", "defect_quantity", "shipped_on", "disposition_requested", "onsite_service"],
    )
    def test_each_fact_sales_must_confirm_is_required(self, as_, missing):
        error = refusal(as_("agent", "en"), fields={missing: None})

        assert error == {"field": f"fields.{missing}", "message": "This field is required."}

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"equipment_serial": "序列号不详"}, "The format is not valid."),
            ({"disposition_requested": "refund"}, "Choose one of: none, return, exchange."),
            ({"onsite_service": "yes"}, "Must be true or false."),
            ({"shipped_on": "2026/06/18"}, "Must be a date (YYYY-MM-DD)."),
            ({"defect_quantity": 0}, "Must be at least 1."),
        ],
    )
    def test_a_bad_value_is_refused_naming_the_field(self, as_, fields, message):
        (key,) = fields

        assert refusal(as_("agent", "en"), fields=fields) == {"field": f"fields.{key}", "message": message}

    def test_an_installation_issue_is_logged_with_its_kind_and_whether_it_was_fixed_on_site(self, as_):
        recorded = take_in(as_("installer"), category="installation", channel="internal", fields=INSTALLATION_FIELDS)

        assert recorded["fields"] == INSTALLATION_FIELDS

    def test_an_installation_issue_is_one_of_the_three_kinds_of_point(self, as_):
        fields = {**INSTALLATION_FIELDS, "issue_type": "cosmetic"}

        error = refusal(as_("agent", "en"), category="installation", fields=fields)

        assert error == {
            "field": "fields.issue_type",
            "message": "Choose one of: quality_failure, unmet_need, improvement_request.",
        }


class TestPriority:
    def test_a_complaint_that_needs_on_site_service_comes_first(self, as_):
        assert take_in(as_("agent"))["priority"]["key"] == "high"

    def test_one_handled_from_the_office_is_medium(self, as_):
        assert take_in(as_("agent"), fields=not_on_site())["priority"]["key"] == "medium"

    def test_an_installation_issue_is_medium(self, as_):
        assert take_in(as_("agent"), category="installation", fields=INSTALLATION_FIELDS)["priority"]["key"] == "medium"


class TestRouting:
    def test_a_return_is_led_by_sales(self, as_):
        recorded = take_in(as_("agent"), fields=not_on_site(disposition_requested="return"))

        assert recorded["status"]["key"] == "assigned"
        assert (recorded["department"]["code"], recorded["assignee"]["username"]) == ("sales", "sales_owner")

    @pytest.mark.parametrize("disposition", ["exchange", "none"])
    def test_an_exchange_or_a_repair_goes_to_the_project_manager(self, as_, disposition):
        recorded = take_in(as_("agent"), fields={"disposition_requested": disposition})

        assert (recorded["department"]["code"], recorded["assignee"]["username"]) == ("project", "project_manager")

    def test_a_complaint_that_does_not_meet_the_requirements_goes_the_same_way(self, as_):
        recorded = take_in(as_("agent"), category="unmet_requirement")

        assert recorded["assignee"]["username"] == "project_manager"

    def test_an_installation_issue_goes_to_the_installation_lead(self, as_):
        recorded = take_in(as_("agent"), category="installation", fields=INSTALLATION_FIELDS)

        assert (recorded["department"]["code"], recorded["assignee"]["username"]) == ("production", "installer")

    def test_while_the_project_manager_is_away_the_deputy_takes_it(self, as_, people):
        people["project_manager"].is_away = True
        people["project_manager"].save()

        assert take_in(as_("agent"))["assignee"]["username"] == "project_deputy"

    def test_the_project_manager_hands_it_to_the_after_sales_lead_production_names(self, as_):
        number = take_in(as_("agent"))["number"]

        handed = step(as_("project_manager"), number, "assign", assignee="lead")

        assert (handed["assignee"]["username"], handed["department"]["code"]) == ("lead", "production")


class TestTheArrangementClock:
    """5.2.2 立即 (on-site service): 1 working day; 5.2.3 及时 (otherwise): 2 working days."""

    def test_on_site_service_is_arranged_within_one_working_day(self, as_):
        number = take_in(as_("agent"), at(2026, 11, 3, 10))["number"]

        arranged = clocks(as_("project_manager"), number)["service_arranged"]

        # Tue 3 Nov 10:00 + 24 working hours = Wed 4 Nov 10:00.
        assert (arranged["limit"], due(arranged)) == ("1 working day", at(2026, 11, 4, 10))

    def test_otherwise_within_two_working_days(self, as_):
        number = take_in(as_("agent"), at(2026, 11, 3, 10), fields=not_on_site())["number"]

        arranged = clocks(as_("project_manager"), number)["service_arranged"]

        # Tue 3 Nov 10:00 + 48 working hours = Thu 5 Nov 10:00.
        assert (arranged["limit"], due(arranged)) == ("2 working days", at(2026, 11, 5, 10))

    def test_friday_afternoon_on_site_service_is_due_on_monday(self, as_):
        number = take_in(as_("agent"), at(2026, 11, 6, 15))["number"]

        # Fri 6 Nov: 9 h; the weekend off; the last 15 h on Mon 9 Nov -> 15:00.
        assert due(clocks(as_("project_manager"), number)["service_arranged"]) == at(2026, 11, 9, 15)

    @pytest.mark.parametrize(
        ("onsite", "expected"),
        [
            # Wed 30 Sep: 8 h; 1–7 Oct off; the last 16 h on Thu 8 Oct.
            (True, at(2026, 10, 8, 16)),
            # Wed 30 Sep: 8 h; Thu 8 Oct: 24 h (32 h); the last 16 h on Fri 9 Oct.
            (False, at(2026, 10, 9, 16)),
        ],
    )
    def test_a_complaint_the_day_before_national_day_is_due_after_the_holiday(self, as_, onsite, expected):
        number = take_in(as_("agent"), at(2026, 9, 30, 16), fields={"onsite_service": onsite})["number"]

        assert due(clocks(as_("project_manager"), number)["service_arranged"]) == expected

    @pytest.mark.parametrize(
        ("onsite", "expected"),
        [
            # Fri 13 Feb: 14 h; Sat 14 Feb is a make-up working day: the last 10 h -> Sat 14 Feb 10:00.
            (True, at(2026, 2, 14, 10)),
            # 14 h + 24 h on Sat 14 Feb (38 h); 15–23 Feb off; the last 10 h on Tue 24 Feb.
            (False, at(2026, 2, 24, 10)),
        ],
    )
    def test_a_complaint_before_the_spring_festival_counts_the_make_up_saturday(self, as_, onsite, expected):
        number = take_in(as_("agent"), at(2026, 2, 13, 10), fields={"onsite_service": onsite})["number"]

        assert due(clocks(as_("project_manager"), number)["service_arranged"]) == expected

    def test_mid_autumn_festival_is_not_a_working_day(self, as_):
        number = take_in(as_("agent"), at(2026, 9, 24, 10))["number"]

        # Thu 24 Sep: 14 h; Fri 25 Sep (Mid-Autumn Festival) and the weekend off; the last 10 h on Mon 28 Sep.
        assert due(clocks(as_("project_manager"), number)["service_arranged"]) == at(2026, 9, 28, 10)

    def test_the_after_sales_lead_starting_on_it_meets_the_clock(self, as_):
        number = take_in(as_("agent"))["number"]
        step(as_("project_manager"), number, "assign", assignee="lead")
        assert clocks(as_("lead"), number)["service_arranged"]["state"] == "running"

        step(as_("lead"), number, "start-investigation")

        assert clocks(as_("lead"), number)["service_arranged"]["state"] == "met"

    def test_a_late_arrangement_is_told_to_the_project_manager_and_does_not_go_to_qc(self, as_, people):
        number = take_in(as_("agent"), at(2026, 9, 30, 16))["number"]

        first, second = clocks_sweep(), clocks_sweep()

        assert (first.breached, second.breached) == (1, 0)
        complaint = Complaint.objects.get(number=number)
        breached = complaint.events.get(kind="clock_breached")
        assert (breached.data["clock"], dt.datetime.fromisoformat(breached.data["due_at"])) == (
            "service_arranged",
            at(2026, 10, 8, 16),
        )
        assert (complaint.tier, complaint.events.filter(kind="escalated").count()) == (1, 0)
        assert Notification.objects.filter(user=people["project_manager"], kind="clock_breached").count() == 1
        assert not Notification.objects.filter(user=people["qc"]).exists()


class TestRootCauseReview:
    @pytest.fixture
    def at_work(self, as_):
        number = take_in(as_("agent"))["number"]
        step(as_("project_manager"), number, "assign", assignee="lead")
        step(as_("lead"), number, "start-investigation")
        return number

    def test_what_the_after_sales_lead_cannot_solve_goes_to_production_qc(self, as_, at_work, people):
        escalated = step(as_("lead"), at_work, "escalate", reason="初步分析找不到电机异响原因")

        assert (escalated["tier"], escalated["escalated_to"]["username"]) == (2, "qc")
        event = Complaint.objects.get(number=at_work).events.get(kind="escalated")
        assert (event.data["cause"], event.data["notified"]) == ("handler_request", ["qc"])
        assert Notification.objects.filter(user=people["qc"], kind="escalated_to_you").count() == 1

    def test_production_qc_takes_up_the_review_and_the_project_manager_cannot_for_it(self, as_, at_work):
        step(as_("lead"), at_work, "escalate", reason="无法找出解决方案")

        step(as_("project_manager"), at_work, "accept-escalation", expect=403)
        accepted = step(as_("qc"), at_work, "accept-escalation")

        assert (accepted["status"]["key"], accepted["assignee"]["username"]) == ("investigating", "lead")

    def test_while_qc_is_away_its_backup_reviews(self, as_, at_work, people):
        people["qc"].is_away = True
        people["qc"].save()

        escalated = step(as_("lead"), at_work, "escalate", reason="无法找出解决方案")

        assert escalated["escalated_to"]["username"] == "qc_backup"

    def test_qc_who_is_involved_is_passed_over_for_the_backup(self, as_, at_work):
        # "当事人": QC signed off the machine that failed; the review goes to QC's backup.
        lead = as_("lead")
        named = lead.put(f"/complaints/{at_work}/involved", {"version": api_version(lead, at_work), "staff": ["qc"]})
        assert named.status_code == 200, named.content.decode()

        escalated = step(lead, at_work, "escalate", reason="无法找出解决方案")

        assert (escalated["tier"], escalated["escalated_to"]["username"]) == (2, "qc_backup")
        event = Complaint.objects.get(number=at_work).events.get(kind="escalated")
        assert event.data["notified"] == ["qc_backup"]
        step(as_("qc"), at_work, "accept-escalation", expect=403)

    def test_a_dispute_over_the_corrective_actions_goes_to_qc_again(self, as_, at_work):
        step(as_("lead"), at_work, "escalate", reason="无法找出解决方案")
        step(as_("qc"), at_work, "accept-escalation")

        again = step(as_("lead"), at_work, "escalate", reason="对售后处置单纠正预防措施有异议")

        # QC is the top tier: the dispute calls on QC again.
        assert (again["tier"], again["escalated_to"]["username"]) == (2, "qc")


class TestDisposition:
    @pytest.fixture
    def at_work(self, as_):
        number = take_in(as_("agent"))["number"]
        step(as_("project_manager"), number, "assign", assignee="lead")
        step(as_("lead"), number, "start-investigation")
        return number

    def test_a_manufacturing_fault_is_settled_with_a_confirmed_disposition(self, as_, at_work):
        lead = as_("lead")
        step(lead, at_work, "finding", finding="manufacturing", note="电机装配不良")
        step(
            lead,
            at_work,
            "plan",
            summary="现场更换电机",
            remedies=[{"kind": "onsite_service"}, {"kind": "repair"}],
        )
        assert step(lead, at_work, "resolve", expect=409, resolution="x")["code"] == "invalid_transition"

        # 5.2.7: the disposition form is confirmed by the two managers' posts in turn
        assert step(as_("production_manager"), at_work, "plan/approve", expect=403)["code"] == "forbidden"
        waiting = step(as_("project_manager"), at_work, "plan/approve", note="项目经理确认")
        assert waiting["status"]["key"] == "awaiting_approval"
        assert [(s["seat"], s["status"]) for s in waiting["plan"]["approvals"]] == [
            ("project_manager", "approved"),
            ("production_manager", "pending"),
        ]
        step(as_("project_manager"), at_work, "plan/approve", expect=403)
        step(as_("production_manager"), at_work, "plan/approve", note="处置单已确认")
        resolved = step(lead, at_work, "resolve", resolution="已更换电机，客户满意")

        assert (resolved["status"]["key"], resolved["finding"]["key"]) == ("resolved", "manufacturing")

    def test_a_bought_in_part_opens_purchasings_supplier_claim_and_the_case_waits_for_its_result(self, as_, travel):
        # 3.2 "对因外购件造成的客户投诉采购负责供应商质量索赔": the finding hands purchasing the claim.
        purchasing = Department.objects.update_or_create(code="purchasing", defaults={"name": "采购部"})[0]
        buyer = Api(user=make_staff("buyer", Role.DEPARTMENT_STAFF, department=purchasing, display_name="采购员"))
        travel(at(2026, 11, 20, 9))  # a Friday
        number = take_in(as_("agent"))["number"]
        lead = as_("lead")
        step(as_("project_manager"), number, "assign", assignee="lead")
        step(lead, number, "start-investigation")
        found = step(lead, number, "finding", finding="bought_in_part", note="外购电机轴承失效")
        step(lead, number, "finding", finding="bought_in_part", note="外购电机轴承失效（复核）")  # once only

        [claim] = found["tasks"]
        # Fri 20 Nov 09:00 + ten working days (two weekends off) = Fri 4 Dec 09:00.
        assert (claim["kind"]["key"], claim["department"]["code"], claim["title"], claim["required"]) == (
            "supplier_claim",
            "purchasing",
            "供应商质量索赔",
            True,
        )
        assert due(claim) == at(2026, 12, 4, 9)
        assert len(lead.get(f"/complaints/{number}").json()["tasks"]) == 1
        step(lead, number, "plan", summary="现场更换电机", remedies=[{"kind": "onsite_service"}])
        step(as_("project_manager"), number, "plan/approve")
        step(as_("production_manager"), number, "plan/approve")
        assert step(lead, number, "resolve", expect=422, resolution="x")["code"] == "tasks_open"
        negative = buyer.post(f"/tasks/{claim['id']}/done", {"result": "x", "amount": "-1"})
        assert negative.status_code == 422 and negative.json()["errors"][0]["field"] == "amount"
        done = buyer.post(f"/tasks/{claim['id']}/done", {"result": "供应商同意赔付电机及差旅费用", "amount": "3850.00"})
        assert done.status_code == 200, done.content.decode()
        assert (done.json()["result"], done.json()["amount"]) == ("供应商同意赔付电机及差旅费用", "3850.00")
        assert step(lead, number, "resolve", resolution="已更换电机，索赔完成")["status"]["key"] == "resolved"

    def test_a_design_standard_hands_the_technical_department_its_standards(self, as_, at_work):
        found = step(as_("lead"), at_work, "finding", finding="design_standard", note="密封件选型标准缺失")

        [standards] = found["tasks"]
        assert (standards["kind"]["key"], standards["department"]["code"]) == ("other", "technical")

    def test_no_fault_found_is_explained_to_the_customer_before_it_is_settled(self, as_, at_work):
        lead = as_("lead")
        step(lead, at_work, "finding", finding="no_fault_found", note="操作参数设置错误")

        assert step(lead, at_work, "resolve", expect=422, resolution="x")["code"] == "explanation_contact_missing"
        contact(lead, at_work, "explanation", "现场讲解正确参数设置")
        assert step(lead, at_work, "resolve", resolution="已指导客户")["status"]["key"] == "resolved"

    def test_an_installation_issue_takes_only_the_findings_of_its_kind(self, as_):
        number = take_in(as_("agent"), category="installation", fields=INSTALLATION_FIELDS)["number"]
        step(as_("installer"), number, "start-investigation")

        step(as_("installer"), number, "finding", finding="installation_fault")

        assert Complaint.objects.get(number=number).finding == "installation_fault"


class TestDissatisfied:
    def test_a_dissatisfied_customer_sends_the_case_back_to_the_investigation(self, as_):
        number = take_in(as_("agent"))["number"]
        lead = as_("lead")
        step(as_("project_manager"), number, "assign", assignee="lead")
        step(lead, number, "start-investigation")
        step(lead, number, "finding", finding="no_fault_found")
        contact(lead, number, "explanation", "电话说明")
        step(lead, number, "resolve", resolution="已说明")

        reopened = step(as_("follow_up"), number, "reopen", reason="业务回访：客户不满意，设备仍异响")

        assert (reopened["status"]["key"], reopened["reopen_count"]) == ("investigating", 1)
        assert reopened["assignee"]["username"] == "lead"
        # The arrangement clock belongs to the first arrangement only: it is not started again.
        arranged = Clock.objects.filter(complaint__number=number, key="service_arranged")
        assert [(clock.state, clock.breached_at) for clock in arranged] == [("stopped", None)]
