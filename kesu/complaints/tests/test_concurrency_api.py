"""Many people at once: numbers stay unique, and no update is silently lost."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import step
from kesu.conftest import Api


def test_a_write_naming_an_old_version_is_refused_with_409(as_, intake):
    number = as_("agent").post("/complaints", intake).json()["number"]
    read_by_both = as_("agent").get(f"/complaints/{number}").json()["version"]
    step(as_("agent"), number, "assign", assignee="handler", version=read_by_both)

    stale = step(as_("supervisor"), number, "assign", expect=409, assignee="colleague", version=read_by_both)

    assert stale["code"] == "stale_version"
    assert stale["errors"][0]["field"] == "version"
    assert Complaint.objects.get(number=number).assignee.username == "handler"


def _in_thread(work):
    def run(*args):
        try:
            return work(*args)
        finally:
            connection.close()

    return run


@pytest.mark.django_db(transaction=True)
def test_twenty_connections_taking_in_two_hundred_complaints_get_two_hundred_numbers(staff, call_center, intake):
    agents = [Api(user=staff["agent"]) for _ in range(20)]

    @_in_thread
    def take_in_ten(agent):
        return [agent.post("/complaints", intake) for _ in range(10)]

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = [response for batch in pool.map(take_in_ten, agents) for response in batch]

    assert [r.status_code for r in responses] == [201] * 200, {r.content for r in responses if r.status_code != 201}
    numbers = {response.json()["number"] for response in responses}
    assert len(numbers) == 200
    assert Complaint.objects.count() == 200
    assert sorted(int(number.split("-")[1]) for number in numbers) == list(range(1, 201))


@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_assignments_of_one_version_exactly_one_wins(staff, call_center, intake):
    agent = Api(user=staff["agent"])
    number = agent.post("/complaints", intake).json()["number"]
    deciders = [Api(user=staff["agent"]), Api(user=staff["supervisor"])] * 4
    handlers = ["handler", "colleague"] * 4

    @_in_thread
    def assign(decider, handler):
        return decider.post(f"/complaints/{number}/assign", {"version": 1, "assignee": handler}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = sorted(pool.map(assign, deciders, handlers))

    assert codes == [200] + [409] * 7
    complaint = Complaint.objects.get(number=number)
    assert complaint.version == 2
    assert complaint.events.filter(kind="assigned").count() == 1
