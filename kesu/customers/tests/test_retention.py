"""保存期限: each night the worker anonymises the finished complaints received longer ago than their
process keeps records, then the customers none of whose complaints is kept any more."""

import pytest

from kesu.attachments.models import Attachment
from kesu.complaints.models import Complaint, Event, EventKind
from kesu.complaints.tests.helpers import at
from kesu.customers.models import Anonymisation, Customer, RetentionRun
from kesu.customers.retention import BLANK, fields_anonymised, json_anonymised, retention_run, retention_run_nightly
from kesu.customers.tests.conftest import MEDICAL
from kesu.followups.models import FollowUp
from kesu.processes.models import Process
from kesu.processes.services import LIBRARY, process_parse

pytestmark = pytest.mark.django_db(transaction=False)


def test_a_closed_complaint_past_its_retention_period_loses_its_free_text_and_files(
    product_complaint, travel, django_capture_on_commit_callbacks
):
    number = product_complaint(received=at(2023, 3, 1, 10))
    complaint = Complaint.objects.get(number=number)
    photo = Attachment.objects.get(complaint=complaint)
    stored = photo.file.name
    storage = photo.file.storage
    kept = {
        field: getattr(complaint, field)
        for field in ["category", "finding", "status", "priority", "channel", "received_at", "closed_at", "resolved_at"]
    }

    travel(at(2025, 3, 2, 3))
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the transaction holds
        run = retention_run()

    complaint = Complaint.objects.get(number=number)
    assert (run.complaints, run.customers) == (1, 1)
    assert (complaint.subject, complaint.description) == (BLANK, BLANK)
    assert complaint.demand == complaint.incident_place == complaint.finding_note == complaint.resolution == ""
    assert complaint.fields == {"purchase_history": BLANK}  # the medical history, sensitive, is gone
    assert {field: getattr(complaint, field) for field in kept} == kept
    assert complaint.clocks.exists()
    note = complaint.events.get(kind=EventKind.NOTE, data__anonymised="retention")
    assert note.text == "已匿名化：保存期限（2 年）已满。"
    assert set(complaint.events.exclude(pk=note.pk).values_list("text", flat=True)) == {""}
    assert complaint.events.get(kind=EventKind.NOTE, data__attachment=photo.pk).data["name"] == ""
    assert FollowUp.objects.get(complaint=complaint).outcome == ""
    photo.refresh_from_db()
    assert (photo.file.name, photo.name) == ("", BLANK)
    assert not storage.exists(stored)
    assert Anonymisation.objects.get(complaint=complaint).cause == "retention"


def test_the_customer_is_anonymised_and_stays_for_the_counts(product_complaint, travel):
    number = product_complaint(received=at(2023, 3, 1, 10))
    travel(at(2025, 3, 2, 3))

    retention_run()

    customer = Complaint.objects.get(number=number).customer
    assert (customer.name, customer.phone, customer.email, customer.region) == ("", "", "", "")
    assert customer.anonymised_at is not None
    assert Customer.objects.count() == 1


def test_search_no_longer_finds_the_anonymised_complaint(product_complaint, travel, as_):
    number = product_complaint(received=at(2023, 3, 1, 10))
    assert as_("supervisor").get("/complaints", {"q": "电热毯"}).json()["items"]
    travel(at(2025, 3, 2, 3))

    retention_run()

    for words in ("电热毯", "13812345678", "张三"):
        assert as_("supervisor").get("/complaints", {"q": words}).json()["items"] == [], words
    assert as_("supervisor").get("/complaints", {"q": number}).json()["items"]  # the number still finds it


def test_a_complaint_still_in_its_period_or_still_open_is_kept(product_complaint, travel):
    recent = product_complaint(received=at(2024, 1, 10, 10), phone="13900000001", name="李四")
    still_open = product_complaint(received=at(2023, 1, 10, 10), close=False, phone="13900000002", name="王五")
    travel(at(2025, 3, 2, 3))

    run = retention_run()

    assert run.complaints == 0
    for number in (recent, still_open):
        complaint = Complaint.objects.get(number=number)
        assert complaint.fields["medical_history"] == MEDICAL
        assert complaint.customer.anonymised_at is None


def test_a_customer_with_a_complaint_still_kept_keeps_their_details(product_complaint, travel):
    old = product_complaint(received=at(2023, 1, 10, 10))
    product_complaint(received=at(2024, 6, 10, 10))  # the same customer, again
    travel(at(2025, 3, 2, 3))

    run = retention_run()

    assert (run.complaints, run.customers) == (1, 0)
    assert Complaint.objects.get(number=old).subject == BLANK
    assert Complaint.objects.get(number=old).customer.phone == "+8613812345678"


def test_a_process_without_a_retention_period_keeps_its_complaints(product_complaint, travel):
    number = product_complaint(received=at(2020, 3, 1, 10))
    Complaint.objects.filter(number=number).update(
        process=Process.objects.filter(name="call_center").order_by("version").first()
    )
    travel(at(2025, 3, 2, 3))

    assert retention_run().complaints == 0


def test_the_night_runs_once_whatever_the_workers_and_anonymises_once(product_complaint, travel):
    number = product_complaint(received=at(2023, 3, 1, 10))
    travel(at(2025, 3, 2, 1))
    assert retention_run_nightly() is None  # before the night's hour

    travel(at(2025, 3, 2, 3))
    assert retention_run_nightly().complaints == 1
    assert retention_run_nightly() is None  # another worker, the same night
    travel(at(2025, 3, 3, 3))
    assert retention_run_nightly().complaints == 0  # the next night: nothing more to do

    assert Complaint.objects.get(number=number).events.filter(data__anonymised="retention").count() == 1
    assert RetentionRun.objects.count() == 2


def test_it_works_in_chunks_by_id(product_complaint, travel):
    numbers = [
        product_complaint(received=at(2023, 3, day, 10), phone=f"1390000000{day}", name=f"客户{day}")
        for day in (1, 2, 3)
    ]
    travel(at(2025, 3, 5, 3))

    run = retention_run(batch=2)

    assert (run.complaints, run.customers) == (3, 3)
    assert set(Complaint.objects.filter(number__in=numbers).values_list("subject", flat=True)) == {BLANK}


def test_plan_notes_and_remedy_notes_are_blanked():
    assert json_anonymised({"plan": 3, "remedies": [{"kind": "refund", "amount": "50", "note": "退给张三"}]}) == {
        "plan": 3,
        "remedies": [{"kind": "refund", "amount": "50", "note": ""}],
    }
    assert json_anonymised({"attachment": 1, "name": "身份证.jpg", "fields_left": {"vin": "X"}}) == {
        "attachment": 1,
        "name": "",
        "fields_left": {},
    }


def test_codes_dates_numbers_and_report_dimensions_stay_in_the_fields():
    spec = process_parse((LIBRARY / "retail.yaml").read_text(encoding="utf-8"))
    values = {"store": "徐汇店", "product_name": "电热毯", "receipt_number": "R123", "safety_issue": True}

    assert fields_anonymised(values, spec) == {**values, "receipt_number": BLANK}


def test_the_timeline_stays_append_only_for_everyone_else(product_complaint):
    complaint = Complaint.objects.get(number=product_complaint(close=False))

    with pytest.raises(TypeError):
        Event.objects.filter(complaint=complaint).update(text="")
