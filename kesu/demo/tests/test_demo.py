import io
import re

from django.core.management import call_command
from django.utils import timezone

from kesu.clocks.models import Clock
from kesu.complaints.models import Complaint, Event
from kesu.conftest import Api
from kesu.customers.models import Customer
from kesu.customers.services import normalize_phone
from kesu.demo.generate import _kinds
from kesu.demo.phrases import CATEGORIES, FINDINGS
from kesu.processes.document import FindingNeed, Trigger
from kesu.processes.models import Process
from kesu.processes.services import process_load_template, template_names


def test_demo_data_spans_the_nine_processes_and_the_whole_lifecycle(db, staff):
    call_command("demo", complaints=400, stdout=io.StringIO())

    assert Complaint.objects.count() == 400
    # the nine processes of the seeds, and the food-safety plan seed 001 hands its food safety to
    assert Process.objects.values("name").distinct().count() == 10
    assert {"new", "assigned", "investigating", "closed"} <= set(Complaint.objects.values_list("status", flat=True))
    assert Customer.objects.count() < 400  # customers who complain more than once
    assert 5 <= Event.objects.count() / 400 <= 11  # a closed case: received … finding, contacts … callback, closed
    assert Clock.objects.filter(state="running").exists()
    assert len(set(Complaint.objects.values_list("number", flat=True))) == 400


def test_demo_customers_have_phone_numbers_an_agent_could_type_back(db, staff):
    call_command("demo", complaints=200, stdout=io.StringIO())

    for phone in Customer.objects.values_list("phone", flat=True):
        assert normalize_phone(phone) == phone


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
    assert Api().post("/auth/token", {"username": "demo_handler_3", "password": password}).status_code == 201
    assert not User.objects.filter(username__startswith="demo_", display_name__startswith="demo_").exists()


def test_every_category_and_finding_the_demo_stages_has_texts_of_its_own(db):
    for process in [process_load_template(name) for name in template_names()]:
        kinds = _kinds(process)  # a category or finding without texts: KeyError
        said = [saying for kind in kinds for saying in [*dict(kind.texts.cases).values(), *kind.texts.sayings]]

        assert kinds and all(kind.findings for kind in kinds)
        assert all(FINDINGS[process.name][finding].notes for kind in kinds for finding in kind.findings)
        assert len(said) == len(set(said)), f"{process.name}: the same words in two categories"


def test_a_demo_complaint_tells_of_its_category_and_never_says_a_sentence_twice(db, staff):
    call_command("demo", complaints=300, stdout=io.StringIO())

    for complaint in Complaint.objects.select_related("process"):
        texts = CATEGORIES[complaint.process.name][complaint.category]
        sentences = re.split("[，。]", complaint.description.rstrip("。"))

        assert complaint.description.startswith(dict(texts.cases)[complaint.subject])
        assert complaint.demand in texts.demands
        assert len(sentences) == len(set(sentences)), complaint.description


def test_demo_findings_are_recorded_with_a_note_that_fits_them(db, staff):
    call_command("demo", complaints=300, stdout=io.StringIO())
    findings = Event.objects.filter(kind="finding_recorded").select_related("complaint__process")

    assert findings.count() > 100
    for event in findings:
        complaint, finding = event.complaint, event.data["finding"]
        assert finding in complaint.process.spec.category(complaint.category).findings
        assert event.text in FINDINGS[complaint.process.name][finding].notes
        assert (complaint.finding, complaint.finding_note) == (finding, event.text)


MILESTONES = ["received", "assigned", "investigation_started", "finding_recorded", "resolved", "closed"]


def test_demo_timelines_go_the_way_a_case_goes(db, staff):
    call_command("demo", complaints=300, stdout=io.StringIO())
    now = timezone.now()

    for complaint in Complaint.objects.select_related("process").prefetch_related("events"):
        events = sorted(complaint.events.all(), key=lambda event: event.id)
        kinds = [event.kind for event in events]
        firsts = [kinds.index(kind) for kind in MILESTONES if kind in kinds]
        status = ""
        for event in events:
            assert complaint.received_at <= event.at <= now
            assert event.text or event.kind in ("received", "assigned", "investigation_started"), event.kind
            if event.to_status:
                assert event.from_status == (status if status else ""), (complaint.number, kinds)
                status = event.to_status

        assert [event.at for event in events] == sorted(event.at for event in events)
        assert firsts == sorted(firsts) and kinds[0] == "received"
        assert complaint.status == status or complaint.status in ("awaiting_approval", "resolving")
        if "resolved" in kinds:
            _assert_told_as_the_finding_asks(complaint, events, kinds)


def _assert_told_as_the_finding_asks(complaint, events, kinds):
    """Before resolving, the contact the finding needs (an apology, an explanation) was logged."""
    needs = complaint.process.spec.findings[complaint.finding].needs
    between = events[kinds.index("finding_recorded") : kinds.index("resolved")]
    purposes = {event.data["purpose"] for event in between if event.kind == "contact"}
    assert FindingNeed.APOLOGY_CONTACT not in needs or "apology" in purposes
    assert FindingNeed.EXPLANATION_CONTACT not in needs or "explanation" in purposes


def test_demo_clocks_are_the_processes_own_as_their_timelines_start_them(db, staff):
    call_command("demo", complaints=300, stdout=io.StringIO())

    for complaint in Complaint.objects.select_related("process").prefetch_related("clocks"):
        specs = {spec.key: spec for spec in complaint.process.spec.clocks}
        keys = {clock.key for clock in complaint.clocks.all()}
        from_receipt = {
            key
            for key, spec in specs.items()
            if Trigger.RECEIVED in spec.start and spec.applies(category=complaint.category, finding=complaint.finding)
        }

        assert keys <= set(specs), f"{complaint.process.name} has no clock {keys - set(specs)}"
        assert from_receipt <= keys
        for clock in complaint.clocks.all():
            assert specs[clock.key].applies(category=complaint.category, finding=complaint.finding)
            assert clock.started_at >= complaint.received_at
            assert clock.stopped_at is None or clock.stopped_at >= clock.started_at
