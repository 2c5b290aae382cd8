"""Which callback answers reopen a case: by default only "dissatisfied"; a process may ask for more
(`follow_up.reopen_below: satisfied`: a neutral answer reopens it too)."""

import pytest

from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import bring_to_investigation, call_center_variant, contact, follow_up, step
from kesu.conftest import Api
from kesu.followups.models import Satisfaction
from kesu.processes.document import SATISFACTION_SCALE, FollowUpSpec
from kesu.processes.services import InvalidProcess

REOPENED = "您的投诉已重新处理"


def resolved(as_, intake) -> str:
    number = bring_to_investigation(as_, intake)
    step(as_("handler"), number, "finding", finding="invalid")
    contact(as_("handler"), number, "explanation", "向客户解释")
    step(as_("handler"), number, "resolve", resolution="已解释")
    return number


@pytest.fixture
def only_satisfied_finishes(call_center):
    return call_center_variant(follow_up={"within": "1 working day", "callbacks": 1, "reopen_below": "satisfied"})


def test_the_scale_is_the_satisfaction_answers_worst_first():
    assert SATISFACTION_SCALE == list(reversed(Satisfaction.values))


def test_by_default_a_neutral_answer_finishes_the_case(as_, intake):
    number = resolved(as_, intake)

    assert follow_up(as_("follow_up"), number, "neutral")["status"]["key"] == "resolved"
    assert step(as_("follow_up"), number, "close")["status"]["key"] == "closed"


def test_where_the_process_says_so_a_neutral_answer_reopens_the_case(as_, intake, only_satisfied_finishes):
    number = resolved(as_, intake)

    reopened = follow_up(as_("follow_up"), number, "neutral", "")

    assert (reopened["status"]["key"], reopened["reopen_count"]) == ("investigating", 1)
    event = Complaint.objects.get(number=number).events.get(kind="reopened")
    assert event.text == "客户回访评价为“一般”，投诉未能办结（第 1 次回访）。"


def test_a_satisfied_answer_still_finishes_it(as_, intake, only_satisfied_finishes):
    number = resolved(as_, intake)

    assert follow_up(as_("follow_up"), number, "satisfied")["status"]["key"] == "resolved"


def test_the_survey_page_tells_the_customer_the_case_is_reopened(as_, intake, only_satisfied_finishes, client):
    number = resolved(as_, intake)
    path = as_("agent").get(f"/complaints/{number}").json()["follow_ups"][0]["survey_path"]
    Api().post(path.removeprefix("/api/v1"), {"satisfaction": "neutral"})
    token = path.rstrip("/").rsplit("/", 1)[1]

    page = client.get(f"/survey/{token}/thanks/").content.decode()

    assert 'id="survey-thanks"' in page and REOPENED in page


def test_a_process_may_not_reopen_on_every_answer():
    with pytest.raises(ValueError):
        FollowUpSpec(reopen_below="dissatisfied")


def test_a_document_naming_an_unknown_answer_is_refused_on_its_path(call_center):
    with pytest.raises(InvalidProcess) as refused:
        call_center_variant(follow_up={"reopen_below": "happy"})

    assert refused.value.field == "follow_up.reopen_below"
