"""The SMS channel against local stand-ins for Alibaba Cloud and Tencent Cloud.

Each stand-in is the vendor as its documents describe it: it recomputes the documented signature
from the raw request and the secret the test gave Kesu (its verifier is written here from the
documents, never borrowed from Kesu), checks the parameters SendSms requires, and answers with the
vendor's documented bodies. This proves that Kesu's requests follow the published contract; it
cannot prove that the live vendor accepts them.
"""

import datetime as dt
import hashlib
import hmac
import json
import re
import socket
import string
import threading
import time

import pytest
from django.utils import timezone
from werkzeug import Request, Response

from kesu.notifications.channels import transports
from kesu.notifications.channels.sms.aliyun import acs3_signed_headers
from kesu.notifications.channels.sms.tencent import tc3_authorization
from kesu.notifications.models import Delivery, DeliveryStatus
from kesu.notifications.outbox import deliveries_enqueue, outbox_send

KEY_ID = "LTAI5tKesuTestKeyId"
SECRET = "kesu-test-secret-2026"
SIGN_NAME = "客诉服务"
APP_ID = "1400006666"
REGION = "ap-shanghai"
PHONE = "+8613800000000"
NUMBER = "KS20261123-0042"
LINK = "https://kesu.example.com/t/3f9a"

ALIYUN_OK = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "F655A8D5-B967-440B"}


def tencent_status(code: str, message: str, serial_no: str = "") -> dict:
    return {
        "Response": {
            "SendStatusSet": [
                {
                    "SerialNo": serial_no,
                    "PhoneNumber": PHONE,
                    "Fee": 1 if code == "Ok" else 0,
                    "SessionContext": "",
                    "Code": code,
                    "Message": message,
                    "IsoCode": "CN",
                }
            ],
            "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279",
        }
    }


def tencent_error(code: str, message: str) -> dict:
    return {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": "ed93f3cb-f35e-473f-b9f3"}}


TENCENT_OK = tencent_status("Ok", "send success", serial_no="5000:1045710669157053657849499619")


# --- What the vendors' documents say, written out independently of Kesu ------------------------

UNRESERVED = set(string.ascii_letters + string.digits + "-_.~")


def rfc3986(text: str) -> str:
    """Unreserved characters as they are, every other byte of the UTF-8 as %XX in capitals."""
    return "".join(char if char in UNRESERVED else "".join(f"%{byte:02X}" for byte in char.encode()) for char in text)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hmac_sha256(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def acs3_problem(request: Request) -> str:
    """What is wrong with the request's signature by Alibaba Cloud's "V3版本请求体&签名机制", or "".

    Every header that is host, content-type or x-acs-* must be signed; the canonical request is the
    method, "/", the query sorted by name and RFC 3986-encoded, the `name:value` lines of the signed
    headers, their names joined by ";" and the body's hex SHA-256 (which x-acs-content-sha256 must
    be); the signature is the hex HMAC-SHA256 of "ACS3-HMAC-SHA256\\n" + hex SHA-256 of all that.
    """
    algorithm, _, rest = request.headers.get("Authorization", "").partition(" ")
    fields = dict(field.split("=", 1) for field in rest.split(",") if "=" in field)
    if algorithm != "ACS3-HMAC-SHA256" or fields.get("Credential") != KEY_ID:
        return f"unknown algorithm or AccessKeyId: {algorithm} {fields.get('Credential')}"
    names = sorted(
        name.lower()
        for name in request.headers.keys()
        if name.lower() in ("host", "content-type") or name.lower().startswith("x-acs-")
    )
    if fields.get("SignedHeaders") != ";".join(names):
        return f"SignedHeaders {fields.get('SignedHeaders')} should be {';'.join(names)}"
    payload_hash = sha256_hex(request.get_data())
    if request.headers.get("x-acs-content-sha256") != payload_hash:
        return "x-acs-content-sha256 is not the hash of the body"
    query = "&".join(sorted(f"{rfc3986(name)}={rfc3986(value)}" for name, value in request.args.items(multi=True)))
    headers = "".join(f"{name}:{request.headers[name].strip()}\n" for name in names)
    canonical_request = f"{request.method}\n/\n{query}\n{headers}\n{';'.join(names)}\n{payload_hash}"
    string_to_sign = "ACS3-HMAC-SHA256\n" + sha256_hex(canonical_request.encode())
    if not hmac.compare_digest(fields.get("Signature", ""), hmac_sha256(SECRET.encode(), string_to_sign).hex()):
        return "the signature does not match"
    return ""


def aliyun_send_sms_problem(request: Request) -> str:
    """What SendSms of 2017-05-25 would refuse in the request's common headers and parameters, or ""."""
    headers, params = request.headers, request.args
    if (request.method, request.path) != ("POST", "/"):
        return f"{request.method} {request.path} is not the RPC endpoint"
    if (headers.get("x-acs-action"), headers.get("x-acs-version")) != ("SendSms", "2017-05-25"):
        return "x-acs-action and x-acs-version must be SendSms and 2017-05-25"
    sent_at = dt.datetime.strptime(headers.get("x-acs-date", ""), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    if abs(dt.datetime.now(dt.UTC) - sent_at) > dt.timedelta(minutes=15) or not headers.get("x-acs-signature-nonce"):
        return "x-acs-date must be the UTC time within 15 minutes, with a nonce"
    # Mainland numbers may carry +, +86, 0086 or 86 before the 11 digits.
    if not re.fullmatch(r"(\+|\+86|0086|86)?1\d{10}", params.get("PhoneNumbers", "")):
        return f"PhoneNumbers {params.get('PhoneNumbers')!r} is not a mainland mobile number"
    if not params.get("SignName") or not params.get("TemplateCode", "").startswith("SMS_"):
        return "SignName and TemplateCode are required"
    values = json.loads(params.get("TemplateParam", "{}"))
    if not isinstance(values, dict) or not all(isinstance(value, str) for value in values.values()):
        return "TemplateParam must be a JSON object of strings"
    return ""


def tc3_problem(request: Request) -> str:
    """What is wrong with the request's signature by Tencent Cloud's "签名方法 v3", or "".

    The credential scope is `<UTC date of X-TC-Timestamp>/<service>/tc3_request`; the canonical
    request is "POST", "/", the query, the `name:value` lines (lower-cased, trimmed) of the signed
    headers (at least content-type and host), their names and the body's hex SHA-256; the key is
    HMAC-SHA256 chained from "TC3" + SecretKey over the date, the service and "tc3_request".
    """
    algorithm, _, rest = request.headers.get("Authorization", "").partition(" ")
    fields = dict(field.strip().split("=", 1) for field in rest.split(",") if "=" in field)
    secret_id, date, service, terminator = (fields.get("Credential", "").split("/") + ["", "", "", ""])[:4]
    if algorithm != "TC3-HMAC-SHA256" or secret_id != KEY_ID or (service, terminator) != ("sms", "tc3_request"):
        return f"unknown algorithm, SecretId or scope: {rest}"
    timestamp = int(request.headers.get("X-TC-Timestamp", "0"))
    if abs(time.time() - timestamp) > 300:
        return "AuthFailure.SignatureExpire"
    if date != dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d"):
        return "the date of the scope is not the UTC date of X-TC-Timestamp"
    signed = fields.get("SignedHeaders", "").split(";")
    if not {"content-type", "host"} <= set(signed) or signed != sorted(signed):
        return f"SignedHeaders {fields.get('SignedHeaders')} must hold content-type and host, sorted"
    headers = "".join(f"{name}:{request.headers.get(name, '').strip().lower()}\n" for name in signed)
    query = request.query_string.decode()
    canonical_request = f"POST\n/\n{query}\n{headers}\n{';'.join(signed)}\n{sha256_hex(request.get_data())}"
    string_to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{date}/sms/tc3_request\n{sha256_hex(canonical_request.encode())}"
    key = ("TC3" + SECRET).encode()
    for part in (date, "sms", "tc3_request"):
        key = hmac_sha256(key, part)
    if not hmac.compare_digest(
        fields.get("Signature", ""), hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    ):
        return "the signature does not match"
    return ""


def tencent_send_sms_problem(request: Request) -> str:
    """What SendSms of 2021-01-11 would refuse in the request's common headers and body, or ""."""
    headers = request.headers
    if (headers.get("X-TC-Action"), headers.get("X-TC-Version")) != ("SendSms", "2021-01-11"):
        return "X-TC-Action and X-TC-Version must be SendSms and 2021-01-11"
    if not headers.get("X-TC-Region") or not headers.get("Content-Type", "").startswith("application/json"):
        return "X-TC-Region and a JSON content-type are required"
    body = json.loads(request.get_data())
    numbers = body.get("PhoneNumberSet")
    if not isinstance(numbers, list) or not all(re.fullmatch(r"\+861\d{10}", number) for number in numbers):
        return f"PhoneNumberSet {numbers!r} must hold E.164 mainland numbers (+86…)"
    if not all(isinstance(body.get(name), str) and body[name] for name in ("SmsSdkAppId", "SignName", "TemplateId")):
        return "SmsSdkAppId, SignName and TemplateId are required strings"
    values = body.get("TemplateParamSet", [])
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        return "TemplateParamSet must be a list of strings"
    return ""


class Vendor:
    """A vendor's SendSms: refuses what its documents refuse, records what it accepts, and answers
    with `answers` in turn (each a reply body, or (status, body)), then with success."""

    success: dict

    def __init__(self):
        self.answers: list = []
        self.received: list[dict] = []
        self.stall = 0.0
        """Seconds the next accepted request waits before its answer (a slow gateway)."""
        self.stalled = threading.Event()
        """Set once a stalled request has had its answer: this server answers one request at a time."""

    def __call__(self, request: Request) -> Response:
        problem = self.signature_problem(request)
        if problem:
            return self.reply(*self.signature_refusal(problem))
        problem = self.parameter_problem(request)
        if problem:
            return self.reply(*self.parameter_refusal(problem))
        self.received.append(self.parameters(request))
        if self.stall:
            time.sleep(self.stall)
            self.stall = 0.0
            self.stalled.set()
        answer = self.answers.pop(0) if self.answers else self.success
        return self.reply(*(answer if isinstance(answer, tuple) else (200, answer)))

    @staticmethod
    def reply(status: int, body: dict) -> Response:
        return Response(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")


class FakeAliyun(Vendor):
    success = ALIYUN_OK
    signature_problem = staticmethod(acs3_problem)
    parameter_problem = staticmethod(aliyun_send_sms_problem)

    @staticmethod
    def signature_refusal(problem):
        return 400, {"Code": "SignatureDoesNotMatch", "Message": problem, "RequestId": "F655A8D5"}

    @staticmethod
    def parameter_refusal(problem):
        return 200, {"Code": "isv.INVALID_PARAMETERS", "Message": problem, "RequestId": "F655A8D5"}

    @staticmethod
    def parameters(request):
        return request.args.to_dict()


class FakeTencent(Vendor):
    success = TENCENT_OK
    signature_problem = staticmethod(tc3_problem)
    parameter_problem = staticmethod(tencent_send_sms_problem)

    @staticmethod
    def signature_refusal(problem):
        return 200, tencent_error("AuthFailure.SignatureFailure", problem)

    @staticmethod
    def parameter_refusal(problem):
        return 200, tencent_error("InvalidParameterValue", problem)

    @staticmethod
    def parameters(request):
        return json.loads(request.get_data())


# --- Fixtures ------------------------------------------------------------------------------------


def set_up_sms(settings, provider: str, endpoint: str) -> None:
    settings.SMS_PROVIDER = provider
    settings.SMS_ACCESS_KEY_ID = KEY_ID
    settings.SMS_ACCESS_KEY_SECRET = SECRET
    settings.SMS_SIGN_NAME = SIGN_NAME
    settings.SMS_SDK_APP_ID = APP_ID
    settings.SMS_REGION = REGION
    settings.SMS_ENDPOINT = endpoint
    settings.SMS_PER_NUMBER = {"minute": 1, "hour": 5, "day": 10}


def serve(settings, httpserver, provider: str) -> Vendor:
    set_up_sms(settings, provider, httpserver.url_for("").rstrip("/"))
    vendor = {"aliyun": FakeAliyun, "tencent": FakeTencent}[provider]()
    httpserver.expect_request("/", method="POST").respond_with_handler(vendor)
    return vendor


@pytest.fixture
def aliyun(db, settings, httpserver) -> Vendor:
    return serve(settings, httpserver, "aliyun")


@pytest.fixture
def tencent(db, settings, httpserver) -> Vendor:
    return serve(settings, httpserver, "tencent")


@pytest.fixture(params=["aliyun", "tencent"])
def provider(request) -> str:
    return request.param


@pytest.fixture
def vendor(db, settings, httpserver, provider) -> Vendor:
    return serve(settings, httpserver, provider)


def sms(phone: str = PHONE, *, key: str = "customer:1:acknowledgement:intake", params=None, **payload) -> Delivery:
    return Delivery(
        channel="sms",
        recipient=phone,
        kind="acknowledgement",
        body=f"您的投诉已受理，编号 {NUMBER}。",
        payload={"sms_template": "SMS_154950909", "params": params or {"number": NUMBER, "link": LINK}} | payload,
        idempotency_key=key,
    )


def enqueue(*deliveries: Delivery) -> list[Delivery]:
    deliveries_enqueue(list(deliveries))
    return [Delivery.objects.get(idempotency_key=delivery.idempotency_key) for delivery in deliveries]


def reloaded(delivery: Delivery) -> Delivery:
    delivery.refresh_from_db()
    return delivery


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- The documented examples ---------------------------------------------------------------------


def test_the_aliyun_signer_reproduces_alibaba_clouds_documented_v3_example():
    headers = acs3_signed_headers(
        method="POST",
        host="ecs.cn-shanghai.aliyuncs.com",
        query={"ImageId": "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd", "RegionId": "cn-shanghai"},
        headers={
            "x-acs-action": "RunInstances",
            "x-acs-version": "2014-05-26",
            "x-acs-date": "2023-10-26T10:22:32Z",
            "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
        },
        body=b"",
        key_id="YourAccessKeyId",
        secret="YourAccessKeySecret",
    )

    assert headers["Authorization"] == (
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,"
        "SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
        "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    )


def test_the_tencent_signer_reproduces_tencent_clouds_documented_tc3_example():
    body = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'

    authorization = tc3_authorization(
        host="cvm.tencentcloudapi.com",
        service="cvm",
        body=body.encode(),
        timestamp=1551113065,
        secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
    )

    assert authorization == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
        "SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )


# --- Sending -------------------------------------------------------------------------------------


def test_aliyun_receives_a_correctly_signed_send_sms_and_the_delivery_is_sent(aliyun):
    [delivery] = enqueue(sms())

    assert outbox_send() == 1

    delivery = reloaded(delivery)
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.SENT, "")
    assert (delivery.attempts, delivery.provider_ref) == (1, "900619746936498440^0")
    assert [(attempt.ok, attempt.response_code) for attempt in delivery.tries.all()] == [(True, "OK")]
    [received] = aliyun.received
    assert json.loads(received.pop("TemplateParam")) == {"number": NUMBER, "link": LINK}
    assert received == {
        "PhoneNumbers": "8613800000000",
        "SignName": SIGN_NAME,
        "TemplateCode": "SMS_154950909",
        "OutId": "customer:1:acknowledgement:intake",
    }


def test_tencent_receives_a_correctly_signed_send_sms_with_the_parameters_in_order_and_the_delivery_is_sent(tencent):
    [delivery] = enqueue(sms(params=[["number", NUMBER], ["link", LINK]]))

    assert outbox_send() == 1

    delivery = reloaded(delivery)
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.SENT, "")
    assert (delivery.attempts, delivery.provider_ref) == (1, "5000:1045710669157053657849499619")
    assert [(attempt.ok, attempt.response_code) for attempt in delivery.tries.all()] == [(True, "Ok")]
    [received] = tencent.received
    assert received == {
        "PhoneNumberSet": [PHONE],
        "SmsSdkAppId": APP_ID,
        "SignName": SIGN_NAME,
        "TemplateId": "SMS_154950909",
        "TemplateParamSet": [NUMBER, LINK],
        "SessionContext": "customer:1:acknowledgement:intake",
    }


def test_template_parameters_that_are_not_text_go_out_as_text(vendor, provider):
    [delivery] = enqueue(sms(params={"number": NUMBER, "days": 3}))

    outbox_send()

    assert reloaded(delivery).status == DeliveryStatus.SENT
    [received] = vendor.received
    sent = json.loads(received["TemplateParam"]).values() if provider == "aliyun" else received["TemplateParamSet"]
    assert sorted(sent) == sorted([NUMBER, "3"])


def test_a_wrong_secret_is_refused_by_the_vendor_and_the_delivery_fails_at_once(vendor, settings):
    settings.SMS_ACCESS_KEY_SECRET = "not-the-secret"
    [delivery] = enqueue(sms())

    outbox_send()

    delivery = reloaded(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "the signature does not match" in delivery.last_error
    assert vendor.received == []


@pytest.mark.parametrize(
    "provider, answer, code, wait",
    [
        (
            "aliyun",
            {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控Permits:1", "RequestId": "C0A0BE93"},
            "isv.BUSINESS_LIMIT_CONTROL",
            60,
        ),
        (
            "aliyun",
            {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发小时级流控Permits:5", "RequestId": "C0A0BE93"},
            "isv.BUSINESS_LIMIT_CONTROL",
            3600,
        ),
        (
            "tencent",
            tencent_status("LimitExceeded.DeliveryFrequencyLimit", "下发短信命中了频率限制策略"),
            "LimitExceeded.DeliveryFrequencyLimit",
            60,
        ),
        (
            "tencent",
            tencent_status("LimitExceeded.PhoneNumberOneHourLimit", "单个手机号1小时内下发短信条数超过设定的上限"),
            "LimitExceeded.PhoneNumberOneHourLimit",
            3600,
        ),
    ],
    ids=["aliyun-minute", "aliyun-hour", "tencent-frequency", "tencent-hour"],
)
def test_a_rate_limit_answer_is_tried_again_once_the_limit_allows_not_failed(vendor, answer, code, wait):
    vendor.answers = [answer]
    [delivery] = enqueue(sms())

    outbox_send()

    delivery = reloaded(delivery)
    [attempt] = delivery.tries.all()
    assert (delivery.status, delivery.attempts, attempt.response_code) == (DeliveryStatus.PENDING, 1, code)
    assert code in delivery.last_error
    assert delivery.next_attempt_at - attempt.at >= dt.timedelta(seconds=wait)


@pytest.mark.parametrize(
    "provider, answer, code",
    [
        ("aliyun", {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}, "isv.MOBILE_NUMBER_ILLEGAL"),
        ("aliyun", {"Code": "isv.SMS_TEMPLATE_ILLEGAL", "Message": "模板不合法"}, "isv.SMS_TEMPLATE_ILLEGAL"),
        ("aliyun", {"Code": "isv.SMS_SIGNATURE_ILLEGAL", "Message": "签名不合法"}, "isv.SMS_SIGNATURE_ILLEGAL"),
        (
            "aliyun",
            {"Code": "isv.TEMPLATE_MISSING_PARAMETERS", "Message": "模板缺少变量"},
            "isv.TEMPLATE_MISSING_PARAMETERS",
        ),
        (
            "tencent",
            tencent_status("InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误"),
            "InvalidParameterValue.IncorrectPhoneNumber",
        ),
        (
            "tencent",
            tencent_error("FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或内容不匹配"),
            "FailedOperation.TemplateIncorrectOrUnapproved",
        ),
        (
            "tencent",
            tencent_error("FailedOperation.SignatureIncorrectOrUnapproved", "签名未审批或格式错误"),
            "FailedOperation.SignatureIncorrectOrUnapproved",
        ),
        (
            "tencent",
            tencent_error("AuthFailure.SecretIdNotFound", "密钥不存在"),
            "AuthFailure.SecretIdNotFound",
        ),
    ],
)
def test_a_refused_number_template_or_signature_fails_at_once(vendor, answer, code):
    vendor.answers = [answer]
    [delivery] = enqueue(sms())

    outbox_send()

    delivery = reloaded(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert delivery.last_error.startswith(code)
    assert [attempt.response_code for attempt in delivery.tries.all()] == [code]


def test_a_server_error_is_tried_again_after_the_time_it_asks(vendor, httpserver):
    httpserver.clear_all_handlers()
    httpserver.expect_request("/").respond_with_data("busy", status=503, headers={"Retry-After": "600"})
    [delivery] = enqueue(sms())

    outbox_send()

    delivery = reloaded(delivery)
    [attempt] = delivery.tries.all()
    assert (delivery.status, delivery.attempts, attempt.response_code) == (DeliveryStatus.PENDING, 1, "503")
    assert delivery.next_attempt_at - attempt.at >= dt.timedelta(seconds=600)


def test_an_unexpected_answer_is_tried_again_and_recorded(vendor, httpserver):
    httpserver.clear_all_handlers()
    httpserver.expect_request("/").respond_with_data("<html>gateway</html>", status=200)
    [delivery] = enqueue(sms())

    outbox_send()

    delivery = reloaded(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "not a SendSms answer: <html>gateway</html>" in delivery.last_error


def test_when_the_gateway_is_down_the_sms_is_tried_again_and_the_rest_of_the_lane_waits(db, settings, provider):
    set_up_sms(settings, provider, f"http://127.0.0.1:{closed_port()}")
    first, second = enqueue(sms(key="first"), sms("+8613900000000", key="second"))
    started = timezone.now()

    assert outbox_send() == 0

    first, second = reloaded(first), reloaded(second)
    assert (first.status, first.attempts, first.tries.count()) == (DeliveryStatus.PENDING, 1, 1)
    assert first.last_error.startswith("ConnectionError")
    assert (second.status, second.attempts, second.tries.count()) == (DeliveryStatus.PENDING, 0, 0)
    assert second.next_attempt_at >= started + dt.timedelta(minutes=1)


def test_a_timed_out_sms_may_have_gone_so_it_is_tried_again_with_the_same_reference(vendor, provider, settings):
    settings.OUTBOX_HTTP_TIMEOUT = 0.2
    vendor.stall = 0.6
    [delivery] = enqueue(sms())

    outbox_send()

    delivery = reloaded(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "Timeout" in delivery.last_error

    assert vendor.stalled.wait(timeout=5)
    outbox_send(now=timezone.now() + dt.timedelta(minutes=2))

    delivery = reloaded(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    reference = "OutId" if provider == "aliyun" else "SessionContext"
    assert [received[reference] for received in vendor.received] == [delivery.idempotency_key] * 2


# --- Kesu's own limits per number ----------------------------------------------------------------


def test_a_second_sms_to_the_same_number_within_a_minute_waits_without_using_an_attempt(vendor):
    first, second = enqueue(sms(key="first"), sms(key="second"))

    assert outbox_send() == 1

    first, second = reloaded(first), reloaded(second)
    assert first.status == DeliveryStatus.SENT
    assert (second.status, second.attempts, second.tries.count()) == (DeliveryStatus.PENDING, 0, 0)
    assert second.next_attempt_at == first.sent_at + dt.timedelta(minutes=1)
    assert len(vendor.received) == 1


def test_another_number_is_not_held_back_by_the_first_ones_limit(vendor):
    enqueue(sms(key="first"), sms("+8613900000000", key="second"))

    assert outbox_send() == 2


def test_a_full_hour_waits_until_the_oldest_send_of_the_hour_leaves_it(vendor, settings):
    settings.SMS_PER_NUMBER = {"minute": 1, "hour": 2, "day": 10}
    now = timezone.now()
    for minutes in (50, 20):
        Delivery.objects.create(
            channel="sms",
            recipient=PHONE,
            kind="acknowledgement",
            idempotency_key=f"earlier:{minutes}",
            status=DeliveryStatus.SENT,
            sent_at=now - dt.timedelta(minutes=minutes),
        )
    [delivery] = enqueue(sms())

    assert outbox_send() == 0

    delivery = reloaded(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    assert delivery.next_attempt_at == now - dt.timedelta(minutes=50) + dt.timedelta(hours=1)
    assert vendor.received == []


# --- Set-up and content --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "provider, missing",
    [
        ("", None),
        ("aliyun", "SMS_ACCESS_KEY_SECRET"),
        ("aliyun", "SMS_SIGN_NAME"),
        ("tencent", "SMS_ACCESS_KEY_ID"),
        ("tencent", "SMS_SDK_APP_ID"),
        ("huawei", None),
    ],
)
def test_without_a_provider_and_its_credentials_sms_is_not_available(db, settings, provider, missing):
    set_up_sms(settings, provider, "http://127.0.0.1:9")
    if missing:
        setattr(settings, missing, "")
    [delivery] = enqueue(sms())

    assert transports()["sms"].available() is False
    outbox_send()
    assert (reloaded(delivery).status, reloaded(delivery).last_error) == (
        DeliveryStatus.PENDING,
        "the channel is not configured",
    )


def test_with_a_provider_and_its_credentials_sms_is_available(db, settings, provider):
    set_up_sms(settings, provider, "")

    assert transports()["sms"].available() is True


def test_an_sms_without_an_approved_template_fails_at_once_and_is_never_sent(vendor):
    [delivery] = enqueue(sms(sms_template=""))

    outbox_send()

    delivery = reloaded(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "SMS template" in delivery.last_error
    assert vendor.received == []
