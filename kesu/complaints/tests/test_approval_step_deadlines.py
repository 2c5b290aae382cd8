"""Deadlines inside an approval chain (seed 002, 4S dealer): "管理部在接到《客户信息反馈处理单》后，在四小时内
…进行复核…在四个小时内，将处理结果上报主管总经理，同时将主管总经理的处理意见反馈给客户经理…管理部在八小时内
根据最终处理意见实施责任追究" — each step has its own limit, counted from the decision before it; the
GM is a post with a backup ("主要责任人和次要责任人，不得由于人员休息延误…处理时效性").

The seed's hours are plain hours: National Day (1-7 October 2026) does not stop them.
"""

import pytest
import yaml

from kesu.accounts.models import Department, Seat
from kesu.accounts.roles import Role
from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import plans_awaiting_decision
from kesu.complaints.tests.helpers import at, clocks, contact, due, step
from kesu.conftest import Api, make_staff
from kesu.notifications.models import Notification
from kesu.processes.services import LIBRARY, process_load, process_load_template, process_parse


@pytest.fixture
def shop(db, staff):
    """The auto_dealer process; the customer manager's post and the GM's post, each with a backup."""
    process_load_template("auto_dealer", make_default=True)
    service_centre = Department.objects.get(code="customer_service")
    Department.objects.update_or_create(code="workshop", defaults={"name": "维修车间"})
    people = {
        "manager_wang": make_staff(
            "manager_wang", Role.HANDLER, department=service_centre, display_name="客户经理老王"
        ),
        "manager_li": make_staff("manager_li", Role.HANDLER, department=service_centre, display_name="客户经理小李"),
        "gm": make_staff("gm", Role.GENERAL_MANAGER, display_name="总经理"),
        "deputy_gm": make_staff("deputy_gm", Role.GENERAL_MANAGER, display_name="副总经理"),
    }
    Seat.objects.create(
        key="customer_manager", department=service_centre, primary=people["manager_wang"], backup=people["manager_li"]
    )
    Seat.objects.create(key="general_manager", primary=people["gm"], backup=people["deputy_gm"])
    return {**staff, **people}


@pytest.fixture
def as_(shop):
    clients: dict[str, Api] = {}

    def client(name: str) -> Api:
        if name not in clients:
            clients[name] = Api(user=shop[name])
        return clients[name]

    return client


def propose_plan(as_, travel, proposed_at) -> str:
    """A repair-quality form found to be our fault; the customer manager proposes the plan at `proposed_at`."""
    travel(at(2026, 9, 30, 10, 30))
    intake = {
        "channel": "phone",
        "received_at": at(2026, 9, 30, 10).isoformat(),
        "customer": {"phone": "13812345678", "name": "张先生"},
        "category": "repair_quality",
        "description": "保养后发动机异响，返厂两次仍未修好。",
        "fields": {"licence_plate": "沪A12345"},
    }
    number = as_("agent").post("/complaints", intake).json()["number"]
    wang = as_("manager_wang")
    step(wang, number, "start-investigation")
    step(wang, number, "finding", finding="at_fault", note="车间漏装隔音棉", responsible_department="workshop")
    contact(wang, number, "apology", "向张先生致歉，约定周五返修")
    travel(proposed_at)
    step(wang, number, "plan", summary="免费返修，减免工时费", remedies=[{"kind": "repair"}])
    return number


@pytest.fixture
def proposed(as_, travel):
    """The plan goes to management at 15:00 on Wednesday 30 September 2026, the eve of National Day."""
    return propose_plan(as_, travel, at(2026, 9, 30, 15))


def approvals(api: Api, number: str) -> list[dict]:
    return api.get(f"/complaints/{number}").json()["plan"]["approvals"]


def waiting_on(api: Api, number: str) -> list[str]:
    pending = [each for each in approvals(api, number) if each["status"] == "pending"]
    return [person["username"] for person in pending[0]["waiting_on"]]


def notified(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


# --- the 4S chain, end to end ------------------------------------------------------------------------


def test_managements_4_hours_run_from_the_proposal(as_, proposed):
    review = clocks(as_("manager_wang"), proposed)["approval_manager"]
    [management, gm] = approvals(as_("manager_wang"), proposed)

    assert (review["label"], review["limit"], review["state"]) == ("管理部4小时内复核处理意见", "4 hours", "running")
    assert due(review) == at(2026, 9, 30, 19)
    assert (management["status"], management["role"], management["waiting_on"]) == (
        "pending",
        "manager",
        [{"username": "manager", "name": "经理"}],
    )
    assert (management["limit"], due(management)) == ("4 hours", at(2026, 9, 30, 19))
    assert (gm["status"], gm["seat"], gm["due_at"], gm["waiting_on"]) == ("waiting", "general_manager", None, [])
    assert notified("approval_needed") == ["manager"]
    # the handler's queue is ordered by the step's deadline too
    assert Complaint.objects.get(number=proposed).next_due_at == at(2026, 9, 30, 19)


def test_the_gms_4_hours_run_from_managements_decision_into_national_day(as_, travel, proposed):
    travel(at(2026, 9, 30, 18, 40))
    step(as_("manager"), proposed, "plan/approve", note="同意，出具过失处理意见")

    now = clocks(as_("manager_wang"), proposed)
    [management, gm] = approvals(as_("manager_wang"), proposed)

    assert (now["approval_manager"]["state"], management["decided_by"]["username"]) == ("met", "manager")
    gm_clock = now["approval_general_manager"]
    assert (gm_clock["label"], gm_clock["state"]) == ("主管总经理4小时内出具处理意见", "running")
    assert due(gm_clock) == at(2026, 9, 30, 22, 40)  # 18:40 + 4 h, not 15:00 + 8 h
    assert (gm["status"], gm["waiting_on"]) == ("pending", [{"username": "gm", "name": "总经理"}])
    assert notified("approval_needed") == ["gm", "manager"]


def test_accountability_is_due_8_hours_after_the_gms_opinion(as_, travel, proposed):
    travel(at(2026, 9, 30, 18, 40))
    step(as_("manager"), proposed, "plan/approve")
    travel(at(2026, 9, 30, 21, 5))
    approved = step(as_("gm"), proposed, "plan/approve", note="同意")

    now = clocks(as_("manager_wang"), proposed)

    assert approved["status"]["key"] == "resolving"
    assert now["approval_general_manager"]["state"] == "met"
    assert (now["accountability"]["limit"], due(now["accountability"])) == ("8 hours", at(2026, 10, 1, 5, 5))
    assert clocks_sweep(now=at(2026, 10, 1, 5, 4)).breached == 0


def test_a_refused_plan_stops_the_step_and_a_new_plan_starts_it_again(as_, travel, proposed):
    travel(at(2026, 9, 30, 16))
    step(as_("manager"), proposed, "plan/reject", reason="减免金额超出公司文件规定")
    assert clocks(as_("manager_wang"), proposed)["approval_manager"]["state"] == "met"
    assert Complaint.objects.get(number=proposed).next_due_at != at(2026, 9, 30, 19)

    travel(at(2026, 9, 30, 17, 30))
    step(as_("manager_wang"), proposed, "plan", summary="免费返修", remedies=[{"kind": "repair"}])

    everything = as_("manager_wang").get(f"/complaints/{proposed}").json()["clocks"]
    again = [each for each in everything if each["key"] == "approval_manager"]
    assert [each["state"] for each in again] == ["met", "running"]
    assert due(again[-1]) == at(2026, 9, 30, 21, 30)


# --- a missed step ---------------------------------------------------------------------------------


def test_management_and_the_handler_are_warned_then_reminded_once_when_the_review_is_missed(as_, travel, proposed):
    # warned at 80 % of 4 hours: 15:00 + 3 h 12 min
    assert clocks_sweep(now=at(2026, 9, 30, 18, 11)).warned == 0
    assert clocks_sweep(now=at(2026, 9, 30, 18, 12)).warned == 1
    assert notified("clock_warning") == ["manager", "manager_wang"]

    first = clocks_sweep(now=at(2026, 9, 30, 19))
    second = clocks_sweep(now=at(2026, 9, 30, 19, 1))

    complaint = Complaint.objects.get(number=proposed)
    breach = complaint.events.get(kind="clock_breached")
    assert (first.breached, second.breached) == (1, 0)
    assert (breach.data["clock"], breach.data["waiting_on"]) == ("approval_manager", ["manager"])
    assert notified("clock_breached") == ["manager", "manager_wang"]
    reminder = Notification.objects.get(kind="clock_breached", user__username="manager")
    assert (reminder.data["clock_label"]["zh"], reminder.data["due"]) == (
        "管理部4小时内复核处理意见",
        "2026-09-30 19:00",
    )
    # the process says to remind, not to escalate; and the lateness is management's, not the handler's
    assert complaint.tier == 1
    assert not complaint.accountabilities.exists()
    travel(at(2026, 9, 30, 19, 5))
    assert clocks(as_("manager_wang"), proposed)["approval_manager"]["overdue"] is True
    assert approvals(as_("manager_wang"), proposed)[0]["overdue"] is True


def test_a_gm_who_misses_his_4_hours_brings_in_the_deputy_once(as_, travel, proposed):
    travel(at(2026, 9, 30, 16))
    step(as_("manager"), proposed, "plan/approve")
    assert step(as_("deputy_gm"), proposed, "plan/approve", expect=403)["code"] == "forbidden"
    assert not plans_awaiting_decision(_user("deputy_gm")).exists()

    assert clocks_sweep(now=at(2026, 9, 30, 20)).breached == 1  # 16:00 + 4 h
    assert clocks_sweep(now=at(2026, 9, 30, 20, 1)).breached == 0

    assert waiting_on(as_("manager_wang"), proposed) == ["gm", "deputy_gm"]
    assert Notification.objects.filter(kind="approval_needed", user__username="deputy_gm").count() == 1
    assert list(plans_awaiting_decision(_user("deputy_gm")).values_list("number", flat=True)) == [proposed]
    travel(at(2026, 9, 30, 20, 30))
    approved = step(as_("deputy_gm"), proposed, "plan/approve", note="总经理休息，由副总经理批示")

    assert approved["status"]["key"] == "resolving"
    assert clocks(as_("manager_wang"), proposed)["approval_general_manager"]["state"] == "breached"


def test_a_step_the_process_escalates_moves_the_case_up_one_tier_once(as_, travel):
    document = yaml.safe_load((LIBRARY / "auto_dealer.yaml").read_text(encoding="utf-8"))
    document["version"] += 1
    document["approvals"][0]["chain"][0]["on_breach"] = ["notify", "escalate"]
    process_load(document=process_parse(yaml.safe_dump(document, allow_unicode=True)), make_default=True)
    number = propose_plan(as_, travel, at(2026, 9, 30, 15))

    clocks_sweep(now=at(2026, 9, 30, 19))
    clocks_sweep(now=at(2026, 9, 30, 19, 5))

    complaint = Complaint.objects.get(number=number)
    [escalated] = complaint.events.filter(kind="escalated")
    assert complaint.tier == 2
    assert (escalated.data["cause"], escalated.data["clock"]) == ("clock_breach", "approval_manager")


# --- the GM's post ---------------------------------------------------------------------------------


def test_while_the_gm_is_away_the_deputy_is_asked_and_decides(as_, travel, shop, proposed):
    shop["gm"].is_away = True
    shop["gm"].save()
    travel(at(2026, 9, 30, 16))
    step(as_("manager"), proposed, "plan/approve")

    assert waiting_on(as_("manager_wang"), proposed) == ["deputy_gm"]
    assert notified("approval_needed") == ["deputy_gm", "manager"]
    assert step(as_("gm"), proposed, "plan/approve", expect=403)["code"] == "forbidden"
    approved = step(as_("deputy_gm"), proposed, "plan/approve", note="同意")

    assert approved["status"]["key"] == "resolving"
    assert approved["plan"]["approvals"][1]["decided_by"]["username"] == "deputy_gm"


def test_only_the_holder_of_the_post_decides_its_step_not_everyone_with_the_role(as_, travel, proposed):
    travel(at(2026, 9, 30, 16))
    step(as_("manager"), proposed, "plan/approve")

    assert step(as_("deputy_gm"), proposed, "plan/approve", expect=403)["code"] == "forbidden"
    assert step(as_("manager"), proposed, "plan/approve", expect=403)["code"] == "forbidden"
    assert list(plans_awaiting_decision(_user("gm")).values_list("number", flat=True)) == [proposed]
    assert step(as_("gm"), proposed, "plan/approve")["status"]["key"] == "resolving"


def test_the_complaint_page_shows_who_each_step_waits_on_and_its_deadline(as_, travel, shop, proposed, client):
    travel(at(2026, 9, 30, 16))
    step(as_("manager"), proposed, "plan/approve")
    client.force_login(shop["manager_wang"])

    page = client.get(f"/complaints/{proposed}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "管理部4小时内复核处理意见" in page and "主管总经理4小时内出具处理意见" in page
    assert "总经理" in page and "2026-09-30 20:00" in page


# --- chains of roles alone, as before -------------------------------------------------------------


def test_a_chain_of_roles_alone_has_no_step_deadline_and_a_leader_above_may_decide(staff, call_center):
    from kesu.complaints.tests.helpers import bring_to_investigation

    api = {name: Api(user=person) for name, person in staff.items()}
    intake = {
        "channel": "phone",
        "customer": {"phone": "13812345678", "name": "张三"},
        "category": "product_quality",
        "description": "手机充电时发烫",
    }
    number = bring_to_investigation(lambda name: api[name], intake)
    step(api["handler"], number, "finding", finding="product_defect", note="电池缺陷")
    proposed = step(api["handler"], number, "plan", summary="退款", remedies=[{"kind": "refund", "amount": "99"}])

    [supervisor] = proposed["plan"]["approvals"]
    assert (supervisor["role"], supervisor["seat"], supervisor["limit"], supervisor["due_at"]) == (
        "supervisor",
        "",
        None,
        None,
    )
    assert [each["username"] for each in supervisor["waiting_on"]] == ["supervisor"]
    assert not [clock for clock in proposed["clocks"] if clock["key"].startswith("approval_")]
    assert step(api["manager"], number, "plan/approve")["status"]["key"] == "resolving"


@pytest.mark.parametrize(
    ("step_written", "message"),
    [
        ({"role": "manager", "seat": "general_manager"}, "either a role or a post"),
        ({"role": "manager", "on_breach": "backup"}, "only a post has a backup"),
        ({"role": "manager", "within": "soon"}, "is not a duration"),
        ({"seat": "General Manager"}, "String should match pattern"),
    ],
)
def test_a_wrong_step_is_refused_when_the_document_loads(db, step_written, message):
    document = yaml.safe_load((LIBRARY / "auto_dealer.yaml").read_text(encoding="utf-8"))
    document["approvals"] = [{"chain": [step_written]}]

    with pytest.raises(Exception, match=message):
        process_parse(yaml.safe_dump(document, allow_unicode=True))


def _user(username: str):
    from kesu.accounts.models import User

    return User.objects.get(username=username)
