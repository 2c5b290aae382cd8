"""重复投诉: open complaints that look like the same matter are shown at intake and on the complaint,
and one is merged into the other with both timelines kept."""

import pytest
from django.db import connection

from kesu.complaints.models import Complaint, Event, identifier_value
from kesu.complaints.tests.helpers import api_version
from kesu.triage.models import ComplaintMerge

CAKE = "我在徐汇店买的榴莲千层蛋糕，回家发现已经变质了，要求退款"
CAKE_AGAIN = "徐汇店买的榴莲千层蛋糕变质了!! 要求退款赔偿"
RUDE = "收银员态度很差，结账时一直催促"


def take_in(api, description, *, phone="13812345678", order="", category="product_quality") -> str:
    body = {
        "process": "retail",
        "channel": "phone",
        "customer": {"phone": phone, "name": "张三"},
        "category": category,
        "description": description,
        "fields": {"store": "徐汇店", **({"order_number": order} if order else {})},
    }
    answer = api.post("/complaints", body)
    assert answer.status_code == 201, answer.content.decode()
    return answer.json()["number"]


def look(api, description, *, phone="13812345678", fields=None):
    body = {"process": "retail", "customer_phone": phone, "description": description, "fields": fields or {}}
    return api.post("/triage/duplicates", body)


@pytest.fixture
def agent(retail, as_):
    return as_("agent")


def test_the_same_customer_telling_the_same_matter_again_is_shown_its_open_complaint(agent):
    first = take_in(agent, CAKE)

    found = look(agent, CAKE_AGAIN).json()

    assert [row["number"] for row in found] == [first]
    assert found[0]["same"] == ["customer"] and found[0]["similarity"] >= 0.3


def test_another_matter_of_the_same_customer_is_not_a_duplicate(agent):
    take_in(agent, CAKE)

    assert look(agent, RUDE).json() == []


def test_the_same_order_number_from_another_phone_is_a_duplicate(agent):
    first = take_in(agent, CAKE, order="DD2026-001")

    found = look(agent, CAKE_AGAIN, phone="13900001111", fields={"order_number": "DD2026-001"}).json()

    assert [(row["number"], row["same"]) for row in found] == [(first, ["order_number"])]


def test_a_closed_complaint_is_no_duplicate(agent, as_):
    first = take_in(agent, CAKE)
    Complaint.objects.filter(number=first).update(status="closed")

    assert look(agent, CAKE_AGAIN).json() == []


def test_the_complaint_page_lists_its_duplicates(agent):
    first = take_in(agent, CAKE)
    second = take_in(agent, CAKE_AGAIN)

    found = agent.get(f"/triage/complaints/{second}/duplicates").json()

    assert [row["number"] for row in found] == [first]


def test_merging_closes_the_duplicate_and_both_timelines_name_the_other(agent, as_):
    first = take_in(agent, CAKE)
    second = take_in(agent, CAKE_AGAIN)
    supervisor = as_("supervisor")

    answer = supervisor.post(
        f"/triage/complaints/{second}/merge",
        {"into": first, "version": api_version(supervisor, second), "reason": "同一单蛋糕"},
    )

    assert answer.status_code == 200, answer.content.decode()
    assert answer.json()["number"] == first and answer.json()["merged"] == second
    duplicate = Complaint.objects.get(number=second)
    assert duplicate.status == "closed" and duplicate.closed_at
    closed = Event.objects.filter(complaint=duplicate).latest("id")
    assert closed.kind == "closed" and closed.data["merged_into"] == first and closed.text == "同一单蛋糕"
    note = Event.objects.filter(complaint__number=first).latest("id")
    assert note.kind == "note" and note.data["merged_from"] == second
    assert ComplaintMerge.objects.get().survivor.number == first
    assert look(agent, CAKE_AGAIN).json()[0]["number"] == first  # the merged one is no longer open


def test_a_complaint_is_not_merged_into_itself_nor_into_a_closed_one(agent, as_):
    first = take_in(agent, CAKE)
    second = take_in(agent, CAKE_AGAIN)
    supervisor = as_("supervisor")

    itself = supervisor.post(f"/triage/complaints/{second}/merge", {"into": second, "version": 1})
    Complaint.objects.filter(number=first).update(status="closed")
    closed = supervisor.post(f"/triage/complaints/{second}/merge", {"into": first, "version": 1})
    unknown = supervisor.post(f"/triage/complaints/{second}/merge", {"into": "KS000", "version": 1})

    assert (itself.status_code, itself.json()["errors"][0]["field"]) == (422, "into")
    assert (closed.status_code, closed.json()["errors"][0]["field"]) == (409, "into")
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "into")


def test_a_stale_version_is_refused(agent, as_):
    first = take_in(agent, CAKE)
    second = take_in(agent, CAKE_AGAIN)

    answer = as_("supervisor").post(f"/triage/complaints/{second}/merge", {"into": first, "version": 99})

    assert answer.status_code == 409 and answer.json()["errors"][0]["field"] == "version"


def test_who_may_merge(agent, as_):
    first = take_in(agent, CAKE)
    second = take_in(agent, CAKE_AGAIN)
    body = {"into": first, "version": 1}

    assert as_("agent").post(f"/triage/complaints/{second}/merge", body).status_code == 403  # sees it, not its handler
    assert as_("quality_clerk").post(f"/triage/complaints/{second}/merge", body).status_code == 404  # cannot see it
    assert as_("supervisor").post(f"/triage/complaints/{second}/merge", body).status_code == 200


def test_who_may_look_for_duplicates(agent, as_):
    number = take_in(agent, CAKE)

    assert look(as_("handler"), CAKE_AGAIN).status_code == 200
    assert look(as_("quality_clerk"), CAKE_AGAIN).status_code == 403
    assert as_("outsider").get(f"/triage/complaints/{number}/duplicates").status_code == 404


@pytest.mark.django_db
def test_complaints_naming_an_order_number_are_found_through_its_index():
    """At a million complaints the identifier's condition must read its partial index, not every row."""
    if connection.vendor != "postgresql":
        pytest.skip("the plan checked is PostgreSQL's")
    naming = Complaint.objects.alias(identifier_order_number=identifier_value("order_number")).filter(
        fields__has_key="order_number", identifier_order_number="DD2026-001"
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = naming.explain()

    assert "complaint_order_number" in plan
