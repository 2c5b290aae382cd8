"""中午录音分享会 and 标红年终总结时考核: the cases picked for the case review gather, each day with its
call recordings, and the forms red-marked gather by year; both lists filter the complaint list and
export to Excel, for those who may see them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from kesu.attachments.services import attachment_add
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import accountable, at, bring_to_investigation, contact, step

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 28


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


@pytest.fixture
def marked(as_, intake, staff, travel):
    """On 2 December 2026: a valid complaint (picked for the review by its finding) with its call
    recording, another picked by the supervisor, and a third red-marked; a fourth picked the day before."""
    travel(at(2026, 12, 1, 11))
    yesterday = bring_to_investigation(as_, intake)
    step(as_("supervisor"), yesterday, "mark", mark="review", reason="昨天的案例")
    travel(at(2026, 12, 2, 9))
    valid = bring_to_investigation(as_, intake)
    handler = as_("handler")
    step(handler, valid, "finding", finding="valid", note="坐席未核实订单即答复")
    contact(handler, valid, "apology")
    accountable(handler, valid)
    complaint = Complaint.objects.get(number=valid)
    attachment_add(
        complaint=complaint, actor=staff["agent"], upload=SimpleUploadedFile("通话录音.wav", WAV), caption=""
    )
    travel(at(2026, 12, 2, 10))
    picked = bring_to_investigation(as_, intake)
    step(as_("supervisor"), picked, "mark", mark="review", reason="典型话术")
    red = bring_to_investigation(as_, intake)
    step(as_("supervisor"), red, "mark", mark="red", reason="处理单填写不全")
    return {"yesterday": yesterday, "valid": valid, "picked": picked, "red": red}


def test_the_noon_review_shows_the_days_picks_with_their_recordings(marked, staff):
    page = signed_in(staff["agent"]).get("/reviews/?day=2026-12-02").content.decode()

    picks = page[page.index('id="review-picks"') : page.index("</section>")]
    assert picks.index(marked["valid"]) < picks.index(marked["picked"])
    assert marked["yesterday"] not in picks and marked["red"] not in picks
    assert "坐席未核实订单即答复" in picks and "通话录音.wav" in picks and "<audio controls" in picks
    assert 'id="review-red"' not in page  # the year-end assessment is for leaders


def test_leaders_see_the_years_red_marked_forms_and_export_both_lists(marked, staff):
    manager = signed_in(staff["manager"])

    page = manager.get("/reviews/?day=2026-12-02&year=2026").content.decode()
    red = page[page.index('id="review-red"') :]
    assert marked["red"] in red and "2026 年标红处理单" in red
    book = load_workbook(io.BytesIO(manager.post("/reviews/red.xlsx?year=2026", {"reason": "年终考核"}).content))
    assert [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)] == [marked["red"]]
    picks = load_workbook(
        io.BytesIO(manager.post("/reviews/picks.xlsx?day=2026-12-02", {"reason": "午间分享"}).content)
    )
    assert [row[0] for row in picks.active.iter_rows(min_row=2, values_only=True)] == [
        marked["valid"],
        marked["picked"],
    ]


def test_the_complaint_list_and_the_api_filter_by_either_mark(marked, staff, as_):
    listed = signed_in(staff["supervisor"]).get("/complaints/?marked=red").content.decode()
    api = as_("supervisor").get("/complaints?picked_for_review=true").json()

    assert marked["red"] in listed and marked["picked"] not in listed
    assert sorted(item["number"] for item in api["items"]) == sorted(
        [marked["yesterday"], marked["valid"], marked["picked"]]
    )


def test_unpicking_forgets_when_it_was_picked(marked, as_):
    step(as_("supervisor"), marked["picked"], "mark", mark="review", on=False, reason="选错了")

    complaint = Complaint.objects.get(number=marked["picked"])
    assert (complaint.picked_for_review, complaint.picked_at) == (False, None)


def test_who_may_open_the_reviews(marked, staff):
    assert signed_in(staff["handler"]).get("/reviews/").status_code == 403
    assert signed_in(staff["agent"]).get("/reviews/red.xlsx?year=2026").status_code == 403
    assert signed_in(staff["agent"]).get("/reviews/picks.xlsx?day=2026-12-02").status_code == 200
    assert Client().get("/reviews/").status_code == 302
    wrong = signed_in(staff["manager"]).get("/reviews/?day=2026-13-45")
    assert wrong.status_code == 422 and "有效的日期" in wrong.content.decode()
