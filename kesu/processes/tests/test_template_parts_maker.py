"""The parts maker's process (seed 002, part 4), scenario by scenario through the API, on real dates.

Working time is whole working days of China's calendar: "5 working days" is 5 × 24 hours of
working days, skipping public holidays and counting make-up working days (调休); the week for a
returned part ("一周") is 7 calendar days. Each remedy of a plan is carried out by its department as
a task (marketing: returns and compensation; logistics: exchanges; production: repairs), and the
callbacks follow once they are done.
"""

import copy
import datetime as dt

import pytest
import time_machine

from kesu.accounts.models import Department, Seat
from kesu.accounts.roles import Role
from kesu.clocks.models import Clock
from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import at, clocks, contact, due, follow_up, step
from kesu.conftest import Api, make_staff
from kesu.notifications.models import Notification
from kesu.processes.services import process_load_template


@pytest.fixture
def parts_maker(departments):
    """Loaded after the shared departments exist; its routing adds the marketing department."""
    return process_load_template("parts_maker", make_default=True)


@pytest.fixture
def people(staff, departments, parts_maker):
    """The owners of 五.确定投诉处理部门 and the complaint team's leader (三), each post with a backup;
    a sales representative of marketing and a fitter of production, who carry out remedies."""
    quality = departments["quality"]
    marketing = Department.objects.get(code="marketing")
    qc_manager = make_staff("qc_manager", Role.MANAGER, department=quality, display_name="质检部经理李培升")
    qc_deputy = make_staff("qc_deputy", Role.MANAGER, department=quality, display_name="质检部副经理")
    marketing_gm = make_staff("marketing_gm", Role.MANAGER, department=marketing, display_name="营销部总经理谭培前")
    marketing_deputy = make_staff("marketing_deputy", Role.MANAGER, department=marketing, display_name="营销部副总")
    gm = make_staff("gm", Role.GENERAL_MANAGER, display_name="主管领导")
    production = Department.objects.update_or_create(code="production", defaults={"name": "生产部"})[0]
    sales_rep = make_staff("sales_rep", Role.DEPARTMENT_STAFF, department=marketing, display_name="销售代表")
    fitter = make_staff("fitter", Role.DEPARTMENT_STAFF, department=production, display_name="生产部维修工")
    Seat.objects.create(key="qc_manager", department=quality, primary=qc_manager, backup=qc_deputy)
    Seat.objects.create(key="marketing_gm", department=marketing, primary=marketing_gm, backup=marketing_deputy)
    Seat.objects.create(key="complaint_team_leader", primary=marketing_gm, backup=marketing_deputy)
    return {
        **staff,
        "qc_manager": qc_manager,
        "qc_deputy": qc_deputy,
        "marketing_gm": marketing_gm,
        "marketing_deputy": marketing_deputy,
        "gm": gm,
        "sales_rep": sales_rep,
        "fitter": fitter,
    }


@pytest.fixture
def as_(people):
    """`as_("qc_manager")`: an API client signed in as that person."""
    clients = {}

    def client(name: str, language: str = "zh-hans") -> Api:
        if (name, language) not in clients:
            clients[name, language] = Api(user=people[name], language=language)
        return clients[name, language]

    return client


RETURNED_PART = {
    "channel": "letter",
    "customer": {"phone": "13957912345", "name": "永康园林机械王经理", "region": "浙江"},
    "category": "quality",
    "subject": "刀片连接件断裂",
    "description": "割草机刀片连接件使用两周后断裂，已快递退回20件。",
    "demand": "要求换货并分析原因",
    "fields": {
        "customer_code": "C-0231",
        "order_number": "PO-2026-0915",
        "part_number": "GB-3021-A",
        "batch_number": "B260901",
        "quantity": 20,
        "shipped_on": "2026-09-10",
        "returned": True,
    },
}

# The fields each non-quality category asks for, at least.
NON_QUALITY = {
    "late_delivery": {"customer_code": "C-0231", "order_number": "PO-2026-0915", "promised_date": "2026-09-20"},
    "short_delivery": {"customer_code": "C-0231", "order_number": "PO-2026-0915", "quantity": 40},
    "damaged_packaging": {"customer_code": "C-0231", "order_number": "PO-2026-0915", "quantity": 3},
    "late_sample": {"customer_code": "C-0231", "part_number": "GB-3022-S", "promised_date": "2026-09-01"},
    "wrong_shipment": {"customer_code": "C-0231", "part_number": "GB-3021-B", "quantity": 100},
    "customer_service": {"customer_code": "C-0231"},
}


def complaint_body(received_at: dt.datetime | None = None, fields: dict | None = None, **change) -> dict:
    body = copy.deepcopy(RETURNED_PART)
    body.update(change)
    if fields is not None:
        body["fields"] = fields
    if received_at is not None:
        body["received_at"] = received_at.isoformat()
    return body


def take_in(api: Api, received_at: dt.datetime | None = None, **change) -> dict:
    response = api.post("/complaints", complaint_body(received_at, **change))
    assert response.status_code == 201, response.content.decode()
    return response.json()


def finish(api: Api, task: dict, result: str) -> dict:
    response = api.post(f"/tasks/{task['id']}/done", {"result": result})
    assert response.status_code == 200, response.content.decode()
    return response.json()


def remedies(complaint: dict) -> list[dict]:
    """The complaint's tasks but the returned part's analysis, which a quality complaint opens at intake."""
    return [task for task in complaint["tasks"] if task["kind"]["key"] != "analyse_part"]


def refusal(api: Api, **change) -> dict:
    response = api.post("/complaints", complaint_body(**change))
    assert response.status_code == 422, response.content.decode()
    assert Complaint.objects.count() == 0
    return response.json()["errors"][0]


class TestTheTemplate:
    def test_it_loads_with_the_seeds_rules(self, parts_maker):
        spec = parts_maker.spec

        assert (parts_maker.name, parts_maker.version, parts_maker.is_default) == ("parts_maker", 2, True)
        assert [category.key for category in spec.categories] == [
            "quality",
            "late_delivery",
            "short_delivery",
            "damaged_packaging",
            "late_sample",
            "wrong_shipment",
            "customer_service",
        ]
        # 六.1 "一周": 7 days, for returned parts (quality) only
        assert [(clock.key, clock.limit, clock.categories) for clock in spec.clocks] == [
            ("analysis", "7 days", ["quality"])
        ]
        # 九: first callback within 5 working days; product complaints at least 2, service 1 (–2).
        follow_up = spec.follow_up
        assert (follow_up.within, follow_up.callbacks, follow_up.callbacks_by_category) == (
            "5 working days",
            1,
            {"quality": 2},
        )
        # 十: anything short of 满意 -> back to step 4 (the investigation).
        assert (follow_up.reopen_to, follow_up.reopen_below) == ("investigating", "satisfied")
        assert [(tier.level, tier.seat) for tier in spec.tiers] == [(1, None), (2, "complaint_team_leader")]
        # 八/九: the responsible departments carry out the remedies (5 working days: this template's choice)
        assert {kind: (rule.department, rule.within) for kind, rule in spec.remedy_tasks.items()} == {
            "refund": ("marketing", "5 working days"),
            "compensation": ("marketing", "5 working days"),
            "exchange": ("logistics", "5 working days"),
            "repair": ("production", "5 working days"),
        }
        assert spec.customer_confirms_plan is False

    def test_loading_it_creates_the_marketing_department_its_routing_names(self, parts_maker):
        assert set(Department.objects.values_list("code", flat=True)) >= {"quality", "marketing"}


class TestIntake:
    def test_a_returned_part_is_recorded_with_its_part_number_batch_and_quantity(self, as_):
        recorded = take_in(as_("agent"))

        assert recorded["category"] == {"key": "quality", "label": "产品质量问题（含客户退货）"}
        assert recorded["channel"]["key"] == "letter"
        assert recorded["fields"] == {
            "customer_code": "C-0231",
            "order_number": "PO-2026-0915",
            "part_number": "GB-3021-A",
            "batch_number": "B260901",
            "quantity": 20,
            "shipped_on": "2026-09-10",
            "returned": True,
        }

    def test_only_customers_with_a_customer_code_are_taken_in(self, as_):
        fields = {key: value for key, value in RETURNED_PART["fields"].items() if key != "customer_code"}

        error = refusal(as_("agent", "en"), fields=fields)

        assert error == {"field": "fields.customer_code", "message": "This field is required."}

    def test_a_quality_complaint_needs_the_part_number(self, as_):
        fields = {key: value for key, value in RETURNED_PART["fields"].items() if key != "part_number"}

        assert refusal(as_("agent", "en"), fields=fields)["field"] == "fields.part_number"

    def test_a_part_number_in_the_wrong_format_is_refused_naming_the_field(self, as_):
        fields = {**RETURNED_PART["fields"], "part_number": "刀片连接件"}

        assert refusal(as_("agent"), fields=fields) == {"field": "fields.part_number", "message": "格式不正确。"}

    def test_a_quantity_below_one_piece_is_refused(self, as_):
        fields = {**RETURNED_PART["fields"], "quantity": 0}

        assert refusal(as_("agent", "en"), fields=fields) == {
            "field": "fields.quantity",
            "message": "Must be at least 1.",
        }

    def test_a_field_of_another_cause_is_refused(self, as_):
        fields = {**NON_QUALITY["late_delivery"], "batch_number": "B260901"}

        error = refusal(as_("agent", "en"), category="late_delivery", fields=fields)

        assert error == {"field": "fields.batch_number", "message": "This category has no such field."}

    def test_a_phone_call_is_not_one_of_the_seeds_intake_channels(self, as_):
        assert refusal(as_("agent"), channel="phone")["field"] == "channel"

    @pytest.mark.parametrize("channel", ["letter", "store", "internal"])
    def test_letters_visits_and_what_our_people_bring_in_are_taken_in(self, as_, channel):
        assert take_in(as_("agent"), channel=channel)["channel"]["key"] == channel


class TestPriority:
    def test_a_serious_quality_problem_that_leaves_the_part_unusable_comes_first(self, as_):
        recorded = take_in(as_("agent"), fields={**RETURNED_PART["fields"], "unusable": True})

        assert recorded["priority"]["key"] == "high"

    def test_a_quality_complaint_that_says_it_is_serious_comes_first(self, as_):
        recorded = take_in(as_("agent"), description="刀片连接件断裂，问题严重，整批无法使用。")

        assert recorded["priority"]["key"] == "high"

    def test_an_ordinary_quality_complaint_is_medium(self, as_):
        assert (
            take_in(as_("agent"), fields={**RETURNED_PART["fields"], "unusable": False})["priority"]["key"] == "medium"
        )

    def test_the_seriousness_rule_is_for_quality_only(self, as_):
        recorded = take_in(
            as_("agent"), category="late_delivery", fields=NON_QUALITY["late_delivery"], description="交货严重延误。"
        )

        assert recorded["priority"]["key"] == "medium"


class TestRouting:
    def test_a_quality_complaint_goes_to_the_qc_manager_of_the_quality_department(self, as_):
        recorded = take_in(as_("agent"))

        assert recorded["status"]["key"] == "assigned"
        assert recorded["department"]["code"] == "quality"
        assert recorded["assignee"]["username"] == "qc_manager"

    @pytest.mark.parametrize("category", sorted(NON_QUALITY))
    def test_a_non_quality_complaint_goes_to_the_marketing_gm(self, as_, category):
        recorded = take_in(as_("agent"), category=category, fields=NON_QUALITY[category])

        assert recorded["status"]["key"] == "assigned"
        assert (recorded["department"]["code"], recorded["assignee"]["username"]) == ("marketing", "marketing_gm")

    def test_while_the_qc_manager_is_away_the_deputy_takes_quality_complaints(self, as_, people):
        people["qc_manager"].is_away = True
        people["qc_manager"].save()

        assert take_in(as_("agent"))["assignee"]["username"] == "qc_deputy"


class TestTheWeekForTheReturnedPart:
    def test_an_ordinary_week_ends_seven_days_later(self, as_):
        number = take_in(as_("agent"), at(2026, 11, 3, 10, 25))["number"]

        analysis = clocks(as_("qc_manager"), number)["analysis"]

        assert analysis["limit"] == "7 days"
        assert due(analysis) == at(2026, 11, 10, 10, 25)

    def test_a_part_returned_before_national_day_is_due_within_the_holiday(self, as_):
        number = take_in(as_("agent"), at(2026, 9, 30, 16))["number"]

        # "一周" is 7 calendar days: the holiday (1–7 Oct) does not stop it.
        assert due(clocks(as_("qc_manager"), number)["analysis"]) == at(2026, 10, 7, 16)

    def test_make_up_working_days_make_no_difference_to_the_week(self, as_):
        number = take_in(as_("agent"), at(2026, 2, 13, 9, 40))["number"]

        # Sat 14 Feb is a make-up working day and 15–23 Feb the Spring Festival: still 7 days.
        assert due(clocks(as_("qc_manager"), number)["analysis"]) == at(2026, 2, 20, 9, 40)

    @pytest.mark.parametrize("category", sorted(NON_QUALITY))
    def test_the_week_is_for_returned_parts_only(self, as_, category):
        number = take_in(as_("agent"), at(2026, 11, 3, 10), category=category, fields=NON_QUALITY[category])["number"]

        assert clocks(as_("marketing_gm"), number) == {}

    def test_judging_the_responsibility_meets_the_clock(self, as_):
        number = take_in(as_("agent"))["number"]
        owner = as_("qc_manager")
        step(owner, number, "start-investigation")

        step(owner, number, "finding", finding="company_fault", note="热处理硬度不足，生产部责任")

        analysis = clocks(owner, number)["analysis"]
        assert (analysis["state"], analysis["remaining_seconds"]) == ("met", None)

    def test_waiting_for_the_customer_to_send_the_part_pauses_the_week(self, as_):
        owner = as_("qc_manager")
        with time_machine.travel(at(2026, 11, 2, 9), tick=False):
            number = take_in(as_("agent"), fields={**RETURNED_PART["fields"], "returned": False})["number"]
            step(owner, number, "start-investigation")
        with time_machine.travel(at(2026, 11, 3, 9), tick=False):
            step(owner, number, "wait-for-customer", reason="等待客户寄回退货件")
            assert clocks(owner, number)["analysis"]["state"] == "paused"
        with time_machine.travel(at(2026, 11, 5, 9), tick=False):
            step(owner, number, "customer-replied", note="退货件已到")

            analysis = clocks(owner, number)["analysis"]

        # Unpaused it was due Mon 9 Nov 09:00 (Mon 2 Nov 09:00 + 7 days); paused from Tue 3 Nov
        # 09:00 to Thu 5 Nov 09:00 = 2 days, so it is due 2 days later.
        assert (analysis["state"], due(analysis)) == ("running", at(2026, 11, 11, 9))


class TestEscalation:
    def test_a_returned_part_not_analysed_within_the_week_goes_to_the_complaint_team_leader(self, as_, people):
        number = take_in(as_("agent"), at(2026, 9, 30, 16))["number"]
        step(as_("qc_manager"), number, "start-investigation")

        first, second = clocks_sweep(), clocks_sweep()

        assert (first.breached, second.breached) == (1, 0)
        complaint = Complaint.objects.get(number=number)
        assert (complaint.tier, complaint.escalated_to.username) == (2, "marketing_gm")
        escalated = complaint.events.get(kind="escalated")
        assert (escalated.data["cause"], escalated.data["clock"]) == ("clock_breach", "analysis")
        # Due Wed 7 Oct 16:00 (see the National Day case above).
        breached_due = complaint.events.get(kind="clock_breached").data["due_at"]
        assert dt.datetime.fromisoformat(breached_due) == at(2026, 10, 7, 16)
        assert Notification.objects.filter(user=people["marketing_gm"], kind="escalated_to_you").count() == 1
        assert Notification.objects.filter(user=people["qc_manager"], kind="clock_breached").count() == 1

    def test_the_owner_may_ask_the_complaint_team_to_take_it_up(self, as_):
        number = take_in(as_("agent"))["number"]
        step(as_("qc_manager"), number, "start-investigation")

        escalated = step(as_("qc_manager"), number, "escalate", reason="涉及生产与技术两部门，需小组评审")

        assert (escalated["tier"], escalated["escalated_to"]["username"]) == (2, "marketing_gm")
        step(as_("qc_deputy"), number, "accept-escalation", expect=403)
        accepted = step(as_("marketing_gm"), number, "accept-escalation")
        assert accepted["status"]["key"] == "investigating"

    def test_while_the_team_leader_is_away_the_backup_takes_the_escalation(self, as_, people):
        people["marketing_gm"].is_away = True
        people["marketing_gm"].save()
        number = take_in(as_("agent"))["number"]

        escalated = step(as_("qc_manager"), number, "escalate", reason="需小组评审")

        assert escalated["escalated_to"]["username"] == "marketing_deputy"

    def test_a_dissatisfied_customer_does_not_escalate_the_case(self, parts_maker):
        assert "customer_dissatisfied" not in parts_maker.spec.escalate_on


class TestFindings:
    @pytest.fixture
    def investigating(self, as_):
        number = take_in(as_("agent"))["number"]
        step(as_("qc_manager"), number, "start-investigation")
        return number

    def test_an_unsubstantiated_complaint_is_settled_once_the_findings_are_returned_to_the_customer(
        self, as_, investigating
    ):
        owner = as_("qc_manager")
        step(owner, investigating, "finding", finding="not_substantiated", note="退回件检测合格")

        refused = step(owner, investigating, "resolve", expect=422, resolution="投诉不成立")
        assert refused["code"] == "explanation_contact_missing"
        contact(owner, investigating, "explanation", "向客户返回调查意见")
        assert step(owner, investigating, "resolve", resolution="投诉不成立")["status"]["key"] == "resolved"

    def test_a_customer_caused_complaint_is_answered_after_the_leader_approves_the_reply(self, as_, investigating):
        owner = as_("qc_manager")
        step(owner, investigating, "finding", finding="customer_caused", note="客户超负荷使用")

        step(
            owner, investigating, "plan", summary="书面回复说明：超负荷使用导致断裂", remedies=[{"kind": "explanation"}]
        )

        # The reply waits for the leader's approval, then goes to the customer.
        assert step(owner, investigating, "resolve", expect=409, resolution="x")["code"] == "invalid_transition"
        step(as_("gm"), investigating, "plan/approve", note="同意回复")
        refused = step(owner, investigating, "resolve", expect=422, resolution="x")
        assert refused["code"] == "explanation_contact_missing"
        contact(owner, investigating, "explanation", "品质部向客户回复说明")
        assert step(owner, investigating, "resolve", resolution="已回复说明")["status"]["key"] == "resolved"

    def test_our_fault_needs_a_remedy_and_a_detailed_explanation(self, as_, investigating):
        owner = as_("qc_manager")
        step(owner, investigating, "finding", finding="company_fault", note="热处理硬度不足")
        planned = step(
            owner,
            investigating,
            "plan",
            summary="换货20件并赔偿停工损失",
            remedies=[{"kind": "exchange"}, {"kind": "compensation", "amount": "1200"}],
        )
        # no approval rule for our own fault: the plan is carried out at once, by logistics and marketing
        tasks = {task["kind"]["key"]: task for task in remedies(planned)}
        assert {kind: task["department"]["code"] for kind, task in tasks.items()} == {
            "exchange": "logistics",
            "compensation": "marketing",
        }

        refused = step(owner, investigating, "resolve", expect=422, resolution="已换货")
        assert refused["code"] == "explanation_contact_missing"
        contact(owner, investigating, "explanation", "正式电函详细说明原因并承担责任")
        assert step(owner, investigating, "resolve", expect=422, resolution="x")["code"] == "tasks_open"
        finish(as_("logistics_clerk"), tasks["exchange"], "20件新品已发出")
        finish(as_("sales_rep"), tasks["compensation"], "已与客户确认赔偿1200元")
        assert step(owner, investigating, "resolve", resolution="已换货并赔偿")["status"]["key"] == "resolved"


class TestCarryingOutThePlan:
    def test_the_returned_part_is_analysed_by_quality_inspection_as_a_task_due_within_the_week(self, as_, travel):
        # 六.1 "对顾客退货产品的试验/分析必须在一周内完成"
        travel(at(2026, 9, 30, 16))
        number = take_in(as_("agent"))["number"]
        owner = as_("qc_manager")

        [task] = owner.get(f"/complaints/{number}").json()["tasks"]

        # opened at intake, for quality inspection, due with the analysis clock: Wed 7 Oct 16:00.
        assert (task["kind"]["key"], task["title"], task["department"]["code"], due(task), task["required"]) == (
            "analyse_part",
            "退货产品试验分析",
            "quality",
            at(2026, 10, 7, 16),
            False,
        )
        assert due(task) == due(clocks(owner, number)["analysis"])
        step(owner, number, "start-investigation")
        travel(at(2026, 10, 6, 11))
        finish(as_("quality_clerk"), task, "硬度HRC32，低于要求，热处理不足")
        step(owner, number, "finding", finding="company_fault", note="热处理硬度不足，生产部责任")

        assert clocks(owner, number)["analysis"]["state"] == "met"

    @pytest.mark.parametrize(
        ("remedy", "department", "title", "worker"),
        [
            ({"kind": "refund", "amount": "2400"}, "marketing", "退货处理 ¥2400.00", "sales_rep"),
            ({"kind": "exchange"}, "logistics", "换货/补发", "logistics_clerk"),
            ({"kind": "repair"}, "production", "维修", "fitter"),
            ({"kind": "compensation", "amount": "150"}, "marketing", "赔偿客户损失 ¥150.00", "sales_rep"),
        ],
    )
    def test_each_remedy_is_carried_out_by_its_department_within_5_working_days(
        self, as_, travel, remedy, department, title, worker
    ):
        travel(at(2026, 11, 5, 14))  # a Thursday
        number = take_in(as_("agent"))["number"]
        owner = as_("qc_manager")
        step(owner, number, "start-investigation")
        step(owner, number, "finding", finding="company_fault")
        contact(owner, number, "explanation", "正式电函说明")

        [task] = remedies(step(owner, number, "plan", summary="处理方案", remedies=[remedy]))

        # Thu 5 Nov 14:00 + five working days (the weekend off) = Thu 12 Nov 14:00.
        assert (task["department"]["code"], task["title"], due(task)) == (department, title, at(2026, 11, 12, 14))
        assert [item["id"] for item in as_(worker).get("/tasks").json()] == [task["id"]]
        finish(as_(worker), task, "已完成")
        assert step(owner, number, "resolve", resolution="方案实施完毕")["status"]["key"] == "resolved"

    def test_a_product_complaint_is_called_back_twice_before_it_is_closed(self, as_, travel):
        # 九: "责任部门的方案实施完毕之后5个工作日内…第一次客户回访…产品质量投诉的回访，至少回访2次"
        travel(at(2026, 11, 5, 14))
        number = take_in(as_("agent"))["number"]
        owner = as_("qc_manager")
        step(owner, number, "start-investigation")
        step(owner, number, "finding", finding="company_fault")
        contact(owner, number, "explanation", "正式电函说明")
        [exchange] = remedies(step(owner, number, "plan", summary="换货", remedies=[{"kind": "exchange"}]))
        travel(at(2026, 11, 9, 10))
        finish(as_("logistics_clerk"), exchange, "已发货")
        resolved = step(owner, number, "resolve", resolution="已换货")

        # the first callback within 5 working days of the remedy done: Mon 9 Nov 10:00 → Mon 16 Nov 10:00.
        assert [(callback["sequence"], callback["of"], due(callback)) for callback in resolved["follow_ups"]] == [
            (1, 2, at(2026, 11, 16, 10))
        ]
        travel(at(2026, 11, 12, 10))
        first = follow_up(as_("follow_up"), number, "satisfied", "新件使用正常")
        assert step(as_("follow_up"), number, "close", expect=422)["code"] == "follow_ups_due"
        assert [(callback["sequence"], callback["status"]) for callback in first["follow_ups"]] == [
            (1, "done"),
            (2, "scheduled"),
        ]
        travel(at(2026, 11, 19, 10))
        follow_up(as_("follow_up"), number, "very_satisfied", "再次回访，客户非常满意")
        assert step(as_("follow_up"), number, "close")["status"]["key"] == "closed"


class TestDissatisfied:
    def test_a_dissatisfied_customer_sends_the_case_back_to_step_4_with_a_new_week(self, as_):
        owner = as_("qc_manager")
        with time_machine.travel(at(2026, 9, 28, 9), tick=False):
            number = take_in(as_("agent"))["number"]
            step(owner, number, "start-investigation")
        with time_machine.travel(at(2026, 9, 29, 15), tick=False):
            step(owner, number, "finding", finding="company_fault", note="热处理硬度不足")
            [exchange] = remedies(step(owner, number, "plan", summary="换货20件", remedies=[{"kind": "exchange"}]))
            contact(owner, number, "explanation", "正式电函说明")
        with time_machine.travel(at(2026, 9, 30, 10), tick=False):
            finish(as_("logistics_clerk"), exchange, "20件新品已发出")
            step(owner, number, "resolve", resolution="已换货")
        with time_machine.travel(at(2026, 9, 30, 16), tick=False):
            reopened = step(as_("follow_up"), number, "reopen", reason="回访：客户不满意，新件仍有裂纹")

        assert (reopened["status"]["key"], reopened["reopen_count"]) == ("investigating", 1)
        assert reopened["assignee"]["username"] == "qc_manager"
        weeks = Clock.objects.filter(complaint__number=number, key="analysis").order_by("id")
        assert [(week.state, week.breached_at) for week in weeks] == [("stopped", None), ("running", None)]
        # The new week runs from the reopening, Wed 30 Sep 16:00: Wed 7 Oct 16:00.
        assert (weeks[1].started_at, weeks[1].due_at) == (at(2026, 9, 30, 16), at(2026, 10, 7, 16))

    def test_the_new_finding_of_the_reopened_case_meets_the_new_week(self, as_):
        owner = as_("qc_manager")
        number = take_in(as_("agent"))["number"]
        step(owner, number, "start-investigation")
        step(owner, number, "finding", finding="not_substantiated")
        contact(owner, number, "explanation", "返回调查意见")
        step(owner, number, "resolve", resolution="投诉不成立")
        step(as_("follow_up"), number, "reopen", reason="客户不满意")

        step(owner, number, "finding", finding="company_fault", note="复检发现批次问题")

        weeks = Clock.objects.filter(complaint__number=number, key="analysis").order_by("id")
        assert [week.state for week in weeks] == ["stopped", "stopped"]
        assert [week.breached_at for week in weeks] == [None, None]


class TestOnlySatisfiedFinishesTheCase:
    """十 "如果客户满意或非常满意，则投诉正式受理完毕。如果客户不满意，则重新从第四步开始"."""

    @pytest.fixture
    def called_back(self, as_):
        number = take_in(as_("agent"), category="customer_service", fields=NON_QUALITY["customer_service"])["number"]
        owner = as_("marketing_gm")
        step(owner, number, "start-investigation")
        step(owner, number, "finding", finding="not_substantiated")
        contact(owner, number, "explanation", "返回调查意见")
        step(owner, number, "resolve", resolution="投诉不成立")
        return number

    def test_a_neutral_answer_sends_the_case_back_to_step_4(self, as_, called_back):
        reopened = follow_up(as_("follow_up"), called_back, "neutral", "客户觉得一般")

        assert (reopened["status"]["key"], reopened["reopen_count"], reopened["tier"]) == ("investigating", 1, 1)
        event = Complaint.objects.get(number=called_back).events.get(kind="reopened")
        assert event.text == "客户觉得一般"

    def test_a_neutral_survey_answer_says_why_the_case_goes_back(self, as_, called_back):
        path = as_("agent").get(f"/complaints/{called_back}").json()["follow_ups"][0]["survey_path"]

        Api(language="en").post(path.removeprefix("/api/v1"), {"satisfaction": "neutral"})

        event = Complaint.objects.get(number=called_back).events.get(kind="reopened")
        assert event.text == "The customer's answer, Neutral, does not finish the case (follow-up 1)."

    @pytest.mark.parametrize("answer", ["satisfied", "very_satisfied"])
    def test_a_satisfied_customer_finishes_it(self, as_, called_back, answer):
        assert follow_up(as_("follow_up"), called_back, answer)["status"]["key"] == "resolved"
        assert step(as_("follow_up"), called_back, "close")["status"]["key"] == "closed"
