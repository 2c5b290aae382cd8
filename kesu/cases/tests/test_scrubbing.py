"""Scrubbing: the customer's data and anything that looks like a phone, ID or e-mail is masked."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kesu.cases.scrubbing import PersonalData, scrub

ZHANG = PersonalData(name="张三丰", phone="+8613812345678", email="zsf@example.com", member_number="VIP20260042")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("客户张三丰来电投诉", "客户张**来电投诉"),
        ("回电 13812345678 未接", "回电 *********** 未接"),
        ("回电 138-1234-5678 未接", "回电 ***-****-**** 未接"),
        ("回电 138 1234 5678 未接", "回电 *** **** **** 未接"),
        ("回电 +86 138 1234 5678", "回电 +** *** **** ****"),
        ("邮件 ZSF@Example.com 已回复", "邮件 ***@*******.*** 已回复"),
        ("会员卡号VIP20260042积分", "会员卡号***********积分"),
        ("会员卡号vip20260042积分", "会员卡号***********积分"),
    ],
)
def test_the_customers_own_data_is_masked(text, expected):
    assert scrub(text, ZHANG) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("其家属电话13987654321", "其家属电话***********"),
        ("其家属电话＋86 139-8765-4321", "其家属电话＋** ***-****-****"),
        ("门店座机010-87654321", "门店座机***-********"),
        ("门店座机(0755) 8765 4321", "门店座机(****) **** ****"),
        ("身份证110101199003071234核对", "身份证******************核对"),
        ("身份证11010119900307123X核对", "身份证******************核对"),
        ("旧身份证110101900307123", "旧身份证***************"),
        ("银行卡6222021234567890123退款", "银行卡*******************退款"),
        ("联系 li.si+vip@mail.example.cn", "联系 **.**+***@mail.example.cn"),
        ("全角１３８１２３４５６７８", "全角***********"),
    ],
)
def test_anything_that_looks_like_a_phone_id_or_email_is_masked(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "投诉单KS20261123-0042已结案",
        "2026-11-23 14:30 退款50元",
        "订单金额1299.00元，三个工作日内退款",
        "服务热线400-820-8820",
        "",
    ],
)
def test_numbers_that_are_not_personal_stay(text):
    assert scrub(text, ZHANG) == text


def test_a_one_character_name_is_not_masked_everywhere():
    assert scrub("王先生说王府井店", PersonalData(name="王")) == "王先生说王府井店"


mobiles = st.from_regex(r"\A1[3-9][0-9]{9}\Z")
prose = st.text(alphabet=st.sampled_from("客户来电投诉配送延误，要求退款。 abc"), max_size=20)


@given(before=prose, mobile=mobiles, after=prose)
def test_no_mobile_number_survives_scrubbing(before, mobile, after):
    scrubbed = scrub(f"{before}{mobile}{after}")

    assert mobile not in scrubbed
    assert len(scrubbed) == len(before) + len(mobile) + len(after)


@given(text=st.text(max_size=200))
def test_scrubbing_keeps_the_length_and_is_stable(text):
    once = scrub(text, ZHANG)

    assert len(once) == len(text)
    assert scrub(once, ZHANG) == once
