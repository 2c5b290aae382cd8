"""/api/v1/notifications (one's own inbox) and /api/v1/outbox (for those who may send again)."""

import pytest
from django.utils import timezone

from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import step
from kesu.conftest import Api
from kesu.notifications.models import DeliveryStatus, Notification


@pytest.fixture
def number(as_, intake):
    """A complaint assigned to the handler: the handler has one notification."""
    number = as_("agent").post("/complaints", intake).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")
    return number


@pytest.fixture
def assigned_complaint(number):
    return Complaint.objects.get(number=number)


def test_my_notifications_say_where_they_lead(as_, number):
    [item] = as_("handler").get("/notifications").json()

    assert item["link"] == f"/complaints/{number}/"
    assert item["read"] is False
    assert as_("colleague").get("/notifications").json() == []


def test_marking_one_read_leaves_the_others_unread(as_, number, staff):
    step(as_("supervisor"), number, "assign", assignee="colleague")
    step(as_("supervisor"), number, "assign", assignee="handler")
    first, second = as_("handler").get("/notifications").json()

    assert as_("handler").post(f"/notifications/{second['id']}/read").json()["read"] is True
    assert [item["id"] for item in as_("handler").get("/notifications", {"unread": True}).json()] == [first["id"]]
    assert as_("colleague").post(f"/notifications/{first['id']}/read").status_code == 404


def test_read_all_marks_all_of_mine_and_no_one_elses(as_, number, staff):
    step(as_("supervisor"), number, "assign", assignee="colleague")

    response = as_("handler").post("/notifications/read-all")

    assert response.status_code == 200 and response.json() == {"marked": 1}
    assert as_("handler").get("/notifications", {"unread": True}).json() == []
    assert Notification.objects.filter(user=staff["colleague"], read_at=None).count() == 1
    assert as_("handler").post("/notifications/read-all").json() == {"marked": 0}


def test_the_inbox_needs_a_token(db):
    assert Api().get("/notifications").status_code == 401
    assert Api().post("/notifications/read-all").json()["code"] == "unauthenticated"


# ---- the outbox ----------------------------------------------------------------------------------


def test_a_handler_may_not_see_the_outbox(as_, delivery, staff):
    failed = delivery(status=DeliveryStatus.FAILED)
    for name in ["handler", "agent", "supervisor", "follow_up", "finance"]:
        listed = as_(name).get("/outbox")
        retried = as_(name).post(f"/outbox/{failed.pk}/retry")

        assert listed.status_code == 403 and retried.status_code == 403, name
        assert listed.json() == {"detail": "您的角色无权执行此操作。", "code": "forbidden", "errors": []}
        assert retried.json()["code"] == "forbidden"
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.FAILED


def test_the_outbox_lists_waiting_and_failed_deliveries_newest_first(as_, delivery, staff, assigned_complaint):
    pending = delivery(minutes_ago=3, complaint=assigned_complaint)
    delivery(minutes_ago=2, status=DeliveryStatus.SENT, sent_at=timezone.now())
    failed = delivery(minutes_ago=1, status=DeliveryStatus.FAILED, attempts=6, last_error="550 no such user")

    page = as_("manager").get("/outbox").json()

    assert [item["id"] for item in page["items"]] == [failed.pk, pending.pk]
    assert page["has_next"] is False and page["page"] == 1
    first = page["items"][0]
    assert first["status"] == {"key": "failed", "label": "发送失败"}
    assert first["channel"] == {"key": "email", "label": "电子邮件"}
    assert first["kind"] == {"key": "assigned_to_you", "label": "有投诉分派给您"}
    assert first["attempts"] == 6 and first["last_error"] == "550 no such user"
    assert first["next_attempt_at"] is None and first["complaint"] is None
    assert page["items"][1]["complaint"] == assigned_complaint.number
    assert page["items"][1]["next_attempt_at"] is not None


def test_the_outbox_filters_by_status_and_channel_and_pages(as_, delivery):
    sms = [delivery(minutes_ago=minute, channel="sms", recipient="+8613812341234") for minute in range(3)]
    delivery(channel="sms", recipient="+8613812341234", status=DeliveryStatus.SENT)
    delivery(status=DeliveryStatus.FAILED)

    first = as_("manager").get("/outbox", {"channel": "sms", "status": "pending", "page_size": 2}).json()
    second = as_("manager").get("/outbox", {"channel": "sms", "status": "pending", "page_size": 2, "page": 2}).json()

    assert [item["id"] for item in first["items"]] == [sms[0].pk, sms[1].pk] and first["has_next"] is True
    assert [item["id"] for item in second["items"]] == [sms[2].pk] and second["has_next"] is False
    assert len(as_("manager").get("/outbox", {"status": "all"}).json()["items"]) == 5
    assert as_("manager").get("/outbox", {"status": "lost"}).status_code == 422
    assert as_("manager").get("/outbox", {"channel": "pigeon"}).status_code == 422


def test_the_outbox_api_masks_recipients_too(as_, delivery):
    delivery(channel="sms", recipient="+8613812341234")
    delivery(channel="email", recipient="zhang.san@example.com")
    delivery(channel="dingtalk", recipient="售后群", kind="escalation")
    delivery(channel="webhook", recipient="https://erp.example.com/in?token=SECRET", kind="complaint.closed")

    response = as_("manager", "en").get("/outbox")
    items = response.json()["items"]

    assert sorted(item["recipient"] for item in items) == sorted(
        ["138****1234", "z***@example.com", "售后群", "erp.example.com"]
    )
    assert "SECRET" not in response.content.decode() and "13812341234" not in response.content.decode()
    assert {item["kind"]["label"] for item in items} >= {"A complaint was escalated", "Closed"}


def test_a_manager_sends_a_failed_delivery_again(as_, delivery):
    failed = delivery(status=DeliveryStatus.FAILED, attempts=6, last_error="550")

    response = as_("manager").post(f"/outbox/{failed.pk}/retry")

    assert response.status_code == 200
    assert response.json()["status"]["key"] == "pending" and response.json()["attempts"] == 0
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.PENDING and failed.next_attempt_at <= timezone.now()


def test_the_admin_may_send_again_too_and_an_unknown_delivery_is_not_found(staff, admin, delivery):
    api = Api(user=admin)
    failed = delivery(status=DeliveryStatus.FAILED, attempts=6)

    assert api.post(f"/outbox/{failed.pk}/retry").json()["status"]["key"] == "pending"
    assert api.post("/outbox/999999/retry").json()["code"] == "not_found"
