"""Small building blocks for API schemas."""

import datetime as dt
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator, ConfigDict


class In(Schema):
    """Input: unknown fields are refused (a typo never passes silently), text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


YEARS = (2000, 2100)
"""The years a moment of a complaint may fall in: a mistyped year is refused, not stored."""

MONTH_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"
"""A month as YYYY-MM, in the years Kesu takes."""


def _aware(moment: dt.datetime) -> dt.datetime:
    """A time without an offset is the company's local time (TIME_ZONE); its year as YEARS say."""
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise ValueError(_("Give a date between %(first)s and %(last)s.") % {"first": YEARS[0], "last": YEARS[1]})
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


LocalDatetime = Annotated[dt.datetime, AfterValidator(_aware)]


class Labelled(Schema):
    key: str
    label: str
