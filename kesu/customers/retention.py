"""保存期限: anonymising complaints whose retention period is over, and their customers.

A process's `retention_years` keeps a complaint's records at least that many years after it was
received. Each night the worker anonymises the complaints that are finished (closed, or handed to
another process) and older than that: their free text (subject, description, demand, place, text
fields, finding note, resolution, pending reason, the timeline's texts and contact notes, plans and
their approvals' notes, follow-up outcomes, task results, the messages sent and mails taken in) and
their attachments' files. What reports count stays: numbers, categories, findings, choices, dates,
statuses, clocks, departments and handlers. A customer whose every complaint is anonymised is
anonymised too (name, phone, e-mail, member number, region, age, details); the row stays, so counts
by customer (repeat complaints, customer class) still add up.

The same anonymisation serves a customer's request to be erased (`kesu.customers.subject_requests`).
Each complaint is anonymised once (an `Anonymisation` row, written in the same transaction), in
chunks by id with SQL updates, so a million complaints never sit in memory; each night is claimed
by one worker (a `RetentionRun` row a day), and a run cut short is finished by the next one.
"""

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kesu.attachments.models import Attachment
from kesu.complaints.models import Complaint, Event, EventKind, Plan, PlanApproval, SearchTermsField, Status
from kesu.customers.models import Anonymisation, AnonymisationCause, Customer, Gender, RetentionRun
from kesu.followups.models import FollowUp
from kesu.mailin.models import InboundMail
from kesu.notifications.models import Delivery, DeliveryStatus, Notification
from kesu.processes.document import FieldType, ProcessDocument
from kesu.processes.models import Process
from kesu.processes.vocabulary import PRODUCT_FIELDS
from kesu.tasks.models import Task

log = logging.getLogger(__name__)

FINISHED = [Status.CLOSED, Status.HANDED_OVER]
BLANK = "***"  # what stays of a text that may not be empty
RETENTION_HOUR = 2  # local time: the job runs once a night, after this hour
BATCH = 500

# Field values reports count by: what was bought and where; not about the person.
_DIMENSION_FIELDS = {"store", *PRODUCT_FIELDS}
# Field types whose stored values are codes, dates or numbers, never free text.
_CODED_TYPES = {FieldType.CHOICE, FieldType.DATE, FieldType.DECIMAL, FieldType.INTEGER, FieldType.BOOLEAN}
# Keys of an event's or a notification's data that hold free text (notes of remedies, file names,
# the reason of a delay, mail subjects, the fields a handed-over complaint left behind).
_FREE_TEXT_KEYS = {"note", "name", "reason", "subject", "sender", "title", "summary", "text", "outcome", "result"}
_FREE_VALUE_KEYS = {"fields_left", "caption"}
# What the timeline says, in the company's language (LANGUAGE_CODE), whoever reads it later.
NOTES = {
    AnonymisationCause.RETENTION: gettext_noop("Anonymised: the retention period (%(years)d years) is over."),
    AnonymisationCause.REQUEST: gettext_noop("Anonymised at the customer's request (request %(request)s)."),
}


def retention_run_nightly(now: dt.datetime | None = None) -> RetentionRun | None:
    """The worker asks every hour; the night's run starts once, after RETENTION_HOUR (local)."""
    now = now or timezone.now()
    if timezone.localtime(now).hour < RETENTION_HOUR:
        return None
    return retention_run(now=now)


def retention_run(*, now: dt.datetime | None = None, batch: int = BATCH) -> RetentionRun | None:
    """Anonymise what the retention periods let go; None when another worker has today's run."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            run = RetentionRun.objects.create(day=timezone.localdate(now))
    except IntegrityError:
        return None
    for version_ids, years in _versions_with_retention():
        cutoff = _years_before(now, years)
        expired = Complaint.objects.filter(
            process_id__in=version_ids, status__in=FINISHED, received_at__lt=cutoff, anonymisation__isnull=True
        )
        for chunk in _chunks(expired, batch):
            done = complaints_anonymise(chunk, cause=AnonymisationCause.RETENTION, note_values={"years": years})
            customers = customers_anonymise_when_done(_customers_of(chunk), now=now)
            RetentionRun.objects.filter(pk=run.pk).update(
                complaints=F("complaints") + done, customers=F("customers") + customers
            )
    RetentionRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    run.refresh_from_db()
    log.info("retention: %d complaints and %d customers anonymised", run.complaints, run.customers)
    return run


def _versions_with_retention() -> list[tuple[list[int], int]]:
    """Process versions by their retention period: each complaint keeps the rules it started under."""
    by_years: dict[int, list[int]] = {}
    for process in Process.objects.all():
        years = process.spec.retention_years
        if years:
            by_years.setdefault(years, []).append(process.pk)
    return sorted((ids, years) for years, ids in by_years.items())


def _years_before(now: dt.datetime, years: int) -> dt.datetime:
    local = timezone.localtime(now)
    try:
        return local.replace(year=local.year - years)
    except ValueError:  # 29 February
        return local.replace(year=local.year - years, day=28)


def _chunks(complaints, batch: int) -> Iterable[list[int]]:
    """Ids of `complaints` in ascending chunks; each is read after the one before was anonymised."""
    last = 0
    while True:
        chunk = list(complaints.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def _customers_of(complaint_ids: list[int]) -> list[int]:
    return list(Complaint.objects.filter(pk__in=complaint_ids).values_list("customer_id", flat=True).distinct())


def complaints_anonymise(complaint_ids: list[int], *, cause: str, note_values: dict, actor=None) -> int:
    """Anonymise these complaints (those not done yet, and not held by another worker) in one
    transaction; their timelines say so (NOTES[cause] % note_values). Returns how many."""
    with transaction.atomic():
        ids = _claim(complaint_ids)
        if not ids:
            return 0
        now = timezone.now()
        _anonymise_complaints(ids, now)
        _anonymise_fields(ids)
        _anonymise_timeline(ids)
        _anonymise_plans_and_work(ids)
        _anonymise_messages(ids)
        _delete_files(ids)
        Anonymisation.objects.bulk_create([Anonymisation(complaint_id=pk, cause=cause) for pk in ids])
        with translation.override(settings.LANGUAGE_CODE):
            text = _(NOTES[cause]) % note_values
        Event.objects.bulk_create(
            [
                Event(complaint_id=pk, kind=EventKind.NOTE, actor=actor, at=now, text=text, data={"anonymised": cause})
                for pk in ids
            ]
        )
    return len(ids)


def _claim(complaint_ids: list[int]) -> list[int]:
    """The complaints of `complaint_ids` still to anonymise, locked (PostgreSQL skips those another
    worker holds; SQLite writes one at a time)."""
    rows = Complaint.objects.filter(pk__in=complaint_ids, anonymisation__isnull=True)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return list(rows.order_by("pk").values_list("pk", flat=True))


def _anonymise_complaints(ids: list[int], now: dt.datetime) -> None:
    Complaint.objects.filter(pk__in=ids).update(
        subject=BLANK,
        description=BLANK,
        demand="",
        incident_place="",
        finding_note="",
        resolution="",
        pending_reason="",
        search_terms=Cast(Value(""), output_field=SearchTermsField()),
        version=F("version") + 1,
        updated_at=now,
    )


def _anonymise_fields(ids: list[int]) -> None:
    """Text values of the process's fields are blanked and sensitive ones dropped; codes, dates,
    numbers and what reports count by (store, product) stay."""
    specs: dict[int, ProcessDocument] = {}
    changed = []
    for pk, process_id, values in Complaint.objects.filter(pk__in=ids).values_list("pk", "process_id", "fields"):
        if not values:
            continue
        if process_id not in specs:
            specs[process_id] = Process.objects.get(pk=process_id).spec
        kept = fields_anonymised(values, specs[process_id])
        if kept != values:
            changed.append(Complaint(pk=pk, fields=kept))
    Complaint.objects.bulk_update(changed, ["fields"], batch_size=BATCH)


def fields_anonymised(values: dict, spec: ProcessDocument) -> dict:
    kept = {}
    for key, value in values.items():
        field = spec.fields.get(key)
        if field is not None and field.sensitive:
            continue
        coded = field is not None and field.type in _CODED_TYPES
        if isinstance(value, str) and value and not coded and key not in _DIMENSION_FIELDS:
            value = BLANK
        kept[key] = value
    return kept


def json_anonymised(data):
    """An event's or a notification's data with its free texts blanked, at any depth."""
    if isinstance(data, list):
        return [json_anonymised(item) for item in data]
    if not isinstance(data, dict):
        return data
    kept = {}
    for key, value in data.items():
        if key in _FREE_VALUE_KEYS:
            value = type(value)() if isinstance(value, (dict, list, str)) else None
        elif key in _FREE_TEXT_KEYS and isinstance(value, str):
            value = ""
        else:
            value = json_anonymised(value)
        kept[key] = value
    return kept


def _rewrite_json(manager, rows, field: str = "data") -> None:
    """Rewrite the JSON `field` of `rows` (pk, value) that hold free text, a batch at a time."""
    changed = []
    for pk, value in rows:
        kept = json_anonymised(value)
        if kept != value:
            changed.append(manager.model(pk=pk, **{field: kept}))
    manager.bulk_update(changed, [field], batch_size=BATCH)


def _anonymise_timeline(ids: list[int]) -> None:
    """Events are append-only to everyone else: anonymising is the one change the law asks of them,
    made through the base manager, which the timeline's own guard does not cover."""
    events = Event._base_manager.filter(complaint_id__in=ids)
    events.exclude(text="").update(text="")
    _rewrite_json(Event._base_manager, events.exclude(data={}).values_list("pk", "data"))


def _anonymise_plans_and_work(ids: list[int]) -> None:
    plans = Plan.objects.filter(complaint_id__in=ids)
    plans.update(summary=BLANK, decision_note="", customer_response_note="")
    _rewrite_json(Plan.objects, plans.values_list("pk", "remedies"), field="remedies")
    PlanApproval.objects.filter(plan__complaint_id__in=ids).exclude(note="").update(note="")
    FollowUp.objects.filter(complaint_id__in=ids).exclude(outcome="").update(outcome="")
    Task.objects.filter(complaint_id__in=ids).exclude(result="").update(result="")


def _anonymise_messages(ids: list[int]) -> None:
    """What was sent about these complaints (once sent or given up) and the mails taken in."""
    sent = Delivery.objects.filter(complaint_id__in=ids, status__in=[DeliveryStatus.SENT, DeliveryStatus.FAILED])
    sent.update(subject="", body="", payload={})
    sent.filter(customer__isnull=False).update(recipient="")
    InboundMail.objects.filter(complaint_id__in=ids).update(sender="", subject="")
    notifications = Notification.objects.filter(complaint_id__in=ids).exclude(data={})
    _rewrite_json(Notification.objects, notifications.values_list("pk", "data"))


def _delete_files(ids: list[int]) -> None:
    """Attachments keep their kind, type, size and time; their files go once the transaction holds."""
    attachments = Attachment.objects.filter(complaint_id__in=ids)
    names = [name for name in attachments.exclude(file="").values_list("file", flat=True)]
    attachments.update(file="", name=BLANK, caption="")
    storage = Attachment._meta.get_field("file").storage

    def delete_files():
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                log.exception("retention: could not delete attachment file %s", name)

    transaction.on_commit(delete_files)


def customers_anonymise_when_done(customer_ids: list[int], *, now: dt.datetime | None = None) -> int:
    """Anonymise those of these customers whose every complaint is anonymised."""
    still_kept = Complaint.objects.filter(customer_id__in=customer_ids, anonymisation__isnull=True)
    done = Customer.objects.filter(pk__in=customer_ids).exclude(pk__in=still_kept.values("customer_id"))
    return customers_anonymise(done, now=now)


def customers_anonymise(customers, *, now: dt.datetime | None = None) -> int:
    """Erase these customers' personal data; their class stays for the reports."""
    return customers.filter(anonymised_at=None).update(
        name="",
        phone="",
        email="",
        member_number="",
        region="",
        age=None,
        gender=Gender.UNKNOWN,
        details={},
        preferred_channel="",
        messages_opt_out=True,
        anonymised_at=now or timezone.now(),
    )
