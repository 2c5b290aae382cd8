"""What a role may not see or do, as a person meets it in the browser."""

import pytest

from kesu.complaints import services
from kesu.complaints.models import Status
from kesu.complaints.services.intake import CustomerIn, Intake
from kesu.web.tests.browser.conftest import screenshot, sign_in


@pytest.fixture
def complaint(staff, call_center):
    intake = Intake(
        channel="phone",
        customer=CustomerIn(phone="13812345678", name="张三丰"),
        category="product_quality",
        description="充电宝发烫",
    )
    complaint = services.complaint_create(intake=intake, actor=staff["agent"])
    return services.complaint_assign(
        complaint=complaint, actor=staff["agent"], version=complaint.version, assignee=staff["handler"]
    )


@pytest.mark.django_db(transaction=True)
def test_a_department_outside_the_case_cannot_open_it(open_page, complaint):
    clerk = open_page()
    sign_in(clerk, "logistics_clerk")

    response = clerk.goto(f"/complaints/{complaint.number}/")

    assert response.status == 404
    assert "不存在" in clerk.inner_text("main") or "没有" in clerk.inner_text("main")
    assert "张三丰" not in clerk.content()
    assert clerk.goto("/intake/").status == 403
    screenshot(clerk, "not-found-department-zh")


@pytest.mark.django_db(transaction=True)
def test_an_agent_sees_no_handler_step_and_a_handler_no_approval(open_page, complaint):
    agent = open_page()
    sign_in(agent, "agent")
    agent.goto(f"/complaints/{complaint.number}/")
    offered = agent.locator("#complaint-actions [data-action]").evaluate_all("els => els.map(e => e.dataset.action)")

    assert "assign" in offered
    assert not {"start_investigation", "finding", "resolve", "approve_plan"} & set(offered)

    handler = open_page()
    sign_in(handler, "handler")
    handler.goto(f"/complaints/{complaint.number}/steps/approve_plan/")  # typed by hand: the service refuses
    handler.click("#step-form button[type=submit]")

    assert "alert-danger" in handler.inner_html("#step-form")
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED
    screenshot(handler, "refused-step-zh")


@pytest.mark.django_db(transaction=True)
def test_a_role_without_personal_data_rights_sees_the_customer_masked(open_page, complaint, staff):
    from django.contrib.auth.models import Group

    from kesu.accounts.roles import Role

    staff["finance"].groups.set(Group.objects.filter(name=Role.QUALITY))
    quality = open_page()
    sign_in(quality, "finance")
    quality.goto(f"/complaints/{complaint.number}/")

    customer = quality.inner_text("#customer-data")
    assert "138****5678" in customer
    assert "张三丰" not in quality.content()
    assert quality.locator("#complaint-actions [data-action]").count() == 0
