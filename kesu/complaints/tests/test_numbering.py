"""Complaint numbers: one counter per prefix and day, from which intake takes one and a bulk load a block."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.complaints.services.numbering import complaint_numbers_reserve, next_complaint_number


def test_intake_after_a_reserved_block_gets_the_number_after_it(as_, intake):
    today = timezone.localdate()
    blocks = complaint_numbers_reserve({("KS", today): 50, ("FK", today): 3})

    number = as_("agent").post("/complaints", intake).json()["number"]

    assert blocks == {("KS", today): range(1, 51), ("FK", today): range(1, 4)}
    assert number == f"KS{today:%Y%m%d}-0051"
    assert complaint_numbers_reserve({("KS", today): 10}) == {("KS", today): range(52, 62)}


def test_a_number_is_taken_in_one_statement(call_center):
    with CaptureQueriesContext(connection) as queries:
        number = next_complaint_number(call_center)

    assert number == f"KS{timezone.localdate():%Y%m%d}-0001"
    assert len(queries) == 1
