"""Who may do what: each step for the roles that may and those that may not, and the 当事人 rule."""

import pytest

from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import accountable, api_version, contact, follow_up, step
from kesu.customers.models import PersonalDataAccess


@pytest.fixture
def number(as_, intake):
    return as_("agent").post("/complaints", intake).json()["number"]


@pytest.fixture
def investigating(as_, number):
    step(as_("agent"), number, "assign", assignee="handler")
    step(as_("handler"), number, "start-investigation")
    return number


@pytest.fixture
def awaiting_approval(as_, investigating):
    step(as_("handler"), investigating, "finding", finding="valid")
    compensation = [{"kind": "apology"}, {"kind": "compensation", "amount": 100}]
    step(as_("handler"), investigating, "plan", summary="致歉并补偿", remedies=compensation)
    return investigating


@pytest.mark.parametrize("role", ["agent", "supervisor", "manager"])
def test_agents_and_leaders_may_assign(as_, number, role):
    step(as_(role), number, "assign", assignee="handler")


@pytest.mark.parametrize("role", ["handler", "follow_up", "quality_clerk"])
def test_others_may_not_assign(as_, number, role):
    api = as_(role)
    response = api.post(f"/complaints/{number}/assign", {"version": 1, "assignee": "handler"})
    assert response.status_code in (403, 404)


def test_a_complaint_can_only_be_assigned_to_someone_who_handles_complaints(as_, number):
    refused = step(as_("agent"), number, "assign", expect=403, assignee="finance")
    assert refused["errors"][0]["field"] == "assignee"

    unknown = step(as_("agent"), number, "assign", expect=422, assignee="nobody")
    assert unknown["errors"][0]["field"] == "assignee"


def test_only_the_assigned_handler_or_a_supervisor_works_the_case(as_, number):
    step(as_("agent"), number, "assign", assignee="handler")

    step(as_("colleague"), number, "start-investigation", expect=403)
    step(as_("agent"), number, "start-investigation", expect=403)
    step(as_("supervisor"), number, "start-investigation")


@pytest.mark.parametrize("role", ["supervisor", "manager"])
def test_leaders_approve_plans(as_, awaiting_approval, role):
    step(as_(role), awaiting_approval, "plan/approve")


@pytest.mark.parametrize("role", ["handler", "agent", "follow_up"])
def test_others_may_not_approve_plans(as_, awaiting_approval, role):
    step(as_(role), awaiting_approval, "plan/approve", expect=403)


def test_nobody_approves_their_own_plan(as_, investigating):
    supervisor = as_("supervisor")
    step(supervisor, investigating, "finding", finding="valid")
    step(supervisor, investigating, "plan", summary="补偿", remedies=[{"kind": "compensation", "amount": 100}])

    refused = step(supervisor, investigating, "plan/approve", expect=422)
    assert refused["code"] == "own_plan"
    step(as_("manager"), investigating, "plan/approve")


def test_closing_and_reopening_belong_to_follow_up_and_leaders(as_, investigating):
    handler = as_("handler")
    step(handler, investigating, "finding", finding="valid")
    contact(handler, investigating, "apology")
    accountable(handler, investigating)
    step(handler, investigating, "resolve", resolution="已致歉")

    step(handler, investigating, "close", expect=403)
    step(as_("agent"), investigating, "close", expect=403)
    follow_up(as_("follow_up"), investigating)
    step(as_("follow_up"), investigating, "close")
    step(handler, investigating, "reopen", expect=403, reason="不满意")
    step(as_("supervisor"), investigating, "reopen", reason="不满意")


class TestStaffInvolved:
    """当事人: a person the complaint is about never handles, approves or judges it."""

    def test_the_staff_involved_may_not_be_made_its_handler(as_self, as_, number):
        as_("supervisor").put(f"/complaints/{number}/involved", {"version": 1, "staff": ["colleague"]})

        refused = step(as_("agent"), number, "assign", expect=403, assignee="colleague")

        assert refused["code"] == "forbidden"
        assert refused["errors"][0]["field"] == "assignee"

    def test_a_supervisor_involved_may_not_approve_the_plan(as_self, as_, awaiting_approval):
        named = as_("handler").put(
            f"/complaints/{awaiting_approval}/involved",
            {"version": api_version(as_("handler"), awaiting_approval), "staff": ["supervisor"]},
        )
        assert named.status_code == 200, named.content

        refused = step(as_("supervisor"), awaiting_approval, "plan/approve", expect=403)

        assert refused["code"] == "involved"
        step(as_("manager"), awaiting_approval, "plan/approve")

    def test_a_leader_involved_may_not_judge_or_close_it(as_self, as_, investigating):
        handler = as_("handler")
        handler.put(
            f"/complaints/{investigating}/involved",
            {"version": api_version(handler, investigating), "staff": ["manager", "follow_up"]},
        )

        assert step(as_("manager"), investigating, "finding", expect=403, finding="valid")["code"] == "involved"
        step(handler, investigating, "finding", finding="valid")
        contact(handler, investigating, "apology")
        accountable(handler, investigating)
        step(handler, investigating, "resolve", resolution="已致歉")
        assert step(as_("follow_up"), investigating, "close", expect=403)["code"] == "involved"

    def test_the_staff_involved_may_still_give_their_account_as_a_note(as_self, as_, investigating):
        handler = as_("handler")
        handler.put(
            f"/complaints/{investigating}/involved",
            {"version": api_version(handler, investigating), "staff": ["agent"]},
        )

        response = as_("agent").post(f"/complaints/{investigating}/notes", {"text": "当时客户先辱骂"})

        assert response.status_code == 201

    def test_the_handler_cannot_be_named_involved_without_reassigning(as_self, as_, investigating):
        response = as_("supervisor").put(
            f"/complaints/{investigating}/involved",
            {"version": api_version(as_("supervisor"), investigating), "staff": ["handler"]},
        )

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "staff"


class TestVisibility:
    def test_department_staff_see_only_their_departments_complaints(as_self, as_, number):
        assert as_("logistics_clerk").get(f"/complaints/{number}").status_code == 404
        assert as_("logistics_clerk").get("/complaints").json()["items"] == []

        step(as_("agent"), number, "assign", assignee="handler", department="logistics")

        assert as_("logistics_clerk").get(f"/complaints/{number}").status_code == 200
        assert len(as_("logistics_clerk").get("/complaints").json()["items"]) == 1

    def test_finance_and_outsiders_see_no_complaint(as_self, as_, number):
        for persona in ("finance", "outsider"):
            assert as_(persona).get(f"/complaints/{number}").status_code == 404
            assert as_(persona).get(f"/complaints/{number}/timeline").status_code == 404
            assert as_(persona).post(f"/complaints/{number}/notes", {"text": "x"}).status_code == 404

    def test_a_handler_sees_what_is_assigned_to_them_and_their_department(as_self, as_, number, staff):
        staff["colleague"].department = None
        staff["colleague"].save()
        assert as_("colleague").get(f"/complaints/{number}").status_code == 404

        step(as_("agent"), number, "assign", assignee="colleague")

        assert as_("colleague").get(f"/complaints/{number}").status_code == 200


class TestPersonalData:
    def test_lists_mask_the_customer(as_self, as_, number):
        item = as_("supervisor").get("/complaints").json()["items"][0]

        assert item["customer"]["phone"] == "138****5678"
        assert item["customer"]["name"] == "张*"
        assert item["customer"]["masked"] is True

    def test_the_complaint_page_shows_it_to_those_who_need_it_and_logs_the_read(as_self, as_, number, staff):
        customer = as_("agent").get(f"/complaints/{number}").json()["customer"]

        assert (customer["phone"], customer["name"], customer["masked"]) == ("13812345678", "张三", False)
        access = PersonalDataAccess.objects.get()
        assert access.user == staff["agent"]
        assert number in access.purpose

    def test_staff_without_the_need_see_it_masked_and_nothing_is_logged(as_self, as_, number, staff):
        step(as_("agent"), number, "assign", assignee="handler", department="quality")

        shown = as_("quality_clerk").get(f"/complaints/{number}").json()["customer"]

        assert shown["masked"] is True
        assert not PersonalDataAccess.objects.filter(user=staff["quality_clerk"]).exists()


def test_a_refused_step_leaves_no_trace(as_, number):
    before = Complaint.objects.get(number=number)

    step(as_("follow_up"), number, "assign", expect=403, assignee="handler")

    after = Complaint.objects.get(number=number)
    assert (after.status, after.version, after.events.count()) == ("new", before.version, 1)
