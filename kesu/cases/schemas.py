"""The API's shapes of a case article: what comes in, what goes out."""

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from kesu.cases.models import ArticleStatus
from kesu.complaints.schemas import PersonOut
from kesu.lib.schemas import In, Labelled

Tag = Annotated[str, Field(min_length=1, max_length=50)]


class ArticleIn(In):
    complaint: str = Field(min_length=1, max_length=32, description="Number of the closed complaint.")
    title: str = Field(min_length=1, max_length=200)
    summary: str | None = Field(
        default=None, min_length=1, max_length=10000, description="The case. Default: the complaint's description."
    )
    solution: str | None = Field(
        default=None, min_length=1, max_length=10000, description="Default: the complaint's resolution."
    )
    tags: list[Tag] = Field(default_factory=list, max_length=20)


class ArticleUpdateIn(In):
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1, max_length=10000)
    solution: str = Field(min_length=1, max_length=10000)
    tags: list[Tag] = Field(default_factory=list, max_length=20)


class CaseFilterIn(Schema):
    q: str | None = Field(default=None, max_length=100, description="Text in the title, case, solution or tags.")
    process: str | None = Field(default=None, max_length=50)
    category: str | None = Field(default=None, max_length=50)
    tag: str | None = Field(default=None, max_length=50)
    status: ArticleStatus | None = None
    page: int = Field(default=1, ge=1, le=10000)
    page_size: int = Field(default=20, ge=1, le=100)


class SuggestedIn(Schema):
    complaint: str = Field(min_length=1, max_length=32, description="Number of the complaint at hand.")


class ArticleOut(Schema):
    id: int
    title: str
    summary: str
    solution: str
    tags: list[str]
    process: str
    category: Labelled
    complaint: str = Field(description="Number of the complaint the article was written from.")
    status: Labelled
    author: PersonOut
    published_by: PersonOut | None
    published_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ArticlePage(Schema):
    items: list[ArticleOut]
    page: int
    page_size: int
    has_next: bool
