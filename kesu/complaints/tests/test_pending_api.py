"""未了事宜: reminded on the day the process names (auto_dealer: the 4th); a ledger per handler."""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.complaints.models import Complaint
from kesu.complaints.services.pending import pending_reminders_run
from kesu.complaints.tests.helpers import bring_to_investigation, call_center_variant, step


@pytest.fixture
def reminded_on_the_4th(call_center):
    return call_center_variant(pending_reminder_day=4)


def put_pending(as_, intake, handler="handler") -> str:
    number = bring_to_investigation(as_, intake)
    if handler != "handler":
        step(as_("supervisor"), number, "assign", assignee=handler)
    agreed = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    step(as_(handler), number, "pending", agreed_date=agreed, reason="等厂家配件到货")
    return number


def test_a_pending_matter_is_reminded_on_the_4th_and_only_then(as_, intake, reminded_on_the_4th, staff):
    number = put_pending(as_, intake)

    assert pending_reminders_run(dt.date(2026, 12, 3)) == 0
    assert pending_reminders_run(dt.date(2026, 12, 4)) == 1
    assert pending_reminders_run(dt.date(2026, 12, 4)) == 0  # once a day, however often it runs
    assert pending_reminders_run(dt.date(2027, 1, 4)) == 1  # and again next month

    complaint = Complaint.objects.get(number=number)
    assert complaint.events.filter(kind="pending_reminded").count() == 2
    reminders = [n for n in as_("handler").get("/notifications").json() if n["kind"] == "pending_reminder"]
    assert len(reminders) == 2


def test_a_process_without_a_reminder_day_reminds_nothing(as_, intake):
    put_pending(as_, intake)

    assert pending_reminders_run(dt.date(2026, 12, 4)) == 0


def test_a_resumed_matter_is_no_longer_reminded(as_, intake, reminded_on_the_4th):
    number = put_pending(as_, intake)
    step(as_("handler"), number, "resume")

    assert pending_reminders_run(dt.date(2026, 12, 4)) == 0


def test_the_ledger_counts_pending_matters_per_handler(as_, intake):
    put_pending(as_, intake)
    put_pending(as_, intake)
    put_pending(as_, intake, handler="colleague")

    ledger = as_("supervisor").get("/complaints/pending/ledger").json()

    assert [(row["handler"], row["count"]) for row in ledger] == [("colleague", 1), ("handler", 2)]
    assert as_("finance").get("/complaints/pending/ledger").json() == []  # sees no complaint


def test_marks_for_the_year_end_review_and_the_case_sharing_meeting(as_, intake):
    number = bring_to_investigation(as_, intake)

    assert step(as_("handler"), number, "mark", expect=403, mark="red")["code"] == "forbidden"
    marked = step(as_("supervisor"), number, "mark", mark="red", reason="重大投诉，年终评审")
    assert marked["red_marked"] is True
    step(as_("handler"), number, "finding", finding="valid")  # valid: shared at the noon review
    assert as_("agent").get(f"/complaints/{number}").json()["picked_for_review"] is True
