"""The API's shapes of the triage."""

import datetime as dt

from ninja import Schema
from pydantic import Field

from kesu.lib.schemas import In, Labelled

Identifiers = dict[str, str]


class SuggestIn(In):
    process: str = Field(min_length=1, max_length=50, description="The process the complaint is taken in under.")
    subject: str = Field(default="", max_length=200)
    description: str = Field(min_length=1, max_length=10000)


class ChoiceOut(Schema):
    key: str
    label: str
    probability: float
    words: list[str] = Field(description="The words of the text that weighed most (first choice only).")


class ModelSummaryOut(Schema):
    id: int
    process: str
    trained_at: dt.datetime
    status: Labelled
    samples: int
    held_out: int
    score: float
    accuracy: dict[str, float]
    note: str


class SuggestionsOut(Schema):
    model: ModelSummaryOut | None = Field(description="The model in use for the process, if any.")
    threshold: float = Field(description="A target's held-out accuracy must reach this to be suggested.")
    category: list[ChoiceOut]
    department: list[ChoiceOut]
    priority: list[ChoiceOut]


class DuplicatesIn(In):
    process: str = Field(min_length=1, max_length=50)
    customer_phone: str = Field(default="", max_length=30)
    fields: Identifiers = Field(default_factory=dict, description="The process fields given so far (order number…).")
    subject: str = Field(default="", max_length=200)
    description: str = Field(min_length=1, max_length=10000)


class DuplicateOut(Schema):
    number: str
    subject: str
    status: Labelled
    received_at: dt.datetime
    similarity: float
    same: list[str] = Field(description="What they share: `customer`, or the key of an identifying field.")


class MergeIn(In):
    into: str = Field(min_length=1, max_length=32, description="The number of the complaint that carries on.")
    version: int = Field(description="The version of this (the duplicate) complaint you read.")
    reason: str = Field(default="", max_length=2000)


class MergeOut(Schema):
    number: str
    status: Labelled
    version: int
    merged: str


class TrainIn(In):
    process: str = Field(min_length=1, max_length=50)


class TrainOut(Schema):
    process: str
    queued: bool
