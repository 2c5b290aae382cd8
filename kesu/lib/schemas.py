"""Small building blocks for API schemas."""

import datetime as dt
from typing import Annotated

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, ConfigDict


class In(Schema):
    """Input: unknown fields are refused (a typo never passes silently), text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _aware(moment: dt.datetime) -> dt.datetime:
    """A time without an offset is the company's local time (TIME_ZONE)."""
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


LocalDatetime = Annotated[dt.datetime, AfterValidator(_aware)]


class Labelled(Schema):
    key: str
    label: str
