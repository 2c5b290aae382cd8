"""The triage on the pages: the intake check, the complaint page's look-alikes and merge step, the admin."""

import pytest
from django.test import Client

from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint
from kesu.conftest import make_staff
from kesu.triage.models import ComplaintMerge, TriageModel
from kesu.web.tests.conftest import htmx

CHARGER = "手机充电宝充电时发烫，冒烟了，要求退货。"
CHARGER_AGAIN = "充电宝充电时发烫冒烟，要求退货退款。"


@pytest.fixture
def pair(take_in):
    """The same customer tells the same matter twice."""
    return take_in(description=CHARGER), take_in(description=CHARGER_AGAIN)


def test_the_intake_check_shows_the_suggestions_with_their_words(trained_retail, page, departments):
    form = {"process": "retail", "channel": "store", "description": "配送员没有按时送达，等了三天还没送到"}

    html = htmx(page("agent"), "post", "/intake/check/", form).content.decode()

    assert 'id="intake-suggestions"' in html
    assert 'data-field="category" data-value="delivery"' in html
    assert 'data-field="department" data-value="logistics"' in html
    weighed = html.split("kesu-weighed", 1)[1].split("</div>", 1)[0]
    assert "送达" in weighed or "配送" in weighed


def test_the_intake_check_names_an_open_complaint_that_looks_like_the_same_matter(pair, page):
    first, second = pair
    form = {"process": "call_center", "customer_phone": "13812345678", "channel": "phone", "description": CHARGER}

    html = htmx(page("agent"), "post", "/intake/check/", form).content.decode()

    assert 'id="intake-look-alikes"' in html
    assert first.number in html and second.number in html


def test_the_complaint_page_shows_its_look_alike_and_a_supervisor_merges_it(pair, page):
    first, second = pair

    html = page("supervisor").get(f"/complaints/{second.number}/").content.decode()
    answer = page("supervisor").post(
        f"/complaints/{second.number}/merge/", {"into": first.number, "version": second.version, "reason": "同一件事"}
    )
    survivor = page("supervisor").get(f"/complaints/{first.number}/").content.decode()

    assert 'id="look-alikes"' in html and f'value="{first.number}"' in html
    assert answer.status_code == 302 and answer["Location"] == f"/complaints/{first.number}/"
    assert Complaint.objects.get(pk=second.pk).status == "closed"
    assert "merged-complaint" in survivor and second.number in survivor  # its timeline, readable here


def test_who_sees_the_merge_step(pair, page):
    first, second = pair

    agent = page("agent").get(f"/complaints/{second.number}/").content.decode()
    refused = page("agent").post(f"/complaints/{second.number}/merge/", {"into": first.number, "version": 1})

    assert 'id="look-alikes"' in agent and "triage-merge" not in agent and "/merge/" not in agent
    assert refused.status_code == 403 and not ComplaintMerge.objects.exists()


def test_a_stale_merge_answers_on_the_page(pair, page):
    first, second = pair

    answer = page("supervisor").post(f"/complaints/{second.number}/merge/", {"into": first.number, "version": 99})

    assert answer.status_code == 409
    assert "alert-danger" in answer.content.decode()


def admin_client(person) -> Client:
    person.is_staff = True
    person.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(person)
    return client


def test_the_admin_sees_each_model_s_report_and_the_threshold(trained_retail, db):
    admin = admin_client(make_staff("boss", Role.ADMIN))

    listing = admin.get("/admin/triage/triagemodel/").content.decode()
    report = admin.get(f"/admin/triage/triagemodel/{trained_retail.pk}/change/").content.decode()

    assert 'id="triage-threshold"' in listing and "0.70" in listing and "retail" in listing
    assert "triage-confusion" in report and "triage-classes" in report
    assert "<td>配送问题</td>" in report and "<td>delivery</td>" not in report  # classes by their names


def test_the_admin_trains_a_process_now_and_others_may_not(
    retail, departments, monkeypatch, django_capture_on_commit_callbacks
):
    asked = []
    monkeypatch.setattr("kesu.triage.tasks.train_now", lambda name, user_id: asked.append(name))
    admin = admin_client(make_staff("boss", Role.ADMIN))
    supervisor = admin_client(make_staff("chief", Role.SUPERVISOR))

    with django_capture_on_commit_callbacks(execute=True):
        answer = admin.post("/admin/triage/triagemodel/train/", {"process": "retail"})
        refused = supervisor.post("/admin/triage/triagemodel/train/", {"process": "retail"})

    assert answer.status_code == 302 and asked == ["retail"]
    assert refused.status_code in (302, 403) and not TriageModel.objects.exists()
