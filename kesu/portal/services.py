"""客户自助: what the customer does on the portal — send a complaint, find it again, add to it,
answer the plan. Each step checks the anti-abuse rules first (the proof-of-work, the limits per
address, phone and number, the SMS code where the process asks for one); nothing is written
before every check has passed.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.attachments.services import attachment_add, attachments_check
from kesu.complaints.models import Complaint
from kesu.complaints.services.customer_side import complaint_customer_writes
from kesu.complaints.services.intake import CustomerIn, Intake, complaint_create, complaint_intake_check
from kesu.customers.services import normalize_phone
from kesu.lib.errors import DomainError, FieldError, TooMany
from kesu.portal.challenge import challenge_solved
from kesu.portal.codes import code_check, code_send
from kesu.portal.models import CodePurpose
from kesu.portal.privacy import notice_in_force
from kesu.portal.throttle import Limit, throttle_hit, throttle_reached
from kesu.processes.models import Process

HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)


@dataclass(frozen=True)
class Submission:
    """A complaint as the customer fills it in on the portal."""

    process: Process
    channel: str
    category: str
    description: str
    phone: str = ""
    email: str = ""
    name: str = ""
    demand: str = ""
    incident_at: dt.datetime | None = None
    incident_place: str = ""
    fields: dict = field(default_factory=dict)
    files: list[UploadedFile] = field(default_factory=list)
    language: str = ""
    challenge: str = ""
    code: str = ""
    form_started: str = ""
    honeypot: str = ""


def form_started_stamp() -> str:
    """A signed time put in the form when it is shown: a form sent within seconds is a robot's."""
    return signing.dumps(timezone.now().timestamp(), salt="kesu.portal.form")


def submission_allowed(address: str) -> None:
    """Each complaint sent from one address counts, good or bad; past the limit, TooMany."""
    limit = Limit(settings.PORTAL_SUBMITS_PER_ADDRESS_HOUR, HOUR)
    if not throttle_hit(f"submit-address:{address}", limit):
        raise TooMany(
            _("Too many complaints were sent from your network in the last hour. Please try again later, or call us.")
        )


def portal_submit(submission: Submission) -> Complaint:
    """Record the complaint the customer sent, with its files and the privacy notice they accepted."""
    _require_human(submission)
    phone = normalize_phone(submission.phone, field="phone") if submission.phone else ""
    spec = submission.process.spec
    if spec.portal.sms_code:
        if not phone:
            raise FieldError("phone", _("Give your mobile number: a code is sent to it."))
        if not code_check(phone=phone, purpose=CodePurpose.SUBMIT, code=submission.code):
            raise FieldError("code", _("The code is wrong or no longer valid; ask for a new one."))
    notice = notice_in_force()
    intake = Intake(
        process=submission.process.name,
        channel=submission.channel,
        customer=CustomerIn(
            phone=phone, email=submission.email.strip(), name=submission.name.strip(), language=submission.language
        ),
        category=submission.category,
        description=submission.description,
        demand=submission.demand,
        incident_at=submission.incident_at,
        incident_place=submission.incident_place,
        fields=submission.fields,
        privacy_notice_version=notice.version,
        legal_basis=notice.legal_basis,
        by_customer=True,
    )
    complaint_intake_check(intake=intake, files=submission.files)
    if phone and not throttle_hit(f"submit-phone:{phone}", Limit(settings.PORTAL_SUBMITS_PER_PHONE_DAY, DAY)):
        raise TooMany(_("Too many complaints from this phone number today; we will handle those we have."))
    return complaint_create(intake=intake, files=submission.files)


def _require_human(submission: Submission) -> None:
    """The proof-of-work solved, the hidden field left empty, the form not sent at once."""
    if submission.honeypot:
        raise DomainError(_("The form could not be sent; please reload the page."), code="rejected")
    try:
        started = signing.loads(submission.form_started, salt="kesu.portal.form", max_age=DAY)
    except signing.BadSignature:
        raise DomainError(_("The form is out of date; please reload the page."), code="stale_form") from None
    if timezone.now().timestamp() - started < settings.PORTAL_MIN_FILL_SECONDS:
        raise DomainError(_("The form was sent too fast; please check it and send it again."), code="too_fast")
    if not challenge_solved(submission.challenge):
        raise FieldError("altcha", _("Please confirm that you are not a robot (the check below)."))


def submission_code_send(*, phone: str, challenge: str, address: str) -> str:
    """The code a process asks for before it takes a complaint, sent to the phone given."""
    if not challenge_solved(challenge):
        raise FieldError("altcha", _("Please confirm that you are not a robot (the check below)."))
    phone = normalize_phone(phone, field="phone")
    code_send(phone=phone, purpose=CodePurpose.SUBMIT, address=address)
    return phone


# ---- finding one's complaint again -----------------------------------------------------------


def _wrong_codes_key(number: str) -> str:
    return f"track-wrong:{number.upper()}"


def _wrong_codes_limit() -> Limit:
    return Limit(settings.PORTAL_WRONG_CODES_PER_NUMBER, HOUR)


def _require_not_locked(number: str) -> None:
    if throttle_reached(_wrong_codes_key(number), _wrong_codes_limit()):
        raise TooMany(_("Too many wrong codes for this complaint: looking it up is locked for an hour."))


def tracking_code_request(*, number: str, phone: str, challenge: str, address: str) -> None:
    """Send a code to the phone on file when `number` and `phone` belong together. Whether they do
    is never told: the answer is the same, so numbers and phones cannot be tried out."""
    if not throttle_hit(f"lookup-address:{address}", Limit(settings.PORTAL_LOOKUPS_PER_ADDRESS_HOUR, HOUR)):
        raise TooMany(_("Too many look-ups from your network in the last hour; try again later."))
    if not challenge_solved(challenge):
        raise FieldError("altcha", _("Please confirm that you are not a robot (the check below)."))
    _require_not_locked(number)
    phone = normalize_phone(phone, field="phone")
    complaint = _complaint_of(number, phone)
    if complaint is not None:
        code_send(phone=phone, purpose=CodePurpose.TRACK, address=address, complaint=complaint)


def tracking_code_check(*, number: str, code: str) -> Complaint:
    """The complaint, when `code` is the one sent for it; each wrong code counts against the number,
    and past the limit looking it up is locked."""
    _require_not_locked(number)
    complaint = Complaint.objects.select_related("customer").filter(number=number.strip().upper()).first()
    phone = complaint.customer.phone if complaint is not None and not complaint.is_anonymous else ""
    if phone and code_check(phone=phone, purpose=CodePurpose.TRACK, code=code):
        return complaint
    throttle_hit(_wrong_codes_key(number), _wrong_codes_limit())
    _require_not_locked(number)
    raise FieldError("code", _("The code is wrong or no longer valid."))


def _complaint_of(number: str, phone: str) -> Complaint | None:
    return Complaint.objects.filter(number=number.strip().upper(), customer__phone=phone, is_anonymous=False).first()


def portal_reply(*, complaint: Complaint, text: str, files: list[UploadedFile]) -> None:
    """The customer adds to their complaint: a message, files, or both."""
    if not text.strip() and not files:
        raise FieldError("text", _("Write something or add a file."))
    hourly = Limit(settings.PORTAL_REPLIES_PER_COMPLAINT_HOUR, HOUR)
    if not throttle_hit(f"reply:{complaint.number}", hourly):
        raise TooMany(_("Too many messages on this complaint in the last hour; try again later."))
    attachments_check(files)
    with transaction.atomic():
        complaint_customer_writes(complaint=complaint, text=text, via="portal")
        for upload in files:
            attachment_add(complaint=complaint, actor=None, upload=upload)
