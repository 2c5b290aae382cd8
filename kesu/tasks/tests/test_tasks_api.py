"""协办: the handler hands work to a department; the department does it; the case waits for it."""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.complaints.tests.helpers import accountable, bring_to_investigation, contact, step
from kesu.tasks.models import Task
from kesu.tasks.services import tasks_overdue_notify


@pytest.fixture
def number(as_, intake):
    return bring_to_investigation(as_, intake)


def hand_out(api, number, expect=201, **change):
    body = {"kind": "check_records", "title": "核查配送记录", "department": "logistics", "within": "1 working day"}
    response = api.post(f"/complaints/{number}/tasks", {**body, **change})
    assert response.status_code == expect, response.content.decode()
    return response.json()


def test_the_handler_hands_a_task_to_a_department_and_the_department_sees_it(as_, number):
    task = hand_out(as_("handler"), number)

    assert (task["department"]["code"], task["status"], task["required"]) == ("logistics", "open", True)
    assert [item["id"] for item in as_("logistics_clerk").get("/tasks").json()] == [task["id"]]
    assert as_("quality_clerk").get("/tasks").json() == []
    # the department may now open the complaint it works for
    assert as_("logistics_clerk").get(f"/complaints/{number}").status_code == 200


def test_a_required_open_task_keeps_the_case_from_resolving_until_it_is_done(as_, number):
    handler = as_("handler")
    task = hand_out(handler, number)
    step(handler, number, "finding", finding="valid")
    contact(handler, number, "apology")
    accountable(handler, number)

    assert step(handler, number, "resolve", expect=422, resolution="x")["code"] == "tasks_open"
    done = as_("logistics_clerk").post(f"/tasks/{task['id']}/done", {"result": "配送记录显示司机迟到 2 小时"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert step(handler, number, "resolve", resolution="已致歉")["status"]["key"] == "resolved"


def test_the_result_is_on_the_timeline_and_the_handler_is_told(as_, number):
    task = hand_out(as_("handler"), number)
    as_("logistics_clerk").post(f"/tasks/{task['id']}/done", {"result": "已核查"})

    timeline = as_("handler").get(f"/complaints/{number}/timeline").json()
    assert [e["kind"]["key"] for e in timeline][-2:] == ["task_created", "task_done"]
    assert "task_done" in [n["kind"] for n in as_("handler").get("/notifications").json()]


def test_an_owned_task_is_for_its_owner_and_backup_only(as_, number, staff, departments):
    from kesu.accounts.roles import Role
    from kesu.conftest import make_staff

    staff["driver_lead"] = make_staff("driver_lead", Role.DEPARTMENT_STAFF, department=departments["logistics"])
    task = hand_out(as_("handler"), number, owner="logistics_clerk", backup="driver_lead")

    assert as_("quality_clerk").post(f"/tasks/{task['id']}/done", {"result": "x"}).status_code == 404
    assert [t["id"] for t in as_("driver_lead").get("/tasks").json()] == [task["id"]]
    assert as_("driver_lead").post(f"/tasks/{task['id']}/done", {"result": "备岗完成"}).status_code == 200


def test_the_owner_must_belong_to_the_department(as_, number):
    refused = hand_out(as_("handler"), number, expect=422, owner="quality_clerk")

    assert refused["errors"][0]["field"] == "owner"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"department": "nowhere"}, "department"),
        ({"within": "soon"}, "within"),
        ({"kind": "magic"}, "kind"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_task_input_names_the_field(as_, number, change, field):
    assert hand_out(as_("handler"), number, expect=422, **change)["errors"][0]["field"] == field


def test_only_the_handler_side_hands_out_tasks(as_, number):
    hand_out(as_("colleague"), number, expect=403)
    hand_out(as_("agent"), number, expect=403)


def test_the_handler_may_call_a_task_off(as_, number):
    task = hand_out(as_("handler"), number)

    assert as_("logistics_clerk").post(f"/tasks/{task['id']}/cancel", {"reason": "x"}).status_code == 403
    cancelled = as_("handler").post(f"/tasks/{task['id']}/cancel", {"reason": "客户撤回投诉"})
    assert cancelled.json()["status"] == "cancelled"
    again = as_("handler").post(f"/tasks/{task['id']}/done", {"result": "x"})
    assert again.status_code == 409


def test_an_overdue_task_is_reported_once(as_, number, staff):
    task = hand_out(as_("handler"), number)
    Task.objects.filter(pk=task["id"]).update(due_at=timezone.now() - dt.timedelta(minutes=1))

    assert tasks_overdue_notify(timezone.now()) == 1
    assert tasks_overdue_notify(timezone.now()) == 0
    assert "task_overdue" in [n["kind"] for n in as_("handler").get("/notifications").json()]


def test_the_process_documents_know_every_kind_of_task():
    from kesu.processes.document import TASK_KINDS
    from kesu.tasks.models import TaskKind

    assert TASK_KINDS == TaskKind.values
