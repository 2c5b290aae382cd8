from django.core import mail

from kesu.complaints.tests.helpers import step
from kesu.notifications.models import Notification
from kesu.notifications.services import notifications_email_pending


def test_the_handler_is_told_a_complaint_was_assigned_to_them(as_, intake):
    number = as_("agent").post("/complaints", intake).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")

    inbox = as_("handler").get("/notifications").json()

    assert [(item["kind"], item["complaint"]) for item in inbox] == [("assigned_to_you", number)]
    assert inbox[0]["text"] == f"投诉 {number} 已分派给您。"
    assert as_("colleague").get("/notifications").json() == []


def test_a_notification_is_marked_read_by_its_owner_only(as_, intake):
    number = as_("agent").post("/complaints", intake).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")
    [item] = as_("handler").get("/notifications").json()

    assert as_("colleague").post(f"/notifications/{item['id']}/read").status_code == 404
    assert as_("handler").post(f"/notifications/{item['id']}/read").json()["read"] is True
    assert as_("handler").get("/notifications", {"unread": True}).json() == []


def test_notifications_are_emailed_once_when_email_is_set_up(as_, intake, staff, settings):
    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff["handler"].email = "handler@example.com"
    staff["handler"].save()
    number = as_("agent").post("/complaints", intake).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")

    assert notifications_email_pending() == 1
    assert notifications_email_pending() == 0
    [message] = mail.outbox
    assert message.to == ["handler@example.com"]
    assert number in message.subject


def test_without_email_set_up_nothing_is_sent(as_, intake, staff):
    staff["handler"].email = "handler@example.com"
    staff["handler"].save()
    number = as_("agent").post("/complaints", intake).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")

    assert notifications_email_pending() == 0
    assert Notification.objects.get().emailed_at is None
