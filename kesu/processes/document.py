"""The process document: a company's complaint rules as data, validated on load.

A document is YAML (or the same structure as JSON). Its shape is the pydantic model
`ProcessDocument`; anything it does not know is refused, so a typo never passes silently.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, model_validator

from kesu.lib.errors import FieldError
from kesu.processes.vocabulary import Channel, Priority

KEY_PATTERN = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(Strict):
    zh: str
    en: str

    def __str__(self) -> str:
        return self.en if (get_language() or "").startswith("en") else self.zh


class FindingNeed(str, Enum):
    """What a finding asks for before the complaint may be resolved."""

    EXPLANATION_CONTACT = "explanation_contact"
    APOLOGY_CONTACT = "apology_contact"
    PLAN = "plan"


class FieldType(str, Enum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"


class FieldSpec(Strict):
    """A custom field that a category asks for at intake (licence plate, order number, SKU…)."""

    label: Label
    type: FieldType = FieldType.TEXT
    required: bool = False
    max_length: int = Field(default=200, ge=1, le=5000)
    pattern: str | None = None
    choices: list[str] = []
    min: Decimal | None = None
    max: Decimal | None = None

    @model_validator(mode="after")
    def _choices_only_for_choice(self):
        if (self.type == FieldType.CHOICE) != bool(self.choices):
            raise ValueError("a choice field needs choices, and only a choice field has them")
        if self.pattern:
            re.compile(self.pattern)
        return self

    def clean(self, key: str, value: Any) -> Any:
        """The value in its stored form, or FieldError naming `fields.<key>`."""
        field = f"fields.{key}"
        cleaner = _CLEANERS[self.type]
        try:
            return cleaner(self, value)
        except (TypeError, ValueError, InvalidOperation):
            raise FieldError(field, _TYPE_MESSAGES[self.type]) from None
        except _RuleBroken as broken:
            raise FieldError(field, broken.message) from None


class _RuleBroken(Exception):
    def __init__(self, message):
        self.message = message


def _clean_text(spec: FieldSpec, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError
    value = value.strip()
    if len(value) > spec.max_length:
        raise _RuleBroken(_("At most %(max)d characters.") % {"max": spec.max_length})
    if spec.pattern and value and not re.fullmatch(spec.pattern, value):
        raise _RuleBroken(_("The format is not valid."))
    return value


def _check_range(spec: FieldSpec, number) -> None:
    if spec.min is not None and number < spec.min:
        raise _RuleBroken(_("Must be at least %(min)s.") % {"min": spec.min})
    if spec.max is not None and number > spec.max:
        raise _RuleBroken(_("Must be at most %(max)s.") % {"max": spec.max})


def _clean_integer(spec: FieldSpec, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError
    number = int(value)
    _check_range(spec, number)
    return number


def _clean_decimal(spec: FieldSpec, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError
    _check_range(spec, number)
    return str(number)


def _clean_date(spec: FieldSpec, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError
    return dt.date.fromisoformat(value).isoformat()


def _clean_boolean(spec: FieldSpec, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError
    return value


def _clean_choice(spec: FieldSpec, value: Any) -> str:
    if value not in spec.choices:
        raise _RuleBroken(_("Choose one of: %(choices)s.") % {"choices": ", ".join(spec.choices)})
    return value


_CLEANERS = {
    FieldType.TEXT: _clean_text,
    FieldType.INTEGER: _clean_integer,
    FieldType.DECIMAL: _clean_decimal,
    FieldType.DATE: _clean_date,
    FieldType.BOOLEAN: _clean_boolean,
    FieldType.CHOICE: _clean_choice,
}

_TYPE_MESSAGES = {
    FieldType.TEXT: _("Must be text."),
    FieldType.INTEGER: _("Must be a whole number."),
    FieldType.DECIMAL: _("Must be a number."),
    FieldType.DATE: _("Must be a date (YYYY-MM-DD)."),
    FieldType.BOOLEAN: _("Must be true or false."),
    FieldType.CHOICE: _("Must be one of the choices."),
}


class FindingSpec(Strict):
    """二次分类: what the investigation concluded."""

    label: Label
    valid: bool
    needs: list[FindingNeed] = []


class CategorySpec(Strict):
    """一次分类: what the complaint is about, chosen at intake."""

    key: str = Field(pattern=KEY_PATTERN)
    label: Label
    findings: list[str] = Field(min_length=1)
    fields: list[str] = []
    default_priority: Priority = Priority.MEDIUM


class ProcessDocument(Strict):
    name: str = Field(pattern=KEY_PATTERN, max_length=50)
    version: int = Field(ge=1)
    label: Label
    number_prefix: str | None = Field(default=None, pattern=r"^[A-Z]{1,6}$")
    channels: list[Channel] = Field(min_length=1)
    fields: dict[str, FieldSpec] = {}
    findings: dict[str, FindingSpec] = Field(min_length=1)
    categories: list[CategorySpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _references_resolve(self):
        keys = [category.key for category in self.categories]
        if len(keys) != len(set(keys)):
            raise ValueError("category keys must be unique")
        for category in self.categories:
            for finding in category.findings:
                if finding not in self.findings:
                    raise ValueError(f"category {category.key}: unknown finding {finding!r}")
            for field in category.fields:
                if field not in self.fields:
                    raise ValueError(f"category {category.key}: unknown field {field!r}")
        return self

    def category(self, key: str) -> CategorySpec | None:
        return next((category for category in self.categories if category.key == key), None)
