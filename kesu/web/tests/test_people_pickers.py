"""People pickers: a step's form offers only those who may take the step — the same people the
service accepts — and its type-ahead list finds them by name, with their department, roles and open
cases, for those who may take the step alone."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.models import Status
from kesu.conftest import make_staff
from kesu.lib.errors import DomainError
from kesu.tasks.services import complaint_create_task
from kesu.web.pickers import SHOWN
from kesu.web.tests.conftest import advance, htmx


def people_url(complaint, step: str) -> str:
    return f"/complaints/{complaint.number}/people/{step}/"


def offered(client, complaint, step: str, **params) -> list[str]:
    """The usernames the picker's list offers (it shows names; the ids tell who they are)."""
    from kesu.accounts.models import User

    response = htmx(client, "get", people_url(complaint, step), params)
    assert response.status_code == 200
    ids = [int(pk) for pk in re.findall(r'data-value="(\d+)"', response.content.decode())]
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))
    return [names[pk] for pk in ids]


def select_offers(client, complaint, step: str, field: str) -> set[str]:
    """The usernames the step form's <select> (the form without JavaScript) offers."""
    from kesu.accounts.models import User

    html = htmx(client, "get", f"/complaints/{complaint.number}/steps/{step}/").content.decode()
    select = re.search(rf'<select name="{field}".*?</select>', html, re.S).group(0)
    ids = [int(pk) for pk in re.findall(r'<option value="(\d+)"', select)]
    return set(User.objects.filter(pk__in=ids).values_list("username", flat=True))


def refused(service, **arguments) -> bool:
    try:
        service(**arguments)
    except DomainError:
        return True
    return False


@pytest.fixture
def others(departments):
    """Staff around the service department: a handler of logistics, one who left, one the complaint is about."""
    return {
        "logistics_handler": make_staff(
            "logistics_handler", Role.HANDLER, department=departments["logistics"], display_name="物流处理员"
        ),
        "gone": make_staff("gone", Role.HANDLER, department=departments["service"], is_active=False),
        "accused": make_staff("accused", Role.HANDLER, department=departments["service"], display_name="被投诉的小赵"),
    }


@pytest.fixture
def new(take_in, staff, others):
    """A new complaint of the service department, about one of its handlers."""
    complaint = take_in(department="service")
    complaint.involved_staff.add(others["accused"])
    return complaint


# ---- 分派: who may be made the handler ------------------------------------------------------


def test_the_assign_picker_offers_exactly_those_who_may_handle_the_complaint(page, new, staff, others):
    people = offered(page("agent"), new, "assign")

    assert set(people) == {"handler", "colleague", "supervisor", "manager", "logistics_handler"}
    assert select_offers(page("agent"), new, "assign", "assignee") == set(people)


def test_the_service_refuses_everyone_the_assign_picker_leaves_out(new, staff, others):
    for name in ("agent", "follow_up", "logistics_clerk", "finance", "outsider"):
        assert refused(
            services.complaint_assign, complaint=new, actor=staff["agent"], version=new.version, assignee=staff[name]
        ), name
    for name in ("gone", "accused"):
        assert refused(
            services.complaint_assign, complaint=new, actor=staff["agent"], version=new.version, assignee=others[name]
        ), name


def test_the_complaints_department_comes_first_then_names(page, new):
    people = offered(page("agent"), new, "assign")

    assert people[-1] == "logistics_handler"


def test_the_list_finds_people_by_part_of_their_name_or_username_or_phone(page, new, staff):
    staff["colleague"].phone = "+8613900001234"
    staff["colleague"].save()
    client = page("agent")

    assert offered(client, new, "assign", q="小张") == ["colleague"]
    assert offered(client, new, "assign", q="COLLEA") == ["colleague"]
    assert offered(client, new, "assign", q="1234") == ["colleague"]
    assert offered(client, new, "assign", q="小赵") == []  # involved: never offered


def test_each_person_shows_name_department_roles_and_open_cases(page, new, take_in, staff):
    for _ in range(2):
        advance(take_in(), staff["agent"], ("assign", {"assignee": staff["colleague"]}))
    closed_one = advance(take_in(), staff["agent"], ("assign", {"assignee": staff["colleague"]}))
    closed_one.status = Status.CLOSED
    closed_one.save()

    english = htmx(page("agent", "en"), "get", people_url(new, "assign"), {"q": "小张"}).content.decode()
    chinese = htmx(page("agent"), "get", people_url(new, "assign"), {"q": "小张"}).content.decode()

    assert "处理专员小张" in english
    assert "客服部" in english
    assert "Complaint handler" in english
    assert "2 open cases" in english
    assert "投诉处理专员" in chinese
    assert "在办 2 件" in chinese
    assert "colleague" not in english  # a name, never the username


def test_nobody_matching_is_said(page, new):
    response = htmx(page("agent"), "get", people_url(new, "assign"), {"q": "没有这个人"})

    assert "Nobody who may take this step matches." not in response.content.decode()
    assert "没有符合条件" in response.content.decode()


def test_at_most_twenty_are_listed_and_the_list_says_more_match(page, new, departments):
    for index in range(SHOWN + 3):
        make_staff(f"extra{index}", Role.HANDLER, department=departments["service"], display_name=f"处理员{index:02d}")

    response = htmx(page("agent", "en"), "get", people_url(new, "assign"), {"q": "处理员"})

    html = response.content.decode()
    assert html.count("data-value=") == SHOWN
    assert "More people match: type more of the name." in html


def test_the_list_costs_the_same_queries_for_three_people_or_thirty(page, new, departments):
    client = page("agent")
    htmx(client, "get", people_url(new, "assign"))  # the session and the permissions warmed up

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert htmx(client, "get", people_url(new, "assign")).status_code == 200
        return len(captured)

    few = queries()
    for index in range(30):
        make_staff(f"more{index}", Role.HANDLER, department=departments["service"])
    many = queries()

    # the session, the user with their permissions, the complaint, whether they are involved in it,
    # the people with their open cases, their roles
    assert few == many == 6


# ---- who may ask ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [("agent", 200), ("supervisor", 200), ("handler", 403), ("follow_up", 403), ("logistics_clerk", 404)],
)
def test_only_who_may_assign_the_complaint_may_list_whom_to(page, new, name, status):
    assert htmx(page(name), "get", people_url(new, "assign")).status_code == status


def test_staff_involved_in_the_complaint_may_not_list_anyone(new, others):
    client = Client()
    client.force_login(others["accused"])

    assert htmx(client, "get", people_url(new, "assign")).status_code in (403, 404)


def test_a_step_without_a_picker_is_not_found(page, new):
    assert htmx(page("agent"), "get", people_url(new, "finding")).status_code == 404
    assert htmx(page("agent"), "get", people_url(new, "nothing")).status_code == 404


def test_a_department_that_does_not_exist_is_named_in_the_answer(page, assigned):
    response = htmx(page("handler", "en"), "get", people_url(assigned, "task"), {"department": "999999"})

    assert response.status_code == 422
    assert "Department:" in response.content.decode()


# ---- assign to me --------------------------------------------------------------------------


def test_a_supervisor_who_may_handle_it_is_offered_assign_to_me_and_it_assigns_them(page, new, staff):
    client = page("supervisor")
    form = htmx(client, "get", f"/complaints/{new.number}/steps/assign/").content.decode()

    response = htmx(client, "post", f"/complaints/{new.number}/steps/assign/", {"version": new.version, "to_me": "1"})

    assert "分派给我" in form
    assert response.status_code == 200
    new.refresh_from_db()
    assert new.assignee == staff["supervisor"]
    assert new.status == Status.ASSIGNED


def test_an_agent_who_may_not_handle_complaints_is_not_offered_assign_to_me(page, new):
    client = page("agent")
    form = htmx(client, "get", f"/complaints/{new.number}/steps/assign/").content.decode()

    response = htmx(client, "post", f"/complaints/{new.number}/steps/assign/", {"version": new.version, "to_me": "1"})

    assert "分派给我" not in form
    assert response.status_code == 422
    new.refresh_from_db()
    assert new.assignee is None


# ---- the other pickers ---------------------------------------------------------------------


def test_the_involved_picker_leaves_out_the_handler_and_the_one_naming(page, assigned, staff):
    people = offered(page("handler"), assigned, "involved")

    assert "handler" not in people
    assert {"colleague", "agent", "logistics_clerk", "outsider"} <= set(people)
    assert select_offers(page("handler"), assigned, "involved", "staff") == set(people)
    named = {"complaint": assigned, "actor": staff["handler"], "version": assigned.version}
    assert refused(services.complaint_set_involved, staff=[staff["handler"]], **named)


def test_the_accountability_picker_puts_the_staff_involved_first_and_never_the_proposer(page, assigned, staff):
    assigned.involved_staff.add(staff["logistics_clerk"])

    people = offered(page("handler"), assigned, "accountability")

    assert people[0] == "logistics_clerk"
    assert "handler" not in people


def test_the_task_picker_offers_the_chosen_departments_members_only(page, assigned, staff, departments):
    client = page("handler")

    people = offered(client, assigned, "task", department=departments["quality"].pk)

    assert people == ["quality_clerk"]
    assert refused(
        complaint_create_task,
        complaint=assigned,
        actor=staff["handler"],
        kind="other",
        title="核对",
        department=departments["quality"],
        within="1 working day",
        owner=staff["logistics_clerk"],
    )
    assert "outsider" not in offered(client, assigned, "task")  # no department: owns no task


def test_the_corrective_action_picker_offers_staff_with_a_role_only(page, assigned):
    people = offered(page("supervisor"), assigned, "create_improvement")

    assert "outsider" not in people
    assert {"handler", "quality_clerk"} <= set(people)
