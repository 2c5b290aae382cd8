"""A tier's `also_notify`: people who are told that a complaint reached the tier without being handed
it (auto_dealer: "第一时间通知客服总监做报备"). Roles are looked for nearest the complaint's department,
as the tier's own roles are; departments and posts are named; staff involved in the complaint are
never told."""

import pytest

from kesu.accounts.models import Seat
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import api_version, bring_to_investigation, call_center_variant, step
from kesu.notifications.models import Notification


@pytest.fixture
def told_on_tier_2(call_center, staff):
    """The call centre, whose tier 2 (the supervisor) is also told to the manager, the quality
    department and the holder of the GM's post."""
    Seat.objects.create(key="general_manager", primary=staff["finance"])
    tiers = [tier.model_dump(mode="json", exclude_none=True) for tier in call_center.spec.tiers]
    tiers[1]["also_notify"] = ["manager", {"department": "quality"}, {"seat": "general_manager"}]
    return call_center_variant(version=call_center.spec.version + 1, tiers=tiers)


def reported_to(number: str) -> list[str]:
    told = Notification.objects.filter(kind="escalation_reported", complaint__number=number)
    return sorted(told.values_list("user__username", flat=True))


def test_going_up_tells_the_named_roles_departments_and_posts_while_the_tier_takes_it(as_, intake, told_on_tier_2):
    number = bring_to_investigation(as_, intake)

    escalated = step(as_("handler"), number, "escalate", reason="客户要求主管处理")

    assert (escalated["tier"], escalated["assignee"]["username"]) == (2, "handler")
    assert reported_to(number) == ["finance", "manager", "quality_clerk"]
    event = Complaint.objects.get(number=number).events.get(kind="escalated")
    assert (event.data["notified"], sorted(event.data["told"])) == (
        ["supervisor"],
        ["finance", "manager", "quality_clerk"],
    )
    assert Notification.objects.filter(user__username="supervisor", kind="escalated_to_you").count() == 1
    assert not Notification.objects.filter(user__username="supervisor", kind="escalation_reported").exists()


def test_staff_involved_in_the_complaint_are_not_told(as_, intake, told_on_tier_2):
    number = bring_to_investigation(as_, intake)
    involved = as_("handler").put(
        f"/complaints/{number}/involved", {"version": api_version(as_("handler"), number), "staff": ["manager"]}
    )
    assert involved.status_code == 200, involved.content.decode()

    step(as_("handler"), number, "escalate", reason="客户投诉经理本人")

    assert reported_to(number) == ["finance", "quality_clerk"]


def test_a_tier_without_also_notify_tells_nobody_else(as_, intake):
    number = bring_to_investigation(as_, intake)

    step(as_("handler"), number, "escalate", reason="客户要求主管处理")

    assert reported_to(number) == []
    assert Complaint.objects.get(number=number).events.get(kind="escalated").data["told"] == []
