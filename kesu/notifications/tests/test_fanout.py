"""Events reach the company's webhooks and the departments' group robots, in their own transaction."""

import datetime as dt

from django.utils import timezone

from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.tests.helpers import step
from kesu.notifications.alerts import robot_digests_run
from kesu.notifications.models import Delivery, Robot, WebhookEndpoint


def webhook(name: str, event_types=()) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name=name, url=f"https://{name}.example/hooks", event_types=list(event_types), secret="whsec_" + "A" * 44
    )


def test_each_event_is_posted_to_the_webhooks_that_listen_for_it(as_, intake):
    every = webhook("erp")
    received_only = webhook("crm", ["complaint.received"])
    webhook("off").__class__.objects.filter(name="off").update(is_active=False)

    number = as_("agent").post("/complaints", intake).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")

    posted = Delivery.objects.filter(channel="webhook").order_by("pk")
    assert [(d.endpoint.name, d.kind) for d in posted] == [
        ("erp", "complaint.received"),
        ("crm", "complaint.received"),
        ("erp", "complaint.assigned"),
    ]
    body = posted[0].payload
    assert body["type"] == "complaint.received"
    assert body["data"]["number"] == number
    assert "customer" not in body["data"]
    assert {every.pk, received_only.pk} == set(posted.values_list("endpoint", flat=True))


def test_a_missed_deadline_and_its_escalation_alert_the_departments_robot(as_, intake, departments):
    robot = Robot.objects.create(
        name="客服部群",
        kind="wecom",
        url="https://qyapi.example/send?key=k",
        department=departments["service"],
        alerts=["breach", "escalation"],
    )
    Robot.objects.create(
        name="物流部群",
        kind="dingtalk",
        url="https://oapi.example/send?access_token=t",
        department=departments["logistics"],
        alerts=["breach", "escalation"],
    )
    received = (timezone.now() - dt.timedelta(days=30)).isoformat()
    number = as_("agent").post("/complaints", {**intake, "received_at": received}).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")

    clocks_sweep()

    alerts = Delivery.objects.filter(robot=robot).order_by("pk")
    assert {alert.kind for alert in alerts} >= {"breach", "escalation"}
    assert all(number in alert.subject for alert in alerts)
    assert all(f"/complaints/{number}/" in alert.body for alert in alerts)
    assert all("张三" not in alert.body and "13812345678" not in alert.body for alert in alerts)
    assert not Delivery.objects.exclude(robot=robot).filter(robot__isnull=False).exists()


def test_a_new_high_priority_complaint_alerts_the_robot_and_a_medium_one_does_not(as_, intake):
    Robot.objects.create(name="值班群", kind="feishu", url="https://open.example/hook/x", alerts=["new_urgent"])

    as_("agent").post("/complaints", intake)
    urgent = as_("agent").post("/complaints", {**intake, "priority": "high"}).json()["number"]

    [alert] = Delivery.objects.filter(robot__isnull=False)
    assert (alert.kind, alert.channel) == ("new_urgent", "feishu")
    assert urgent in alert.subject


def test_the_daily_digest_goes_once_a_day_from_nine(db, travel):
    Robot.objects.create(name="管理群", kind="wecom", url="https://qyapi.example/send?key=k", alerts=["daily_digest"])
    morning = timezone.make_aware(dt.datetime(2026, 12, 3, 8, 59))

    assert robot_digests_run(morning) == 0
    assert robot_digests_run(morning + dt.timedelta(minutes=2)) == 1
    assert robot_digests_run(morning + dt.timedelta(hours=3)) == 0
    assert robot_digests_run(morning + dt.timedelta(days=1, minutes=2)) == 1
    [first, _second] = Delivery.objects.order_by("pk")
    assert "2026-12-03" in first.subject
