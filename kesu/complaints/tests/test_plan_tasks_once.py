"""A plan's tasks open once, whichever comes last of its approval and the customer's yes; an answer
the plan does not need is refused and opens nothing. Every template whose plans open tasks, through
the HTTP API."""

import pytest

from kesu.complaints.tests.helpers import step
from kesu.processes.services import LIBRARY, process_load_template, process_parse, template_names

# template → a category, its required fields, a finding that leads to a plan, remedies a department carries out
PLANS_WITH_TASKS = {
    "fresh_delivery": ("delivery_delay", {}, "delay_confirmed", ["redelivery", "refund"]),
    "generic": ("product_quality", {"complained_object": "电水壶"}, "valid", ["refund", "repair"]),
    "parts_maker": ("late_delivery", {"customer_code": "C001"}, "company_fault", ["exchange", "compensation"]),
    "retail": ("product_quality", {"store": "徐汇店"}, "quality_defect", ["refund", "exchange"]),
}


def test_these_are_all_the_templates_whose_plans_open_tasks():
    with_tasks = {
        name for name in template_names() if process_parse((LIBRARY / f"{name}.yaml").read_text()).remedy_tasks
    }
    assert with_tasks == set(PLANS_WITH_TASKS)


def planned(name: str, as_) -> tuple:
    """A complaint of the template, investigated, its finding made and a plan proposed, approved
    where the template asks for it."""
    process = process_load_template(name, make_default=True)
    category, fields, finding, remedies = PLANS_WITH_TASKS[name]
    body = {
        "channel": process.spec.channels[0],
        "customer": {"phone": "13812345678", "name": "张三丰"},
        "category": category,
        "description": "客户投诉",
        "fields": fields,
    }
    response = as_("agent").post("/complaints", body)
    assert response.status_code == 201, response.content.decode()
    number = response.json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")
    step(as_("handler"), number, "start-investigation")
    step(as_("handler"), number, "finding", finding=finding)
    proposed = step(
        as_("handler"),
        number,
        "plan",
        summary="处理方案",
        remedies=[{"kind": kind, "amount": "10"} for kind in remedies],
    )
    if proposed["status"]["key"] == "awaiting_approval":
        step(as_("manager"), number, "plan/approve")
    return process, number


@pytest.mark.parametrize("name", sorted(PLANS_WITH_TASKS))
def test_each_remedy_task_opens_once(name, as_):
    process, number = planned(name, as_)
    handler = as_("handler")

    if process.spec.customer_confirms_plan:
        assert handler.get(f"/complaints/{number}").json()["tasks"] == []  # not before the customer's yes
        step(handler, number, "plan/customer-response", accepted=True, note="客户同意")
    again = step(handler, number, "plan/customer-response", expect=422, accepted=True, note="再次同意")

    assert again["code"] == "nothing_to_answer"
    tasks = handler.get(f"/complaints/{number}").json()["tasks"]
    assert sorted(task["kind"]["key"] for task in tasks) == sorted(PLANS_WITH_TASKS[name][3])
