"""The steps as small forms: htmx posts call the services, refusals appear in place, in the user's language."""

from django.utils import timezone

from kesu.complaints.models import EventKind, Status
from kesu.complaints.selectors import complaint_for_user
from kesu.web.tests.conftest import advance, htmx


def step(client, number, action, data=None, version=None):
    if version is not None:
        data = {"version": version, **(data or {})}
    return htmx(client, "post", f"/complaints/{number}/steps/{action}/", data)


def test_a_step_opens_as_a_small_form(page, assigned):
    response = htmx(page("handler"), "get", f"/complaints/{assigned.number}/steps/finding/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<form")
    assert 'hx-post="/complaints/' in html
    assert f'name="version" value="{assigned.version}"' in html
    assert "产品质量问题" in html  # the findings of this category


def test_a_step_taken_replaces_the_page_body_and_closes_the_dialog(page, assigned):
    response = step(page("handler"), assigned.number, "start_investigation", version=assigned.version)

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#complaint-body"
    assert response["HX-Reswap"] == "innerHTML"
    assert response["HX-Trigger"] == "kesu:changed"
    assert complaint_for_user(assigned.number, assigned.assignee).status == Status.INVESTIGATING
    assert 'data-action="finding"' in response.content.decode()


def test_without_javascript_a_step_is_a_page_and_a_redirect(page, assigned):
    client = page("handler")
    form = client.get(f"/complaints/{assigned.number}/steps/start_investigation/")
    done = client.post(f"/complaints/{assigned.number}/steps/start_investigation/", {"version": assigned.version})

    assert "<html" in form.content.decode()
    assert done.status_code == 302
    assert done["Location"] == f"/complaints/{assigned.number}/"


def test_a_missing_field_is_said_on_the_field(page, assigned):
    complaint = advance(assigned, assigned.assignee, ("start_investigation", {}))

    response = step(page("handler"), complaint.number, "resolve", {"resolution": ""}, version=complaint.version)

    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_resolution-errors"' in html
    assert 'aria-invalid="true"' in html


def test_a_rule_refusal_is_said_on_the_field_it_names(page, assigned):
    complaint = advance(assigned, assigned.assignee, ("start_investigation", {}))

    response = step(page("handler"), complaint.number, "resolve", {"resolution": "已处理"}, version=complaint.version)

    assert response.status_code == 422
    assert "请先完成二次分类" in response.content.decode()


def test_a_stale_version_is_refused_with_a_clear_word(page, assigned):
    response = step(page("handler"), assigned.number, "start_investigation", version=assigned.version - 1)

    assert response.status_code == 409
    assert "alert-danger" in response.content.decode()


def test_a_step_the_role_may_not_take_is_refused_in_the_users_language(page, assigned):
    chinese = step(page("colleague"), assigned.number, "start_investigation", version=assigned.version)
    english = step(page("colleague", "en"), assigned.number, "start_investigation", version=assigned.version)

    assert chinese.status_code == 403
    assert "只有" in chinese.content.decode()
    assert "Only the complaint&#x27;s handler or a supervisor may do this." in english.content.decode()
    assert complaint_for_user(assigned.number, assigned.assignee).status == Status.ASSIGNED


def test_a_plan_with_remedies_goes_for_approval(page, assigned):
    complaint = advance(
        assigned, assigned.assignee, ("start_investigation", {}), ("record_finding", {"finding": "product_defect"})
    )
    form = {
        "summary": "退款并赔偿",
        "remedies_0_kind": "refund",
        "remedies_0_amount": "199",
        "remedies_1_kind": "compensation",
        "remedies_1_amount": "",
    }

    missing = step(page("handler"), complaint.number, "plan", form, version=complaint.version)
    done = step(
        page("handler"), complaint.number, "plan", {**form, "remedies_1_amount": "50"}, version=complaint.version
    )

    assert missing.status_code == 422
    assert 'id="id_remedies_1_amount-errors"' in missing.content.decode()
    assert done.status_code == 200
    plan = complaint.plans.get()
    assert plan.remedies == [
        {"kind": "refund", "note": "", "amount": "199.00"},
        {"kind": "compensation", "note": "", "amount": "50.00"},
    ]


def test_contacts_are_logged_and_listed(page, assigned):
    response = step(
        page("handler"),
        assigned.number,
        "contact",
        {"channel": "phone", "direction": "outbound", "purpose": "apology", "summary": "致歉", "at": ""},
    )

    assert response.status_code == 200
    event = assigned.events.get(kind=EventKind.CONTACT)
    assert event.data["purpose"] == "apology"
    contacts = response.content.decode().split('id="timeline"')[1].split("</ol>")[0]
    assert "致歉" in contacts


def test_a_contact_in_the_future_is_refused_on_its_field(page, assigned):
    later = (timezone.localtime() + timezone.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = step(
        page("handler"),
        assigned.number,
        "contact",
        {"channel": "phone", "direction": "outbound", "purpose": "apology", "summary": "致歉", "at": later},
    )

    assert response.status_code == 422
    assert 'id="id_at-errors"' in response.content.decode()


def test_notes_are_added_in_place(page, assigned):
    client = page("colleague")
    empty = htmx(client, "post", f"/complaints/{assigned.number}/notes/", {"text": " "})
    added = htmx(client, "post", f"/complaints/{assigned.number}/notes/", {"text": "客户之前也投诉过类似问题"})

    assert empty.status_code == 422
    assert 'id="id_text-errors"' in empty.content.decode()
    assert added.status_code == 200
    notes = added.content.decode().split('id="timeline"')[1].split("</ol>")[0]
    assert "客户之前也投诉过类似问题" in notes


def test_steps_of_a_complaint_one_may_not_see_are_not_found(page, assigned):
    assert htmx(page("logistics_clerk"), "get", f"/complaints/{assigned.number}/steps/assign/").status_code == 404
    assert step(page("outsider"), assigned.number, "start_investigation", version=1).status_code == 404
    assert htmx(page("handler"), "get", f"/complaints/{assigned.number}/steps/nonsense/").status_code == 404


def test_a_task_is_handed_to_a_department_and_done_there(page, assigned, departments, staff):
    complaint = advance(assigned, assigned.assignee, ("start_investigation", {}))
    form = {
        "kind": "check_records",
        "title": "核对出库记录",
        "department": departments["logistics"].pk,
        "owner": staff["logistics_clerk"].pk,
        "within": "1 working day",
        "required": "on",
    }

    wrong = step(page("handler"), complaint.number, "task", {**form, "within": "1 fortnight"})
    created = step(page("handler"), complaint.number, "task", form)

    assert wrong.status_code == 422
    assert 'id="id_within-errors"' in wrong.content.decode()
    assert created.status_code == 200
    task = complaint.tasks.get()
    assert "核对出库记录" in created.content.decode().split('id="tasks-title"')[1]

    clerk = page("logistics_clerk")
    task_page = clerk.get(f"/tasks/{task.pk}/").content.decode()
    assert "核对出库记录" in task_page
    assert "张三丰" not in task_page  # the department sees the customer masked
    assert clerk.post(f"/tasks/{task.pk}/done/", {"result": ""}).status_code == 422
    assert clerk.post(f"/tasks/{task.pk}/done/", {"result": "出库记录正常"}).status_code == 302
    task.refresh_from_db()
    assert task.status == "done"
    assert page("finance").get(f"/tasks/{task.pk}/").status_code == 404
