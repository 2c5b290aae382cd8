"""SMS through the provider set up in settings, Alibaba Cloud or Tencent Cloud, behind one gateway
interface.

Chinese carriers take an SMS only as a provider-approved template with an approved signature name
and the template's parameters: `payload["sms_template"]` names the template, `payload["params"]`
gives its values, and `body` is the rendered text for people reading the outbox page only.

Kesu keeps its own limits per number (SMS_PER_NUMBER, the providers' default limits) so that a
burst waits here rather than being refused there. A request that timed out may have been sent: it
is tried again, a rare duplicate being the price, with the delivery's idempotency key as OutId or
SessionContext so that the delivery receipts can be matched.
"""

import datetime as dt
from typing import Protocol

from django.conf import settings

from kesu.notifications.channels import Outcome
from kesu.notifications.channels.sms import aliyun, tencent
from kesu.notifications.models import Delivery
from kesu.notifications.outbox import recently_sent

WINDOWS = {"minute": dt.timedelta(minutes=1), "hour": dt.timedelta(hours=1), "day": dt.timedelta(days=1)}


class SmsGateway(Protocol):
    def send(self, phone: str, template: str, params: list[tuple[str, str]], reference: str) -> Outcome:
        """One SMS to `phone` (E.164) from the approved `template` with its parameters, in order;
        `reference` comes back with the delivery receipt."""


def configured_gateway() -> SmsGateway | None:
    """The provider named by SMS_PROVIDER, if its credentials are set too."""
    credentials = (settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET, settings.SMS_SIGN_NAME)
    if not all(credentials):
        return None
    key_id, secret, sign_name = credentials
    if settings.SMS_PROVIDER == "aliyun":
        return aliyun.AliyunSms(
            key_id=key_id, secret=secret, sign_name=sign_name, endpoint=settings.SMS_ENDPOINT or aliyun.ENDPOINT
        )
    if settings.SMS_PROVIDER == "tencent" and settings.SMS_SDK_APP_ID:
        return tencent.TencentSms(
            secret_id=key_id,
            secret_key=secret,
            sign_name=sign_name,
            app_id=settings.SMS_SDK_APP_ID,
            region=settings.SMS_REGION,
            endpoint=settings.SMS_ENDPOINT or tencent.ENDPOINT,
        )
    return None


def template_params(payload: dict) -> list[tuple[str, str]]:
    """The template's parameters as (name, value) strings, in order: from a mapping, or from a list
    of [name, value] pairs, whose order survives PostgreSQL's jsonb (it sorts an object's keys).
    The order matters to Tencent, whose templates number their parameters."""
    params = payload.get("params") or {}
    pairs = params.items() if isinstance(params, dict) else params
    return [(str(name), str(value)) for name, value in pairs]


class SmsTransport:
    def available(self) -> bool:
        return configured_gateway() is not None

    def lane(self, delivery: Delivery) -> str:
        return "sms"

    def hold_back(self, delivery: Delivery, now: dt.datetime) -> dt.datetime | None:
        """While a window of SMS_PER_NUMBER is full for this number (a limit of 0 is none): until
        the send that fills it leaves it, the latest such time of all windows."""
        until = None
        for window, limit in settings.SMS_PER_NUMBER.items():
            if not limit:
                continue
            sent = recently_sent(channel="sms", recipient=delivery.recipient, within=WINDOWS[window], now=now)
            if len(sent) >= limit:
                frees = sent[-limit] + WINDOWS[window]
                until = frees if until is None else max(until, frees)
        return until

    def send(self, delivery: Delivery) -> Outcome:
        template = delivery.payload.get("sms_template")
        if not template:
            return Outcome(ok=False, error="no approved SMS template is named (payload sms_template)", permanent=True)
        return configured_gateway().send(
            delivery.recipient, template, template_params(delivery.payload), delivery.idempotency_key
        )
