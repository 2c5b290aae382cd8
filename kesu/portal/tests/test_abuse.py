"""防刷: the portal's limits, kept in the database — per address, per phone, per complaint number —
refuse with a clear message past the limit, and a wrong code five times locks the look-up."""

import datetime as dt

import pytest
from django.test import Client

from kesu.complaints.models import Complaint
from kesu.portal.codes import code_check
from kesu.portal.models import CodePurpose
from kesu.portal.tests.conftest import PHONE, complaint_form, solved_challenge
from kesu.portal.throttle import Limit, throttle_hit, throttles_forget


def test_past_the_limit_the_submits_from_one_address_are_refused_with_a_clear_message(retail):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", REMOTE_ADDR="198.51.100.9")
    good = [
        client.post("/portal/retail/", complaint_form(client, phone=f"139000000{n:02d}")).status_code for n in range(10)
    ]
    # the next 90 of the minute: refused before anything else is looked at, so no need to solve the challenge
    refused = [client.post("/portal/retail/", complaint_form(client, altcha="x")) for _ in range(90)]

    assert good == [302] * 10
    assert {response.status_code for response in refused} == {429}
    assert "您所在网络一小时内提交的投诉过多" in refused[-1].content.decode()
    assert Complaint.objects.count() == 10


def test_another_address_may_still_send(retail, settings):
    settings.PORTAL_SUBMITS_PER_ADDRESS_HOUR = 1
    first = Client(REMOTE_ADDR="198.51.100.1")
    second = Client(REMOTE_ADDR="198.51.100.2")
    first.post("/portal/retail/", complaint_form(first))

    assert first.post("/portal/retail/", complaint_form(first)).status_code == 429
    assert second.post("/portal/retail/", complaint_form(second, phone="13900009999")).status_code == 302


def test_one_phone_sends_at_most_five_complaints_a_day(retail):
    responses = []
    for n in range(6):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", REMOTE_ADDR=f"198.51.100.{n + 10}")
        responses.append(client.post("/portal/retail/", complaint_form(client)))

    assert [response.status_code for response in responses] == [302] * 5 + [429]
    assert "该手机号今日提交的投诉过多" in responses[-1].content.decode()


def test_behind_a_trusted_proxy_the_customers_own_address_counts(retail, settings):
    settings.TRUSTED_PROXIES, settings.PORTAL_SUBMITS_PER_ADDRESS_HOUR = 1, 1
    proxy = "10.0.0.1"
    alice = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.1")
    bob = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.2")

    assert alice.post("/portal/retail/", complaint_form(alice)).status_code == 302
    assert bob.post("/portal/retail/", complaint_form(bob, phone="13900008888")).status_code == 302


@pytest.fixture
def sent(retail):
    client = Client()
    client.post("/portal/retail/", complaint_form(client))
    return Complaint.objects.get()


def ask_for_code(client: Client, number: str):
    return client.post("/track/", {"number": number, "phone": PHONE, "altcha": solved_challenge(client)})


def test_a_wrong_code_five_times_locks_the_lookup_for_that_number(sent, sms):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    ask_for_code(client, sent.number)
    [code] = sms.codes()
    wrong = "000000" if code != "000000" else "111111"

    tries = [client.post("/track/code/", {"code": wrong}).status_code for _ in range(5)]
    with_the_right_code = client.post("/track/code/", {"code": code})
    from_elsewhere = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", REMOTE_ADDR="192.0.2.44")
    asked_again = ask_for_code(from_elsewhere, sent.number)

    assert tries == [422, 422, 422, 422, 429]
    assert with_the_right_code.status_code == 429
    assert "查询已锁定一小时" in with_the_right_code.content.decode()
    assert asked_again.status_code == 429
    assert sms.codes() == [code]  # no new code went out for the locked number


def test_a_second_code_within_a_minute_is_refused_with_the_reason(sent, sms):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    ask_for_code(client, sent.number)

    again = ask_for_code(client, sent.number)

    assert again.status_code == 429 and "验证码刚刚已发送" in again.content.decode()
    assert len(sms.codes()) == 1


def test_a_code_is_good_once_and_only_for_five_minutes(sent, sms, travel):
    client = Client()
    ask_for_code(client, sent.number)
    [code] = sms.codes()

    assert code_check(phone="+86" + PHONE, purpose=CodePurpose.TRACK, code=code)
    assert not code_check(phone="+86" + PHONE, purpose=CodePurpose.TRACK, code=code)


def test_an_old_code_no_longer_opens_the_complaint(sent, sms, travel):
    from django.utils import timezone

    client = Client()
    ask_for_code(client, sent.number)
    [code] = sms.codes()
    travel(timezone.now() + dt.timedelta(minutes=6))

    assert client.post("/track/code/", {"code": code}).status_code == 422


def test_the_portals_pages_are_limited_per_address(retail, settings):
    settings.PORTAL_REQUESTS_PER_ADDRESS_HOUR = 3
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")

    statuses = [client.get("/portal/privacy/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_a_limit_counts_per_window_and_old_windows_are_forgotten(db):
    minute = Limit(2, dt.timedelta(minutes=1))
    now = dt.datetime(2026, 12, 4, 10, 0, 30, tzinfo=dt.UTC)

    assert [throttle_hit("k", minute, now=now) for _ in range(3)] == [True, True, False]
    assert throttle_hit("k", minute, now=now + dt.timedelta(minutes=1))
    assert throttles_forget(older_than=dt.timedelta(0)) == 2
