"""The API's shapes of a complaint: what comes in for each step, what goes out."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

import pydantic
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import ValidationError
from pydantic import Field, field_validator

from kesu.accountability.models import Measure
from kesu.complaints.models import ContactDirection, ContactPurpose, LegalBasis, Status
from kesu.complaints.remedies import MAX_AMOUNT, RemedyKind
from kesu.customers.models import CustomerClass, Gender
from kesu.followups.models import Satisfaction
from kesu.lib.schemas import YEARS, In, Labelled, LocalDatetime
from kesu.processes.vocabulary import Channel, Priority
from kesu.tasks.models import TaskKind


class CustomerIn(In):
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=254)
    name: str = Field(default="", max_length=100)
    gender: Gender = Gender.UNKNOWN
    age: int | None = Field(default=None, ge=0, le=150)
    region: str = Field(default="", max_length=100)
    member_number: str = Field(default="", max_length=50)
    customer_class: CustomerClass | None = None
    details: dict[str, str] = Field(default_factory=dict, max_length=30)

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise ValueError(_("Enter a valid e-mail address.")) from None
        return value

    @field_validator("details")
    @classmethod
    def _small_details(cls, value: dict[str, str]) -> dict[str, str]:
        """What the caller's own system knows of the customer: short notes, not documents."""
        for key, text in value.items():
            if len(key) > DETAIL_KEY_LENGTH or len(text) > DETAIL_LENGTH:
                raise ValueError(
                    _("Each detail: a name of at most %(key)s characters, a value of at most %(value)s.")
                    % {"key": DETAIL_KEY_LENGTH, "value": DETAIL_LENGTH}
                )
        return value


DETAIL_KEY_LENGTH, DETAIL_LENGTH = 50, 500


class ComplaintIn(In):
    process: str | None = Field(default=None, max_length=50)
    channel: Channel
    customer: CustomerIn
    category: str = Field(max_length=50)
    subject: str = Field(default="", max_length=200)
    description: str = Field(min_length=1, max_length=5000)
    demand: str = Field(default="", max_length=2000)
    incident_at: LocalDatetime | None = None
    incident_place: str = Field(default="", max_length=200)
    received_at: LocalDatetime | None = None
    priority: Priority | None = None
    department: str | None = Field(default=None, max_length=50)
    fields: dict[str, Any] = Field(default_factory=dict, max_length=50)
    regulator_case_number: str = Field(default="", max_length=50)
    regulator_assigned_at: LocalDatetime | None = None
    privacy_notice_version: str = Field(
        default="", max_length=30, description="The privacy notice the customer accepted in the caller's own form."
    )
    legal_basis: LegalBasis | Literal[""] = ""


def complaint_in(text: str) -> ComplaintIn:
    """The complaint sent as a form field beside its files, as JSON; its errors named under `complaint`."""
    try:
        return ComplaintIn.model_validate_json(text)
    except pydantic.ValidationError as error:
        raise ValidationError([{**each, "loc": ("complaint", *each["loc"])} for each in error.errors()]) from None


class AttachmentOut(Schema):
    id: int
    name: str
    kind: str
    content_type: str
    size: int
    caption: str
    uploaded_at: dt.datetime
    url: str = Field(description="The file, for staff signed in on the pages.")


class ComplaintFilterIn(Schema):
    status: list[Status] | None = None
    process: str | None = Field(default=None, max_length=50)
    category: str | None = Field(default=None, max_length=50)
    finding: str | None = Field(default=None, max_length=50)
    priority: Priority | None = None
    channel: Channel | None = None
    department: str | None = Field(default=None, max_length=50)
    assignee: str | None = Field(default=None, max_length=150)
    received_from: LocalDatetime | None = None
    received_to: LocalDatetime | None = None
    escalated_to: str | None = Field(default=None, max_length=150)
    tier: int | None = Field(default=None, ge=1, le=20)
    overdue: bool | None = None
    due_soon: bool | None = None
    picked_for_review: bool | None = None
    red_marked: bool | None = None
    q: str | None = Field(default=None, max_length=100)
    order: Literal["-received", "received", "due"] = "-received"
    page: int = Field(default=1, ge=1, le=10000)
    page_size: int = Field(default=20, ge=1, le=100)


class VersionIn(In):
    version: int = Field(ge=1, description="The version you read; a stale one is refused with 409.")


class AssignIn(VersionIn):
    assignee: str = Field(max_length=150, description="Username of the handler.")
    department: str | None = Field(default=None, max_length=50)


class FindingIn(VersionIn):
    finding: str = Field(max_length=50)
    note: str = Field(default="", max_length=5000)
    responsible_department: str | None = Field(default=None, max_length=50)


class RemedyIn(In):
    kind: RemedyKind
    amount: Decimal | None = Field(default=None, ge=0, le=MAX_AMOUNT, decimal_places=2)
    note: str = Field(default="", max_length=500)


class PlanIn(VersionIn):
    summary: str = Field(min_length=1, max_length=5000)
    remedies: list[RemedyIn] = Field(min_length=1, max_length=20)


class DecisionIn(VersionIn):
    note: str = Field(default="", max_length=2000)


class ReasonIn(VersionIn):
    reason: str = Field(min_length=1, max_length=2000)


class HandOverIn(ReasonIn):
    process: str = Field(max_length=50, description="The process that takes the complaint over (its current version).")
    category: str = Field(max_length=50, description="The complaint's category in that process.")
    fields: dict[str, Any] = Field(
        default_factory=dict, max_length=50, description="Fields of that category beyond those carried over."
    )


class ResolveIn(VersionIn):
    resolution: str = Field(min_length=1, max_length=5000)


class PendingIn(VersionIn):
    agreed_date: dt.date
    reason: str = Field(min_length=1, max_length=2000)


class PromiseIn(VersionIn):
    date: dt.date = Field(
        description="The date told to the customer: due at the end of its working hours (23:59 for a "
        "calendar of whole days)."
    )
    reason: str = Field(min_length=1, max_length=2000, description="Why it takes until then (told to the customer).")

    @field_validator("date")
    @classmethod
    def _in_years(cls, value: dt.date) -> dt.date:
        if not YEARS[0] <= value.year <= YEARS[1]:
            raise ValueError(_("Give a date between %(first)s and %(last)s.") % {"first": YEARS[0], "last": YEARS[1]})
        return value


class InvolvedIn(VersionIn):
    staff: list[str] = Field(max_length=20, description="Usernames of the staff the complaint is about.")


class PriorityIn(VersionIn):
    priority: Priority
    reason: str = Field(min_length=1, max_length=2000)


class NoteIn(In):
    text: str = Field(min_length=1, max_length=5000)


class ContactIn(In):
    channel: Channel
    direction: ContactDirection
    purpose: ContactPurpose
    summary: str = Field(min_length=1, max_length=5000)
    at: LocalDatetime | None = Field(default=None, description="When the contact happened (default: now).")


class PersonOut(Schema):
    username: str
    name: str


class DepartmentOut(Schema):
    code: str
    name: str


class CustomerOut(Schema):
    name: str
    phone: str
    email: str
    gender: str
    age: int | None
    region: str
    member_number: str
    customer_class: str
    masked: bool


class ComplaintSummaryOut(Schema):
    number: str
    status: Labelled
    category: Labelled
    priority: Labelled
    channel: Labelled
    subject: str
    customer: CustomerOut
    assignee: PersonOut | None
    department: DepartmentOut | None
    received_at: dt.datetime
    next_due_at: dt.datetime | None = None
    tier: int
    version: int


class ClockOut(Schema):
    key: str
    label: str
    state: Literal["running", "paused", "met", "breached"]
    limit: str
    started_at: dt.datetime
    due_at: dt.datetime
    stopped_at: dt.datetime | None
    remaining_seconds: int | None = Field(description="Until due (negative: overdue); frozen while paused.")
    warning: bool
    overdue: bool
    promised: bool = Field(description="The due time is a date promised to the customer: pauses do not move it.")
    provisional: bool = Field(
        description="Counted through a year whose official holidays are not known yet: it moves once they are."
    )


class IntakeOut(ComplaintSummaryOut):
    """What intake answers: the new complaint's number, where it went, and its clocks."""

    process: dict
    description: str
    demand: str
    fields: dict
    clocks: list[ClockOut]


class ChannelIntakeOut(Schema):
    """What a channel key is answered: the number to give the customer and where it stands, nothing
    of the customer (a key must not learn who is behind a phone number)."""

    number: str
    status: Labelled
    received_at: dt.datetime


class PlanOut(Schema):
    id: int
    status: Labelled
    summary: str
    remedies: list[dict]
    proposed_by: PersonOut
    proposed_at: dt.datetime
    decided_by: PersonOut | None
    decided_at: dt.datetime | None
    decision_note: str
    approvals: list["ApprovalStepOut"]
    customer_response: str


class ComplaintOut(ComplaintSummaryOut):
    process: dict
    description: str
    demand: str
    incident_at: dt.datetime | None
    incident_place: str
    fields: dict
    finding: Labelled | None
    finding_note: str
    responsible_department: DepartmentOut | None
    resolution: str
    pending_until: dt.date | None
    pending_reason: str
    reopen_count: int
    involved_staff: list[PersonOut]
    waiting_for_customer: bool
    is_anonymous: bool
    regulator_case_number: str
    regulator_assigned_at: dt.datetime | None
    privacy_notice_version: str
    legal_basis: Labelled | None
    escalated_to: PersonOut | None
    clocks: list[ClockOut]
    plan: PlanOut | None
    tasks: list["TaskOut"]
    follow_ups: list["FollowUpOut"]
    accountabilities: list["AccountabilityOut"]
    red_marked: bool
    picked_for_review: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None


class ComplaintPage(Schema):
    items: list[ComplaintSummaryOut]
    page: int
    page_size: int
    has_next: bool


class EventOut(Schema):
    id: int
    kind: Labelled
    at: dt.datetime
    actor: PersonOut | None
    by_customer: bool = Field(description="Written by the customer themselves (portal, e-mail): no staff actor.")
    from_status: str
    to_status: str
    text: str
    data: dict


class ApprovalStepOut(Schema):
    step: int
    label: str
    role: str = Field(description="The role that decides the step (or a leader above it); empty for a post's step.")
    seat: str = Field(description="The post whose holder (its backup while away) decides the step; empty for a role's.")
    status: str
    status_label: str
    waiting_on: list[PersonOut] = Field(description="Who the pending step waits on (and was asked).")
    limit: str | None = Field(description="The step's own limit, counted from the decision before it.")
    due_at: dt.datetime | None
    overdue: bool
    decided_by: PersonOut | None
    decided_at: dt.datetime | None
    note: str


class TaskOut(Schema):
    id: int
    complaint: str
    kind: Labelled
    title: str
    department: DepartmentOut
    owner: PersonOut | None
    backup: PersonOut | None
    required: bool
    status: str
    due_at: dt.datetime
    overdue: bool
    result: str
    amount: Decimal | None
    done_by: PersonOut | None
    done_at: dt.datetime | None


class FollowUpOut(Schema):
    id: int
    sequence: int
    of: int
    status: str
    due_at: dt.datetime
    satisfaction: str
    outcome: str
    via_survey: bool
    done_by: PersonOut | None
    done_at: dt.datetime | None
    survey_path: str


class AccountabilityOut(Schema):
    id: int
    person: PersonOut | None
    department: DepartmentOut | None
    fault: str
    measure: str
    amount: Decimal | None
    points: int | None
    status: str
    clock: str
    proposed_by: PersonOut | None
    decided_by: PersonOut | None
    decided_at: dt.datetime | None
    decision_note: str


class CustomerResponseIn(VersionIn):
    accepted: bool
    note: str = Field(default="", max_length=2000)


class MarkIn(VersionIn):
    mark: Literal["red", "review"]
    on: bool = True
    reason: str = Field(default="", max_length=2000)


class TaskIn(In):
    kind: TaskKind = TaskKind.OTHER
    title: str = Field(min_length=1, max_length=200)
    department: str = Field(max_length=50)
    within: str = Field(max_length=50, description="e.g. 3 working days, 24 hours")
    owner: str | None = Field(default=None, max_length=150)
    backup: str | None = Field(default=None, max_length=150)
    required: bool = True


class FollowUpIn(In):
    satisfaction: Satisfaction
    outcome: str = Field(default="", max_length=5000)
    channel: Channel = Channel.CALLBACK_CALL


class AccountabilityIn(In):
    person: str | None = Field(default=None, max_length=150)
    department: str | None = Field(default=None, max_length=50)
    fault: str = Field(min_length=1, max_length=5000)
    measure: Measure
    amount: Decimal | None = Field(default=None, ge=0, le=MAX_AMOUNT, decimal_places=2)
    points: int | None = Field(default=None, ge=-10000, le=10000)


PlanOut.model_rebuild()
ComplaintOut.model_rebuild()


class PendingLedgerRow(Schema):
    handler: str | None
    name: str
    count: int
    earliest: dt.date | None
