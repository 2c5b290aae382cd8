"""Tencent Cloud SMS: `SendSms` of API 2021-01-11 (service "sms"), signed with TC3-HMAC-SHA256.

The signature is the one Tencent Cloud API 3.0 documents as "签名方法 v3"; the parameters and answers
are those of SendSms (cloud.tencent.com/document/product/382/55981) and its error codes
(cloud.tencent.com/document/api/382/59177).
"""

import datetime as dt
import hashlib
import hmac
import json
import time
from urllib.parse import urlsplit

from kesu.notifications.channels import Outcome, http

ENDPOINT = "https://sms.tencentcloudapi.com"
ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"
SIGNED_HEADERS = "content-type;host"
PERMANENT = frozenset(
    {
        "InvalidParameterValue.IncorrectPhoneNumber",
        "InvalidParameterValue.ContentLengthLimit",
        "InvalidParameterValue.SdkAppIdNotExist",
        "FailedOperation.PhoneNumberInBlacklist",
        "FailedOperation.ContainSensitiveWord",
        "FailedOperation.TemplateIncorrectOrUnapproved",
        "FailedOperation.SignatureIncorrectOrUnapproved",
    }
)
"""Answers that the same request can never turn into a sent message (as well as every AuthFailure.*)."""


def tc3_authorization(*, host: str, service: str, body: bytes, timestamp: int, secret_id: str, secret_key: str) -> str:
    """The Authorization header of a JSON POST to `host`, signed with TC3-HMAC-SHA256 as "签名方法 v3"
    documents it.

    The canonical request is "POST", "/", an empty query, the content-type and host header lines,
    their names and the hex SHA-256 of the body; the string to sign is the algorithm, the timestamp,
    the credential scope `<UTC date>/<service>/tc3_request` and the hex SHA-256 of the canonical
    request; the key is HMAC-SHA256 chained from "TC3" + secret over the date, the service and
    "tc3_request".
    """
    date = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    canonical_request = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{CONTENT_TYPE}\nhost:{host.lower()}\n",
            SIGNED_HEADERS,
            hashlib.sha256(body).hexdigest(),
        ]
    )
    string_to_sign = "\n".join(
        [ALGORITHM, str(timestamp), scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = ("TC3" + secret_key).encode()
    for part in (date, service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={SIGNED_HEADERS}, Signature={signature}"


class TencentSms:
    def __init__(self, *, secret_id: str, secret_key: str, sign_name: str, app_id: str, region: str, endpoint: str):
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.sign_name = sign_name
        self.app_id = app_id
        self.region = region
        self.endpoint = endpoint.rstrip("/")

    def send(self, phone: str, template: str, params: list[tuple[str, str]], reference: str) -> Outcome:
        body = json.dumps(
            {
                "PhoneNumberSet": [phone],
                "SmsSdkAppId": self.app_id,
                "SignName": self.sign_name,
                "TemplateId": template,
                "TemplateParamSet": [value for _name, value in params],
                "SessionContext": reference,
            },
            ensure_ascii=False,
        ).encode()
        host = urlsplit(self.endpoint).netloc
        timestamp = int(time.time())
        headers = {
            "Authorization": tc3_authorization(
                host=host,
                service="sms",
                body=body,
                timestamp=timestamp,
                secret_id=self.secret_id,
                secret_key=self.secret_key,
            ),
            "Content-Type": CONTENT_TYPE,
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Version": "2021-01-11",
            "X-TC-Region": self.region,
            "X-TC-Timestamp": str(timestamp),
        }
        answer = http.post(f"{self.endpoint}/", data=body, headers=headers)
        return answer if isinstance(answer, Outcome) else outcome_of(answer)


def outcome_of(answer: http.Answer) -> Outcome:
    """The request's `Response.Error`, else the number's own `SendStatusSet[0]`."""
    if answer.status >= 500:
        return Outcome(
            ok=False, code=str(answer.status), error=f"HTTP {answer.status}", retry_after=http.retry_after(answer)
        )
    response = answer.json().get("Response")
    if isinstance(response, dict) and isinstance(response.get("Error"), dict):
        return _refused(response["Error"])
    statuses = response.get("SendStatusSet") if isinstance(response, dict) else None
    if not statuses or not isinstance(statuses[0], dict):
        text = answer.body[:300].decode(errors="replace")
        return Outcome(ok=False, code=str(answer.status), error=f"HTTP {answer.status}, not a SendSms answer: {text}")
    status = statuses[0]
    if status.get("Code") == "Ok":
        return Outcome(ok=True, code="Ok", provider_ref=str(status.get("SerialNo", "")))
    return _refused(status)


def _refused(answer: dict) -> Outcome:
    code, message = str(answer.get("Code", "")), str(answer.get("Message", ""))
    error = f"{code}: {message}"[:1000]
    if code.startswith(("LimitExceeded", "RequestLimitExceeded")):
        return Outcome(ok=False, code=code, error=error, retry_after=_rate_limit_wait(code))
    return Outcome(ok=False, code=code, error=error, permanent=code in PERMANENT or code.startswith("AuthFailure"))


def _rate_limit_wait(code: str) -> float:
    """Seconds until the window the code names is over (…OneHourLimit, …DailyLimit); a minute otherwise."""
    if "OneHour" in code:
        return 3600
    if "Daily" in code:
        return 86400
    return 60
