"""A supervisor assigns a complaint by typing part of a name and picking with the keyboard, then takes
one over with "Assign to me": on a laptop (1440 px) in Chinese and on a phone (390 px) in English. The
list offers only those who may handle it, by name with department, role and open cases, never a code."""

import re

import pytest
from playwright.sync_api import expect

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.models import Complaint
from kesu.complaints.services.intake import CustomerIn, Intake
from kesu.conftest import make_staff
from kesu.web.tests.browser.conftest import PHONE, open_step, screenshot, sign_in

WIDE = {"width": 1440, "height": 900}
NAMES = {"处理专员小张", "处理专员小李", "主管老陈", "经理", "客服部", "物流部", "质量部", "物流处理员", "张三丰"}
WORDS = {
    "zh-hans": {
        "handler": "处理人",
        "assign": "分派",
        "to_me": "分派给我",
        "role": "投诉处理专员",
        "open": "在办 1 件",
    },
    "en": {
        "handler": "Handler",
        "assign": "Assign",
        "to_me": "Assign to me",
        "role": "Complaint handler",
        "open": "1 open case",
    },
}


@pytest.fixture
def complaints(staff, departments, call_center):
    """Two new complaints of the service department, the colleague busy with a third, a handler of
    another department, and the agent named as involved (no handler may be)."""
    make_staff("logistics_handler", Role.HANDLER, department=departments["logistics"], display_name="物流处理员")

    def take_in(description: str) -> Complaint:
        intake = Intake(
            channel="phone",
            customer=CustomerIn(phone="13812345678", name="张三丰"),
            category="product_quality",
            description=description,
            department="service",
        )
        return services.complaint_create(intake=intake, actor=staff["agent"])

    busy = take_in("屏幕碎裂")
    services.complaint_assign(complaint=busy, actor=staff["agent"], version=busy.version, assignee=staff["colleague"])
    return [take_in("充电宝发烫"), take_in("快递破损")]


def latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text)) - {"KS"}


def han_words(text: str) -> set[str]:
    return {word for word in re.findall(r"[\u4e00-\u9fff]+", text) if not any(word in name for name in NAMES)}


def assign_by_keyboard(page, complaint: Complaint, language: str, shot: str) -> None:
    words = WORDS[language]
    page.goto(f"/complaints/{complaint.number}/")
    open_step(page, "assign")
    dialog = page.locator("#step-dialog")
    box = dialog.get_by_role("combobox", name=words["handler"])  # the field's label names the box
    expect(box).to_be_focused()  # the dialog opens in the box; ↓ lists the people who may handle it
    page.keyboard.press("ArrowDown")
    options = dialog.get_by_role("listbox").get_by_role("option")
    expect(options.first).to_have_attribute("aria-selected", "true")
    screenshot(page, f"{shot}-list")

    page.keyboard.type("小张", delay=50)
    expect(options).to_have_count(1)
    option = options.first
    expect(option).to_contain_text("处理专员小张")
    expect(option).to_contain_text("客服部")
    expect(option).to_contain_text(words["role"])
    expect(option).to_contain_text(words["open"])
    page.keyboard.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    screenshot(page, f"{shot}-typed")
    text = dialog.inner_text()
    page.keyboard.press("Enter")

    expect(box).to_have_value("处理专员小张")
    expect(dialog.get_by_role("listbox")).to_be_hidden()
    expect(dialog).to_be_visible()  # Enter picked; it did not send the form
    assert "colleague" not in text  # names, never usernames
    if language == "en":
        assert not han_words(text), han_words(text)
    else:
        assert not latin_words(text), latin_words(text)
    dialog.get_by_role("button", name=words["assign"], exact=True).click()
    dialog.wait_for(state="hidden")
    assert Complaint.objects.get(pk=complaint.pk).assignee.username == "colleague"


def assign_to_me(page, complaint: Complaint, language: str, shot: str) -> None:
    open_step(page, "assign")
    dialog = page.locator("#step-dialog")
    expect(dialog.locator("#id_assignee_search")).to_be_focused()
    page.keyboard.press("ArrowDown")  # the list open: a click below it still lands where aimed
    expect(dialog.get_by_role("listbox")).to_be_visible()
    screenshot(page, shot)
    dialog.get_by_role("button", name=WORDS[language]["to_me"]).click()
    dialog.wait_for(state="hidden")
    assert Complaint.objects.get(pk=complaint.pk).assignee.username == "supervisor"


def only_those_who_may_handle(page) -> None:
    """The handler involved in it may not handle it, nor may the agent, the follow-up agent or the
    logistics clerk handle any complaint; another department's handler may."""
    box = page.locator("#id_assignee_search")
    for typed in ("小李", "接线员", "回访员", "logistics_clerk"):
        box.fill(typed)
        expect(page.locator("#step-dialog [role=option][aria-disabled=true]")).to_have_count(1)
    box.fill("物流")
    expect(page.locator("#step-dialog [role=option]").first).to_contain_text(
        "物流处理员"
    )  # another department's handler
    page.keyboard.press("Escape")  # closes the list, not the dialog
    expect(page.locator("#step-dialog [role=listbox]")).to_be_hidden()
    expect(page.locator("#step-dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#step-dialog")).to_be_hidden()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("language", "viewport", "size"), [("zh-hans", WIDE, "1440"), ("en", PHONE, "390")])
def test_a_supervisor_picks_a_handler_by_keyboard_and_takes_one_over(
    open_page, complaints, staff, language, viewport, size
):
    first, second = complaints
    first.involved_staff.add(staff["handler"])
    page = open_page(language, viewport)
    sign_in(page, "supervisor")
    shot = f"picker-assign-{size}-{'zh' if language == 'zh-hans' else 'en'}"

    assign_by_keyboard(page, first, language, shot)
    open_step(page, "assign")
    only_those_who_may_handle(page)
    page.goto(f"/complaints/{second.number}/")
    assign_to_me(page, second, language, f"{shot}-to-me")
    if viewport is PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.django_db(transaction=True)
def test_a_handler_names_the_staff_involved_and_hands_a_task_to_whom_the_department_has(open_page, complaints, staff):
    complaint = complaints[0]
    services.complaint_assign(
        complaint=complaint, actor=staff["agent"], version=complaint.version, assignee=staff["handler"]
    )
    page = open_page("zh-hans", WIDE)
    sign_in(page, "handler")
    page.goto(f"/complaints/{complaint.number}/")

    open_step(page, "involved")
    dialog = page.locator("#step-dialog")
    box = dialog.get_by_role("combobox", name="被投诉员工（当事人）")
    expect(box).to_be_focused()
    for typed in ("小王", "小张"):
        page.keyboard.type(typed, delay=50)
        expect(dialog.get_by_role("option")).to_have_count(1)
        page.keyboard.press("Enter")
    chosen = dialog.locator(".kesu-picker-chosen button")
    expect(chosen).to_have_count(2)
    chosen.filter(has_text="处理专员小张").click()  # taken off again
    expect(chosen).to_have_text(["接线员小王 ×"])
    page.keyboard.type("小李", delay=50)  # the handler may not be named
    expect(dialog.locator("[role=option][aria-disabled=true]")).to_have_count(1)
    screenshot(page, "picker-involved-1440-zh")
    dialog.locator("button[type=submit]").click()
    dialog.wait_for(state="hidden")
    assert list(complaint.involved_staff.values_list("username", flat=True)) == ["agent"]

    open_step(page, "task")
    dialog.locator("#id_title").fill("核对物流签收记录")
    dialog.get_by_role("combobox", name="负责人（不填：部门任何人）", exact=True).fill("logistics")
    dialog.get_by_role("option", name="logistics_clerk").click()
    expect(dialog.locator("#id_department")).to_have_value(str(staff["logistics_clerk"].department_id))
    screenshot(page, "picker-task-1440-zh")
    dialog.locator("button[type=submit]").click()
    dialog.wait_for(state="hidden")
    task = complaint.tasks.get()
    assert (task.owner, task.department) == (staff["logistics_clerk"], staff["logistics_clerk"].department)
