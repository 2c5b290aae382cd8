"""The API's shapes of a corrective action: what comes in for each step, what goes out."""

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from kesu.complaints.schemas import DepartmentOut, PersonOut
from kesu.improvements.models import ImprovementStatus
from kesu.lib.schemas import In, Labelled

ComplaintNumber = Annotated[str, Field(min_length=1, max_length=32)]


class ImprovementIn(In):
    title: str = Field(min_length=1, max_length=200)
    root_cause: str = Field(min_length=1, max_length=5000)
    action: str = Field(min_length=1, max_length=5000, description="What will be done against the root cause.")
    owner: str = Field(max_length=150, description="Username of the person who carries the action out.")
    department: str | None = Field(default=None, max_length=50, description="Default: the owner's department.")
    due_date: dt.date
    complaints: list[ComplaintNumber] = Field(
        default_factory=list, max_length=50, description="Numbers of complaints covered."
    )


class LinkIn(In):
    complaints: list[ComplaintNumber] = Field(min_length=1, max_length=50, description="Numbers of complaints to link.")


class DoneIn(In):
    note: str = Field(min_length=1, max_length=5000, description="What was done.")


class VerifyIn(In):
    result: str = Field(min_length=1, max_length=5000, description="How the action was found effective.")


class SendBackIn(In):
    reason: str = Field(min_length=1, max_length=2000, description="Why the action was not effective.")


class ImprovementFilterIn(Schema):
    status: ImprovementStatus | None = None
    owner: str | None = Field(default=None, max_length=150)
    overdue: bool | None = None
    complaint: str | None = Field(default=None, max_length=32, description="Actions covering this complaint.")
    page: int = Field(default=1, ge=1, le=10000)
    page_size: int = Field(default=20, ge=1, le=100)


class EntryOut(Schema):
    kind: Labelled
    at: dt.datetime
    actor: PersonOut
    text: str
    data: dict


class ImprovementSummaryOut(Schema):
    id: int
    title: str
    root_cause: str
    action: str
    status: Labelled
    owner: PersonOut
    department: DepartmentOut | None
    due_date: dt.date
    overdue: bool
    complaints: list[str] = Field(description="The linked complaints you may see.")
    complaint_count: int = Field(description="All linked complaints, also those you may not see.")
    done_note: str
    done_at: dt.datetime | None
    verification: str
    verified_by: PersonOut | None
    verified_at: dt.datetime | None
    times_sent_back: int
    created_by: PersonOut
    created_at: dt.datetime
    updated_at: dt.datetime


class ImprovementOut(ImprovementSummaryOut):
    history: list[EntryOut]


class ImprovementPage(Schema):
    items: list[ImprovementSummaryOut]
    page: int
    page_size: int
    has_next: bool
