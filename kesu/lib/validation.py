"""Pydantic's validation errors, said once per field in the user's language."""

from django.utils.translation import gettext as _

_PARAM_SOURCES = {"body", "query", "path", "form", "header", "cookie"}
_PARAM_NAMES = {"payload", "filters"}


def field_path(loc: tuple) -> str:
    parts = list(loc)
    if parts and parts[0] in _PARAM_SOURCES:
        parts = parts[1:]
    if parts and parts[0] in _PARAM_NAMES:
        parts = parts[1:]
    return ".".join(str(part) for part in parts) or "body"


def error_message(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    for prefix, message in _MESSAGES:
        if kind.startswith(prefix):
            return message(ctx)
    return _("This value is not valid.")


def _value_error(ctx: dict) -> str:
    return str(ctx.get("error", "")) or _("This value is not valid.")


_MESSAGES = [
    ("missing", lambda ctx: _("This field is required.")),
    ("extra_forbidden", lambda ctx: _("Unknown field.")),
    ("string_too_long", lambda ctx: _("At most %(max_length)d characters.") % ctx),
    (
        "string_too_short",
        lambda ctx: (
            _("This field may not be blank.")
            if ctx.get("min_length") == 1
            else _("At least %(min_length)d characters.") % ctx
        ),
    ),
    ("too_long", lambda ctx: _("At most %(max_length)d items.") % ctx),
    ("too_short", lambda ctx: _("At least %(min_length)d items.") % ctx),
    ("string_pattern_mismatch", lambda ctx: _("The format is not valid.")),
    ("string", lambda ctx: _("Must be text.")),
    ("int", lambda ctx: _("Must be a whole number.")),
    ("float", lambda ctx: _("Must be a number.")),
    ("decimal_max_places", lambda ctx: _("At most %(decimal_places)d decimal places.") % ctx),
    ("decimal", lambda ctx: _("Must be a number.")),
    ("bool", lambda ctx: _("Must be true or false.")),
    ("datetime", lambda ctx: _("Must be a date and time, e.g. 2026-11-23T14:30:00+08:00.")),
    ("date", lambda ctx: _("Must be a date (YYYY-MM-DD).")),
    ("enum", lambda ctx: _("Choose one of: %(expected)s.") % ctx),
    ("literal_error", lambda ctx: _("Choose one of: %(expected)s.") % ctx),
    ("greater_than_equal", lambda ctx: _("Must be at least %(ge)s.") % ctx),
    ("greater_than", lambda ctx: _("Must be more than %(gt)s.") % ctx),
    ("less_than_equal", lambda ctx: _("Must be at most %(le)s.") % ctx),
    ("less_than", lambda ctx: _("Must be less than %(lt)s.") % ctx),
    ("dict_type", lambda ctx: _("Must be an object.")),
    ("model_type", lambda ctx: _("Must be an object.")),
    ("model_attributes_type", lambda ctx: _("Must be an object.")),
    ("list_type", lambda ctx: _("Must be a list.")),
    ("json", lambda ctx: _("The request body is not valid JSON.")),
    ("value_error", _value_error),
    ("assertion_error", _value_error),
]
