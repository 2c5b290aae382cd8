"""Masking of personal data shown where it is not needed."""

import re

import phonenumbers

# A stored Chinese number (E.164, as normalize_phone keeps it): +86 and its national significant number.
_CHINESE = re.compile(r"\+86([1-9][0-9]{1,16})")
# What phonenumbers would strip from the front of a Chinese number as a carrier or trunk prefix.
_CHINESE_PREFIX = re.compile(phonenumbers.PhoneMetadata.metadata_for_region("CN").national_prefix_for_parsing)


def mask_phone(phone: str) -> str:
    """+8613812345678 → 138****5678; keeps the first three and the last four digits."""
    if not phone:
        return ""
    digits = national_number(phone)
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(name: str) -> str:
    """张三丰 → 张**; keeps the family name (the first character)."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    if not domain:
        return ""
    return local[:1] + "***@" + domain


SENSITIVE_MASK = "******"


def mask_sensitive_fields(values: dict, sensitive: set[str]) -> dict:
    """A complaint's field values with those of the `sensitive` fields (病史, symptoms…) masked; an
    empty one stays empty, so the reader still sees whether anything was recorded."""
    return {
        key: SENSITIVE_MASK if key in sensitive and value not in (None, "") else value for key, value in values.items()
    }


def national_number(phone: str) -> str:
    """+8613812345678 → 13812345678. A stored Chinese number is read off the string (parsing costs
    about 0.1 ms, once per row of a list); anything else, or a number phonenumbers would read
    differently (one starting with a carrier prefix such as 17951), is parsed."""
    chinese = _CHINESE.fullmatch(phone)
    if chinese and not _CHINESE_PREFIX.match(chinese[1]):
        return chinese[1]
    try:
        parsed = phonenumbers.parse(phone, "CN")
    except phonenumbers.NumberParseException:
        return phone
    return str(parsed.national_number)
