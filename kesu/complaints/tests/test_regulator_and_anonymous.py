"""A regulator's transfer (12315) and a complaint that leaves no way to answer it (an unsigned letter)."""

import pytest

from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import at, clocks, due
from kesu.conftest import Api
from kesu.notifications.models import Delivery
from kesu.processes.services import process_load_template


@pytest.fixture
def agent(db, staff):
    process_load_template("generic", make_default=True)
    return Api(user=staff["agent"])


def intake(**change) -> dict:
    return {
        "channel": "phone",
        "customer": {"phone": "13812345678", "name": "李女士"},
        "category": "service_quality",
        "description": "门店店员态度恶劣，拒绝为我办理退货。",
        "fields": {"complained_object": "徐汇门店店员"},
        **change,
    }


def transfer(**change) -> dict:
    """As the 12315 platform passes it on: its case number and the time it assigned the case to us."""
    platform = {
        "regulator_case_number": "3101150020260930001",
        "regulator_assigned_at": at(2026, 9, 30, 16).isoformat(),
    }
    return intake(channel="regulator", **{**platform, **change})


def test_a_12315_transfer_must_be_negotiated_within_10_working_days_across_national_day(agent, travel):
    travel(at(2026, 9, 30, 16, 30))
    response = agent.post("/complaints", transfer())
    assert response.status_code == 201, response.content.decode()

    complaint = agent.get(f"/complaints/{response.json()['number']}").json()
    assert complaint["regulator_case_number"] == "3101150020260930001"
    negotiation = clocks(agent, complaint["number"])["regulator_negotiation"]
    assert negotiation["limit"] == "10 working days"
    # 80 working hours from Wed 30 Sep 16:00: 2 h that day; 1-7 Oct off (国庆); Thu 8, Fri 9,
    # Sat 10 Oct (调休) and Mon 12 - Mon 19 Oct, 8 h each (74 h); Tue 20 Oct 09:00-12:00, 13:00-16:00.
    assert due(negotiation) == at(2026, 10, 20, 16)


def test_the_deadline_counts_from_the_platforms_assignment_not_from_our_recording(agent, travel):
    travel(at(2026, 11, 3, 9, 0))
    response = agent.post("/complaints", transfer(regulator_assigned_at=at(2026, 11, 2, 9).isoformat()))

    negotiation = clocks(agent, response.json()["number"])["regulator_negotiation"]
    assert due(negotiation) == at(2026, 11, 13, 18)  # Mon 2 Nov 09:00 + 10 working days (no holidays)


@pytest.mark.parametrize(
    ("missing", "field"),
    [("regulator_case_number", "regulator_case_number"), ("regulator_assigned_at", "regulator_assigned_at")],
)
def test_a_12315_transfer_without_its_case_number_or_assignment_time_is_refused(agent, missing, field):
    body = transfer()
    del body[missing]

    response = agent.post("/complaints", body)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert Complaint.objects.count() == 0


def test_only_a_regulators_transfer_has_a_regulators_case_number(agent):
    response = agent.post("/complaints", intake(regulator_case_number="3101150020260930001"))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "regulator_case_number"


def test_other_complaints_get_no_regulator_deadline(agent):
    number = agent.post("/complaints", intake()).json()["number"]

    assert "regulator_negotiation" not in clocks(agent, number)


def test_an_unsigned_letter_is_taken_in_as_anonymous_and_nothing_is_sent_to_its_writer(agent, settings):
    settings.EMAIL_HOST = "127.0.0.1"  # e-mail is set up: it is the missing address that keeps it silent
    response = agent.post("/complaints", intake(channel="letter", customer={"name": ""}))
    assert response.status_code == 201, response.content.decode()

    complaint = Complaint.objects.get(number=response.json()["number"])
    assert complaint.is_anonymous
    assert agent.get(f"/complaints/{complaint.number}").json()["is_anonymous"] is True
    assert not Delivery.objects.filter(customer=complaint.customer).exists()


def test_two_anonymous_letters_are_never_taken_for_the_same_customer(agent):
    first, second = (
        agent.post("/complaints", intake(channel="letter", customer={"name": ""})).json()["number"] for _ in range(2)
    )

    customers = set(Complaint.objects.filter(number__in=[first, second]).values_list("customer", flat=True))
    assert len(customers) == 2


def test_a_phone_complaint_still_needs_a_phone_number_or_an_email(agent):
    response = agent.post("/complaints", intake(customer={"name": "李女士"}))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "customer.phone"
    assert Complaint.objects.count() == 0
