"""The day of a complaint in the browser: the agent records a phone complaint by keyboard alone, the
handler investigates and proposes a plan, the supervisor approves it, the customer accepts it on the
phone (call_center: "与客户协商处理方案"), the handler resolves it."""

import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kesu.complaints.models import Complaint, Status
from kesu.web.tests.browser.conftest import TABLET, open_step, pick_person, screenshot, sign_in, take_step

INTAKE_LIMIT_SECONDS = 60


def record_by_keyboard(page) -> float:
    """The agent's keystrokes, at a fast typist's pace; returns the seconds from the empty form to the complaint."""
    page.goto("/intake/")
    started = time.monotonic()
    keyboard = page.keyboard
    expect(page.locator("input[autofocus]")).to_be_focused()  # the phone field; a busy machine takes a moment
    keyboard.type("13912345678", delay=60)
    keyboard.press("Tab")
    keyboard.type("王女士", delay=60)
    keyboard.press("Tab")  # gender
    keyboard.press("Tab")  # e-mail
    keyboard.press("Tab")  # channel: phone already
    keyboard.press("Tab")  # category
    keyboard.press("ArrowDown")
    keyboard.press("ArrowDown")  # 产品质量投诉
    page.locator("#id_fields_purchase_history").wait_for()  # the category's own fields come in
    keyboard.press("Tab")
    keyboard.type("2026年10月在官网购买的充电宝", delay=60)
    keyboard.press("Tab")  # medical history
    keyboard.press("Tab")  # usage
    keyboard.type("每天充电一次", delay=60)
    keyboard.press("Tab")  # customer's attitude
    keyboard.press("Tab")  # priority: by the rules
    keyboard.press("Tab")  # subject: the first line
    keyboard.press("Tab")
    keyboard.type("充电宝充电时发烫冒烟，担心安全。", delay=60)
    keyboard.press("Tab")
    keyboard.type("退货并赔偿", delay=60)
    keyboard.press("Control+Enter")
    page.wait_for_url("**/complaints/*/")
    return time.monotonic() - started


@pytest.mark.django_db(transaction=True)
def test_a_phone_complaint_goes_from_intake_to_resolution(open_page, staff, call_center):
    agent = open_page()
    sign_in(agent, "agent")
    screenshot(agent, "home-agent-zh")

    seconds = record_by_keyboard(agent)
    print(f"\nkeyboard-only intake: {seconds:.1f} s")
    assert seconds < INTAKE_LIMIT_SECONDS
    complaint = Complaint.objects.get()
    assert complaint.customer.phone == "+8613912345678"
    assert complaint.category == "product_quality"
    assert complaint.fields["purchase_history"] == "2026年10月在官网购买的充电宝"
    assert agent.locator("#complaint-title").inner_text() == complaint.number
    screenshot(agent, "complaint-new-zh")

    def choose_handler(dialog):
        pick_person(dialog, "assignee", "小李", "处理专员小李")

    take_step(agent, "assign", choose_handler)
    assert agent.locator("#complaint-body .kesu-status-assigned").is_visible()
    assert agent.locator("#complaint-actions [data-action=start_investigation]").count() == 0

    handler = open_page()
    sign_in(handler, "handler")
    handler.locator("#panel-mine").get_by_text(complaint.number).wait_for()
    screenshot(handler, "home-handler-zh")
    handler.click(f"#panel-mine >> text={complaint.number}")
    take_step(handler, "start_investigation")
    take_step(handler, "finding", lambda dialog: dialog.locator("#id_finding").select_option("product_defect"))

    def plan(dialog):
        dialog.locator("#id_summary").fill("向客户道歉，退货退款并补偿200元。")
        dialog.locator("#id_remedies_0_kind").select_option("refund")
        dialog.locator("#id_remedies_0_amount").fill("199")
        dialog.locator("#id_remedies_1_kind").select_option("compensation")
        dialog.locator("#id_remedies_1_amount").fill("200")

    take_step(handler, "plan", plan)
    assert handler.locator("#complaint-body .kesu-status-awaiting_approval").is_visible()
    assert handler.locator("#complaint-actions [data-action=approve_plan]").count() == 0
    screenshot(handler, "complaint-awaiting-approval-zh")

    supervisor = open_page()
    sign_in(supervisor, "supervisor")
    supervisor.goto(f"/complaints/{complaint.number}/")
    take_step(supervisor, "approve_plan", lambda dialog: dialog.locator("#id_note").fill("同意。"))
    assert supervisor.locator("#complaint-body .kesu-status-resolving").is_visible()

    handler.reload()
    open_step(handler, "contact")
    dialog = handler.locator("#step-dialog")
    dialog.locator("#step-form").wait_for()
    dialog.locator("#id_purpose").select_option("apology")
    dialog.locator("#id_summary").fill("电话致歉，客户接受方案。")
    dialog.locator("button[type=submit]").click()
    handler.locator("#step-dialog").wait_for(state="hidden")

    def accepted(dialog):
        dialog.locator("input[name=accepted][value=yes]").check()
        dialog.locator("#id_note").fill("客户同意退款并补偿。")

    take_step(handler, "customer_response", accepted)
    take_step(handler, "resolve", lambda dialog: dialog.locator("#id_resolution").fill("已退款199元并补偿200元。"))

    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED
    assert complaint.resolved_at <= timezone.now()
    timeline = handler.locator("#timeline").inner_text()
    steps = "已受理 已分派 开始调查 已认定 已提交方案 方案已批准 客户联系 客户接受方案 处理完毕"
    for entry in steps.split():
        assert entry in timeline, entry
    screenshot(handler, "complaint-resolved-zh")

    tablet = open_page(viewport=TABLET)
    sign_in(tablet, "handler")
    tablet.goto(f"/complaints/{complaint.number}/")
    screenshot(tablet, "complaint-tablet-zh")
