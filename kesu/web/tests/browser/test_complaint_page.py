"""The complaint page at 1440 and 390 px, in Chinese and English: the header stays on screen with the
next step as its one primary button, the other steps in a menu, a key opens the note box, every word
in the reader's language. Screenshots: test-output/screenshots/complaint-page-*.png."""

import pytest
from playwright.sync_api import expect

from kesu.complaints import services
from kesu.complaints.models import Status
from kesu.web.tests.browser.conftest import PHONE, SCREENSHOTS, screenshot, sign_in, take_step
from kesu.web.tests.test_i18n import han, latin_words

WIDE = {"width": 1440, "height": 900}
DATA = {
    "简体中文",
    "已约客户明天上门取件",
    "等客户提供照片",
    "张三丰",
    "张",
    "手机充电时发烫",
    "要求退货",
    "上次买的耳机没声音",
    "接线员小王",
    "处理专员小李",
    "客服部",
    "客户要求尽快回电",
}


@pytest.fixture
def long_case(assigned, take_in, staff):
    """The assigned complaint with a history long enough to scroll, and an earlier complaint of the customer."""
    take_in(description="上次买的耳机没声音")
    for _ in range(12):
        services.complaint_add_note(complaint=assigned, actor=staff["handler"], text="客户要求尽快回电")
    return assigned


def check_language(page, language: str) -> None:
    text = page.inner_text("body")
    if language == "zh-hans":
        assert not latin_words(text), latin_words(text)
    else:
        leftover = {word for word in han(text) if not any(word in known or known in word for known in DATA)}
        assert not leftover, leftover


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1440", "390"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_complaint_page_leads_to_the_next_step(open_page, long_case, language, viewport):
    name = f"complaint-page-{'zh' if language == 'zh-hans' else 'en'}-{viewport['width']}"
    page = open_page(language, viewport)
    sign_in(page, "handler")
    page.goto(f"/complaints/{long_case.number}/")
    check_language(page, language)
    screenshot(page, name)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], width  # nothing runs off the side

    primary = page.locator("#complaint-actions [data-primary-step]")
    expect(primary).to_have_attribute("data-action", "start_investigation")
    take_step(page, "start_investigation")  # the primary button
    expect(primary).to_have_attribute("data-action", "finding")

    page.click("#more-steps")
    expect(page.locator("#complaint-actions [data-action=wait_for_customer]")).to_be_visible()
    check_language(page, language)
    screenshot(page, f"{name}-menu")
    page.keyboard.press("Escape")
    take_step(page, "wait_for_customer", lambda dialog: dialog.locator("#id_reason").fill("等客户提供照片"))
    long_case.refresh_from_db()
    assert (long_case.status, long_case.waiting_for_customer) == (Status.INVESTIGATING, True)

    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("window.scrollY > 200")
    header = page.locator("#complaint-header").bounding_box()
    assert -1 <= header["y"] <= 1, header  # stays at the top of the screen
    expect(page.locator("#complaint-title")).to_be_in_viewport()
    page.screenshot(path=str(SCREENSHOTS / f"{name}-scrolled.png"))

    page.locator("body").click(position={"x": 5, "y": viewport["height"] - 5})  # the focus outside any field
    page.keyboard.press("n")
    note = page.locator("#note-box textarea")
    expect(note).to_be_focused()
    note.fill("已约客户明天上门取件")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#timeline")).to_contain_text("已约客户明天上门取件")
    assert page.locator("#timeline").inner_text().count("已约客户明天上门取件") == 1

    page.locator("#complaint-title").focus()
    page.keyboard.press("?")
    expect(page.locator("#shortcut-help")).to_be_visible()
    check_language(page, language)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-shortcuts.png"))
    page.keyboard.press("Escape")
    expect(page.locator("#shortcut-help")).to_be_hidden()
