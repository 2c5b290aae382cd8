"""Outgoing webhooks, signed as the Standard Webhooks spec says.

`webhook-id` is the delivery's idempotency key, the same on every retry; `webhook-signature` holds
`v1,<signature>` by the current secret and, while a rotated-out secret has not expired, by that one
too. 2xx is delivered; 410 disables the endpoint; 429/502/503/504 wait as `Retry-After` asks;
redirects are never followed. Unless KESU_WEBHOOK_ALLOW_PRIVATE, an address that resolves to this
machine or a private network is refused (no server-side request forgery through a webhook).
"""

import datetime as dt
import ipaddress
import json
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from standardwebhooks import Webhook

from kesu.notifications.channels import Outcome
from kesu.notifications.channels.http import Answer, post, retry_after
from kesu.notifications.models import Delivery

THROTTLED = {429, 502, 503, 504}


def signatures(endpoint, msg_id: str, moment: dt.datetime, body: str) -> str:
    secrets = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_expires_at
        and endpoint.previous_secret_expires_at > moment
    ):
        secrets.append(endpoint.previous_secret)
    return " ".join(Webhook(secret).sign(msg_id, moment, body) for secret in secrets)


def private_address(url: str) -> bool:
    """True when the url's host is a loopback, private, link-local or reserved address (or unknown)."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return True
    return any(not ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses)


class WebhookTransport:
    def available(self) -> bool:
        return True

    def lane(self, delivery: Delivery) -> str:
        return f"webhook:{delivery.endpoint_id}"

    def hold_back(self, delivery: Delivery, now: dt.datetime) -> dt.datetime | None:
        return None

    def send(self, delivery: Delivery) -> Outcome:
        endpoint = delivery.endpoint
        if endpoint is None or not endpoint.is_active:
            return Outcome(ok=False, error="endpoint disabled", permanent=True)
        if urlsplit(endpoint.url).scheme not in ("http", "https"):
            return Outcome(ok=False, error="only http and https addresses", permanent=True)
        if not settings.WEBHOOK_ALLOW_PRIVATE and private_address(endpoint.url):
            return Outcome(ok=False, error="a private or loopback address is refused", permanent=True)
        body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
        moment = timezone.now().replace(microsecond=0)
        headers = {
            "Content-Type": "application/json",
            "webhook-id": delivery.idempotency_key,
            "webhook-timestamp": str(int(moment.timestamp())),
            "webhook-signature": signatures(endpoint, delivery.idempotency_key, moment, body),
        }
        answer = post(endpoint.url, data=body.encode(), headers=headers)
        return answer if isinstance(answer, Outcome) else _outcome(answer, delivery.idempotency_key)


def _outcome(answer: Answer, msg_id: str) -> Outcome:
    code = str(answer.status)
    if 200 <= answer.status < 300:
        return Outcome(ok=True, code=code, provider_ref=msg_id)
    if answer.status == 410:
        return Outcome(ok=False, code=code, error="410 Gone: the endpoint asked to be disabled", disable_target=True)
    if answer.status in THROTTLED:
        return Outcome(ok=False, code=code, error=f"HTTP {code}", retry_after=retry_after(answer))
    return Outcome(ok=False, code=code, error=f"HTTP {code}")
