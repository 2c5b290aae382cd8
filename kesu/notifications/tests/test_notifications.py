from kesu.complaints.tests.helpers import step
from kesu.notifications.models import Delivery, NotificationKind, NotificationPreference
from kesu.notifications.outbox import outbox_send


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


def test_a_notification_reaches_the_smtp_server_once_threaded_by_its_complaint(as_, intake, staff, smtp_server):
    staff["handler"].email = "handler@example.com"
    staff["handler"].save()
    number = as_("agent").post("/complaints", intake).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")

    assert outbox_send() == 1
    assert outbox_send() == 0
    [message] = smtp_server.messages
    assert message["To"] == "handler@example.com"
    assert str(message["Subject"]).strip() == f"[客诉] 投诉 {number} 已分派给您。"
    assert message["References"] == f"<{number}@kesu.example>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_charset() == "utf-8"
    assert f"/complaints/{number}/" in message.get_content()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.provider_ref) == ("sent", 1, message["Message-ID"])


def test_a_kind_turned_off_by_its_reader_is_not_emailed(as_, intake, staff, smtp_server):
    staff["handler"].email = "handler@example.com"
    staff["handler"].save()
    NotificationPreference.objects.create(
        user=staff["handler"], kind=NotificationKind.ASSIGNED_TO_YOU, channel="email", enabled=False
    )
    number = as_("agent").post("/complaints", intake).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")

    assert not Delivery.objects.exists()
    assert as_("handler").get("/notifications").json()[0]["complaint"] == number


def test_without_email_set_up_nothing_is_queued(as_, intake, staff):
    staff["handler"].email = "handler@example.com"
    staff["handler"].save()
    number = as_("agent").post("/complaints", intake).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")

    assert not Delivery.objects.exists()


def test_an_address_the_server_refuses_fails_at_once_and_the_others_still_go(as_, intake, staff, smtp_server):
    smtp_server.refuse["handler@example.com"] = (550, "No such user")
    staff["handler"].email = "handler@example.com"
    staff["handler"].save()
    staff["colleague"].email = "colleague@example.com"
    staff["colleague"].save()
    for assignee in ("handler", "colleague"):
        number = as_("agent").post("/complaints", intake).json()["number"]
        step(as_("agent"), number, "assign", assignee=assignee)

    assert outbox_send() == 1
    refused = Delivery.objects.get(recipient="handler@example.com")
    assert (refused.status, refused.last_error) == ("failed", "No such user")
    assert refused.tries.get().response_code == "550"
    assert [message["To"] for message in smtp_server.messages] == ["colleague@example.com"]
