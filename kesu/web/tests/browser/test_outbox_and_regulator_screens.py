"""The outbox, a 12315 transfer's intake and the complaint page of one, in Chinese and English, on a
laptop and on a phone: screenshots under test-output/screenshots/, nothing running off the side of the
phone, and no word of the other language left on the page."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from kesu.complaints import services
from kesu.complaints.services.intake import CustomerIn, Intake
from kesu.notifications.models import DeliveryAttempt, DeliveryStatus, Robot, WebhookEndpoint
from kesu.processes.services import process_load_template
from kesu.web.tests.browser.conftest import LAPTOP, PHONE, screenshot, sign_in
from kesu.web.tests.conftest import advance
from kesu.web.tests.test_i18n import han, latin_words

SIZES = {"laptop": LAPTOP, "phone": PHONE}
CASE_NUMBER = "3101150020261102001"
# What the people of these tests typed: shown as typed whatever the page's language.
DATA = {
    "张三丰",
    "李女士",
    "客服群机器人",
    "售后群",
    "徐汇门店店员",
    "门店拒绝为我办理退货",
    "店员按规定拒绝已拆封商品",
}
DATA |= {"已向客户说明退货规定", "客户表示理解", "接线员小王", "处理专员小李", "处理专员小张", "主管老陈", "经理"}
DATA |= {"回访员", "客服部", "物流部", "质量部", "简体中文", "投诉"}
# What the servers answered, kept as they said it.
ERRORS = [
    "isv.MOBILE_NUMBER_ILLEGAL: the mobile number is not valid for this template signature",
    "errcode 310000: keywords not in content",
    "550 5.1.1 <zhang@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
]


def without(text: str, error: str) -> str:
    """`text` without `error`, whole or cut short (the list shows its beginning)."""
    while shown := next((error[:end] for end in range(len(error), 20, -1) if error[:end] in text), None):
        text = text.replace(shown, "")
    return text


def check_language(page, language: str, where: str, *, allowed: frozenset = frozenset()) -> None:
    text = page.inner_text("body")
    if language == "zh-hans":
        for error in ERRORS:
            text = without(text, error)
        text = re.sub(r"\S+@\S+|\b[\w-]+(\.[\w-]+)+\b", "", text)  # addresses and hosts are data
        leftover = latin_words(text) - allowed
    else:
        leftover = {word for word in han(text) if not any(word in known or known in word for known in DATA)}
    assert not leftover, (where, leftover)


def fits(page, viewport: dict, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], (where, width)  # nothing runs off the side


@pytest.fixture
def outbox(delivery, staff, call_center):
    """What Kesu sent or tries to send, on every channel: one of each status, a long error, a complaint's link."""
    intake = Intake(
        channel="phone",
        customer=CustomerIn(phone="13812345678", name="张三丰"),
        category="service_quality",
        description="客服挂断电话",
    )
    complaint = services.complaint_create(intake=intake, actor=staff["agent"])
    robot = Robot.objects.create(name="客服群机器人", kind="wecom", url="https://qyapi.weixin.qq.com/x?key=SECRET")
    endpoint = WebhookEndpoint.objects.create(name="ERP", url="https://erp.example.com/hooks/kesu?token=SECRET")
    failed = delivery(
        minutes_ago=1,
        channel="sms",
        recipient="+8613812341234",
        kind="acknowledgement",
        complaint=complaint,
        status=DeliveryStatus.FAILED,
        attempts=6,
        last_error=ERRORS[0],
    )
    for tried in range(6):
        DeliveryAttempt.objects.create(
            delivery=failed, ok=False, response_code="isv.MOBILE_NUMBER_ILLEGAL", duration_ms=80 + tried
        )
    delivery(minutes_ago=2, recipient="zhang.san.feng@example-company.com.cn", complaint=complaint)
    delivery(
        minutes_ago=3,
        channel="wecom",
        recipient=robot.name,
        kind="new_urgent",
        robot=robot,
        attempts=2,
        status=DeliveryStatus.SENDING,
        next_attempt_at=timezone.now() + dt.timedelta(minutes=5),
    )
    delivery(
        minutes_ago=4,
        channel="dingtalk",
        recipient="售后群",
        kind="escalation",
        status=DeliveryStatus.FAILED,
        attempts=3,
        last_error=ERRORS[1],
    )
    delivery(
        minutes_ago=5,
        channel="webhook",
        recipient=endpoint.url,
        kind="complaint.assigned",
        endpoint=endpoint,
        complaint=complaint,
    )
    delivery(
        minutes_ago=6,
        channel="email",
        kind="clock_breached",
        status=DeliveryStatus.FAILED,
        attempts=6,
        last_error=ERRORS[2],
    )
    delivery(minutes_ago=7, status=DeliveryStatus.SENT, attempts=1, sent_at=timezone.now())
    return complaint


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("size", SIZES)
def test_the_outbox_on_a_laptop_and_a_phone(open_page, outbox, language, size):
    short = "zh" if language == "zh-hans" else "en"
    manager = open_page(language, SIZES[size])
    sign_in(manager, "manager")
    manager.goto("/outbox/")
    assert manager.locator("#outbox tbody tr[data-delivery]").count() == 6  # waiting or failed; the sent one is not
    check_language(manager, language, "outbox")
    fits(manager, SIZES[size], "outbox")
    table = manager.evaluate(
        "[document.getElementById('outbox').scrollWidth, document.getElementById('outbox').parentElement.clientWidth]"
    )
    assert table[0] <= table[1], table  # every column shown, none scrolled out of its box
    screenshot(manager, f"outbox-{size}-{short}")

    manager.locator("#outbox tbody tr[data-delivery] a").first.click()
    manager.locator("#delivery-details").wait_for()
    fits(manager, SIZES[size], "delivery")
    screenshot(manager, f"delivery-{size}-{short}")


@pytest.fixture
def generic(db):
    return process_load_template("generic", make_default=True)


@pytest.fixture
def transfer(staff, generic):
    """A 12315 transfer, found not to stand, explained to the customer and resolved: its closing fields are filled."""
    intake = Intake(
        channel="regulator",
        customer=CustomerIn(phone="13812345678", name="李女士"),
        category="service_quality",
        description="门店拒绝为我办理退货。",
        fields={"complained_object": "徐汇门店店员"},
        regulator_case_number=CASE_NUMBER,
        regulator_assigned_at=timezone.now() - dt.timedelta(hours=3),
    )
    complaint = services.complaint_create(intake=intake, actor=staff["agent"])
    complaint = advance(complaint, staff["agent"], ("assign", {"assignee": staff["handler"]}))
    complaint = advance(
        complaint,
        staff["handler"],
        ("start_investigation", {}),
        ("record_finding", {"finding": "invalid", "note": "店员按规定拒绝已拆封商品"}),
    )
    services.complaint_log_contact(
        complaint=complaint,
        actor=staff["handler"],
        channel="phone",
        direction="outbound",
        purpose="explanation",
        summary="已向客户说明退货规定，客户表示理解",
        at=timezone.now(),
    )
    return advance(complaint, staff["handler"], ("resolve", {"resolution": "已向客户说明退货规定，客户表示理解"}))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("size", SIZES)
def test_a_12315_transfer_on_a_laptop_and_a_phone(open_page, transfer, language, size):
    short = "zh" if language == "zh-hans" else "en"
    agent = open_page(language, SIZES[size])
    sign_in(agent, "agent")
    agent.goto("/intake/?process=generic")
    agent.fill("#id_customer_phone", "13812345678")
    agent.locator("#intake-customer strong").wait_for()  # the customer, found by phone
    assert agent.locator("#intake-regulator").is_hidden()  # a phone call has no case number
    agent.select_option("#id_channel", "regulator")
    agent.select_option("#id_category", "service_quality")
    agent.locator("#id_fields_complained_object").wait_for()
    agent.fill("#id_fields_complained_object", "徐汇门店店员")
    agent.fill("#id_regulator_case_number", "3101150020261103002")
    agent.fill("#id_regulator_assigned_at", "2026-11-03T09:00")
    agent.fill("#id_description", "门店拒绝为我办理退货。")
    agent.locator("#intake-suggested-priority").wait_for()
    check_language(agent, language, "intake", allowed=frozenset({"TS"}))
    fits(agent, SIZES[size], "intake")
    screenshot(agent, f"intake-12315-{size}-{short}")

    supervisor = open_page(language, SIZES[size])
    sign_in(supervisor, "supervisor")
    supervisor.goto(f"/complaints/{transfer.number}/")
    panel = supervisor.locator("#regulator-closing")
    assert panel.locator("textarea").count() == 4
    assert "店员按规定拒绝已拆封商品" in panel.locator("textarea").nth(1).input_value()
    assert CASE_NUMBER in supervisor.inner_text("[data-regulator-case]")
    assert "handler" not in supervisor.inner_text("#timeline")  # the handler by name, not by username
    check_language(supervisor, language, "complaint", allowed=frozenset({"TS"}))
    fits(supervisor, SIZES[size], "complaint")
    screenshot(supervisor, f"complaint-12315-{size}-{short}")
