"""Text search finds complaints by the pieces of their words, the same on PostgreSQL and SQLite."""

import pytest

from kesu.complaints.models import Complaint
from kesu.complaints.search import search_terms


def test_chinese_is_cut_into_pairs_and_other_text_into_lowercase_words():
    assert search_terms("配送延误", "iPhone 15坏了") == " 配送 送延 延误 误 iphone 15 坏了 了"


def test_the_customers_phone_is_kept_by_its_national_digits_and_last_four():
    assert search_terms("", phone="+8613812345678") == " 13812345678 5678"
    assert search_terms("", phone="+12025550143") == " 12025550143 0143"


def test_intake_keeps_the_terms_on_the_complaint(as_, intake):
    number = as_("agent").post("/complaints", {**intake, "description": "配送延误"}).json()["number"]

    terms = Complaint.objects.get(number=number).search_terms
    assert terms.split() == ["配送", "送延", "延误", "误", "张三", "三", "13812345678", "5678"]


@pytest.fixture
def searched(as_, intake):
    """Three complaints, and a way to list the numbers a search finds (as indexes into them)."""
    agent = as_("agent")
    texts = [
        ("配送延误三天，iPhone 15屏幕碎了", "13812345678", "张伟"),
        ("配送员说送延了，后来又延误", "13900001111", "李娜"),
        ("坐席态度差", "021-62345678", "王芳"),
    ]
    numbers = [
        agent.post(
            "/complaints", {**intake, "description": text, "customer": {"phone": phone, "name": name}}
        ).json()["number"]
        for text, phone, name in texts
    ]
    supervisor = as_("supervisor")

    def search(q):
        found = [item["number"] for item in supervisor.get("/complaints", {"q": q}).json()["items"]]
        return sorted(numbers.index(number) for number in found)

    return search


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("配送", [0, 1]),
        ("延误", [0, 1]),
        ("送", [0, 1]),
        ("误", [0, 1]),
        ("配送延误", [0]),  # the second has every pair of it, but not as written
        ("延误配送", []),
        ("配送 延误", [0, 1]),
        ("屏幕碎了", [0]),
        ("iphone", [0]),
        ("IPHONE", [0]),
        ("phone", []),  # words are found from their beginning
        ("张伟", [0]),
        ("伟", [0]),
        ("态度 王芳", [2]),
        ("13812345678", [0]),  # a whole number: through the phone index
        ("1381", [0]),
        ("5678", [0, 2]),  # 尾号: the last four digits of a mobile or a landline
        ("2345", []),
        ("，", []),
    ],
)
def test_a_search_finds_complaints_by_the_pieces_of_their_words(searched, q, found):
    assert searched(q) == found
