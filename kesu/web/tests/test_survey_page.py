"""回访问卷: the customer answers at the link, without signing in, in either language, once."""

from django.test import Client

from kesu.complaints.models import Status
from kesu.complaints.selectors import complaint_for_user


def survey_url(complaint) -> str:
    return f"/survey/{complaint.follow_ups.get().survey_token}/"


def test_the_customer_answers_without_signing_in_and_the_callback_is_done(resolved):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = client.get(survey_url(resolved)).content.decode()
    assert "您对投诉的处理结果满意吗" in page or "满意" in page
    assert resolved.number in page
    assert "张三丰" not in page and "138" not in page  # nothing personal

    response = client.post(survey_url(resolved), {"satisfaction": "very_satisfied", "comment": "谢谢"})

    assert response.status_code == 302
    followup = resolved.follow_ups.get()
    assert (followup.status, followup.satisfaction, followup.via_survey) == ("done", "very_satisfied", True)
    assert "您的评价已记录" in client.get(response["Location"]).content.decode()


def test_a_dissatisfied_answer_reopens_the_case(resolved, staff):
    Client().post(survey_url(resolved), {"satisfaction": "dissatisfied", "comment": "没解决"})

    assert complaint_for_user(resolved.number, staff["supervisor"]).status != Status.RESOLVED
    assert complaint_for_user(resolved.number, staff["supervisor"]).reopen_count == 1


def test_the_survey_is_answered_once(resolved):
    client = Client()
    client.post(survey_url(resolved), {"satisfaction": "satisfied"})

    again = client.post(survey_url(resolved), {"satisfaction": "dissatisfied"})

    assert again.status_code == 422
    assert 'id="survey-form"' not in client.get(survey_url(resolved)).content.decode()
    assert resolved.follow_ups.get().satisfaction == "satisfied"


def test_a_missing_answer_is_shown_in_place_in_the_customers_language(resolved):
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").post(survey_url(resolved), {})
    english = Client(HTTP_ACCEPT_LANGUAGE="en").post(survey_url(resolved), {})

    assert chinese.status_code == english.status_code == 422
    assert 'id="id_satisfaction-errors"' in chinese.content.decode()
    assert "必填" in chinese.content.decode()
    assert "This field is required" in english.content.decode()


def test_an_unknown_token_is_not_found(db):
    assert Client().get("/survey/not-a-token/").status_code == 404
    assert Client().post("/survey/not-a-token/", {"satisfaction": "satisfied"}).status_code == 404
