"""The reads answer what our presenters build, unvalidated, and that is exactly what django-ninja's
validation against the declared schema would have answered (kesu.lib.responses.presented)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.api import api
from kesu.complaints import api as complaints_api
from kesu.complaints.tests.helpers import (
    accountable,
    api_version,
    bring_to_investigation,
    contact,
    follow_up,
    step,
)


@pytest.fixture
def varied(as_, intake, travel):
    """Complaints in many states: closed with accountability and a follow-up, a plan awaiting approval
    with a task and staff involved, a pending matter, and one from an e-mail-only customer."""
    travel(timezone.now().replace(microsecond=123456))
    agent, handler = as_("agent"), as_("handler")
    closed = bring_to_investigation(as_, intake)
    step(handler, closed, "finding", finding="valid", note="录音证实")
    contact(handler, closed, "apology", "致电客户致歉")
    accountable(handler, closed)
    step(handler, closed, "resolve", resolution="已致歉")
    follow_up(as_("follow_up"), closed)
    step(as_("follow_up"), closed, "close", note="回访满意")

    planned = bring_to_investigation(as_, intake, category="product_quality", customer={"phone": "+85291234567"})
    task = {"kind": "check_records", "title": "核查", "department": "logistics", "within": "1 working day"}
    assert handler.post(f"/complaints/{planned}/tasks", task).status_code == 201
    involved = {"version": api_version(handler, planned), "staff": ["colleague"]}
    assert as_("supervisor").put(f"/complaints/{planned}/involved", involved).status_code == 200
    step(handler, planned, "finding", finding="product_defect")
    remedies = [{"kind": "exchange"}, {"kind": "compensation", "amount": "200.50"}]
    step(handler, planned, "plan", summary="换新并补偿", remedies=remedies)
    step(as_("supervisor"), planned, "mark", mark="red", reason="重大投诉")

    pending = bring_to_investigation(as_, intake, customer={"phone": "010-12345678", "name": "王五"})
    agreed = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    step(handler, pending, "pending", agreed_date=agreed, reason="等待厂家")

    mailed = agent.post(
        "/complaints", {**intake, "customer": {"email": "li@example.com"}, "received_at": "2026-01-02T03:04:05"}
    ).json()["number"]
    return [closed, planned, pending, mailed]


def validated(monkeypatch, api_client, path, params=None):
    """The answer as django-ninja makes it when the handler returns the dict: validated, then rendered."""
    with monkeypatch.context() as patched:
        patched.setattr(complaints_api, "presented", lambda request, data, **kwargs: data)
        return api_client.get(path, params)


@pytest.mark.parametrize("reader", ["supervisor", "handler", "agent", "logistics_clerk"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_reads_answer_what_validation_would_have(as_, varied, monkeypatch, reader, language):
    api_client = as_(reader, language)
    reads = [
        ("/complaints", None),
        ("/complaints", {"page_size": 2, "page": 2}),
        ("/complaints", {"order": "due", "status": ["investigating", "awaiting_approval"]}),
        *[(f"/complaints/{number}", None) for number in varied],
        *[(f"/complaints/{number}/timeline", None) for number in varied],
    ]
    for path, params in reads:
        fast = api_client.get(path, params)
        slow = validated(monkeypatch, api_client, path, params)

        assert fast.status_code == slow.status_code, path
        assert fast["Content-Type"] == slow["Content-Type"] == "application/json; charset=utf-8"
        assert fast.content.decode() == slow.content.decode(), path


def test_the_reads_still_declare_their_response_schemas():
    paths = api.get_openapi_schema()["paths"]

    def schema_of(path):
        return paths[f"/api/v1/complaints{path}"]["get"]["responses"][200]["content"]["application/json"]["schema"]

    assert schema_of("") == {"$ref": "#/components/schemas/ComplaintPage"}
    assert schema_of("/{number}") == {"$ref": "#/components/schemas/ComplaintOut"}
    assert schema_of("/{number}/timeline")["items"] == {"$ref": "#/components/schemas/EventOut"}


def test_errors_keep_their_format(as_, varied):
    missing = as_("supervisor", "en").get("/complaints/KS00000000-0000")
    hidden = as_("finance").get(f"/complaints/{varied[0]}/timeline")
    bad = as_("supervisor").get("/complaints", {"page": 0})

    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found.", "code": "not_found", "errors": []})
    assert hidden.status_code == 404
    assert (bad.status_code, bad.json()["code"], bad.json()["errors"][0]["field"]) == (422, "invalid", "page")


def test_the_list_and_reads_cost_few_queries(as_, varied):
    supervisor, handler = as_("supervisor"), as_("handler")
    supervisor.get("/complaints")
    counts = {}
    for name, api_client, path in [
        ("list", supervisor, "/complaints"),
        ("list, not seeing all", handler, "/complaints"),
        ("complaint", supervisor, f"/complaints/{varied[1]}"),
        ("timeline", supervisor, f"/complaints/{varied[1]}/timeline"),
        ("dashboard", supervisor, "/reports/dashboard"),
    ]:
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get(path).status_code == 200
        counts[name] = len(queries)

    # the token with its user and their permissions; the page; for one complaint: the complaint,
    # the read logged, its plan and the plan's steps, staff involved, clocks, tasks, follow-ups, accountability,
    # and who the pending step waits on (staff involved, the step's role, those of the department)
    assert counts == {"list": 2, "list, not seeing all": 2, "complaint": 13, "timeline": 3, "dashboard": 5}
