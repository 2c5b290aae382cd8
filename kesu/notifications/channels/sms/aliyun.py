"""Alibaba Cloud SMS: `SendSms` of API 2017-05-25, signed with ACS3-HMAC-SHA256.

The signature is the one documented as "V3版本请求体&签名机制"
(help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature); the parameters and
answers are those of SendSms (help.aliyun.com/document_detail/55284.html) and its error codes
(help.aliyun.com/document_detail/101346.html).
"""

import datetime as dt
import hashlib
import hmac
import json
import secrets
from urllib.parse import quote, urlsplit

from kesu.notifications.channels import Outcome, http

ENDPOINT = "https://dysmsapi.aliyuncs.com"
ALGORITHM = "ACS3-HMAC-SHA256"
RATE_LIMITED = "isv.BUSINESS_LIMIT_CONTROL"
RATE_LIMIT_WAITS = {"分钟级": 60, "小时级": 3600, "天级": 86400}
"""Seconds to wait after isv.BUSINESS_LIMIT_CONTROL, by the window its message names ("触发小时级流控Permits:5")."""
PERMANENT = frozenset(
    {
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
        "isv.SMS_TEMPLATE_ILLEGAL",
        "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.INVALID_JSON_PARAM",
        "isv.INVALID_PARAMETERS",
        "isv.PARAM_LENGTH_LIMIT",
        "isv.PARAM_NOT_SUPPORT_URL",
        "isv.SMS_CONTENT_ILLEGAL",
        "isv.BLACK_KEY_CONTROL_LIMIT",
        "isv.SMS_SIGNATURE_ILLEGAL",
        "isv.SMS_SIGN_ILLEGAL",
        "isv.SIGN_STATE_ILLEGAL",
        "isv.SMS_SIGNATURE_SCENE_ILLEGAL",
        "InvalidAccessKeyId.NotFound",
        "InvalidAccessKeyId.Inactive",
        "SignatureDoesNotMatch",
    }
)
"""Answers that the same request can never turn into a sent message."""


def percent_encode(text: str) -> str:
    """RFC 3986: A-Z, a-z, 0-9, "-", "_", "." and "~" as they are, every other byte as %XX (a space is %20)."""
    return quote(text, safe="")


def canonical_query(params: dict[str, str]) -> str:
    return "&".join(f"{percent_encode(name)}={percent_encode(value)}" for name, value in sorted(params.items()))


def acs3_signed_headers(
    *, method: str, host: str, query: dict[str, str], headers: dict[str, str], body: bytes, key_id: str, secret: str
) -> dict[str, str]:
    """The request's headers, signed with ACS3-HMAC-SHA256 as "V3版本请求体&签名机制" documents it.

    `headers` are the x-acs-* headers (and a content-type, if any): with the host and the body's
    hash they are all signed. The canonical request is the method, the URI "/", the sorted and
    RFC 3986-encoded query, the lower-cased and sorted `name:value` header lines, the signed header
    names and the hex SHA-256 of the body; the signature is the hex HMAC-SHA256, keyed with the
    secret, of "ACS3-HMAC-SHA256\\n" + the hex SHA-256 of the canonical request.
    """
    payload_hash = hashlib.sha256(body).hexdigest()
    signed = {"host": host, "x-acs-content-sha256": payload_hash} | {
        name.lower(): value for name, value in headers.items()
    }
    names = sorted(signed)
    canonical_request = "\n".join(
        [
            method,
            "/",
            canonical_query(query),
            "".join(f"{name}:{signed[name].strip()}\n" for name in names),
            ";".join(names),
            payload_hash,
        ]
    )
    string_to_sign = f"{ALGORITHM}\n{hashlib.sha256(canonical_request.encode()).hexdigest()}"
    signature = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    authorization = f"{ALGORITHM} Credential={key_id},SignedHeaders={';'.join(names)},Signature={signature}"
    return signed | {"Authorization": authorization}


class AliyunSms:
    def __init__(self, *, key_id: str, secret: str, sign_name: str, endpoint: str):
        self.key_id = key_id
        self.secret = secret
        self.sign_name = sign_name
        self.endpoint = endpoint.rstrip("/")

    def send(self, phone: str, template: str, params: list[tuple[str, str]], reference: str) -> Outcome:
        query = {
            # Country code and number without "+": the form SendSms documents for every country.
            "PhoneNumbers": phone.removeprefix("+"),
            "SignName": self.sign_name,
            "TemplateCode": template,
            "OutId": reference,
        }
        if params:
            query["TemplateParam"] = json.dumps(dict(params), ensure_ascii=False, separators=(",", ":"))
        headers = acs3_signed_headers(
            method="POST",
            host=urlsplit(self.endpoint).netloc,
            query=query,
            headers={
                "x-acs-action": "SendSms",
                "x-acs-version": "2017-05-25",
                "x-acs-date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "x-acs-signature-nonce": secrets.token_hex(16),
            },
            body=b"",
            key_id=self.key_id,
            secret=self.secret,
        )
        # The query is sent exactly as it was signed.
        answer = http.post(
            f"{self.endpoint}/?{canonical_query(query)}", data=b"", headers=headers | {"Accept": "application/json"}
        )
        return answer if isinstance(answer, Outcome) else outcome_of(answer)


def outcome_of(answer: http.Answer) -> Outcome:
    if answer.status >= 500:
        return Outcome(
            ok=False, code=str(answer.status), error=f"HTTP {answer.status}", retry_after=http.retry_after(answer)
        )
    reply = answer.json()
    code, message = str(reply.get("Code", "")), str(reply.get("Message", ""))
    if code == "OK":
        return Outcome(ok=True, code=code, provider_ref=str(reply.get("BizId", "")))
    if not code:
        text = answer.body[:300].decode(errors="replace")
        return Outcome(ok=False, code=str(answer.status), error=f"HTTP {answer.status}, not a SendSms answer: {text}")
    error = f"{code}: {message}"[:1000]
    if code == RATE_LIMITED:
        wait = next((seconds for window, seconds in RATE_LIMIT_WAITS.items() if window in message), 60)
        return Outcome(ok=False, code=code, error=error, retry_after=wait)
    return Outcome(ok=False, code=code, error=error, permanent=code in PERMANENT, retry_after=http.retry_after(answer))
