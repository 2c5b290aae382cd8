"""逐级上报: tiers, posts with a primary and a backup owner, and who may escalate or accept."""

import pytest

from kesu.accounts.models import Seat
from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import step
from kesu.conftest import make_staff
from kesu.processes.document import ProcessDocument
from kesu.processes.services import LIBRARY, process_load, process_parse


@pytest.fixture
def investigating(as_, intake):
    number = as_("agent").post("/complaints", intake).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")
    step(as_("handler"), number, "start-investigation")
    return number


def test_the_handler_reports_up_and_the_supervisor_takes_it(as_, investigating, staff):
    escalated = step(as_("handler"), investigating, "escalate", reason="客户要求高额赔偿，无法处理")

    assert escalated["tier"] == 2
    event = Complaint.objects.get(number=investigating).events.get(kind="escalated")
    assert (event.data["cause"], event.text) == ("handler_request", "客户要求高额赔偿，无法处理")
    accepted = step(as_("supervisor"), investigating, "accept-escalation")
    assert accepted["status"]["key"] == "investigating"


def test_an_escalation_needs_a_reason(as_, investigating):
    refused = as_("handler").post(f"/complaints/{investigating}/escalate", {"version": 3, "reason": ""})

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "reason"


def test_only_the_tier_it_went_to_accepts_it(as_, investigating):
    step(as_("handler"), investigating, "escalate", reason="无法处理")

    step(as_("colleague"), investigating, "accept-escalation", expect=403)
    step(as_("agent"), investigating, "accept-escalation", expect=403)


def test_there_is_nothing_to_accept_before_an_escalation(as_, investigating):
    assert step(as_("supervisor"), investigating, "accept-escalation", expect=422)["code"] == "nothing_to_accept"


def test_at_the_top_tier_an_escalation_calls_on_the_top_tier_again(as_, investigating):
    for _ in range(3):
        step(as_("supervisor"), investigating, "escalate", reason="升级")

    complaint = Complaint.objects.get(number=investigating)
    assert complaint.tier == 3
    assert [event.data["to_tier"] for event in complaint.events.filter(kind="escalated")] == [2, 3, 3]


def test_a_colleague_who_is_not_the_handler_may_not_escalate(as_, investigating):
    step(as_("colleague"), investigating, "escalate", expect=403, reason="x")


@pytest.fixture
def gm_post(db, staff, call_center):
    """A process whose second tier is the GM's office, with a primary and a backup owner."""
    import yaml

    data = yaml.safe_load((LIBRARY / "call_center.yaml").read_text(encoding="utf-8"))
    data["version"] += 1
    data["tiers"][1] = {
        "level": 2,
        "label": {"zh": "总经理办公室", "en": "GM office"},
        "roles": ["general_manager"],
        "seat": "gm_office",
    }
    process_load(document=process_parse(yaml.safe_dump(data, allow_unicode=True)))
    primary = make_staff("gm", Role.GENERAL_MANAGER)
    backup = make_staff("deputy_gm", Role.GENERAL_MANAGER)
    return Seat.objects.create(key="gm_office", primary=primary, backup=backup)


def test_the_post_holder_receives_the_escalation(as_, intake, gm_post):
    number = as_("agent").post("/complaints", intake).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")

    escalated = step(as_("handler"), number, "escalate", reason="重大投诉")

    assert escalated["escalated_to"]["username"] == "gm"


def test_while_the_primary_owner_is_away_the_backup_gets_the_work(as_, intake, gm_post):
    gm_post.primary.is_away = True
    gm_post.primary.save()
    number = as_("agent").post("/complaints", intake).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")

    escalated = step(as_("handler"), number, "escalate", reason="重大投诉")

    assert escalated["escalated_to"]["username"] == "deputy_gm"
    step(as_("agent"), number, "accept-escalation", expect=403)


def test_routing_assigns_new_complaints_to_the_post_holder(db, staff, departments):
    label = {"zh": "x", "en": "x"}
    process_load(
        document=ProcessDocument(
            name="desk",
            version=1,
            label=label,
            channels=["phone"],
            findings={"valid": {"label": label, "valid": True}},
            categories=[{"key": "delivery", "label": label, "findings": ["valid"]}],
            routing=[
                {"when": {"keywords": ["配送"]}, "department": "logistics", "seat": "delivery_desk"},
                {"department": "service"},
            ],
        ),
        make_default=True,
    )
    Seat.objects.create(key="delivery_desk", department=departments["logistics"], primary=staff["colleague"])
    from kesu.conftest import PHONE_INTAKE, Api

    agent = Api(user=staff["agent"])
    routed = agent.post("/complaints", {**PHONE_INTAKE, "category": "delivery", "description": "配送延误"}).json()
    other = agent.post("/complaints", {**PHONE_INTAKE, "category": "delivery", "description": "态度差"}).json()

    assert (routed["status"]["key"], routed["assignee"]["username"]) == ("assigned", "colleague")
    assert routed["department"]["code"] == "logistics"
    assert (other["status"]["key"], other["assignee"], other["department"]["code"]) == ("new", None, "service")


def test_a_post_holder_involved_in_the_complaint_is_passed_over_for_the_backup(as_, intake, gm_post):
    number = as_("agent").post("/complaints", intake).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")
    as_("handler").put(f"/complaints/{number}/involved", {"version": 2, "staff": ["gm"]})

    escalated = step(as_("handler"), number, "escalate", reason="总经理本人被投诉")

    assert escalated["escalated_to"]["username"] == "deputy_gm"
