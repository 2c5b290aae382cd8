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
    # the nine processes of the seeds, and the food-safety plan seed 001 hands its food safety to
    assert Process.objects.values("name").distinct().count() == 10
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


def test_the_demo_prints_its_staff_and_a_password_that_signs_them_in(db, staff):
    from kesu.accounts.models import User

    out = io.StringIO()
    call_command("demo", complaints=20, stdout=out)
    printed = out.getvalue()
    password = printed.split("password ")[1].split(")")[0]

    assert "demo_agent" in printed and "接线员小周" in printed
    assert User.objects.get(username="demo_agent").check_password(password)
    assert User.objects.get(username="demo_handler_3").check_password(password)
    assert not User.objects.filter(username__startswith="demo_", display_name__startswith="demo_").exists()


def test_demo_clocks_are_the_processes_own(db, staff):
    call_command("demo", complaints=60, stdout=io.StringIO())

    for clock in Clock.objects.select_related("complaint__process"):
        assert clock.key in {spec.key for spec in clock.complaint.process.spec.clocks}
