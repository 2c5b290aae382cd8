"""The outbox pages: what Kesu sends, for those who may send it again — recipients masked, nothing given away."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.conftest import make_staff
from kesu.notifications.models import DeliveryAttempt, DeliveryStatus
from kesu.web.tests.conftest import htmx
from kesu.web.tests.test_i18n import visible_text


def shown(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-delivery="(\d+)"', html)]


@pytest.fixture
def failed(delivery, assigned):
    return delivery(
        channel="sms",
        recipient="+8613812341234",
        kind="acknowledgement",
        complaint=assigned,
        status=DeliveryStatus.FAILED,
        attempts=6,
        last_error="isv.MOBILE_NUMBER_ILLEGAL",
    )


def test_a_handler_may_not_see_the_outbox(page, failed):
    for name in ["handler", "agent", "supervisor", "follow_up"]:
        client = page(name)
        assert client.get("/outbox/").status_code == 403, name
        assert client.get(f"/outbox/{failed.pk}/").status_code == 403, name
        assert client.post(f"/outbox/{failed.pk}/send-again/").status_code == 403, name
        assert 'href="/outbox/"' not in client.get("/").content.decode(), name
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.FAILED


def test_managers_directors_general_managers_and_the_admin_see_the_outbox(page, staff, admin, failed):
    people = [
        staff["manager"],
        make_staff("director", Role.DIRECTOR),
        make_staff("general_manager", Role.GENERAL_MANAGER),
        admin,
    ]
    for person in people:
        client = page("outsider")
        client.force_login(person)
        assert 'href="/outbox/"' in client.get("/").content.decode(), person
        assert shown(client.get("/outbox/").content.decode()) == [failed.pk], person
        assert client.get(f"/outbox/{failed.pk}/").status_code == 200, person


def test_the_outbox_shows_waiting_and_failed_deliveries_newest_first_by_default(page, delivery):
    pending = delivery(minutes_ago=4)
    sending = delivery(minutes_ago=3, status=DeliveryStatus.SENDING, attempts=1)
    sent = delivery(minutes_ago=2, status=DeliveryStatus.SENT, attempts=1, sent_at=timezone.now())
    failed = delivery(minutes_ago=1, status=DeliveryStatus.FAILED, attempts=6, last_error="550 no such user")

    html = page("manager").get("/outbox/").content.decode()

    assert shown(html) == [failed.pk, sending.pk, pending.pk]
    assert "共 3 条发送记录" in html
    assert shown(page("manager").get("/outbox/", {"status": "sent"}).content.decode()) == [sent.pk]
    assert len(shown(page("manager").get("/outbox/", {"status": "all"}).content.decode())) == 4


def test_the_outbox_filters_by_status_and_channel(page, delivery):
    email = delivery(status=DeliveryStatus.FAILED)
    sms = delivery(channel="sms", recipient="+8613812341234", kind="progress", status=DeliveryStatus.FAILED)
    delivery(channel="sms", recipient="+8613812341234", kind="progress")

    html = page("manager").get("/outbox/", {"status": "failed", "channel": "sms"}).content.decode()

    assert shown(html) == [sms.pk]
    assert shown(page("manager").get("/outbox/", {"channel": "email"}).content.decode()) == [email.pk]
    assert "没有符合条件的发送记录。" in page("manager").get("/outbox/", {"channel": "feishu"}).content.decode()


def test_the_outbox_masks_every_recipient(page, delivery, staff):
    from kesu.notifications.models import Robot, WebhookEndpoint

    robot = Robot.objects.create(name="客服群机器人", kind="wecom", url="https://qyapi.weixin.qq.com/x?key=SECRET-KEY")
    endpoint = WebhookEndpoint.objects.create(name="ERP", url="https://erp.example.com/hooks/kesu?token=SECRET-TOKEN")
    delivery(channel="sms", recipient="+8613812341234", kind="acknowledgement")
    delivery(channel="email", recipient="zhang.san@example.com")
    delivery(channel="wecom", recipient=robot.name, kind="new_urgent", robot=robot)
    delivery(channel="webhook", recipient=endpoint.url, kind="complaint.assigned", endpoint=endpoint)

    html = page("manager").get("/outbox/").content.decode()
    recipients = re.findall(r"<td[^>]*data-recipient>([^<]*)</td>", html)

    assert sorted(recipients) == sorted(["138****1234", "z***@example.com", "客服群机器人", "erp.example.com"])
    for secret in ["13812341234", "zhang.san", "SECRET", "/hooks/kesu", "qyapi"]:
        assert secret not in html, secret


def test_the_outbox_names_channels_and_messages(page, delivery):
    delivery(channel="sms", recipient="+8613812341234", kind="acknowledgement")
    delivery(channel="email", kind="assigned_to_you")
    delivery(channel="wecom", recipient="客服群", kind="breach")
    delivery(channel="webhook", recipient="https://erp.example.com/h", kind="complaint.resolved")
    delivery(channel="webhook", recipient="https://erp.example.com/h", kind="complaint.test_ping")

    chinese = visible_text(page("manager").get("/outbox/").content.decode())
    english = visible_text(page("manager", "en").get("/outbox/").content.decode())

    for label in ["短信", "电子邮件", "企业微信群机器人", "有投诉分派给您", "受理回执"]:
        assert label in chinese, label
    for label in ["SMS", "E-mail", "WeCom group robot", "A complaint was assigned to you", "Acknowledgement"]:
        assert label in english, label
    assert "A deadline was missed" in english and "Resolved" in english
    assert "complaint.test_ping" in english  # a key Kesu has no name for is shown as it is
    assert "assigned_to_you" not in english and "acknowledgement" not in english


def test_each_delivery_links_to_its_complaint(page, failed, assigned):
    html = page("manager").get("/outbox/").content.decode()

    assert f'<a href="/complaints/{assigned.number}/">{assigned.number}</a>' in html
    assert f'href="/outbox/{failed.pk}/"' in html


def test_the_outbox_reads_as_many_queries_for_many_rows_as_for_one(page, delivery, assigned, take_in):
    client = page("manager")
    delivery(complaint=assigned, status=DeliveryStatus.FAILED)
    client.get("/outbox/")
    with CaptureQueriesContext(connection) as one:
        client.get("/outbox/")
    for index in range(24):
        delivery(complaint=take_in(phone=f"1391234{index:04d}"), channel="sms", recipient="+8613912340000")

    with CaptureQueriesContext(connection) as many:
        assert len(shown(client.get("/outbox/").content.decode())) == 25

    assert len(many) == len(one) <= 10


def test_the_outbox_comes_in_pages(page, delivery):
    for minutes in range(30):
        delivery(minutes_ago=minutes)

    first = page("manager").get("/outbox/").content.decode()
    second = page("manager").get("/outbox/", {"page": "2", "channel": "email"}).content.decode()

    assert len(shown(first)) == 25 and len(shown(second)) == 5
    assert "第 2 页，共 2 页" in second
    assert 'href="?channel=email&amp;page=1"' in second


def test_a_delivery_shows_its_tries(page, failed):
    DeliveryAttempt.objects.create(
        delivery=failed, ok=False, response_code="isv.BUSINESS_LIMIT_CONTROL", duration_ms=87
    )
    DeliveryAttempt.objects.create(delivery=failed, ok=False, error="timed out", duration_ms=10000)

    html = page("manager").get(f"/outbox/{failed.pk}/").content.decode()

    tries = re.search(r'<ol [^>]*id="delivery-tries".*?</ol>', html, re.S).group(0)
    assert tries.count("data-try") == 2
    assert tries.index("isv.BUSINESS_LIMIT") < tries.index("timed out")
    assert "87 毫秒" in tries and "10000 毫秒" in tries
    assert "138****1234" in html and "13812341234" not in html
    assert "isv.MOBILE_NUMBER_ILLEGAL" in html


def test_a_manager_sends_a_failed_delivery_again(page, failed):
    assert 'id="send-again"' in page("manager").get(f"/outbox/{failed.pk}/").content.decode()

    response = page("manager").post(f"/outbox/{failed.pk}/send-again/")

    assert response.status_code == 302 and response["Location"] == f"/outbox/{failed.pk}/"
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.PENDING and failed.attempts == 0
    assert failed.next_attempt_at <= timezone.now()
    assert page("manager").get(f"/outbox/{failed.pk}/send-again/").status_code == 405


def test_a_sent_or_sending_delivery_is_not_offered_again(page, delivery):
    sent = delivery(status=DeliveryStatus.SENT, attempts=1, sent_at=timezone.now())
    sending = delivery(status=DeliveryStatus.SENDING, attempts=1)

    for each in (sent, sending):
        assert 'id="send-again"' not in page("manager").get(f"/outbox/{each.pk}/").content.decode()


def test_an_unknown_delivery_is_not_found(page):
    assert page("manager").get("/outbox/999999/").status_code == 404
    assert page("manager").post("/outbox/999999/send-again/").status_code == 404


def test_filtering_in_place_answers_with_the_results_only(page, delivery):
    failed = delivery(status=DeliveryStatus.FAILED)
    delivery()

    response = htmx(page("manager"), "get", "/outbox/", {"status": "failed"}, HTTP_HX_TARGET="list-results")

    html = response.content.decode()
    assert "<html" not in html and shown(html) == [failed.pk]
