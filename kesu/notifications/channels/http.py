"""HTTP for the transports that post JSON (SMS gateways, group robots, webhooks): one kept-alive
session per thread, a bounded timeout, redirects never followed, network failures as outcomes."""

import json
import threading
from dataclasses import dataclass

import requests
from django.conf import settings

from kesu.notifications.channels import Outcome

_local = threading.local()


def session() -> requests.Session:
    if getattr(_local, "session", None) is None:
        _local.session = requests.Session()
    return _local.session


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: dict

    def json(self) -> dict:
        try:
            value = json.loads(self.body)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


def post(url: str, *, data: bytes, headers: dict, params: dict | None = None) -> Answer | Outcome:
    """The answer, or an `unreachable` outcome when the server could not be reached in time."""
    try:
        response = session().post(
            url,
            data=data,
            headers=headers,
            params=params,
            timeout=settings.OUTBOX_HTTP_TIMEOUT,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:1000], unreachable=True)
    return Answer(status=response.status_code, body=response.content, headers=dict(response.headers))


def retry_after(answer: Answer) -> float | None:
    """Seconds from a `Retry-After` header given in seconds (a date is ignored: the backoff applies)."""
    value = answer.headers.get("Retry-After", "")
    return float(value) if value.strip().isdigit() else None
