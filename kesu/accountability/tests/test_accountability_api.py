"""责任认定与奖惩: who was at fault, the measure, its approval, and the month's ledger for finance."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kesu.accountability.models import Accountability
from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.tests.helpers import bring_to_investigation, call_center_variant


@pytest.fixture
def approved_by_manager(call_center):
    return call_center_variant(accountability={"approval": ["manager"], "on_breach": True})


def propose(api, number, expect=201, **change):
    body = {"person": "agent", "fault": "坐席态度恶劣", "measure": "penalty", "amount": "50.00"}
    response = api.post(f"/complaints/{number}/accountability", {**body, **change})
    assert response.status_code == expect, response.content.decode()
    return response.json()


def decide(api, item, expect=200, **body):
    response = api.post(f"/accountability/{item['id']}/decide", body)
    assert response.status_code == expect, response.content.decode()
    return response.json()


def test_without_an_approver_in_the_process_the_measure_stands_at_once(as_, intake):
    number = bring_to_investigation(as_, intake)

    item = propose(as_("handler"), number)

    assert (item["status"], item["person"]["username"], item["amount"]) == ("approved", "agent", "50.00")


def test_the_role_the_process_names_approves_the_penalty(as_, intake, approved_by_manager):
    number = bring_to_investigation(as_, intake)
    item = propose(as_("handler"), number)
    assert item["status"] == "proposed"

    decide(as_("supervisor"), item, expect=403, approve=True)
    approved = decide(as_("manager"), item, approve=True, amount="100.00", note="按现场管理制度扣罚")

    assert (approved["status"], approved["amount"], approved["decided_by"]["username"]) == (
        "approved",
        "100.00",
        "manager",
    )
    assert decide(as_("manager"), item, expect=409, approve=False, note="x")["code"] == "invalid_transition"


def test_a_rejection_needs_its_reason(as_, intake, approved_by_manager):
    number = bring_to_investigation(as_, intake)
    item = propose(as_("handler"), number)

    assert decide(as_("manager"), item, expect=422, approve=False)["errors"][0]["field"] == "note"
    assert decide(as_("manager"), item, approve=False, note="录音不支持")["status"] == "rejected"


def test_nobody_judges_themselves(as_, intake):
    number = bring_to_investigation(as_, intake)

    assert propose(as_("handler"), number, expect=422, person="handler")["errors"][0]["field"] == "person"


def test_a_reward_needs_no_amount(as_, intake):
    number = bring_to_investigation(as_, intake)

    item = propose(as_("handler"), number, measure="reward", amount=None, points=5, fault="处理及时获客户表扬")

    assert (item["measure"], item["points"]) == ("reward", 5)


def test_a_penalty_needs_an_amount_or_points(as_, intake):
    number = bring_to_investigation(as_, intake)

    assert propose(as_("handler"), number, expect=422, amount=None)["errors"][0]["field"] == "amount"


def test_a_missed_deadline_proposes_a_penalty_for_the_handler(as_, intake, approved_by_manager):
    intake["received_at"] = (timezone.now() - dt.timedelta(days=20)).isoformat()
    number = bring_to_investigation(as_, intake)

    clocks_sweep()

    item = Accountability.objects.get(complaint__number=number)
    assert (item.person.username, item.clock, item.status) == ("handler", "resolve", "proposed")
    assert item.fault == "超时：处理完毕"  # the deadline by its name, never its key


def test_the_monthly_ledger_is_an_excel_file_finance_reads(as_, intake):
    number = bring_to_investigation(as_, intake)
    propose(as_("handler"), number, amount="50.00")
    propose(as_("handler"), number, person="colleague", measure="reward", amount="20.00", fault="协助处理")
    month = timezone.localdate().strftime("%Y-%m")

    response = as_("finance").get("/accountability/ledger", {"month": month})

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("决定日期", "投诉单", "人员")
    assert [(row[1], row[2], row[5], row[6]) for row in rows[1:]] == [
        (number, "接线员小王", "扣罚", 50.0),
        (number, "处理专员小张", "奖励", 20.0),
    ]


def test_the_ledger_is_for_finance_and_leaders_only(as_, call_center):
    month = timezone.localdate().strftime("%Y-%m")

    assert as_("handler").get("/accountability/ledger", {"month": month}).status_code == 403
    assert as_("manager").get("/accountability/ledger", {"month": month}).status_code == 200
    assert as_("finance").get("/accountability/ledger", {"month": "2026-13"}).status_code == 422
