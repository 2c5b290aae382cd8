"""Text search finds complaints by the pieces of their words, the same on PostgreSQL and SQLite."""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.complaints import selectors
from kesu.complaints.models import Complaint
from kesu.complaints.search import search_terms
from kesu.complaints.services.search_index import search_terms_rewrite


def test_chinese_is_cut_into_characters_and_pairs_other_text_into_words_and_numbers_where_they_stand():
    assert search_terms("配送延误", "iPhone 15坏了") == (
        " 配:1 送:2 延:3 误:4 配送:1 送延:2 延误:3 iphone:8 15:10 坏:12 了:13 坏了:12"
    )
    assert search_terms("时间", "时间") == " 时:1,6 间:2,7 时间:1,6"


def test_the_customers_phone_is_kept_by_its_national_digits_and_last_four():
    assert search_terms("", phone="+8613812345678") == " 13812345678:3 5678:3"
    assert search_terms("", phone="+12025550143") == " 12025550143:3 0143:3"


def test_intake_keeps_the_terms_on_the_complaint(as_, intake):
    number = as_("agent").post("/complaints", {**intake, "description": "配送延误"}).json()["number"]

    terms = search_terms("配送延误", "配送延误", "张三", phone="+8613812345678")
    assert Complaint.objects.filter(number=number, search_terms=terms).exists()


@pytest.fixture
def searched(as_, intake):
    """Three complaints, and a way to list the numbers a search finds (as indexes into them)."""
    agent = as_("agent")
    texts = [
        ("配送延误三天，iPhone 15屏幕碎了", "13812345678", "张伟"),
        ("配送员说送延了，后来又延误", "13900001111", "李娜"),
        ("坐席态度差", "021-62345678", "王小芳"),
    ]
    numbers = [
        agent.post("/complaints", {**intake, "description": text, "customer": {"phone": phone, "name": name}}).json()[
            "number"
        ]
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
        ("phone", []),  # whole words
        ("iphone15", [0]),
        ("张伟", [0]),
        ("张伟明", []),
        ("伟明", []),
        ("伟", [0]),
        ("态度 王小芳", [2]),  # a three-character name, as written
        ("小芳", [2]),
        ("13812345678", [0]),  # a whole number: through the phone index
        ("1381", []),
        ("5678", [0, 2]),  # 尾号: the last four digits of a mobile or a landline
        ("2345", []),
        ("，", []),
    ],
)
def test_a_search_finds_complaints_by_the_pieces_of_their_words(searched, q, found):
    assert searched(q) == found


def test_the_terms_are_written_again_after_an_upgrade_changes_how_text_is_cut(as_, intake):
    number = as_("agent").post("/complaints", {**intake, "description": "配送延误"}).json()["number"]
    Complaint.objects.filter(number=number).update(search_terms=" 旧的")

    assert search_terms_rewrite(batch=1) == 1
    terms = search_terms("配送延误", "配送延误", "张三", phone="+8613812345678")
    assert Complaint.objects.filter(number=number, search_terms=terms).exists()


@pytest.mark.parametrize("newest_first", [(2,), (2, 4), (5000,)])
def test_a_search_pages_through_recent_and_older_complaints_newest_first(as_, intake, monkeypatch, newest_first):
    monkeypatch.setattr(selectors, "NEWEST_FIRST", newest_first)
    agent = as_("agent")
    received = [timezone.now() - dt.timedelta(days=days) for days in (400, 200, 95, 30, 1)]
    numbers = [
        agent.post("/complaints", {**intake, "description": "配送延误", "received_at": at.isoformat()}).json()["number"]
        for at in received
    ]
    supervisor = as_("supervisor")

    def page(number, size):
        answer = supervisor.get("/complaints", {"q": "配送延误", "page": number, "page_size": size}).json()
        return [item["number"] for item in answer["items"]], answer["has_next"]

    newest = numbers[::-1]
    assert page(1, 1) == (newest[:1], True)  # the newest complaints hold it
    assert page(1, 3) == (newest[:3], True)  # they do not: the search index finds older ones
    assert page(2, 2) == (newest[2:4], True)
    assert page(1, 10) == (newest, False)
