"""回访: callbacks after resolution; a dissatisfied customer reopens the case; a survey link without sign-in."""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.complaints.tests.helpers import (
    accountable,
    bring_to_investigation,
    call_center_variant,
    contact,
    follow_up,
    step,
)
from kesu.conftest import Api
from kesu.followups.models import FollowUp
from kesu.followups.services import followups_overdue_notify


def resolved(as_, intake, **change) -> str:
    number = bring_to_investigation(as_, intake, **change)
    handler = as_("handler")
    step(handler, number, "finding", finding="invalid")
    contact(handler, number, "explanation", "向客户解释")
    step(handler, number, "resolve", resolution="已解释")
    return number


@pytest.fixture
def product_twice(call_center):
    """Product complaints get two callbacks within 5 working days, service complaints one."""
    return call_center_variant(
        follow_up={"within": "5 working days", "callbacks": 1, "callbacks_by_category": {"product_quality": 2}}
    )


def test_resolving_schedules_the_callback_within_the_processs_time(as_, intake):
    number = resolved(as_, intake)

    [scheduled] = as_("follow_up").get("/follow-ups").json()

    assert (scheduled["complaint"], scheduled["sequence"], scheduled["of"]) == (number, 1, 1)
    due = dt.datetime.fromisoformat(scheduled["due_at"])
    resolved_at = dt.datetime.fromisoformat(as_("agent").get(f"/complaints/{number}").json()["resolved_at"])
    # call_center: within 1 working day (7.5 working hours)
    assert dt.timedelta(hours=7, minutes=30) <= due - resolved_at <= dt.timedelta(days=5)


def test_a_satisfied_customer_lets_the_case_close(as_, intake):
    number = resolved(as_, intake)

    called = follow_up(as_("follow_up"), number, "very_satisfied", "客户非常满意")

    assert called["status"]["key"] == "resolved"
    assert step(as_("follow_up"), number, "close")["status"]["key"] == "closed"


def test_a_dissatisfied_customer_reopens_the_case_at_the_step_the_process_names(as_, intake):
    number = resolved(as_, intake)

    reopened = follow_up(as_("follow_up"), number, "dissatisfied", "客户不认可解释")

    assert (reopened["status"]["key"], reopened["reopen_count"], reopened["tier"]) == ("investigating", 1, 2)
    assert as_("follow_up").get("/follow-ups").json() == []


def test_product_complaints_get_two_callbacks_service_complaints_one(as_, intake, product_twice):
    product = bring_to_investigation(as_, intake, category="product_quality")
    handler = as_("handler")
    step(handler, product, "finding", finding="customer_misuse")
    contact(handler, product, "explanation")
    step(handler, product, "resolve", resolution="已解释使用方法")
    service = resolved(as_, intake)

    first = follow_up(as_("follow_up"), product, "satisfied")
    assert step(as_("follow_up"), product, "close", expect=422)["code"] == "follow_ups_due"
    assert [(f["sequence"], f["of"], f["status"]) for f in first["follow_ups"]] == [(1, 2, "done"), (2, 2, "scheduled")]
    follow_up(as_("follow_up"), product, "satisfied")
    assert step(as_("follow_up"), product, "close")["status"]["key"] == "closed"
    assert [f["of"] for f in as_("agent").get(f"/complaints/{service}").json()["follow_ups"]] == [1]


def test_no_callback_while_the_case_is_still_being_handled(as_, intake):
    number = bring_to_investigation(as_, intake)

    response = as_("follow_up").post(f"/complaints/{number}/follow-up", {"satisfaction": "satisfied"})

    assert response.status_code == 409
    assert not FollowUp.objects.exists()


def test_only_follow_up_agents_and_leaders_record_callbacks(as_, intake):
    number = resolved(as_, intake)

    assert as_("handler").post(f"/complaints/{number}/follow-up", {"satisfaction": "satisfied"}).status_code == 403
    assert as_("agent").post(f"/complaints/{number}/follow-up", {"satisfaction": "satisfied"}).status_code == 403


class TestSurvey:
    def survey_path(self, as_, number) -> str:
        return as_("agent").get(f"/complaints/{number}").json()["follow_ups"][0]["survey_path"]

    def test_the_customer_answers_the_survey_without_signing_in(self, as_, intake):
        number = resolved(as_, intake)
        path = self.survey_path(as_, number).removeprefix("/api/v1")
        customer = Api()

        shown = customer.get(path).json()
        assert (shown["complaint"], shown["answered"]) == (number, False)
        answered = customer.post(path, {"satisfaction": "satisfied", "comment": "谢谢"})

        assert answered.status_code == 200
        done = as_("agent").get(f"/complaints/{number}").json()["follow_ups"][0]
        assert (done["status"], done["satisfaction"], done["via_survey"]) == ("done", "satisfied", True)
        assert customer.post(path, {"satisfaction": "dissatisfied"}).json()["code"] == "survey_answered"

    def test_a_dissatisfied_survey_answer_reopens_the_case(self, as_, intake):
        number = resolved(as_, intake)
        path = self.survey_path(as_, number).removeprefix("/api/v1")

        Api().post(path, {"satisfaction": "dissatisfied", "comment": "问题没解决"})

        assert as_("agent").get(f"/complaints/{number}").json()["status"]["key"] == "investigating"

    def test_a_wrong_token_is_refused_and_reveals_nothing(self, call_center):
        response = Api(language="en").get("/follow-ups/survey/not-a-token")

        assert response.status_code == 422
        assert response.json()["detail"] == "This survey link is not valid."

    def test_a_bad_answer_names_the_field(self, as_, intake):
        number = resolved(as_, intake)
        path = self.survey_path(as_, number).removeprefix("/api/v1")

        response = Api().post(path, {"satisfaction": "ecstatic"})

        assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "satisfaction")


def test_an_overdue_callback_is_reported_once(as_, intake):
    number = resolved(as_, intake)
    FollowUp.objects.filter(complaint__number=number).update(due_at=timezone.now() - dt.timedelta(minutes=1))

    assert followups_overdue_notify(timezone.now()) == 1
    assert followups_overdue_notify(timezone.now()) == 0
    assert "follow_up_due" in [n["kind"] for n in as_("follow_up").get("/notifications").json()]


def test_the_valid_complaint_closes_after_the_callback(as_, intake):
    number = bring_to_investigation(as_, intake)
    handler = as_("handler")
    step(handler, number, "finding", finding="valid")
    contact(handler, number, "apology")
    accountable(handler, number)
    step(handler, number, "resolve", resolution="已致歉")

    follow_up(as_("follow_up"), number, "neutral", "客户一般")

    assert step(as_("follow_up"), number, "close")["status"]["key"] == "closed"
