"""纠正预防措施 pages: the list with its filters, one action with done / verify / send back for the right roles."""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.conftest import make_staff
from kesu.improvements.models import Improvement
from kesu.improvements.services import improvement_create, improvement_mark_done


@pytest.fixture
def quality(staff):
    return make_staff("qa", Role.QUALITY, display_name="质检员")


@pytest.fixture
def action(staff, assigned):
    return improvement_create(
        actor=staff["supervisor"],
        title="充电器过热整改",
        root_cause="供应商来料",
        action="更换供应商",
        owner=staff["handler"],
        due_date=timezone.localdate() + dt.timedelta(days=7),
        complaint_numbers=[assigned.number],
    )


@pytest.fixture
def late(staff):
    action = improvement_create(
        actor=staff["supervisor"],
        title="过期的措施",
        root_cause="r",
        action="a",
        owner=staff["colleague"],
        due_date=timezone.localdate(),
    )
    Improvement.objects.filter(pk=action.pk).update(due_date=timezone.localdate() - dt.timedelta(days=3))
    return action


def signed_in(page, user):
    client = page("outsider")
    client.force_login(user)
    return client


def test_leaders_and_quality_see_every_action_and_filter_them(page, action, late, quality):
    html = page("supervisor").get("/improvements/").content.decode()
    assert "充电器过热整改" in html and "过期的措施" in html

    overdue = page("supervisor").get("/improvements/", {"overdue": "on"}).content.decode()
    assert "过期的措施" in overdue and "充电器过热整改" not in overdue
    by_owner = signed_in(page, quality).get("/improvements/", {"owner": "handler"}).content.decode()
    assert "充电器过热整改" in by_owner and "过期的措施" not in by_owner
    done = page("supervisor").get("/improvements/", {"status": "done"}).content.decode()
    assert "充电器过热整改" not in done


def test_an_owner_sees_their_own_actions_and_people_without_any_are_refused(page, action, late):
    html = page("colleague").get("/improvements/").content.decode()
    assert "过期的措施" in html

    assert page("agent").get("/improvements/").status_code == 403
    assert page("finance").get("/improvements/").status_code == 403
    assert page("finance").get(f"/improvements/{action.pk}/").status_code == 404


def test_the_owner_marks_it_done_and_quality_verifies(page, action, quality):
    assert 'data-step="done"' in page("handler").get(f"/improvements/{action.pk}/").content.decode()
    assert 'data-step="done"' not in page("supervisor").get(f"/improvements/{action.pk}/").content.decode()

    empty = page("handler").post(f"/improvements/{action.pk}/done/", {"note": ""})
    assert empty.status_code == 422 and 'id="id_note-errors"' in empty.content.decode()
    assert page("handler").post(f"/improvements/{action.pk}/done/", {"note": "已更换"}).status_code == 302

    qa = signed_in(page, quality)
    html = qa.get(f"/improvements/{action.pk}/").content.decode()
    assert 'data-step="verify"' in html and 'data-step="send_back"' in html
    assert qa.post(f"/improvements/{action.pk}/verify/", {"result": "三个月无复发"}).status_code == 302
    assert Improvement.objects.get(pk=action.pk).status == "verified"


def test_quality_sends_it_back_and_others_may_not_verify(page, action, quality):
    improvement_mark_done(improvement=action, actor=action.owner, note="已更换")

    refused = page("supervisor").post(f"/improvements/{action.pk}/verify/", {"result": "好"})
    assert refused.status_code == 403
    assert 'data-step="verify"' not in page("supervisor").get(f"/improvements/{action.pk}/").content.decode()

    qa = signed_in(page, quality)
    assert qa.post(f"/improvements/{action.pk}/send_back/", {"reason": "仍有复发"}).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.times_sent_back) == ("open", 1)


def test_a_new_action_page_for_those_who_create_them(page, assigned, staff):
    assert page("handler").get("/improvements/new/").status_code == 403
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()

    wrong = page("supervisor").post(
        "/improvements/new/",
        {
            "title": "t",
            "root_cause": "r",
            "action": "a",
            "owner": staff["handler"].pk,
            "due_date": due,
            "complaints": "KS0",
        },
    )
    assert wrong.status_code == 422 and 'id="id_complaints-errors"' in wrong.content.decode()

    response = page("supervisor").post(
        "/improvements/new/",
        {
            "title": "新措施",
            "root_cause": "r",
            "action": "a",
            "owner": staff["handler"].pk,
            "due_date": due,
            "complaints": assigned.number,
        },
    )
    assert response.status_code == 302
    assert list(Improvement.objects.get(title="新措施").complaints.all()) == [assigned]
