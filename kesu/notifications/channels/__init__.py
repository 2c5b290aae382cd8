"""The ways out of Kesu, one small adapter each behind one interface, registered in `TRANSPORTS`.

A transport turns one `Delivery` into one try at sending it and says how that went (`Outcome`); the
outbox (`kesu.notifications.outbox`) claims, retries and records. A transport never raises for what
the other side answered or for a network failure: it says so in the outcome.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from kesu.notifications.models import Delivery


@dataclass(frozen=True)
class Outcome:
    ok: bool
    code: str = ""
    """What the other side answered: an HTTP status, the vendor's code, the SMTP reply code."""
    error: str = ""
    provider_ref: str = ""
    """The vendor's id for the message (BizId, SerialNo, Message-ID), to reconcile receipts."""
    retry_after: float | None = None
    """Seconds the other side asked us to wait before the next try (Retry-After, a rate limit)."""
    permanent: bool = False
    """Trying again cannot help (an invalid number, an unknown address, a refused template)."""
    unreachable: bool = False
    """The transport itself failed (refused, timed out): the rest of this lane's batch waits."""
    disable_target: bool = False
    """The endpoint asked never to be called again (HTTP 410)."""


class Transport(Protocol):
    def available(self) -> bool:
        """Configured, so offered: a channel without its settings is simply not used."""

    def lane(self, delivery: Delivery) -> str:
        """Deliveries of one lane share a server and wait together when it is down."""

    def hold_back(self, delivery: Delivery, now: dt.datetime) -> dt.datetime | None:
        """Until when this delivery must wait to keep within the receiver's rate limits, or None."""

    def send(self, delivery: Delivery) -> Outcome: ...


@cache
def transports() -> dict[str, Transport]:
    """Channel → transport. Imported late: the adapters import settings and HTTP clients."""
    from kesu.notifications.channels.email import EmailTransport
    from kesu.notifications.channels.robots import DingTalkRobot, FeishuBot, WeComRobot
    from kesu.notifications.channels.sms import SmsTransport
    from kesu.notifications.channels.webhook import WebhookTransport

    return {
        "email": EmailTransport(),
        "sms": SmsTransport(),
        "wecom": WeComRobot(),
        "dingtalk": DingTalkRobot(),
        "feishu": FeishuBot(),
        "webhook": WebhookTransport(),
    }
