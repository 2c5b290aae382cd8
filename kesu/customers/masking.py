"""Masking of personal data shown where it is not needed."""

import phonenumbers


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


def national_number(phone: str) -> str:
    try:
        parsed = phonenumbers.parse(phone, "CN")
    except phonenumbers.NumberParseException:
        return phone
    return str(parsed.national_number)
