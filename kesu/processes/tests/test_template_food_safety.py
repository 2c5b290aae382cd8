"""食品安全投诉处理预案 — the `food_safety` template, where seed 001 sends what is about food safety.

Seed 001's emergency plan covers only "非食品安全类的投诉"; this plan takes the rest: the quality
department's head handles it, the quality manager is called on the moment it is taken in and takes
it up within 30 minutes, purchasing traces the product back within 24 hours, all in clock hours;
none of the delivery plan's 1 h / 2 h clocks runs.
"""

import io

import pytest
from django.core.management import call_command

from kesu.accounts.models import Department, Seat
from kesu.accounts.roles import Role
from kesu.complaints.tests.helpers import at, due
from kesu.conftest import PHONE_INTAKE, Api, make_staff
from kesu.processes.models import Process
from kesu.processes.services import process_load_template


@pytest.fixture
def food_safety(db):
    return process_load_template("food_safety", make_default=True)


@pytest.fixture
def quality(staff, food_safety):
    """The quality department's head (its department_head post) and the quality manager (the
    quality_manager post)."""
    department = Department.objects.get(code="quality")
    head = make_staff("quality_head", Role.SUPERVISOR, department=department)
    manager = make_staff("quality_manager", Role.MANAGER, department=department)
    Seat.objects.create(key="department_head", department=department, primary=head)
    Seat.objects.create(key="quality_manager", department=department, primary=manager)
    return {"head": Api(user=head), "manager": Api(user=manager), "agent": Api(user=staff["agent"])}


def test_the_food_safety_plan_has_its_own_categories_tiers_and_clocks_and_no_delivery_clocks(quality):
    document = quality["agent"].get("/processes/food_safety").json()["document"]

    assert document["number_prefix"] == "FS"
    assert [category["key"] for category in document["categories"]] == [
        "spoiled",
        "foreign_matter",
        "illness_after_eating",
        "other_food_safety",
    ]
    assert [clock["key"] for clock in document["clocks"]] == ["quality_manager_takes_up"]
    assert [tier["seat"] for tier in document["tiers"][:2]] == ["department_head", "quality_manager"]
    assert "received" in document["escalate_on"]
    assert {(task["department"], task["within"]) for c in document["categories"] for task in c["tasks"]} == {
        ("purchasing", "24 hours")
    }


def test_a_complaint_taken_in_under_it_directly_goes_to_the_quality_manager_at_once(quality, travel):
    # Tuesday 17 February 2026, the first day of the Spring Festival, 23:50: clock time runs on.
    travel(at(2026, 2, 17, 23, 50))
    body = {**PHONE_INTAKE, "process": "food_safety", "category": "foreign_matter", "description": "饺子里有金属片。"}
    response = quality["agent"].post("/complaints", body)
    assert response.status_code == 201, response.content.decode()
    number = response.json()["number"]

    case = quality["head"].get(f"/complaints/{number}").json()

    assert number.startswith("FS20260217-")
    assert (case["assignee"]["username"], case["escalated_to"]["username"]) == ("quality_head", "quality_manager")
    assert [(clock["key"], due(clock)) for clock in case["clocks"]] == [
        ("quality_manager_takes_up", at(2026, 2, 18, 0, 20))
    ]
    assert [due(task) for task in case["tasks"]] == [at(2026, 2, 18, 23, 50)]


def test_kesu_init_with_the_delivery_plan_sets_up_the_food_safety_plan_too(db):
    call_command("init", process=["fresh_delivery"], stdout=io.StringIO())

    assert sorted(Process.objects.values_list("name", "is_default")) == [
        ("food_safety", False),
        ("fresh_delivery", True),
    ]


def test_kesu_init_takes_the_food_safety_plan_on_its_own(db):
    call_command("init", process=["food_safety"], stdout=(out := io.StringIO()))

    assert "food_safety v1" in out.getvalue()
    # it hands what is not about food safety back to the delivery plan, which is loaded with it
    assert Process.objects.get(is_default=True).name == "food_safety"
    assert Process.objects.filter(name="fresh_delivery").exists()
