"""A plan's tasks open once, whichever comes last of its approval and the customer's yes; an answer
the plan does not need is refused and opens nothing. Every template whose plans open tasks."""

import pytest

from kesu.complaints import services
from kesu.complaints.services.intake import CustomerIn, Intake
from kesu.complaints.services.plans import complaint_record_customer_response
from kesu.lib.errors import DomainError
from kesu.processes.services import LIBRARY, process_load_template, process_parse, template_names
from kesu.tasks.models import Task

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


def planned(name: str, staff):
    """A complaint of the template, investigated, its finding made and a plan proposed, approved
    where the template asks for it."""
    process = process_load_template(name, make_default=True)
    category, fields, finding, remedies = PLANS_WITH_TASKS[name]
    intake = Intake(
        channel=process.spec.channels[0],
        customer=CustomerIn(phone="13812345678", name="张三丰"),
        category=category,
        description="客户投诉",
        fields=fields,
    )
    handler, complaint = staff["handler"], services.complaint_create(intake=intake, actor=staff["agent"])
    complaint = services.complaint_assign(
        complaint=complaint, actor=staff["agent"], version=complaint.version, assignee=handler
    )
    complaint = services.complaint_start_investigation(complaint=complaint, actor=handler, version=complaint.version)
    complaint = services.complaint_record_finding(
        complaint=complaint, actor=handler, version=complaint.version, finding=finding
    )
    complaint = services.complaint_propose_plan(
        complaint=complaint,
        actor=handler,
        version=complaint.version,
        summary="处理方案",
        remedies=[{"kind": kind, "amount": "10"} for kind in remedies],
    )
    if complaint.status == "awaiting_approval":
        complaint = services.complaint_approve_plan(
            complaint=complaint, actor=staff["manager"], version=complaint.version
        )
    return process, complaint


def answer(complaint, staff, accepted: bool = True):
    return complaint_record_customer_response(
        complaint=complaint, actor=staff["handler"], version=complaint.version, accepted=accepted, note="客户同意"
    )


@pytest.mark.parametrize("name", sorted(PLANS_WITH_TASKS))
def test_each_remedy_task_opens_once(name, staff):
    process, complaint = planned(name, staff)

    if process.spec.customer_confirms_plan:
        assert not Task.objects.filter(complaint=complaint).exists()  # not before the customer's yes
        complaint = answer(complaint, staff)
    with pytest.raises(DomainError) as refused:
        answer(complaint, staff)  # a second answer, or one the plan never asked for

    assert refused.value.code == "nothing_to_answer"
    kinds = sorted(Task.objects.filter(complaint=complaint).values_list("kind", flat=True))
    assert kinds == sorted(PLANS_WITH_TASKS[name][3])
