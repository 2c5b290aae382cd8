import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.complaints.tests.helpers import bring_to_investigation, contact, follow_up, move_clock, step


def test_the_dashboard_counts_open_overdue_and_mine(as_, intake):
    mine = bring_to_investigation(as_, intake)
    as_("agent").post("/complaints", intake)
    move_clock(mine, "resolve", due_at=timezone.now() - dt.timedelta(hours=1))

    counts = as_("handler").get("/reports/dashboard").json()

    assert counts["open_by_status"]["investigating"] == 1
    assert counts["open_by_status"]["new"] == 1
    assert (counts["overdue"], counts["mine"], counts["escalated_to_me"]) == (1, 1, 0)


def test_the_monthly_report_breaks_the_month_down(as_, intake):
    number = bring_to_investigation(as_, intake)
    as_("agent").post("/complaints", {**intake, "category": "product_quality", "priority": "high"})
    handler = as_("handler")
    step(handler, number, "finding", finding="invalid")
    contact(handler, number, "explanation")
    step(handler, number, "resolve", resolution="已解释")
    follow_up(as_("follow_up"), number, "satisfied")

    report = as_("manager").get("/reports/monthly", {"month": timezone.localdate().strftime("%Y-%m")}).json()

    assert (report["received"], report["resolved"]) == (2, 1)
    assert report["by_category"] == {"service_quality": 1, "product_quality": 1}
    assert report["by_priority"] == {"medium": 1, "high": 1}
    assert report["satisfaction"] == {"satisfied": 1}
    assert report["average_resolution_hours"] is not None


def test_the_reports_cost_the_same_queries_however_many_complaints(as_, intake):
    month = {"month": timezone.localdate().strftime("%Y-%m")}
    as_("agent").post("/complaints", intake)
    with CaptureQueriesContext(connection) as few:
        as_("manager").get("/reports/monthly", month)
        as_("manager").get("/reports/dashboard")
    for _ in range(5):
        as_("agent").post("/complaints", intake)
    with CaptureQueriesContext(connection) as many:
        as_("manager").get("/reports/monthly", month)
        as_("manager").get("/reports/dashboard")

    assert len(many) == len(few)


def test_a_report_shows_only_what_the_reader_may_see(as_, intake):
    as_("agent").post("/complaints", intake)

    assert as_("finance").get("/reports/dashboard").json()["open_by_status"]["new"] == 0
    assert as_("finance").get("/reports/monthly", {"month": "2026-13"}).status_code == 422


def test_a_department_counts_the_complaints_it_has_a_task_on(as_, intake):
    number = bring_to_investigation(as_, intake)
    as_("agent").post("/complaints", intake)
    task = {"kind": "check_records", "title": "核查配送记录", "department": "logistics", "within": "1 working day"}
    assert as_("handler").post(f"/complaints/{number}/tasks", task).status_code == 201

    counts = as_("logistics_clerk").get("/reports/dashboard").json()

    assert counts["open_by_status"]["investigating"] == 1
    assert sum(counts["open_by_status"].values()) == 1


def test_a_handler_and_a_supervisor_count_the_same_complaints_alike(as_, intake):
    mine = bring_to_investigation(as_, intake)
    soon = bring_to_investigation(as_, intake)
    as_("agent").post("/complaints", intake)
    move_clock(mine, "resolve", due_at=timezone.now() - dt.timedelta(hours=1))
    move_clock(soon, "resolve", warn_at=timezone.now() - dt.timedelta(minutes=1))

    handler = as_("handler").get("/reports/dashboard").json()
    supervisor = as_("supervisor").get("/reports/dashboard").json()

    assert (
        handler["open_by_status"]
        == supervisor["open_by_status"]
        == {
            **{status: 0 for status in handler["open_by_status"]},
            "new": 1,
            "investigating": 2,
        }
    )
    assert (handler["overdue"], handler["due_soon"], handler["mine"]) == (1, 1, 2)
    assert (supervisor["overdue"], supervisor["due_soon"], supervisor["mine"]) == (1, 1, 0)


def test_a_handlers_dashboard_is_one_count(as_, intake):
    bring_to_investigation(as_, intake)
    handler = as_("handler")
    handler.get("/reports/dashboard")

    with CaptureQueriesContext(connection) as queries:
        handler.get("/reports/dashboard")

    # the token with its user and their permissions, the counts
    assert len(queries) == 2
