"""Group robots against local stand-ins for WeCom, DingTalk and Feishu.

Each stand-in is the vendor as its documents describe it: it checks the key or token in the address
and recomputes the documented signature from the request and the secret the test gave the robot
(written here from the documents, never borrowed from Kesu), and answers with the vendor's
documented bodies: success only if everything matches.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import time

import pytest
from werkzeug import Request, Response

from kesu.notifications.channels.robots import dingtalk_sign, feishu_sign
from kesu.notifications.models import Delivery, DeliveryStatus, Robot
from kesu.notifications.outbox import deliveries_enqueue, outbox_send

pytestmark = pytest.mark.django_db

KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
TOKEN = "d3f5e8c1a2b4kesu"
SECRET = "SEC0123456789abcdef"
PATHS = {"wecom": "/cgi-bin/webhook/send", "dingtalk": "/robot/send", "feishu": "/open-apis/bot/v2/hook/kesu"}
SUBJECT = "新的紧急投诉 KS20261123-0042"
TEXT = "### 新的紧急投诉 KS20261123-0042\n> 快递丢件\n[打开投诉](https://kesu.example.com/c/KS20261123-0042)"


class Vendor:
    """A robot's webhook: refuses what the vendor refuses, records the bodies it accepts, and
    answers with `answers` in turn (each a body, or (status, body)), then with success."""

    success: dict

    def __init__(self, secret: str = SECRET):
        self.secret = secret
        self.answers: list = []
        self.received: list[dict] = []

    def __call__(self, request: Request) -> Response:
        refusal = self.refusal(request)
        if refusal:
            return self.reply(200, refusal)
        self.received.append(json.loads(request.get_data()))
        answer = self.answers.pop(0) if self.answers else self.success
        return self.reply(*(answer if isinstance(answer, tuple) else (200, answer)))

    @staticmethod
    def reply(status: int, body) -> Response:
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        return Response(text, status=status, content_type="application/json")


class FakeWeCom(Vendor):
    success = {"errcode": 0, "errmsg": "ok"}

    def refusal(self, request):
        if request.args.get("key") != KEY:
            return {"errcode": 93000, "errmsg": "invalid webhook url, hint: [1700000000_1_abc]"}
        message = json.loads(request.get_data())
        if message.get("msgtype") != "markdown" or not isinstance(message.get("markdown", {}).get("content"), str):
            return {"errcode": 40008, "errmsg": "invalid message type"}
        if len(message["markdown"]["content"].encode()) > 4096:
            return {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"}
        return None


class FakeDingTalk(Vendor):
    success = {"errcode": 0, "errmsg": "ok"}

    def refusal(self, request):
        """The sign is base64(HMAC-SHA256(secret, "<timestamp ms>\\n<secret>")), the timestamp within an hour."""
        if request.args.get("access_token") != TOKEN:
            return {"errcode": 300001, "errmsg": "token is not exist"}
        timestamp = request.args.get("timestamp", "0")
        digest = hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256).digest()
        fresh = abs(time.time() * 1000 - int(timestamp)) < 3600 * 1000
        if not fresh or not hmac.compare_digest(request.args.get("sign", ""), base64.b64encode(digest).decode()):
            return {"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc]"}
        message = json.loads(request.get_data())
        if message.get("msgtype") != "markdown" or not all(message["markdown"].get(k) for k in ("title", "text")):
            return {"errcode": 40035, "errmsg": "缺少参数 markdown"}
        return None


class FakeFeishu(Vendor):
    success = {"code": 0, "data": {}, "msg": "success"}

    def refusal(self, request):
        """The sign is base64(HMAC-SHA256(key "<timestamp s>\\n<secret>", empty message)), within an hour."""
        message = json.loads(request.get_data())
        timestamp = message.get("timestamp", "0")
        digest = hmac.new(f"{timestamp}\n{self.secret}".encode(), b"", hashlib.sha256).digest()
        fresh = abs(time.time() - int(timestamp)) < 3600
        if not fresh or not hmac.compare_digest(message.get("sign", ""), base64.b64encode(digest).decode()):
            return {"code": 19021, "data": {}, "msg": "sign match fail or timestamp is not within one hour"}
        if message.get("msg_type") != "interactive" or "elements" not in message.get("card", {}):
            return {"code": 19002, "data": {}, "msg": "params error, msg_type need"}
        return None


VENDORS = {"wecom": FakeWeCom, "dingtalk": FakeDingTalk, "feishu": FakeFeishu}


@pytest.fixture(params=list(VENDORS))
def kind(request) -> str:
    return request.param


def serve(httpserver, kind: str, secret: str = SECRET) -> Vendor:
    vendor = VENDORS[kind](secret)
    httpserver.expect_request(PATHS[kind], method="POST").respond_with_handler(vendor)
    return vendor


def robot(
    httpserver, kind: str, *, secret: str = SECRET, name: str = "客服部群", alerts=("new_urgent",), **fields
) -> Robot:
    query = {"wecom": f"?key={KEY}", "dingtalk": f"?access_token={TOKEN}", "feishu": ""}[kind]
    url = httpserver.url_for(PATHS[kind]) + query
    return Robot.objects.create(
        name=name, kind=kind, url=url, secret="" if kind == "wecom" else secret, alerts=list(alerts), **fields
    )


def enqueue(bot: Robot, *, key: str = "robot:1:event1", body: str = TEXT, mobiles=()) -> Delivery:
    deliveries_enqueue(
        [
            Delivery(
                channel=bot.kind,
                recipient=bot.name,
                kind="new_urgent",
                subject=SUBJECT,
                body=body,
                payload={"mention_mobiles": list(mobiles)} if mobiles else {},
                idempotency_key=key,
                robot=bot,
            )
        ]
    )
    return Delivery.objects.get(idempotency_key=key)


def reloaded(delivery: Delivery) -> Delivery:
    delivery.refresh_from_db()
    return delivery


# --- The documented signatures -------------------------------------------------------------------


def test_the_dingtalk_sign_is_the_url_encoded_hmac_of_timestamp_and_secret():
    assert dingtalk_sign(SECRET, 1700000000000) == "TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D"


def test_the_feishu_sign_is_the_hmac_keyed_with_timestamp_and_secret_over_nothing():
    assert feishu_sign(SECRET, 1700000000) == "PiO7POLlSx/DM2qf8Dy/XCWeJK3exVnevp5G99LEN2M="


# --- Sending -------------------------------------------------------------------------------------


def test_a_signed_message_is_accepted_and_the_delivery_is_sent(httpserver, kind):
    vendor = serve(httpserver, kind)
    delivery = enqueue(robot(httpserver, kind))

    assert outbox_send() == 1

    delivery = reloaded(delivery)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 1, "")
    assert [(attempt.ok, attempt.response_code) for attempt in delivery.tries.all()] == [(True, "0")]
    [received] = vendor.received
    if kind == "wecom":
        assert received == {"msgtype": "markdown", "markdown": {"content": TEXT}}
    elif kind == "dingtalk":
        assert received["markdown"] == {"title": SUBJECT, "text": TEXT}
    else:
        assert received["card"]["header"]["title"] == {"tag": "plain_text", "content": SUBJECT}
        assert received["card"]["elements"] == [{"tag": "markdown", "content": TEXT}]


def test_a_wrong_secret_or_key_fails_for_good_after_one_attempt(httpserver, kind):
    serve(httpserver, kind, secret="SEC-the-group-has-another")
    bot = robot(httpserver, kind)
    if kind == "wecom":
        Robot.objects.filter(pk=bot.pk).update(url=bot.url.replace(KEY, "revoked-key"))
    delivery = enqueue(bot)

    outbox_send()

    delivery = reloaded(delivery)
    expected = {"wecom": "93000", "dingtalk": "310000", "feishu": "19021"}[kind]
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert delivery.tries.get().response_code == expected
    assert delivery.last_error


@pytest.mark.parametrize(
    ("kind", "answer", "wait"),
    [
        ("wecom", {"errcode": 45009, "errmsg": "api freq out of limit"}, 60),
        ("dingtalk", {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}, 600),
        ("dingtalk", {"errcode": 410100, "errmsg": "发送速度太快而限流"}, 60),
        ("feishu", {"code": 11232, "data": {}, "msg": "frequency limited psm[lark.oapi.app_platform_runtime]"}, 60),
        ("feishu", (429, {"code": 9499, "msg": "Too Many Requests"}), 60),
    ],
)
def test_a_rate_limit_answer_postpones_the_delivery_by_the_vendors_wait(httpserver, kind, answer, wait):
    vendor = serve(httpserver, kind)
    vendor.answers.append(answer)
    delivery = enqueue(robot(httpserver, kind))

    outbox_send()

    delivery = reloaded(delivery)
    attempt = delivery.tries.get()
    assert (delivery.status, delivery.attempts, attempt.ok) == (DeliveryStatus.PENDING, 1, False)
    waited = delivery.next_attempt_at - attempt.at
    assert dt.timedelta(seconds=wait) <= waited <= dt.timedelta(seconds=wait * 1.1 + 1)


def test_a_429_waits_as_retry_after_asks(httpserver):
    httpserver.expect_request(PATHS["wecom"]).respond_with_data("", status=429, headers={"Retry-After": "900"})
    delivery = enqueue(robot(httpserver, "wecom"))

    outbox_send()

    delivery = reloaded(delivery)
    assert (delivery.status, delivery.tries.get().response_code) == (DeliveryStatus.PENDING, "429")
    assert delivery.next_attempt_at - delivery.tries.get().at >= dt.timedelta(seconds=900)


@pytest.mark.parametrize(("status", "body"), [(502, "<html>Bad Gateway</html>"), (200, "<html>portal</html>")])
def test_a_server_error_or_an_answer_that_is_not_the_vendors_json_is_tried_again(httpserver, status, body):
    httpserver.expect_request(PATHS["dingtalk"]).respond_with_data(body, status=status)
    delivery = enqueue(robot(httpserver, "dingtalk"))

    outbox_send()

    delivery = reloaded(delivery)
    assert (delivery.status, delivery.tries.get().response_code) == (DeliveryStatus.PENDING, str(status))


def test_an_older_feishu_status_code_answer_counts_as_sent(httpserver):
    serve(httpserver, "feishu").answers.append({"Extra": None, "StatusCode": 0, "StatusMessage": "success"})
    delivery = enqueue(robot(httpserver, "feishu"))

    outbox_send()

    assert reloaded(delivery).status == DeliveryStatus.SENT


def test_wecom_content_over_4096_bytes_is_cut_on_a_character_boundary(httpserver):
    vendor = serve(httpserver, "wecom")
    long_text = "### 日报\n" + "客户投诉处理进度" * 400  # 9,600 bytes and more
    delivery = enqueue(robot(httpserver, "wecom"), body=long_text)

    outbox_send()

    assert reloaded(delivery).status == DeliveryStatus.SENT
    content = vendor.received[0]["markdown"]["content"]
    assert 4090 <= len(content.encode()) <= 4096
    assert content.endswith("…") and long_text.startswith(content.removesuffix("…"))


def test_dingtalk_mentions_put_the_mobiles_in_at_mobiles_and_at_mobile_in_the_text(httpserver):
    vendor = serve(httpserver, "dingtalk")
    delivery = enqueue(robot(httpserver, "dingtalk"), mobiles=["13800000001", "13900000002"])

    outbox_send()

    assert reloaded(delivery).status == DeliveryStatus.SENT
    [received] = vendor.received
    assert received["at"] == {"atMobiles": ["13800000001", "13900000002"], "isAtAll": False}
    assert received["markdown"]["text"].startswith(TEXT)
    assert "@13800000001" in received["markdown"]["text"] and "@13900000002" in received["markdown"]["text"]


def test_a_robot_gets_at_most_20_messages_a_minute_and_the_21st_waits(httpserver):
    vendor = serve(httpserver, "wecom")
    busy, quiet = robot(httpserver, "wecom"), robot(httpserver, "wecom", name="质量部群")
    deliveries = [enqueue(busy, key=f"robot:{busy.pk}:event{n}") for n in range(21)]
    other = enqueue(quiet, key=f"robot:{quiet.pk}:event1")

    assert outbox_send() == 21

    deliveries = [reloaded(delivery) for delivery in deliveries]
    assert [delivery.status for delivery in deliveries].count(DeliveryStatus.SENT) == 20
    [waiting] = [delivery for delivery in deliveries if delivery.status == DeliveryStatus.PENDING]
    first_sent = min(delivery.sent_at for delivery in deliveries if delivery.sent_at)
    assert (waiting.attempts, waiting.next_attempt_at) == (0, first_sent + dt.timedelta(minutes=1))
    assert reloaded(other).status == DeliveryStatus.SENT
    assert len(vendor.received) == 21


def test_a_disabled_robot_fails_for_good_without_a_request(httpserver):
    bot = robot(httpserver, "feishu", is_active=False)
    delivery = enqueue(bot)

    outbox_send()

    delivery = reloaded(delivery)
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.FAILED, "the robot is deleted or disabled")
    assert httpserver.log == []


def test_a_plain_http_address_is_refused_unless_private_addresses_are_allowed(httpserver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    delivery = enqueue(robot(httpserver, "dingtalk"))

    outbox_send()

    delivery = reloaded(delivery)
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.FAILED, "only https addresses")
    assert httpserver.log == []
