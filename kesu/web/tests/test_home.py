"""我的工作: my queue, my department's, overdue and due soon, escalated to me, my tasks."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.complaints import services
from kesu.complaints.models import Complaint
from kesu.web import selectors
from kesu.web.tests.conftest import advance, htmx


def test_the_handler_sees_what_is_assigned_to_them_with_a_live_countdown(page, assigned):
    html = page("handler").get("/").content.decode()

    mine = html.split('id="panel-mine"')[1].split("</section>")[0]
    assert assigned.number in mine
    assert "data-due=" in mine


def test_the_department_queue_holds_what_is_not_mine(page, take_in, staff):
    unassigned = take_in()
    html = page("colleague").get("/").content.decode()

    department = html.split('id="panel-department"')[1].split("</section>")[0]
    assert unassigned.number in department


def test_overdue_and_due_soon_complaints_are_shown(page, take_in, travel):
    travel(timezone.make_aware(dt.datetime(2026, 9, 29, 9, 0)))
    complaint = take_in()
    travel(timezone.make_aware(dt.datetime(2026, 10, 12, 9, 0)))

    html = page("agent").get("/").content.decode()

    overdue = html.split('id="panel-overdue"')[1].split("</section>")[0]
    assert complaint.number in overdue


def test_complaints_escalated_to_me_are_shown(page, assigned, staff):
    advance(assigned, staff["handler"], ("request_escalation", {"reason": "客户要求主管处理"}))

    html = page("supervisor").get("/").content.decode()

    escalated = html.split('id="panel-escalated"')[1].split("</section>")[0]
    assert assigned.number in escalated


def test_a_panel_refreshes_itself(page, assigned):
    response = htmx(page("handler"), "get", "/home/panels/mine/")

    assert response.status_code == 200
    assert assigned.number in response.content.decode()
    assert response.content.decode().lstrip().startswith("<section")


def test_panels_the_user_has_no_part_in_are_not_shown(page):
    html = page("finance").get("/").content.decode()

    assert 'id="panel-mine"' not in html
    assert htmx(page("finance"), "get", "/home/panels/mine/").status_code == 404
    assert htmx(page("finance"), "get", "/home/panels/nonsense/").status_code == 404


def test_the_department_gets_its_tasks(page, assigned, staff, departments):
    from kesu.tasks.services import complaint_create_task

    complaint = advance(assigned, staff["handler"], ("start_investigation", {}))
    services_task = complaint_create_task(
        complaint=complaint,
        actor=staff["handler"],
        kind="check_records",
        title="核对仓库出库记录",
        department=departments["logistics"],
        within="1 working day",
    )

    html = page("logistics_clerk").get("/").content.decode()

    tasks = html.split('id="panel-tasks"')[1].split("</section>")[0]
    assert "核对仓库出库记录" in tasks
    assert f"/tasks/{services_task.pk}/" in tasks
    assert services.complaint_create is not None


def test_plans_awaiting_my_approval_are_shown_to_the_approver_only(page, assigned, staff):
    compensation = [{"kind": "compensation", "amount": 300}]
    advance(
        assigned,
        staff["handler"],
        ("start_investigation", {}),
        ("record_finding", {"finding": "product_defect"}),
        ("propose_plan", {"summary": "补偿 300 元", "remedies": compensation}),
    )

    html = page("supervisor").get("/").content.decode()

    approvals = html.split('id="panel-approvals"')[1].split("</section>")[0]
    assert assigned.number in approvals
    assert 'id="panel-approvals"' not in page("handler").get("/").content.decode()


def test_my_work_costs_the_same_queries_however_many_complaints_wait_at_a_tier(page, take_in, staff):
    def escalate_one():
        complaint = take_in()
        advance(complaint, staff["agent"], ("assign", {"assignee": staff["handler"]}))
        advance(complaint, staff["handler"], ("request_escalation", {"reason": "客户要求主管处理"}))

    supervisor = page("supervisor")
    escalate_one()
    supervisor.get("/")  # what a worker reads once a minute (the company's name)
    with CaptureQueriesContext(connection) as few:
        supervisor.get("/")
    for _ in range(3):
        escalate_one()
    with CaptureQueriesContext(connection) as many:
        html = supervisor.get("/").content.decode()

    assert html.split('id="panel-escalated"')[1].split("</section>")[0].count('href="/complaints/KS') == 4
    assert len(many) == len(few)


def test_my_work_costs_the_same_queries_however_many_rows_its_panels_show(page, take_in, staff):
    handler = page("handler")
    take_in(phone="13800000000")
    handler.get("/")  # what a worker reads once a minute (the company's name)
    with CaptureQueriesContext(connection) as few:
        handler.get("/")
    for index in range(1, 4):
        complaint = take_in(phone=f"138000000{index:02d}")
        advance(complaint, staff["agent"], ("assign", {"assignee": staff["handler"]}))
    with CaptureQueriesContext(connection) as many:
        html = handler.get("/").content.decode()

    assert html.split('id="panel-mine"')[1].split("</section>")[0].count('href="/complaints/KS') == 3
    assert len(many) == len(few)


def test_past_the_cap_a_panel_says_more_than_and_stops_counting(page, take_in, monkeypatch):
    monkeypatch.setattr(selectors, "PANEL_COUNT_CAP", 1)
    for index in range(3):
        take_in(phone=f"138000000{index:02d}")

    html = page("colleague").get("/").content.decode()

    department = html.split('id="panel-department"')[1].split("</section>")[0]
    assert ">1+</span>" in department
    assert "查看全部投诉" in department


def test_escalated_to_me_by_name_and_waiting_at_my_tier_are_shown_together_by_due_time(take_in, staff):
    """The panel reads the two apart, each from its own index, and shows them as one list."""
    soon, later, latest = take_in(), take_in(), take_in()
    now = timezone.now()
    waiting = {"tier": 2, "escalated_to": None, "escalation_accepted_at": None}
    Complaint.objects.filter(pk=later.pk).update(
        tier=2, escalated_to=staff["supervisor"], next_due_at=now + dt.timedelta(hours=2)
    )
    Complaint.objects.filter(pk=soon.pk).update(**waiting, next_due_at=now + dt.timedelta(hours=1))
    Complaint.objects.filter(pk=latest.pk).update(**waiting, next_due_at=now + dt.timedelta(hours=3))

    rows = selectors.escalated_to_me_first(staff["supervisor"])

    assert [row.number for row in rows] == [soon.number, later.number, latest.number]
    assert {row.number for row in selectors.escalated_to_me(staff["supervisor"])} == {row.number for row in rows}


def test_my_tasks_are_mine_my_backups_and_my_departments_unowned_ones_soonest_first(assigned, staff, departments):
    """The panel reads each part apart, in due order from its own index, and shows them as one list."""
    from kesu.tasks.models import Task, TaskKind, TaskStatus
    from kesu.tasks.selectors import tasks_for_user, tasks_for_user_first

    clerk, logistics = staff["logistics_clerk"], departments["logistics"]
    now = timezone.now()

    def task(title, hours, **who):
        return Task.objects.create(
            complaint=assigned,
            kind=TaskKind.OTHER,
            title=title,
            department=who.pop("department", logistics),
            due_at=now + dt.timedelta(hours=hours),
            **who,
        )

    task("department's, unowned", 3)
    task("mine", 2, owner=clerk)
    task("as backup", 1, owner=staff["quality_clerk"], backup=clerk, department=departments["quality"])
    task("a colleague's", 0, owner=staff["colleague"])
    task("done", 0, owner=clerk, status=TaskStatus.DONE)

    first = tasks_for_user_first(clerk, 10)

    assert [row.title for row in first] == ["as backup", "mine", "department's, unowned"]
    assert [row.title for row in tasks_for_user(clerk)] == [row.title for row in first]
    assert [row.title for row in tasks_for_user_first(clerk, 2)] == ["as backup", "mine"]
