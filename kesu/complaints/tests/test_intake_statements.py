"""What an intake costs the database, and the configuration it reads from the worker's cache seen fresh
after every change an admin makes."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.accounts.models import Department
from kesu.complaints.tests.helpers import at
from kesu.lib import configuration
from kesu.notifications.models import Delivery, WebhookEndpoint
from kesu.processes.schedules import calendar_override_set

BENCH_INTAKE = {
    "process": "call_center",
    "channel": "phone",
    "category": "service_quality",
    "customer": {"phone": "13900001234", "name": "李四"},
    "description": "客服人员态度恶劣，挂断电话。",
}
"""A phone intake as the bench sends them."""


def statement(sql: str) -> str:
    """`INSERT customers_customer`, `SELECT accounts_apitoken`, `SAVEPOINT`: what a statement does, to what."""
    verb_and_table = re.match(r'(SELECT|INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)', sql)
    if verb_and_table is None:
        return re.sub(r'\s+"?\w+"?$', "", sql)  # SAVEPOINT "s1_x2", RELEASE SAVEPOINT "s1_x2"
    return f"{verb_and_table[1].split()[0]} {verb_and_table[2]}"


@pytest.mark.parametrize("phone", ["13900001234", "13900005678"], ids=["new customer", "known customer"])
def test_an_intake_takes_at_most_eight_statements(as_, phone):
    """Once a worker has read the configuration (kesu.lib.configuration): the token with its user and
    their permissions, the number, then in one transaction (BEGIN and COMMIT outside the tests'
    own) the customer found or created, the complaint, its event and its clocks. The answer is made
    from memory. Each statement costs an intake about 0.5 ms of Python, whatever it does."""
    agent = as_("agent")
    agent.post("/complaints", {**BENCH_INTAKE, "customer": {"phone": "13900005678", "name": "王五"}})

    with CaptureQueriesContext(connection) as queries:
        response = agent.post("/complaints", {**BENCH_INTAKE, "customer": {"phone": phone, "name": "李四"}})

    assert response.status_code == 201, response.content.decode()
    assert [statement(query["sql"]) for query in queries] == [
        "SELECT accounts_apitoken",
        "INSERT complaints_numbersequence",
        "SAVEPOINT",
        "INSERT customers_customer",
        "INSERT complaints_complaint",
        "INSERT complaints_event",
        "INSERT clocks_clock",
        "RELEASE SAVEPOINT",
    ]


def test_the_answer_made_from_memory_is_the_complaint_as_read_back(as_, travel):
    travel(at(2026, 12, 7, 16))
    answer = as_("agent").post("/complaints", BENCH_INTAKE).json()

    read = as_("agent").get(f"/complaints/{answer['number']}").json()

    assert answer["clocks"] == read["clocks"]
    assert [clock["due_at"] for clock in answer["clocks"]] == ["2026-12-07T08:30:00Z", "2026-12-10T08:00:00Z"]


def test_a_department_switched_off_is_refused_at_the_next_intake(as_, departments):
    assert as_("agent").post("/complaints", {**BENCH_INTAKE, "department": "quality"}).status_code == 201
    quality = departments["quality"]
    quality.is_active = False
    quality.save()

    refused = as_("agent", "en").post("/complaints", {**BENCH_INTAKE, "department": "quality"})

    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "department", "message": "Unknown department."}]


def test_a_company_day_off_moves_the_next_intakes_deadline(as_, travel):
    travel(at(2026, 12, 7, 10))  # a Monday
    before = as_("agent").post("/complaints", BENCH_INTAKE).json()

    calendar_override_set(day=at(2026, 12, 8).date(), is_working_day=False, note="公司活动")
    after = as_("agent").post("/complaints", BENCH_INTAKE).json()

    assert [clock["due_at"] for clock in before["clocks"] if clock["key"] == "resolve"] == ["2026-12-10T02:00:00Z"]
    assert [clock["due_at"] for clock in after["clocks"] if clock["key"] == "resolve"] == ["2026-12-11T02:00:00Z"]


def test_a_webhook_added_hears_the_next_intake(as_):
    as_("agent").post("/complaints", BENCH_INTAKE)
    WebhookEndpoint.objects.create(name="erp", url="https://erp.example/hooks", secret="whsec_" + "A" * 44)

    number = as_("agent").post("/complaints", BENCH_INTAKE).json()["number"]

    assert list(Delivery.objects.filter(channel="webhook").values_list("complaint__number", flat=True)) == [number]


def test_a_change_written_without_signals_is_seen_once_the_workers_copy_is_too_old(as_, departments, monkeypatch):
    """As another worker's change is to this one: seen after CONFIGURATION_SECONDS."""
    as_("agent").post("/complaints", {**BENCH_INTAKE, "department": "quality"})
    Department.objects.filter(code="quality").update(is_active=False)

    kept = as_("agent").post("/complaints", {**BENCH_INTAKE, "department": "quality"})
    monkeypatch.setattr(configuration, "CONFIGURATION_SECONDS", 0)
    refused = as_("agent").post("/complaints", {**BENCH_INTAKE, "department": "quality"})

    assert (kept.status_code, refused.status_code) == (201, 422)
