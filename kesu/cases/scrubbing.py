"""Remove personal data from text that goes into the case library.

A case article is read by every member of staff, long after the complaint, so the texts copied from
the complaint are scrubbed before they are saved: the customer's own name, phone, e-mail and member
number, and anything that looks like a phone number, an ID card number or an e-mail address, are
replaced by masks. Scrubbing errs on the side of masking too much, and never changes the length of
a text (so a title that fitted still fits).
"""

import re
from dataclasses import dataclass

from kesu.customers.masking import national_number

MASK = "*"

# Full-width digits and plus (１３８…, ＋86), which people type in Chinese text, are found like ASCII ones.
_HALF_WIDTH = str.maketrans({chr(0xFF10 + n): str(n) for n in range(10)} | {"＋": "+"})

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 居民身份证 (18 characters, the last may be X; or the old 15 digits) and other long numbers such as
# bank cards: any run of 15 to 19 digits.
_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{14,18}[0-9Xx](?![0-9])")
# Mobile numbers (1[3-9]x xxxx xxxx, with spaces or dashes, with or without +86 / 0086) and landlines
# with their area code (010-12345678, (0755) 1234 5678).
_MOBILE = re.compile(r"(?<![0-9+])(?:(?:\+|00)\s?86[\s-]?)?1[3-9][0-9][\s-]?[0-9]{4}[\s-]?[0-9]{4}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])(?:\(0[0-9]{2,3}\)|0[0-9]{2,3})[\s-]?[0-9]{3,4}[\s-]?[0-9]{4}(?![0-9])")
# what stays visible inside a masked span, so its shape still shows: 138-****-****, ***@*****.***
_SEPARATOR = re.compile(r"[\s()+＋@.-]")


@dataclass(frozen=True)
class PersonalData:
    """What is known about the person a text may name."""

    name: str = ""
    phone: str = ""
    email: str = ""
    member_number: str = ""


def _own_patterns(person: PersonalData) -> list[tuple[re.Pattern, int]]:
    """The person's own values as patterns, each with how many leading characters stay visible."""
    patterns = []
    if len(person.member_number.strip()) >= 3:
        patterns.append((re.compile(re.escape(person.member_number.strip()), re.IGNORECASE), 0))
    if person.email.strip():
        patterns.append((re.compile(re.escape(person.email.strip()), re.IGNORECASE), 0))
    digits = national_number(person.phone) if person.phone else ""
    if len(digits) >= 5:
        # however it was written: 13812345678, 138 1234 5678, 138-1234-5678
        patterns.append((re.compile(r"[\s-]?".join(re.escape(digit) for digit in digits)), 0))
    name = person.name.strip()
    if len(name) >= 2:
        # 张三丰 → 张**, as everywhere else names are masked (kesu.customers.masking.mask_name)
        patterns.append((re.compile(re.escape(name), re.IGNORECASE), 1))
    return patterns


def scrub(text: str, person: PersonalData = PersonalData()) -> str:
    """`text` with `person`'s data and anything that looks like a phone, ID or e-mail masked."""
    if not text:
        return text
    probe = text.translate(_HALF_WIDTH)  # same length, so a span in `probe` is the span in `text`
    masked = list(text)

    def mask(start: int, end: int) -> None:
        for index in range(start, end):
            if not _SEPARATOR.match(probe[index]):
                masked[index] = MASK

    for pattern, visible in _own_patterns(person):
        for match in pattern.finditer(probe):
            mask(match.start() + visible, match.end())
    for match in _EMAIL.finditer(probe):
        mask(match.start(), match.start() + match.group(0).index("@"))  # the domain stays
    for pattern in (_ID_NUMBER, _MOBILE, _LANDLINE):
        for match in pattern.finditer(probe):
            mask(match.start(), match.end())
    return "".join(masked)
