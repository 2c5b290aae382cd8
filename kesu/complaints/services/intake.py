import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import IntegrationKey
from kesu.accounts.selectors import active_department
from kesu.attachments.services import attachment_add, attachments_check, is_photo
from kesu.clocks.models import Clock
from kesu.clocks.services import clocks_for_new_complaint
from kesu.complaints.models import Complaint, Event, EventKind, Status
from kesu.complaints.rules import require_permission
from kesu.complaints.search import search_terms
from kesu.complaints.services.common import record
from kesu.complaints.services.escalation import escalate
from kesu.complaints.services.numbering import next_complaint_number
from kesu.complaints.services.routing import hand_over_rule, hand_over_target, priority_by_rules, route
from kesu.customers.services import customer_create_anonymous, customer_find_or_create, normalize_phone
from kesu.lib.errors import FieldError
from kesu.notifications.models import NotificationKind
from kesu.notifications.services import notify
from kesu.processes.document import EscalationCause, ProcessDocument, Trigger, rule_facts
from kesu.processes.models import Process
from kesu.processes.services import intake_process
from kesu.processes.vocabulary import Channel
from kesu.tasks.services import tasks_for_category

CLOCK_SKEW = dt.timedelta(minutes=5)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

# Where a complaint may come without any way to answer it: an unsigned letter, a walk-in who leaves
# no number, a regulator's transfer that names no contact.
ANONYMOUS_CHANNELS = frozenset({Channel.LETTER, Channel.STORE, Channel.REGULATOR})
PHOTO_ASKED_LATER = frozenset({Channel.EMAIL, Channel.REGULATOR})
"""Complaints recorded as they come: a photo their category asks for is asked of the customer later."""


@dataclass(frozen=True)
class CustomerIn:
    phone: str = ""
    email: str = ""
    name: str = ""
    gender: str = "unknown"
    age: int | None = None
    region: str = ""
    member_number: str = ""
    customer_class: str = ""
    language: str = ""
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Intake:
    """What a complaint is recorded with, from any channel."""

    channel: str
    customer: CustomerIn
    category: str
    description: str
    subject: str = ""
    demand: str = ""
    process: str | None = None
    priority: str | None = None
    department: str | None = None
    incident_at: dt.datetime | None = None
    incident_place: str = ""
    received_at: dt.datetime | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    regulator_case_number: str = ""
    regulator_assigned_at: dt.datetime | None = None
    privacy_notice_version: str = ""
    legal_basis: str = ""
    by_customer: bool = False
    """Filled in by the customer themselves (the portal): fields only staff fill in are not asked."""


@dataclass(frozen=True)
class _Checked:
    """An intake that passed every check, with what the checks settled."""

    process: Process
    channel: str
    category: str
    values: dict[str, Any]
    department: Any
    phone: str
    anonymous: bool
    received_at: dt.datetime
    regulator_case_number: str
    regulator_assigned_at: dt.datetime | None
    priority: str
    handler: Any
    taken_over: dict | None = None
    """How it came to this process from another (the `taken_over` event's data), if it did."""


def complaint_intake_check(
    *,
    intake: Intake,
    actor=None,
    integration: IntegrationKey | None = None,
    files: Sequence[UploadedFile] = (),
    carried_types: Sequence[str] = (),
    hand_over: bool = True,
) -> _Checked:
    """Every check intake makes, without writing anything (an import's dry run asks it row by row);
    `files`: those sent with the complaint, `carried_types`: the types of the files it already has
    (a complaint handed over from another process). A routing rule may hand it to another process
    (`hand_over`): it is then checked as that process's, once (it is not handed on again)."""
    if actor is not None:
        require_permission(actor, "intake_complaint")
    process = _process(intake.process)
    channel = _channel(intake, process.spec, integration)
    category = process.spec.category(intake.category)
    if category is None:
        raise FieldError("category", _("Unknown category for this process."))
    types = [*attachments_check(files), *carried_types]
    if category.photo_required and channel not in PHOTO_ASKED_LATER and not any(map(is_photo, types)):
        raise FieldError("files", _("Add a photo of what is complained about: this category needs one."))
    values = _clean_fields(process.spec, intake.category, intake.fields, by_customer=intake.by_customer)
    department = active_department(intake.department, field="department") if intake.department else None
    phone = normalize_phone(intake.customer.phone, field="customer.phone") if intake.customer.phone else ""
    anonymous = not phone and not intake.customer.email
    if anonymous and channel not in ANONYMOUS_CHANNELS:
        raise FieldError("customer.phone", _("Give the customer's phone number or e-mail."))
    received_at = _not_in_future(intake.received_at, "received_at") or timezone.now()
    regulator_case_number, regulator_assigned_at = _regulator_transfer(intake, channel)
    _not_in_future(intake.incident_at, "incident_at")

    facts = rule_facts(
        category=category.key,
        channel=channel,
        priority=intake.priority or category.default_priority,
        subject=intake.subject,
        description=intake.description,
        fields=values,
    )
    priority = intake.priority or priority_by_rules(process.spec, facts, category.default_priority)
    facts["priority"] = priority
    rule = hand_over_rule(process.spec, facts) if hand_over else None
    if rule is not None:
        return _checked_under_target(intake, process, rule, values, actor, integration, files)
    routed_department, handler = (None, None) if department else route(process.spec, facts)
    return _Checked(
        process=process,
        channel=channel,
        category=category.key,
        values=values,
        department=department or routed_department,
        phone=phone,
        anonymous=anonymous,
        received_at=received_at,
        regulator_case_number=regulator_case_number,
        regulator_assigned_at=regulator_assigned_at,
        priority=priority,
        handler=handler,
    )


def _checked_under_target(intake: Intake, process: Process, rule, values: dict, actor, integration, files):
    """The intake checked again as the complaint of the process rule (index, rule) hands it to, in
    the category the rule names, with the fields both categories have; the rest is kept in the
    timeline."""
    index, handing = rule
    target, category = hand_over_target(handing, field="category")
    carried = {key: value for key, value in intake.fields.items() if key in category.fields}
    checked = complaint_intake_check(
        intake=replace(intake, process=target.name, category=category.key, fields=carried),
        actor=actor,
        integration=integration,
        files=files,
        hand_over=False,
    )
    taken_over = {
        "from_process": process.name,
        "from_version": process.version,
        "from_category": intake.category,
        "rule": index,
        "fields_left": {key: value for key, value in values.items() if key not in category.fields},
    }
    return replace(checked, taken_over=taken_over)


def complaint_create(
    *, intake: Intake, actor=None, integration: IntegrationKey | None = None, files: Sequence[UploadedFile] = ()
) -> Complaint:
    """登记: record a complaint from a member of staff (`actor`) or a channel integration, with the
    `files` sent with it (photos, video, recordings, documents).

    Everything is checked before anything is written; the customer is found by phone
    (else e-mail) or created; the complaint gets its number and a `received` event.
    """
    checked = complaint_intake_check(intake=intake, actor=actor, integration=integration, files=files)
    number = next_complaint_number(checked.process)
    with transaction.atomic():
        customer = (
            customer_create_anonymous(**{**vars(intake.customer), "phone": "", "email": ""})
            if checked.anonymous
            else customer_find_or_create(**{**vars(intake.customer), "phone": checked.phone})
        )
        complaint = complaint_write(
            intake=intake, checked=checked, number=number, customer=customer, actor=actor, integration=integration
        )
        for upload in files:
            attachment_add(complaint=complaint, actor=actor, upload=upload)
        complaint_first_steps(complaint, checked, actor)
    return complaint


def complaint_write(*, intake: Intake, checked: _Checked, number: str, customer, actor, integration) -> Complaint:
    """Inside the intake's transaction: the complaint, its `received` event (and `taken_over`, when a
    rule brought it from another process) and its first clocks."""
    process, channel = checked.process, checked.channel
    subject = intake.subject.strip() or _subject_from(intake.description)
    recorded_at = timezone.now()
    complaint = Complaint(
        number=number,
        process=process,
        customer=customer,
        channel=channel,
        category=checked.category,
        priority=checked.priority,
        subject=subject,
        description=intake.description,
        search_terms=search_terms(subject, intake.description, customer.name, phone=customer.phone),
        demand=intake.demand,
        incident_at=intake.incident_at,
        incident_place=intake.incident_place,
        fields=checked.values,
        department=checked.department,
        received_at=checked.received_at,
        created_by=actor,
        integration=integration,
        is_anonymous=checked.anonymous,
        regulator_case_number=checked.regulator_case_number,
        regulator_assigned_at=checked.regulator_assigned_at,
        privacy_notice_version=intake.privacy_notice_version,
        legal_basis=intake.legal_basis,
    )
    triggers = [(Trigger.RECEIVED, complaint.received_at), (Trigger.RECORDED, recorded_at)]
    if checked.regulator_assigned_at is not None:
        triggers.append((Trigger.REGULATOR_ASSIGNED, checked.regulator_assigned_at))
    clocks = clocks_for_new_complaint(complaint, triggers)
    complaint.save(force_insert=True)
    Event.objects.create(
        complaint=complaint,
        kind=EventKind.RECEIVED,
        at=recorded_at,
        actor=actor,
        to_status=complaint.status,
        data={"channel": channel, "integration": integration.name if integration else None},
    )
    if checked.taken_over is not None:
        Event.objects.create(
            complaint=complaint,
            kind=EventKind.TAKEN_OVER,
            at=recorded_at,
            actor=actor,
            to_status=complaint.status,
            data={**checked.taken_over, "to_process": process.name, "to_category": complaint.category},
        )
    Clock.objects.bulk_create(clocks)
    complaint.written_clocks = (complaint.version, clocks)  # for the answer (`presenters.intake_out`)
    return complaint


def complaint_first_steps(complaint: Complaint, checked: _Checked, actor) -> None:
    """What the process does with a complaint as soon as it is taken in: assign it by rule, open its
    category's tasks, escalate it at once where the process says so (food safety)."""
    if checked.handler is not None:
        _assign_by_rule(complaint, checked.handler)
    tasks_for_category(complaint, actor)
    if EscalationCause.RECEIVED in complaint.process.spec.escalate_on:
        escalate(complaint, cause=EscalationCause.RECEIVED)


def _assign_by_rule(complaint: Complaint, handler) -> None:
    complaint.assignee = handler
    complaint.department = complaint.department or handler.department
    complaint.status = Status.ASSIGNED
    record(
        complaint,
        actor=None,
        kind=EventKind.ASSIGNED,
        from_status=Status.NEW,
        data={
            "assignee": handler.username,
            "department": complaint.department.code if complaint.department else None,
            "by_rule": True,
        },
    )
    notify(users=[handler], kind=NotificationKind.ASSIGNED_TO_YOU, complaint=complaint, number=complaint.number)


def _process(name: str | None) -> Process:
    process = intake_process(name)
    if process is None:
        raise FieldError("process", _("Unknown process.") if name else _("No default process is set up."))
    return process


def _channel(intake: Intake, spec: ProcessDocument, integration: IntegrationKey | None) -> str:
    if integration is not None and intake.channel != integration.channel:
        raise FieldError("channel", _("This API key may only take in complaints from its own channel."))
    if intake.channel not in spec.channels:
        raise FieldError("channel", _("This process does not take in complaints from this channel."))
    return intake.channel


def _regulator_transfer(intake: Intake, channel: str) -> tuple[str, dt.datetime | None]:
    """A regulator's transfer (12315) carries the platform's case number and the time it was assigned
    to the company, from which the platform's negotiation deadline counts; other channels carry neither."""
    case_number = intake.regulator_case_number.strip()
    if channel != Channel.REGULATOR:
        if case_number or intake.regulator_assigned_at:
            raise FieldError("regulator_case_number", _("Only a regulator's transfer has a regulator's case number."))
        return "", None
    if not case_number:
        raise FieldError("regulator_case_number", _("Give the regulator's case number."))
    if intake.regulator_assigned_at is None:
        raise FieldError("regulator_assigned_at", _("Give the time the regulator assigned the complaint."))
    return case_number, _not_in_future(intake.regulator_assigned_at, "regulator_assigned_at")


def _clean_fields(spec: ProcessDocument, category_key: str, values: dict[str, Any], *, by_customer: bool):
    allowed = [key for key in spec.category(category_key).fields if not (by_customer and spec.fields[key].staff_only)]
    for key in values:
        if key not in allowed:
            raise FieldError(f"fields.{key}", _("This category has no such field."))
    cleaned = {}
    for key in allowed:
        field_spec = spec.fields[key]
        value = values.get(key)
        if value is None or value == "":
            if field_spec.required:
                raise FieldError(f"fields.{key}", _("This field is required."))
            continue
        cleaned[key] = field_spec.clean(key, value)
    return cleaned


def _not_in_future(moment: dt.datetime | None, field_name: str) -> dt.datetime | None:
    """A moment of the complaint's past: not ahead of now, nor before Kesu's earliest date (a
    mistyped year would make every deadline long missed)."""
    if moment is None:
        return None
    if moment > timezone.now() + CLOCK_SKEW:
        raise FieldError(field_name, _("May not be in the future."))
    if moment < EARLIEST:
        raise FieldError(field_name, _("Too long ago: give a date from 2000 on."))
    return moment


def _subject_from(description: str) -> str:
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    return first_line[:60]
