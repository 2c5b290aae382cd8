import io

from django.core.management import call_command

from kesu.clocks.models import Clock
from kesu.complaints.models import Complaint, Event
from kesu.conftest import Api
from kesu.customers.models import Customer
from kesu.processes.models import Process


def test_demo_data_spans_the_nine_processes_and_the_whole_lifecycle(db, staff):
    call_command("demo", complaints=400, stdout=io.StringIO())

    assert Complaint.objects.count() == 400
    assert Process.objects.values("name").distinct().count() == 9
    assert {"new", "assigned", "investigating", "closed"} <= set(Complaint.objects.values_list("status", flat=True))
    assert Customer.objects.count() < 400  # customers who complain more than once
    assert 3 <= Event.objects.count() / 400 <= 8
    assert Clock.objects.filter(state="running").exists()
    assert len(set(Complaint.objects.values_list("number", flat=True))) == 400


def test_demo_complaints_are_served_by_the_api(db, staff):
    call_command("demo", complaints=50, stdout=io.StringIO())
    supervisor = Api(user=staff["supervisor"])

    page = supervisor.get("/complaints", {"page_size": 10}).json()
    detail = supervisor.get(f"/complaints/{page['items'][0]['number']}")

    assert len(page["items"]) == 10
    assert detail.status_code == 200
    assert supervisor.get("/complaints", {"overdue": True}).status_code == 200


def test_running_the_demo_twice_adds_to_it_without_clashing_numbers(db, staff):
    call_command("demo", complaints=30, stdout=io.StringIO())
    call_command("demo", complaints=30, seed=7, stdout=io.StringIO())

    assert Complaint.objects.count() == 60
