"""投诉列表: filters, search, sorting, pages, saved views (its exports: test_list_exports.py; its bulk
actions: test_list_bulk.py)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.complaints import selectors as complaint_selectors
from kesu.processes.services import process_load_template
from kesu.web.models import SavedView
from kesu.web.paging import CappedPaginator
from kesu.web.tests.conftest import advance, htmx
from kesu.web.views import lists


def numbers(response) -> list[str]:
    html = response.content.decode()
    return [part.split('"')[0].strip("/").split("/")[-1] for part in html.split('href="/complaints/KS')[1:]]


def listed(client, **params) -> list[str]:
    response = client.get("/complaints/", params)
    assert response.status_code == 200
    return ["KS" + number for number in numbers(response)]


def test_filters_narrow_the_list(page, take_in, staff):
    service = take_in(category="service_quality", phone="13800000001")
    product = take_in(category="product_quality", phone="13800000002")
    advance(product, staff["agent"], ("assign", {"assignee": staff["handler"]}))
    client = page("agent")

    assert set(listed(client)) == {service.number, product.number}
    assert listed(client, category="service_quality") == [service.number]
    assert listed(client, status="assigned") == [product.number]
    assert listed(client, status=["new", "assigned"], order="received") == [service.number, product.number]
    assert listed(client, assignee="handler") == [product.number]
    assert listed(client, department="service", channel="phone", priority="medium", order="number") == [
        service.number,
        product.number,
    ]


def test_text_search_finds_by_words_number_and_phone(page, take_in):
    battery = take_in(description="充电宝发烫", phone="13800000001")
    other = take_in(description="快递员态度差", phone="13900000002")
    client = page("agent")

    assert listed(client, q="充电宝") == [battery.number]
    assert listed(client, q=other.number) == [other.number]
    assert listed(client, q="13900000002") == [other.number]


@pytest.mark.parametrize("newest_first", [(2,), (2, 4), (5000,)])
def test_a_search_pages_through_recent_and_older_complaints_newest_first(page, take_in, monkeypatch, newest_first):
    monkeypatch.setattr(complaint_selectors, "NEWEST_FIRST", newest_first)
    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    received = {days: timezone.now() - dt.timedelta(days=days) for days in (400, 200, 95, 30, 1)}
    found = [take_in(description="配送延误", phone=f"138{days:08d}", received_at=at) for days, at in received.items()]
    take_in(description="快递员态度差", phone="13900000002")
    client = page("supervisor")
    newest = [complaint.number for complaint in found[::-1]]

    assert listed(client, q="配送延误") == newest[:2]
    assert listed(client, q="配送延误", page=2) == newest[2:4]
    assert listed(client, q="配送延误", page=3) == newest[4:]
    assert listed(client, q="配送延误", order="number", page=3) == sorted(newest)[4:]


def test_received_dates_and_overdue(page, take_in, travel):
    travel(timezone.make_aware(dt.datetime(2026, 9, 1, 10, 0)))
    old = take_in(phone="13800000001")
    travel(timezone.make_aware(dt.datetime(2026, 9, 29, 10, 0)))
    recent = take_in(phone="13800000002")
    client = page("agent")

    assert listed(client, received_from="2026-09-20") == [recent.number]
    assert listed(client, received_to="2026-09-01") == [old.number]
    assert listed(client, overdue="on") == [old.number]


def test_the_store_filter_and_priority_sort(page, staff):
    from kesu.complaints import services
    from kesu.complaints.services.intake import CustomerIn, Intake

    process_load_template("retail")

    def walk_in(store, phone, safety):
        intake = Intake(
            process="retail",
            channel="store",
            customer=CustomerIn(phone=phone),
            category="product_quality",
            description="商品有问题",
            fields={"store": store, "safety_issue": safety},
        )
        return services.complaint_create(intake=intake, actor=staff["agent"])

    xuhui = walk_in("徐汇店", "13800000001", False)
    pudong = walk_in("浦东店", "13800000002", True)
    client = page("agent")

    assert listed(client, store="徐汇店") == [xuhui.number]
    assert listed(client, order="priority") == [pudong.number, xuhui.number]


def test_pages_of_25(page, take_in):
    for index in range(27):
        take_in(phone=f"138000000{index:02d}")
    client = page("agent")

    first, second = client.get("/complaints/"), client.get("/complaints/", {"page": 2})

    assert len(numbers(first)) == 25
    assert len(numbers(second)) == 2
    assert "page=2" in first.content.decode()


def test_the_list_costs_the_same_queries_however_many_rows_it_shows(page, take_in, staff):
    client = page("agent")
    take_in(phone="13800000000")
    client.get("/complaints/")  # what a worker reads once a minute (the company's name)
    with CaptureQueriesContext(connection) as few:
        client.get("/complaints/")
    for index in range(1, 6):
        complaint = take_in(phone=f"138000000{index:02d}")
        advance(complaint, staff["agent"], ("assign", {"assignee": staff["handler"]}))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/complaints/")

    assert len(numbers(response)) == 6
    assert "张**" in response.content.decode()
    assert len(many) == len(few)


def test_past_the_cap_the_list_says_more_than_and_stops_counting(page, take_in, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "CAP", 2)
    for index in range(3):
        take_in(phone=f"138000000{index:02d}")

    content = page("agent").get("/complaints/").content.decode()

    assert "超过 2 条投诉" in content


def test_htmx_gets_only_the_results(page, take_in):
    take_in()

    response = htmx(page("agent"), "get", "/complaints/", {"q": "充电"}, HTTP_HX_TARGET="list-results")

    assert "<html" not in response.content.decode()
    assert "<table" in response.content.decode()


def test_a_handler_lists_only_what_they_may_see(page, take_in, staff, departments):
    theirs = take_in(phone="13800000001")
    elsewhere = take_in(phone="13800000002", department="logistics")

    assert set(listed(page("handler"))) == {theirs.number}
    assert set(listed(page("logistics_clerk"))) == {elsewhere.number}
    assert elsewhere.number not in listed(page("handler"), q=elsewhere.number)


def test_customers_are_masked_in_lists(page, take_in):
    take_in()

    html = page("agent").get("/complaints/").content.decode()

    assert "张**" in html
    assert "张三丰" not in html


def test_saved_views_are_each_users_own(page, staff):
    client = page("agent")
    client.post("/views/", {"name": "我的逾期", "query": "overdue=on&order=due"})
    client.post("/views/", {"name": "我的逾期", "query": "overdue=on"})

    view = SavedView.objects.get()
    assert view.user == staff["agent"]
    assert view.query == "overdue=on"
    assert "我的逾期" in client.get("/complaints/").content.decode()
    assert "我的逾期" not in page("handler").get("/complaints/").content.decode()
    assert page("handler").post(f"/views/{view.pk}/delete/").status_code == 404
    assert client.post(f"/views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.exists()


def test_a_bad_filter_is_shown_on_its_field_and_left_out(page, take_in):
    take_in()

    response = page("agent").get("/complaints/", {"received_from": "not a date", "priority": "nonsense"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_received_from-errors"' in html
    assert len(numbers(response)) == 1


def test_a_view_without_a_name_is_said_in_place(page, take_in):
    take_in()

    response = page("agent").post("/views/", {"name": "", "query": "order=due"})

    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="saved-view-name-errors"' in html
    assert "此字段为必填项" in html
    assert not SavedView.objects.exists()
