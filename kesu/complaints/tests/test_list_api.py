import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.complaints.tests.helpers import step


@pytest.fixture
def complaints(as_, intake):
    """Three complaints: two service (one assigned), one product from another customer."""
    agent = as_("agent")
    first = agent.post("/complaints", {**intake, "description": "配送延误三天", "priority": "high"}).json()
    second = agent.post("/complaints", {**intake, "description": "坐席态度差"}).json()
    third = agent.post(
        "/complaints",
        {
            **intake,
            "category": "product_quality",
            "customer": {"phone": "13900001111", "name": "李四"},
            "description": "血压计读数不准",
            "received_at": (timezone.now() - dt.timedelta(days=3)).isoformat(),
        },
    ).json()
    step(agent, second["number"], "assign", assignee="handler")
    return first["number"], second["number"], third["number"]


def numbers(api, **params):
    response = api.get("/complaints", params)
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


def test_the_list_is_newest_first(as_, complaints):
    first, second, third = complaints
    assert numbers(as_("supervisor")) == [second, first, third]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "assigned"}, [1]),
        ({"status": ["new", "assigned"]}, [1, 0, 2]),
        ({"status": "closed"}, []),
        ({"category": "product_quality"}, [2]),
        ({"priority": "high"}, [0]),
        ({"channel": "phone"}, [1, 0, 2]),
        ({"channel": "email"}, []),
        ({"assignee": "handler"}, [1]),
        ({"department": "service"}, [1, 0, 2]),
        ({"department": "logistics"}, []),
        ({"q": "配送"}, [0]),
        ({"q": "配送 三天"}, [0]),
        ({"q": "配送 态度"}, []),
        ({"q": "李四"}, [2]),
        ({"q": "13900001111"}, [2]),
        ({"q": "1111"}, [2]),
    ],
)
def test_the_list_filters(as_, complaints, params, expected):
    assert numbers(as_("supervisor"), **params) == [complaints[index] for index in expected]


def test_the_list_filters_by_received_date_range(as_, complaints):
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert numbers(as_("supervisor"), received_from=since) == [complaints[1], complaints[0]]
    assert numbers(as_("supervisor"), received_to=since) == [complaints[2]]


def test_the_list_searches_by_number(as_, complaints):
    assert numbers(as_("supervisor"), q=complaints[2]) == [complaints[2]]


def test_the_list_pages(as_, complaints):
    page_one = as_("supervisor").get("/complaints", {"page_size": 2}).json()
    page_two = as_("supervisor").get("/complaints", {"page_size": 2, "page": 2}).json()

    assert (len(page_one["items"]), page_one["has_next"]) == (2, True)
    assert (len(page_two["items"]), page_two["has_next"]) == (1, False)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": 1000}, "page_size"),
        ({"page": 0}, "page"),
        ({"status": "lost"}, "status.0"),
        ({"received_from": "soon"}, "received_from"),
    ],
)
def test_bad_filters_are_named(as_, complaints, params, field):
    response = as_("supervisor").get("/complaints", params)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_the_list_costs_the_same_queries_however_many_rows(as_, complaints, intake):
    supervisor = as_("supervisor")
    supervisor.get("/complaints")
    with CaptureQueriesContext(connection) as few:
        supervisor.get("/complaints")
    for _ in range(5):
        as_("agent").post("/complaints", {**intake, "customer": {"phone": f"1380000{_:04d}"}})
    with CaptureQueriesContext(connection) as many:
        assert len(supervisor.get("/complaints").json()["items"]) == 8

    assert len(many) == len(few)


def test_the_complaint_and_its_timeline_cost_the_same_queries_however_long_the_timeline(as_, complaints):
    supervisor, number = as_("supervisor"), complaints[1]
    with CaptureQueriesContext(connection) as short:
        supervisor.get(f"/complaints/{number}")
        supervisor.get(f"/complaints/{number}/timeline")
    for text in ["一", "二", "三", "四"]:
        as_("agent").post(f"/complaints/{number}/notes", {"text": text})
    with CaptureQueriesContext(connection) as long:
        supervisor.get(f"/complaints/{number}")
        assert len(supervisor.get(f"/complaints/{number}/timeline").json()) == 6

    assert len(long) == len(short)
