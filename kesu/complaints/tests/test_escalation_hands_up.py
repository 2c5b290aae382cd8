"""逐级上报: the tier that accepts an escalation takes the case over, unless it only advises, and the
handler before keeps it in view; an escalation looks for the tier's people in the complaint's
department and the departments above it, never elsewhere, and says so when it finds nobody."""

import pytest
from django.test import Client

from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint, Event
from kesu.complaints.tests.helpers import bring_to_investigation, call_center_variant, step
from kesu.conftest import Api, make_staff
from kesu.notifications.models import Notification


def escalated(as_, number: str) -> dict:
    return step(as_("handler"), number, "escalate", reason="客户要求主管处理")


def test_the_supervisor_who_accepts_takes_the_case_and_the_handler_keeps_it_in_view(as_, intake, staff):
    number = bring_to_investigation(as_, intake)
    escalated(as_, number)

    accepted = step(as_("supervisor"), number, "accept-escalation")

    assert accepted["assignee"]["username"] == "supervisor"
    complaint = Complaint.objects.get(number=number)
    assert list(complaint.helpers.values_list("username", flat=True)) == ["handler"]
    event = Event.objects.get(complaint=complaint, kind="escalation_accepted")
    assert (event.data["assignee"], event.data["previous"]) == ("supervisor", "handler")


def test_a_handler_from_elsewhere_still_sees_the_case_handed_up(as_, intake, staff, departments):
    outside = make_staff("courier_lead", Role.HANDLER, department=departments["logistics"])
    colleague = make_staff("courier", Role.HANDLER, department=departments["logistics"])
    number = as_("agent").post("/complaints", intake).json()["number"]
    step(as_("agent"), number, "assign", assignee="courier_lead")
    lead = Api(user=outside)
    step(lead, number, "start-investigation")
    step(lead, number, "escalate", reason="超出权限")
    step(as_("supervisor"), number, "accept-escalation")

    assert lead.get(f"/complaints/{number}").status_code == 200  # a helper now
    assert Api(user=colleague).get(f"/complaints/{number}").status_code == 404


def test_a_tier_that_only_advises_leaves_the_case_with_its_handler(as_, intake, call_center):
    tiers = [tier.model_dump(mode="json", exclude_none=True) for tier in call_center.spec.tiers]
    tiers[1]["advises"] = True
    call_center_variant(tiers=tiers)
    number = bring_to_investigation(as_, intake)
    escalated(as_, number)

    accepted = step(as_("supervisor"), number, "accept-escalation")

    assert accepted["assignee"]["username"] == "handler"
    assert not Complaint.objects.get(number=number).helpers.exists()


@pytest.fixture
def elsewhere(departments):
    """A supervisor of another department, who must never be told of this department's escalations."""
    return make_staff("logistics_supervisor", Role.SUPERVISOR, department=departments["logistics"])


def complaint_of(as_, intake, department) -> str:
    """A complaint under investigation that belongs to `department`."""
    number = bring_to_investigation(as_, intake)
    Complaint.objects.filter(number=number).update(department=department)
    return number


def test_a_department_without_the_tier_asks_the_department_above_it(as_, intake, staff, departments, elsewhere):
    departments["quality"].parent = departments["service"]
    departments["quality"].save()
    number = complaint_of(as_, intake, departments["quality"])

    escalated(as_, number)

    told = Notification.objects.filter(kind="escalated_to_you").values_list("user__username", flat=True)
    assert list(told) == ["supervisor"]


def test_nobody_at_the_tier_is_said_so_and_nobody_elsewhere_is_told(as_, intake, staff, departments, elsewhere):
    number = complaint_of(as_, intake, departments["quality"])

    escalated(as_, number)

    assert not Notification.objects.filter(kind="escalated_to_you").exists()
    event = Event.objects.get(complaint__number=number, kind="escalated")
    assert (event.data["nobody"], event.data["notified"]) == (True, [])
    supervisor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    supervisor.force_login(staff["supervisor"])
    page = supervisor.get(f"/complaints/{number}/")
    assert "部门及其上级部门都没有人担任这一层级" in page.content.decode()
