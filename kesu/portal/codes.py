"""短信验证码: a six-digit code sent by SMS to prove that the phone is the customer's, kept only as an
HMAC, good for five minutes and five tries. The caps per number are those of the SMS providers'
defaults (one a minute, five an hour, ten a day), checked here so that a refusal is ours and clear."""

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint
from kesu.lib.errors import DomainError, TooMany
from kesu.notifications.channels import transports
from kesu.notifications.customer import verification_code_send
from kesu.portal.models import VerificationCode
from kesu.portal.throttle import Limit, throttle_hit

LIFETIME = dt.timedelta(minutes=5)
TRIES = 5
PER_PHONE = [
    (Limit(1, dt.timedelta(minutes=1)), _("A code was sent a moment ago; wait a minute before asking again.")),
    (Limit(5, dt.timedelta(hours=1)), _("Too many codes for this number in the last hour; try again later.")),
    (Limit(10, dt.timedelta(days=1)), _("Too many codes for this number today; try again tomorrow.")),
]


def codes_available() -> bool:
    return transports()["sms"].available() and bool(settings.SMS_CODE_TEMPLATE)


def _digest(phone: str, purpose: str, code: str) -> str:
    return salted_hmac("kesu.portal.code", f"{phone}:{purpose}:{code}", algorithm="sha256").hexdigest()


def code_send(*, phone: str, purpose: str, address: str, complaint: Complaint | None = None) -> None:
    """Send a new code to `phone` (E.164) for `purpose`; TooMany when a cap is reached."""
    if not codes_available():
        raise DomainError(_("Codes cannot be sent by SMS at the moment."), code="sms_unavailable")
    hourly = Limit(settings.PORTAL_CODES_PER_ADDRESS_HOUR, dt.timedelta(hours=1))
    if not throttle_hit(f"code-address:{address}", hourly):
        raise TooMany(_("Too many codes were asked for from your network; try again in an hour."))
    for limit, message in PER_PHONE:
        if not throttle_hit(f"code-phone:{phone}", limit):
            raise TooMany(message, field="phone")
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        record = VerificationCode.objects.create(
            phone=phone,
            purpose=purpose,
            complaint=complaint,
            digest=_digest(phone, purpose, code),
            expires_at=timezone.now() + LIFETIME,
        )
        verification_code_send(phone=phone, code=code, reference=str(record.pk))


@transaction.atomic
def code_check(*, phone: str, purpose: str, code: str) -> bool:
    """Whether `code` is the latest code sent to `phone` for `purpose`, unexpired and unused; a code
    is good once, and a wrong guess uses up one of its tries."""
    latest = (
        VerificationCode.objects.select_for_update()
        .filter(phone=phone, purpose=purpose, used_at=None, expires_at__gt=timezone.now())
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is None or latest.tries >= TRIES:
        return False
    if constant_time_compare(latest.digest, _digest(phone, purpose, code.strip())):
        latest.used_at = timezone.now()
        latest.save(update_fields=["used_at"])
        return True
    latest.tries += 1
    latest.save(update_fields=["tries"])
    return False
