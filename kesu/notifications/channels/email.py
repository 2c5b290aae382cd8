"""E-mail over SMTP, always UTF-8, threaded by complaint.

Every message about a complaint refers to the complaint's own root id, `<KS20261123-0042@domain>`,
in `References` and `In-Reply-To`, and carries its number in the subject, so that the customer's
reply can be matched to the complaint. Its `Message-ID` is made from the delivery's idempotency
key: a message sent again after a crash has the same id, and mail clients show it once.
"""

import datetime as dt
import hashlib
import smtplib
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from kesu.notifications.channels import Outcome
from kesu.notifications.models import Delivery

ATTACHMENTS: dict[str, Callable[..., tuple[str, bytes, str]]] = {}
"""What a delivery's `payload["attachments"]` may name — `[maker, *arguments]` — and the function of
another app that makes the file (name, content, type) when the message is sent: a file is built
from what it shows, not kept in the outbox. The reports app registers `report`."""


def message_id(delivery: Delivery) -> str:
    digest = hashlib.sha256(delivery.idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{settings.MAIL_DOMAIN}>"


def complaint_thread_id(number: str) -> str:
    return f"<{number}@{settings.MAIL_DOMAIN}>"


def headers_for(delivery: Delivery) -> dict[str, str]:
    headers = {"Message-ID": message_id(delivery), "Auto-Submitted": "auto-generated"}
    number = delivery.payload.get("number")
    if number:
        thread = [complaint_thread_id(number), *delivery.payload.get("references", [])]
        headers["References"] = " ".join(thread)
        headers["In-Reply-To"] = thread[-1]
    return headers


class EmailTransport:
    def available(self) -> bool:
        return settings.EMAIL_ENABLED

    def lane(self, delivery: Delivery) -> str:
        return "email"

    def hold_back(self, delivery: Delivery, now: dt.datetime) -> dt.datetime | None:
        return None

    def send(self, delivery: Delivery) -> Outcome:
        number = delivery.payload.get("number")
        subject = delivery.subject
        if number and number not in subject:
            subject = f"[{number}] {subject}"
        message = EmailMessage(
            subject=subject,
            body=delivery.body,
            to=[delivery.recipient],
            headers=headers_for(delivery),
            connection=get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT),
        )
        for maker, *arguments in delivery.payload.get("attachments", []):
            message.attach(*ATTACHMENTS[maker](*arguments))
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            return _refused(code, reply)
        except smtplib.SMTPResponseException as exc:
            return _refused(exc.smtp_code, exc.smtp_error)
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:1000], unreachable=True)
        return Outcome(ok=True, code="250", provider_ref=headers_for(delivery)["Message-ID"])


def _refused(code: int, reply) -> Outcome:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return Outcome(ok=False, code=str(code), error=text[:1000], permanent=500 <= code < 600)
