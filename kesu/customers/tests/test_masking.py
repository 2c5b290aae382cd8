"""A phone is masked from the stored string, as parsing it with phonenumbers would have masked it."""

import random

import phonenumbers
import pytest

from kesu.customers.masking import mask_phone, national_number
from kesu.customers.services import normalize_phone


def parsed_national_number(phone: str) -> str:
    """The way national_number worked before it read Chinese numbers off the string: always parse."""
    try:
        parsed = phonenumbers.parse(phone, "CN")
    except phonenumbers.NumberParseException:
        return phone
    return str(parsed.national_number)


def parsed_mask(phone: str) -> str:
    if not phone:
        return ""
    digits = parsed_national_number(phone)
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def chinese_mobiles() -> list[str]:
    rng = random.Random(1)
    return [f"+86{prefix}{rng.randrange(10**8):08d}" for prefix in range(130, 200) for _ in range(3)]


AREA_CODES = ["10", "20", "21", "22", "23", "24", "25", "27", "28", "29", "311", "351", "371", "411", "431", "451"]
AREA_CODES += ["471", "510", "512", "531", "571", "591", "731", "755", "757", "851", "871", "891", "898", "931", "991"]


def chinese_landlines() -> list[str]:
    """As intake stores them: normalize_phone of what the customer said, 8 digits and 7."""
    rng = random.Random(2)
    numbers = []
    for code in AREA_CODES:
        for length in (8, 7):
            local = str(rng.randrange(2, 9)) + "".join(str(rng.randrange(10)) for _ in range(length - 1))
            try:
                numbers.append(normalize_phone(f"0{code}-{local}"))
            except Exception:
                continue
    return numbers


def international_numbers() -> list[str]:
    """phonenumbers' example number of every region and type (Italian leading zeros included)."""
    numbers = set()
    for region in phonenumbers.SUPPORTED_REGIONS:
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                numbers.add(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164))
    return sorted(numbers)


ODD = [
    "",
    "+86",
    "+861",
    "+8612",
    "+860101234567",  # a trunk 0 that should not be there
    "+8617951234567",  # 17951: an IP-call prefix, yet also a mobile number
    "+861795123456789",  # ... which phonenumbers strips from a longer number
    "+8611201234567",
    "+86120123456789",
    "+8612593101234567",
    "+86101234567890123",
    "+861012345678901234567",  # too long to be a number
    "13812345678",  # not in E.164
    "010-12345678",
    "+86 138 1234 5678",
    "+86１３８１２３４５６７８",
    "+8613812345678x12",
    "+85291234567",
    "+886912345678",
    "+12025550123",
    "+390612345678",
    "phone",
]


def random_chinese_strings() -> list[str]:
    rng = random.Random(3)
    return ["+86" + "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 20))) for _ in range(3000)]


@pytest.mark.parametrize(
    "numbers",
    [chinese_mobiles, chinese_landlines, international_numbers, lambda: ODD, random_chinese_strings],
    ids=["chinese mobiles", "chinese landlines", "international", "odd", "random +86 digits"],
)
def test_it_masks_as_parsing_did(numbers):
    phones = numbers()
    assert len(phones) >= 20

    assert [mask_phone(phone) for phone in phones] == [parsed_mask(phone) for phone in phones]
    assert [national_number(phone) for phone in phones if phone] == [
        parsed_national_number(phone) for phone in phones if phone
    ]


def test_it_keeps_the_first_three_and_last_four_digits():
    assert mask_phone("+8613812345678") == "138****5678"
    assert mask_phone("+862112345678") == "211***5678"
    assert mask_phone("+85291234567") == "912*4567"
    assert mask_phone("+8610123") == "*****"


def test_a_stored_chinese_number_is_not_parsed(monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(phonenumbers, "parse", no_parsing)

    assert national_number("+8613812345678") == "13812345678"
    assert mask_phone("+861012345678") == "101***5678"
