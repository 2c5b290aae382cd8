"""`kesu demo` tops up a live database: its numbers come from the counters intake takes its own from."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import at
from kesu.conftest import Api
from kesu.demo.generate import demo_fill


def _quiet(*_):
    pass


def _sequence(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


def test_intake_between_two_demo_loads_keeps_its_number_and_the_demo_goes_on_after_it(as_, intake, travel):
    travel(at(2026, 3, 10, 16))  # the demo's last day is mostly today
    today = f"KS{timezone.localdate():%Y%m%d}-"
    demo_fill(complaints=60, days=1, seed=1, log=_quiet)
    before = [_sequence(n) for n in Complaint.objects.filter(number__startswith=today).values_list("number", flat=True)]

    taken = as_("agent").post("/complaints", intake).json()["number"]
    demo_fill(complaints=60, days=1, seed=2, log=_quiet)

    after = Complaint.objects.filter(number__startswith=today).exclude(number=taken).values_list("number", flat=True)
    later = sorted(set(map(_sequence, after)) - set(before))
    assert before and later
    assert _sequence(taken) == max(before) + 1
    assert later[0] == _sequence(taken) + 1
    assert Complaint.objects.get(number=taken).channel == "phone"
    assert Complaint.objects.count() == len(set(Complaint.objects.values_list("number", flat=True))) == 121


def _in_thread(work):
    def run(*args, **kwargs):
        try:
            return work(*args, **kwargs)
        finally:
            connection.close()

    return run


@pytest.mark.django_db(transaction=True)
def test_complaints_taken_in_while_the_demo_loads_get_numbers_the_demo_does_not_use(staff, call_center, intake, travel):
    travel(at(2026, 3, 10, 16))
    agent = Api(user=staff["agent"])
    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(_in_thread(demo_fill), complaints=3000, days=1, log=_quiet)
        responses = [agent.post("/complaints", intake)]
        while not loading.done():
            responses.append(agent.post("/complaints", intake))
        assert loading.result() == 3000

    assert [response.status_code for response in responses] == [201] * len(responses)
    numbers = list(Complaint.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 3000 + len(responses)
