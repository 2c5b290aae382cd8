"""The complaint page's panels of issue 5: accountability, follow-ups, marks, corrective actions and
case articles — each step offered to those the rules allow, refused in place to the others."""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.accountability.models import Accountability
from kesu.cases.models import ArticleStatus, CaseArticle
from kesu.cases.services import case_article_publish, case_article_write
from kesu.complaints.selectors import complaint_for_user
from kesu.complaints.tests.helpers import call_center_variant
from kesu.improvements.models import Improvement
from kesu.improvements.services import improvement_create
from kesu.web.tests.conftest import advance, htmx


def step_url(complaint, action: str) -> str:
    return f"/complaints/{complaint.number}/steps/{action}/"


def html_of(client, complaint) -> str:
    return client.get(f"/complaints/{complaint.number}/").content.decode()


# ---- accountability ----------------------------------------------------------------------


def test_every_complaint_shows_its_panels(page, assigned):
    html = html_of(page("handler"), assigned)

    for part in ["accountability-title", "follow-ups-title", "improvements-title", "cases-title"]:
        assert f'id="{part}"' in html


def test_the_handler_records_accountability_and_the_panel_shows_it(page, assigned, staff):
    assert 'data-action="accountability"' in html_of(page("handler"), assigned)

    response = htmx(
        page("handler"),
        "post",
        step_url(assigned, "accountability"),
        {"person": staff["agent"].pk, "fault": "坐席态度恶劣", "measure": "penalty", "amount": "50"},
    )

    assert response.status_code == 200, response.content.decode()
    item = Accountability.objects.get()
    assert (item.person, item.status, item.amount) == (staff["agent"], "approved", 50)  # no approver named
    assert "坐席态度恶劣" in response.content.decode()


def test_accountability_errors_are_shown_on_their_field_in_chinese(page, assigned):
    response = htmx(page("handler"), "post", step_url(assigned, "accountability"), {"fault": "x", "measure": "penalty"})

    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_person-errors"' in html
    assert "请指明责任人或责任部门" in html or "责任" in html
    assert not Accountability.objects.exists()


def test_who_is_not_the_handler_may_not_record_accountability(page, assigned, staff):
    assert 'data-action="accountability"' not in html_of(page("colleague"), assigned)
    assert 'data-action="accountability"' not in html_of(page("agent"), assigned)

    response = htmx(
        page("colleague"),
        "post",
        step_url(assigned, "accountability"),
        {"person": staff["agent"].pk, "fault": "态度", "measure": "penalty", "amount": "50"},
    )

    assert response.status_code == 403
    assert not Accountability.objects.exists()


@pytest.fixture
def proposed(call_center, take_in, staff):
    """A penalty for the agent, awaiting the manager's approval."""
    call_center_variant(accountability={"approval": ["manager"]})
    complaint = advance(take_in(), staff["agent"], ("assign", {"assignee": staff["handler"]}))
    from kesu.accountability.services import accountability_propose

    accountability_propose(
        complaint=complaint,
        actor=staff["handler"],
        fault="坐席态度恶劣",
        measure="penalty",
        person=staff["agent"],
        amount=50,
    )
    return complaint_for_user(complaint.number, staff["handler"])


def test_the_role_the_process_names_approves_and_others_see_no_button(page, proposed, staff):
    item = Accountability.objects.get()
    assert 'data-action="approve_accountability"' in html_of(page("manager"), proposed)
    for name in ["handler", "supervisor", "agent"]:
        assert 'data-action="approve_accountability"' not in html_of(page(name), proposed)

    form = htmx(page("manager"), "get", step_url(proposed, "approve_accountability") + f"?item={item.pk}")
    assert "坐席态度恶劣" in form.content.decode()
    response = htmx(
        page("manager"), "post", step_url(proposed, "approve_accountability"), {"item": item.pk, "amount": "80"}
    )

    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.status, item.amount, item.decided_by) == ("approved", 80, staff["manager"])


def test_a_supervisor_the_process_does_not_name_is_refused(page, proposed):
    item = Accountability.objects.get()

    response = htmx(page("supervisor"), "post", step_url(proposed, "approve_accountability"), {"item": item.pk})

    assert response.status_code == 403
    assert Accountability.objects.get().status == "proposed"


def test_rejecting_needs_a_reason_shown_on_its_field(page, proposed):
    item = Accountability.objects.get()

    refused = htmx(page("manager"), "post", step_url(proposed, "reject_accountability"), {"item": item.pk})
    assert refused.status_code == 422
    assert 'id="id_note-errors"' in refused.content.decode()

    rejected = htmx(
        page("manager"), "post", step_url(proposed, "reject_accountability"), {"item": item.pk, "note": "证据不足"}
    )
    assert rejected.status_code == 200
    assert Accountability.objects.get().status == "rejected"


# ---- marks -------------------------------------------------------------------------------


def test_a_supervisor_marks_and_unmarks_and_the_badge_follows(page, assigned):
    assert 'data-action="mark"' in html_of(page("supervisor"), assigned)
    url = step_url(assigned, "mark")

    response = htmx(page("supervisor"), "post", url, {"version": assigned.version, "mark": "red", "on": "yes"})
    assert response.status_code == 200
    assert 'data-mark="red"' in response.content.decode()
    complaint = complaint_for_user(assigned.number, assigned.assignee)
    response = htmx(page("supervisor"), "post", url, {"version": complaint.version, "mark": "red", "on": "no"})
    assert 'data-mark="red"' not in response.content.decode()


def test_handlers_and_agents_may_not_mark(page, assigned):
    for name in ["handler", "agent"]:
        assert 'data-action="mark"' not in html_of(page(name), assigned)
    response = htmx(
        page("handler"),
        "post",
        step_url(assigned, "mark"),
        {"version": assigned.version, "mark": "review", "on": "yes"},
    )

    assert response.status_code == 403
    assert not complaint_for_user(assigned.number, assigned.assignee).picked_for_review


# ---- follow-ups --------------------------------------------------------------------------


def test_the_follow_up_panel_shows_the_callback_and_the_survey_link(page, resolved):
    html = html_of(page("follow_up"), resolved)
    token = resolved.follow_ups.get().survey_token

    assert 'data-follow-up="1"' in html
    assert f"/survey/{token}/" in html


def test_the_survey_link_is_not_shown_to_those_who_do_not_talk_to_the_customer(page, resolved, staff):
    from kesu.accounts.roles import Role
    from kesu.conftest import make_staff

    quality = page("handler")
    quality.force_login(make_staff("qa", Role.QUALITY))
    token = resolved.follow_ups.get().survey_token

    assert token not in quality.get(f"/complaints/{resolved.number}/").content.decode()


def test_a_done_callback_shows_the_satisfaction(page, closed):
    html = html_of(page("supervisor"), closed)

    assert 'data-satisfaction="satisfied"' in html
    assert "满意" in html


# ---- corrective actions ------------------------------------------------------------------


def test_a_supervisor_creates_a_corrective_action_from_the_complaint(page, assigned, staff):
    html = html_of(page("supervisor"), assigned)
    assert 'data-action="create_improvement"' in html and 'data-action="link_improvement"' in html
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()

    response = htmx(
        page("supervisor"),
        "post",
        step_url(assigned, "create_improvement"),
        {
            "title": "充电器过热",
            "root_cause": "供应商来料",
            "action": "更换供应商",
            "owner": staff["handler"].pk,
            "due_date": due,
        },
    )

    assert response.status_code == 200, response.content.decode()
    improvement = Improvement.objects.get()
    assert list(improvement.complaints.all()) == [assigned]
    assert "充电器过热" in response.content.decode()


def test_a_due_date_in_the_past_is_refused_on_its_field(page, assigned, staff):
    response = htmx(
        page("supervisor"),
        "post",
        step_url(assigned, "create_improvement"),
        {"title": "t", "root_cause": "r", "action": "a", "owner": staff["handler"].pk, "due_date": "2020-01-01"},
    )

    assert response.status_code == 422
    assert 'id="id_due_date-errors"' in response.content.decode()


def test_a_supervisor_links_the_complaint_to_an_existing_action(page, assigned, take_in, staff):
    improvement = improvement_create(
        actor=staff["supervisor"],
        title="话术培训",
        root_cause="r",
        action="a",
        owner=staff["handler"],
        due_date=timezone.localdate() + dt.timedelta(days=5),
    )

    response = htmx(page("supervisor"), "post", step_url(assigned, "link_improvement"), {"improvement": improvement.pk})

    assert response.status_code == 200
    assert list(improvement.complaints.all()) == [assigned]


def test_handlers_may_not_create_or_link_actions(page, assigned, staff):
    html = html_of(page("handler"), assigned)
    assert 'data-action="create_improvement"' not in html and 'data-action="link_improvement"' not in html

    response = htmx(
        page("handler"),
        "post",
        step_url(assigned, "create_improvement"),
        {"title": "t", "root_cause": "r", "action": "a", "owner": staff["handler"].pk, "due_date": "2099-01-01"},
    )
    assert response.status_code == 403
    assert not Improvement.objects.exists()


# ---- case articles -----------------------------------------------------------------------


def test_on_a_closed_complaint_the_handler_writes_a_case_article(page, closed):
    assert 'data-action="write_case"' in html_of(page("handler"), closed)

    response = htmx(
        page("handler"), "post", step_url(closed, "write_case"), {"title": "解释到位的案例", "tags": "服务, 解释"}
    )

    assert response.status_code == 200, response.content.decode()
    article = CaseArticle.objects.get()
    assert (article.status, article.summary) == (ArticleStatus.DRAFT, closed.description)
    assert sorted(article.tags.values_list("name", flat=True)) == ["服务", "解释"]
    assert f"/cases/{article.pk}/" in response.content.decode()


def test_no_case_article_from_an_open_complaint_or_by_an_agent(page, assigned, closed):
    assert 'data-action="write_case"' not in html_of(page("handler"), assigned)
    assert 'data-action="write_case"' not in html_of(page("agent"), closed)

    refused = htmx(page("handler"), "post", step_url(assigned, "write_case"), {"title": "太早了"})
    assert refused.status_code == 409
    assert not CaseArticle.objects.exists()


def test_published_articles_alike_the_complaint_are_suggested(page, closed, take_in, staff):
    article = case_article_write(actor=staff["handler"], complaint_number=closed.number, title="同类案例")
    case_article_publish(article=article, actor=staff["supervisor"])
    other = take_in(category="service_quality")
    unlike = take_in(category="product_quality", phone="13900000000", description="发票抬头开错了，请重开。")

    html = html_of(page("agent"), other)

    assert 'id="suggested-articles"' in html
    assert "同类案例" in html
    assert "同类案例" not in html_of(page("agent"), unlike)
