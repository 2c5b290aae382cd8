"""Polling the mailboxes: new mail becomes a complaint, a reply joins its complaint, auto-replies are skipped.

A reply is matched (a) by any id in In-Reply-To / References that Kesu sent (a `Delivery`'s
Message-ID, or a complaint's thread root `<number@domain>`), else (b) by a complaint number in the
subject, but only when the sender is that complaint's customer: a stranger quoting a number makes a
new complaint, so nobody can write into another customer's case.
"""

import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import metadata

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from imapclient import IMAPClient
from imapclient.exceptions import CapabilityError

from kesu.attachments.services import attachment_add
from kesu.complaints.models import Complaint
from kesu.complaints.services.customer_side import complaint_customer_writes
from kesu.complaints.services.intake import CustomerIn, Intake, complaint_create
from kesu.complaints.services.lifecycle import complaint_add_note
from kesu.lib.errors import DomainError, FieldError
from kesu.mailin.models import InboundMail, InboundOutcome, Mailbox
from kesu.mailin.parsing import ParsedMail, header_hash, parse
from kesu.notifications.models import Delivery
from kesu.processes.models import Process
from kesu.processes.services import default_process

log = logging.getLogger(__name__)

FETCH_BATCH = 50
NUMBER = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,10}\d{8}-\d{4,})(?!\d)")


@dataclass
class PollResult:
    created: int = 0
    threaded: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, outcome: str | None) -> None:
        if outcome:
            setattr(self, outcome, getattr(self, outcome) + 1)


def _version() -> str:
    try:
        return metadata.version("kesu")
    except metadata.PackageNotFoundError:
        return "0"


def poll_all() -> dict[str, PollResult]:
    """Poll every active mailbox; one mailbox's failure is recorded on it and does not stop the others."""
    results = {}
    for mailbox in Mailbox.objects.filter(is_active=True):
        try:
            results[mailbox.name] = poll_mailbox(mailbox)
        except Exception as exc:  # the server, the network or the login: the next mailbox still runs
            log.exception("polling mailbox %s failed", mailbox.name)
            Mailbox.objects.filter(pk=mailbox.pk).update(
                last_error=f"{type(exc).__name__}: {exc}"[:2000], last_polled_at=timezone.now()
            )
            results[mailbox.name] = PollResult(errors=[f"{type(exc).__name__}: {exc}"])
    return results


def poll_mailbox(mailbox: Mailbox) -> PollResult:
    """Read the mailbox's mail with UIDs above the last one taken (all of it when UIDVALIDITY changed)."""
    result = PollResult()
    client = IMAPClient(mailbox.host, port=mailbox.port, ssl=mailbox.use_ssl, timeout=settings.MAILIN_TIMEOUT)
    try:
        client.login(mailbox.username, mailbox.password)
        try:
            # RFC 2971 ID before SELECT: NetEase (163/126/yeah.net) refuses SELECT without it.
            client.id_({"name": "Kesu", "version": _version()})
        except CapabilityError:
            pass
        info = client.select_folder(mailbox.folder, readonly=True)
        uidvalidity = int(info[b"UIDVALIDITY"])
        if mailbox.uidvalidity != uidvalidity:
            mailbox.uidvalidity, mailbox.last_uid = uidvalidity, 0
        # "N:*" always matches the newest message even when its UID is below N: filter again.
        uids = sorted(uid for uid in client.search(["UID", f"{mailbox.last_uid + 1}:*"]) if uid > mailbox.last_uid)
        for start in range(0, len(uids), FETCH_BATCH):
            batch = uids[start : start + FETCH_BATCH]
            fetched = client.fetch(batch, ["RFC822"])
            for uid in batch:
                raw = fetched.get(uid, {}).get(b"RFC822")
                if raw is not None:
                    result.add(take(mailbox, uid, raw))
                mailbox.last_uid = uid
                Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=mailbox.uidvalidity, last_uid=uid)
    finally:
        try:
            client.logout()
        except Exception:  # the connection may be gone already
            pass
    Mailbox.objects.filter(pk=mailbox.pk).update(
        uidvalidity=mailbox.uidvalidity, last_uid=mailbox.last_uid, last_polled_at=timezone.now(), last_error=""
    )
    return result


def take(mailbox: Mailbox, uid: int, raw: bytes) -> str | None:
    """Take one mail once; returns its outcome, or None when it was taken before. A bad mail is skipped."""
    try:
        mail = parse(raw)
    except Exception as exc:  # not even the headers could be read
        return _record(mailbox, uid, header_hash(raw), "", "", InboundOutcome.SKIPPED, _error(exc))
    if InboundMail.objects.filter(message_id=mail.message_id).exists():
        return None
    if mail.loop_reason:
        return _record(
            mailbox, uid, mail.message_id, mail.sender, mail.subject, InboundOutcome.SKIPPED, mail.loop_reason
        )
    try:
        complaint = thread_of(mail)
        if complaint is not None:
            with transaction.atomic():  # the note and the end of the wait, or neither
                _reply(complaint, mail)
            outcome = InboundOutcome.THREADED
        else:
            # Intake checks everything before it writes, and takes its number outside any transaction.
            complaint = _create(mailbox, mail)
            outcome = InboundOutcome.CREATED
    except Exception as exc:  # refused by intake or broken: recorded, and the mailbox goes on
        log.warning("mail %s in %s skipped: %s", mail.message_id, mailbox.name, exc)
        return _record(mailbox, uid, mail.message_id, mail.sender, mail.subject, InboundOutcome.SKIPPED, _error(exc))
    return _record(mailbox, uid, mail.message_id, mail.sender, mail.subject, outcome, "", complaint)


def _error(exc: Exception) -> str:
    where = f" ({exc.field})" if getattr(exc, "field", None) else ""
    return f"{type(exc).__name__}{where}: {exc}"[:2000]


def _record(mailbox, uid, message_id, sender, subject, outcome, reason, complaint=None) -> str | None:
    try:
        with transaction.atomic():
            InboundMail.objects.create(
                mailbox=mailbox,
                uid=uid,
                message_id=message_id,
                sender=sender[:254],
                subject=subject[:300],
                outcome=outcome,
                reason=reason,
                complaint=complaint,
            )
    except IntegrityError:  # another poller took it at the same moment
        return None
    return str(outcome)


def thread_of(mail: ParsedMail) -> Complaint | None:
    """The complaint this mail answers, if any."""
    if mail.in_reply_to:
        delivery = (
            Delivery.objects.filter(provider_ref__in=mail.in_reply_to, complaint__isnull=False)
            .select_related("complaint")
            .order_by("-id")
            .first()
        )
        if delivery is not None:
            return delivery.complaint
        suffix = f"@{settings.MAIL_DOMAIN}>"
        numbers = [ref[1 : -len(suffix)] for ref in mail.in_reply_to if ref.endswith(suffix)]
        complaint = Complaint.objects.filter(number__in=numbers).first() if numbers else None
        if complaint is not None:
            return complaint
    subject = unicodedata.normalize("NFKC", mail.subject)
    for number in NUMBER.findall(subject):
        complaint = Complaint.objects.select_related("customer").filter(number=number.upper()).first()
        if complaint is not None and mail.sender and (complaint.customer.email or "").lower() == mail.sender:
            return complaint
    return None


def _attach(complaint: Complaint, mail: ParsedMail) -> None:
    """Keep the mail's photos, videos, recordings and PDFs with the complaint, as sent by the customer;
    one Kesu does not take is named in a note, so the handler knows to look in the mailbox."""
    for item in mail.attachments:
        try:
            attachment_add(complaint=complaint, actor=None, upload=SimpleUploadedFile(item.name, item.content))
        except FieldError as refusal:
            text = _("The e-mail's attachment %(name)s was not kept: %(reason)s") % {
                "name": item.name,
                "reason": refusal.message,
            }
            complaint_add_note(complaint=complaint, actor=None, text=text)


def _reply(complaint: Complaint, mail: ParsedMail) -> None:
    text = _("E-mail from the customer (%(sender)s): %(subject)s") % {"sender": mail.sender, "subject": mail.subject}
    text = f"{text}\n\n{mail.body}".strip()
    try:
        complaint_customer_writes(complaint=complaint, text=text, via="email")
    except DomainError:  # a closed complaint takes no more: the mail is kept as a note for the staff
        complaint_add_note(complaint=complaint, actor=None, text=text)
    _attach(complaint, mail)


def _category(process_name: str) -> tuple[str | None, str]:
    process = Process.objects.current(process_name) if process_name else default_process()
    if process is None:
        return process_name or None, ""
    spec = process.spec
    # A mail cannot fill the process's own fields: the first category that asks for none required.
    free = (c for c in spec.categories if not any(spec.fields[key].required for key in c.fields if key in spec.fields))
    return process_name or None, next(free, spec.categories[0]).key


def _create(mailbox: Mailbox, mail: ParsedMail) -> Complaint:
    process, category = _category(mailbox.process)
    received_at = mail.date if isinstance(mail.date, dt.datetime) and mail.date.tzinfo else None
    if received_at is not None and received_at > timezone.now():
        received_at = None
    complaint = complaint_create(
        intake=Intake(
            channel=mailbox.channel,
            customer=CustomerIn(email=mail.sender, name=mail.sender_name[:100]),
            category=category,
            description=mail.body or mail.subject or _("(an e-mail without text)"),
            subject=mail.subject[:200],
            process=process,
            received_at=received_at,
        )
    )
    _attach(complaint, mail)
    return complaint
