"""Steps on the complaints ticked in the list: assign them, or set their priority. The bar shows only
the steps the role may take; each complaint is then checked as its own step would be, one refused is
named with its reason (and stays ticked), and the list comes back as it was filtered."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint
from kesu.conftest import make_staff
from kesu.web.tests.conftest import advance, htmx

MAY_ASSIGN = {"agent", "supervisor", "manager", "director", "general_manager"}
MAY_SET_PRIORITY = {"handler", "supervisor", "manager", "director", "general_manager"}


def tick(*complaints: Complaint) -> list[str]:
    return [f"{complaint.number}:{complaint.version}" for complaint in complaints]


def bulk(client, action: str, complaints, here: str = "", **fields):
    data = {"bulk-action": action, "bulk-picks": tick(*complaints), "bulk-here": here}
    data.update({f"bulk-{name}": value for name, value in fields.items()})
    return htmx(client, "post", "/complaints/bulk/", data, HTTP_HX_TARGET="list-results")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ticked(html: str) -> set[str]:
    return set(re.findall(r'value="(\w+-\d+):\d+" checked', html))


@pytest.mark.parametrize("role", [*Role.values, "no_role"])
def test_the_bar_offers_only_the_steps_the_role_may_take(take_in, staff, role):
    take_in()
    person = make_staff(f"r_{role}", *([role] if role != "no_role" else []), department=staff["agent"].department)

    html = signed_in(person).get("/complaints/").content.decode()

    assert ('id="bulk-assign"' in html) == (role in MAY_ASSIGN)
    assert ('id="bulk-priority"' in html) == (role in MAY_SET_PRIORITY)
    assert ('name="bulk-picks"' in html) == (role in MAY_ASSIGN | MAY_SET_PRIORITY)


@pytest.mark.parametrize("role", ["follow_up", "quality", "department_staff", "finance"])
def test_a_role_with_no_step_to_take_is_refused(take_in, staff, role):
    complaint = take_in()
    client = signed_in(make_staff(f"r_{role}", role, department=staff["agent"].department))

    response = bulk(client, "assign", [complaint], assignee=staff["handler"].pk)

    assert response.status_code == 403
    assert Complaint.objects.get(pk=complaint.pk).version == complaint.version


def test_the_agent_assigns_the_ticked_complaints_and_a_refused_one_is_named_and_stays_ticked(page, take_in, staff):
    first, second = take_in(phone="13800000001"), take_in(phone="13800000002")
    changed = take_in(phone="13800000003")
    read_by_the_list = tick(changed)
    advance(changed, staff["agent"], ("assign", {"assignee": staff["colleague"]}))
    client = page("agent")

    data = {"bulk-action": "assign", "bulk-picks": [*tick(first, second), *read_by_the_list]}
    data["bulk-assignee"] = staff["handler"].pk
    response = htmx(client, "post", "/complaints/bulk/", data, HTTP_HX_TARGET="list-results")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "已将 2 条投诉分派给处理专员小李。" in html
    refused = re.search(r'<li data-number="(\S+)"><strong>\S+</strong>: ([^<]+)</li>', html)
    assert refused[1] == changed.number
    assert "版本" in refused[2]  # changed by someone else since the list was read
    assert ticked(html) == {changed.number}
    assert [c.assignee for c in Complaint.objects.filter(pk__in=[first.pk, second.pk])] == [staff["handler"]] * 2
    assert Complaint.objects.get(pk=changed.pk).assignee == staff["colleague"]


def test_the_list_comes_back_as_it_was_filtered(page, take_in, staff):
    service = take_in(category="service_quality", phone="13800000001")
    product = take_in(category="product_quality", phone="13800000002")

    response = bulk(page("agent"), "assign", [service], here="category=service_quality", assignee=staff["handler"].pk)

    html = response.content.decode()
    assert service.number in html
    assert product.number not in html


def test_a_handler_sets_the_priority_of_their_own_and_is_told_why_not_the_others(page, take_in, staff):
    mine = advance(take_in(phone="13800000001"), staff["agent"], ("assign", {"assignee": staff["handler"]}))
    colleagues = advance(take_in(phone="13800000002"), staff["agent"], ("assign", {"assignee": staff["colleague"]}))

    response = bulk(page("handler"), "priority", [mine, colleagues], priority="urgent", reason="涉及人身安全")

    html = response.content.decode()
    assert "1 条投诉的优先级已改为“紧急”。" in html
    assert (
        f'<li data-number="{colleagues.number}"><strong>{colleagues.number}</strong>: 只有本投诉的处理人或主管' in html
    )
    assert Complaint.objects.get(pk=mine.pk).priority == "urgent"
    assert Complaint.objects.get(pk=colleagues.pk).priority == "medium"


def test_a_step_the_role_may_not_take_is_refused_whole(page, take_in, staff):
    complaint = take_in()

    response = bulk(page("agent"), "priority", [complaint], priority="urgent", reason="急")

    assert response.status_code == 403
    assert Complaint.objects.get(pk=complaint.pk).priority == "medium"


def test_what_is_missing_is_said_in_the_bar_and_the_ticks_are_kept(page, take_in, staff):
    complaint = take_in()

    no_one = bulk(page("agent"), "assign", [complaint])
    no_reason = bulk(page("supervisor"), "priority", [complaint], priority="high", reason="")
    none_ticked = bulk(page("agent"), "assign", [], assignee=staff["handler"].pk)

    assert no_one.status_code == no_reason.status_code == none_ticked.status_code == 422
    assert "请选择分派给谁。" in no_one.content.decode()
    assert ticked(no_one.content.decode()) == {complaint.number}
    assert 'id="bulk-errors"' in no_reason.content.decode()
    assert "请至少勾选一条投诉。" in none_ticked.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).version == complaint.version


def test_the_bar_offers_by_name_those_who_may_handle(page, take_in, staff):
    take_in()

    html = page("agent").get("/complaints/").content.decode()

    select = re.search(r'<select name="bulk-assignee".*?</select>', html, re.S)[0]
    offered = re.findall(r'<option value="\d+">([^<]+)</option>', select)
    assert "处理专员小李 · 客服部" in offered
    assert "主管老陈 · 客服部" in offered
    assert not [name for name in offered if "接线员" in name or "回访员" in name]
    assert not [name for name in offered if "handler" in name]  # names, not usernames


def test_the_handlers_offered_follow_their_roles_at_once(page, take_in, staff, departments):
    """The drop-downs of handlers come from the worker's configuration cache: a change of a role or
    of a person is seen on the next page."""
    from django.contrib.auth.models import Group

    take_in()
    client = page("supervisor")

    def offered() -> tuple[list[str], list[str]]:
        html = client.get("/complaints/").content.decode()
        bar = re.search(r'<select name="bulk-assignee".*?</select>', html, re.S)[0]
        filters = re.search(r'<select name="assignee".*?</select>', html, re.S)[0]
        return re.findall(r'<option value="\d+">([^<]+)</option>', bar), re.findall(
            r'<option value="\w+">([^<]+)</option>', filters
        )

    assert "新人小赵 · 客服部" not in offered()[0]
    newcomer = make_staff("newcomer", Role.AGENT, department=departments["service"], display_name="新人小赵")
    newcomer.groups.add(Group.objects.get(name=Role.HANDLER))
    assert "新人小赵 · 客服部" in offered()[0]
    assert "新人小赵" in offered()[1]

    newcomer.department = departments["quality"]
    newcomer.save()
    assert "新人小赵 · 质量部" in offered()[0]

    newcomer.groups.remove(Group.objects.get(name=Role.HANDLER))
    assert "新人小赵" not in " ".join(offered()[0] + offered()[1])


def test_the_list_with_the_bar_costs_the_same_queries_however_many_rows_it_shows(page, take_in, staff):
    client = page("supervisor")
    take_in(phone="13800000000")
    client.get("/complaints/")  # what a worker reads once a minute (the company's name)
    with CaptureQueriesContext(connection) as few:
        client.get("/complaints/")
    for index in range(1, 6):
        complaint = take_in(phone=f"138000000{index:02d}")
        advance(complaint, staff["agent"], ("assign", {"assignee": staff["handler"]}))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/complaints/")

    assert response.content.decode().count('name="bulk-picks"') == 6
    assert len(many) == len(few)
