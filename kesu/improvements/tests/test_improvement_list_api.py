"""The list of corrective actions: soonest due first, filtered, overdue ones findable."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.complaints.tests.helpers import at


def in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def open_action(api, title: str, owner: str, due_in: int, complaints=()) -> int:
    body = {
        "title": title,
        "root_cause": "根因",
        "action": "措施",
        "owner": owner,
        "due_date": in_days(due_in),
        "complaints": list(complaints),
    }
    response = api.post("/improvements", body)
    assert response.status_code == 201, response.content.decode()
    return response.json()["id"]


def titles(api, **params) -> list[str]:
    response = api.get("/improvements", params)
    assert response.status_code == 200, response.content.decode()
    return [item["title"] for item in response.json()["items"]]


@pytest.fixture
def actions(as_, intake, travel):
    """Three actions opened on 2026-11-02: training (due in 7 days, covering a complaint the handler
    has), a new script (due in 3 days, done) and a route review (due in 30 days)."""
    travel(at(2026, 11, 2, 9))
    complaint = as_("agent").post("/complaints", intake).json()["number"]
    as_("agent").post(f"/complaints/{complaint}/assign", {"version": 1, "assignee": "handler"})
    quality = as_("quality")
    open_action(quality, "培训", "logistics_clerk", 7, [complaint])
    script = open_action(quality, "话术", "handler", 3)
    open_action(quality, "线路", "logistics_clerk", 30)
    as_("handler").post(f"/improvements/{script}/done", {"note": "新话术已上线"})
    return complaint


def test_the_list_is_soonest_due_first(as_, actions):
    assert titles(as_("quality")) == ["话术", "培训", "线路"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "open"}, ["培训", "线路"]),
        ({"status": "done"}, ["话术"]),
        ({"status": "verified"}, []),
        ({"owner": "logistics_clerk"}, ["培训", "线路"]),
        ({"owner": "handler"}, ["话术"]),
        ({"complaint": "KS19990101-0001"}, []),
    ],
)
def test_the_list_filters(as_, actions, params, expected):
    assert titles(as_("supervisor"), **params) == expected


def test_the_list_filters_by_complaint(as_, actions):
    assert titles(as_("supervisor"), complaint=actions) == ["培训"]


def test_open_actions_past_their_due_date_are_overdue(as_, actions, travel):
    assert titles(as_("quality"), overdue=True) == []

    travel(at(2026, 11, 10, 9))

    assert titles(as_("quality"), overdue=True) == ["培训"]
    assert titles(as_("quality"), overdue=False) == ["话术", "线路"]
    listed = as_("quality").get("/improvements").json()["items"]
    assert {item["title"]: item["overdue"] for item in listed} == {"话术": False, "培训": True, "线路": False}


def test_the_owner_finds_their_own_actions(as_, actions):
    assert titles(as_("logistics_clerk")) == ["培训", "线路"]
    assert titles(as_("handler")) == ["话术", "培训"]  # their own, and the one covering their complaint


def test_the_list_pages(as_, actions):
    first = as_("quality").get("/improvements", {"page_size": 2}).json()
    second = as_("quality").get("/improvements", {"page_size": 2, "page": 2}).json()

    assert ([item["title"] for item in first["items"]], first["has_next"]) == (["话术", "培训"], True)
    assert ([item["title"] for item in second["items"]], second["has_next"]) == (["线路"], False)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"overdue": "maybe"}, "overdue"),
        ({"page": 0}, "page"),
        ({"page_size": 1000}, "page_size"),
        ({"complaint": "x" * 33}, "complaint"),
    ],
)
def test_bad_filters_are_named(as_, actions, params, field):
    response = as_("quality").get("/improvements", params)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_the_list_costs_the_same_queries_however_many_rows(as_, complaint, intake):
    quality, handler = as_("quality"), as_("handler")
    open_action(quality, "一", "logistics_clerk", 7, [complaint])
    quality.get("/improvements")
    handler.get("/improvements")
    with CaptureQueriesContext(connection) as few:
        assert len(quality.get("/improvements").json()["items"]) == 1
        assert len(handler.get("/improvements").json()["items"]) == 1
    for index in range(5):
        customer = {"phone": f"1380000{index:04d}"}
        number = as_("agent").post("/complaints", {**intake, "customer": customer}).json()["number"]
        as_("agent").post(f"/complaints/{number}/assign", {"version": 1, "assignee": "handler"})
        open_action(quality, f"措施{index}", ["logistics_clerk", "handler"][index % 2], 7, [number, complaint])
    with CaptureQueriesContext(connection) as many:
        assert len(quality.get("/improvements").json()["items"]) == 6
        assert len(handler.get("/improvements").json()["items"]) == 6

    assert len(many) == len(few)


def test_one_action_costs_the_same_queries_however_long_its_history(as_, complaint, intake):
    quality = as_("quality")
    action = open_action(quality, "一", "logistics_clerk", 7, [complaint])
    quality.get(f"/improvements/{action}")
    with CaptureQueriesContext(connection) as short:
        quality.get(f"/improvements/{action}")
    for _ in range(3):
        as_("logistics_clerk").post(f"/improvements/{action}/done", {"note": "完成"})
        quality.post(f"/improvements/{action}/send-back", {"reason": "无效"})
        other = as_("agent").post("/complaints", intake).json()["number"]
        quality.post(f"/improvements/{action}/complaints", {"complaints": [other]})
    with CaptureQueriesContext(connection) as long:
        assert len(quality.get(f"/improvements/{action}").json()["history"]) == 11

    assert len(long) == len(short)
