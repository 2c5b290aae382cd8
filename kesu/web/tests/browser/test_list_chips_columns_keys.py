"""A supervisor's list in the browser, at 1440 and 390 pixels, in Chinese and in English: the filters in
use as chips, removed by their ×; the status filter as toggle chips; the Columns menu, its choice kept;
the keys (j/k, x, /, Enter). At 390 px neither the list, nor my work, nor intake is wider than the screen,
and the list's column titles stay on one line."""

import pytest
from playwright.sync_api import expect

from kesu.web.tests.browser.conftest import PHONE, screenshot, sign_in
from kesu.web.tests.conftest import advance

DESKTOP = {"width": 1440, "height": 900}
NAMES = {
    "zh-hans": {"new": "新建", "priority": "优先级", "process": "流程"},
    "en": {"new": "New", "priority": "Priority", "process": "Process"},
}


def at_both_widths(page, name: str, short: str) -> None:
    """Photograph the page at 1440 and 390 pixels; at each nothing runs off the side and no column title
    of the list wraps."""
    for label, viewport in (("1440", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.evaluate("window.innerWidth"), (name, label, width)
        tallest = page.evaluate(
            "Math.max(0, ...Array.from(document.querySelectorAll('#list-table th'))"
            ".filter(th => th.offsetParent).map(th => th.getBoundingClientRect().height))"
        )
        assert tallest < 45, (name, label, tallest)  # one line each
        screenshot(page, f"list2-{name}-{label}-{short}")
    page.set_viewport_size(DESKTOP)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_supervisor_narrows_the_list_by_chips_chooses_columns_and_walks_it_by_keys(
    open_page, take_in, staff, language
):
    short = "zh" if language == "zh-hans" else "en"
    names = NAMES[language]
    complaints = [take_in(phone=f"1380000000{index}") for index in range(3)]
    advance(complaints[0], staff["agent"], ("assign", {"assignee": staff["handler"]}))
    page = open_page(language, DESKTOP)
    sign_in(page, "supervisor")

    page.goto("/complaints/?status=new&priority=medium")
    chips = page.locator("#list-chips li")
    expect(chips).to_have_count(2)
    expect(chips.first).to_contain_text(names["new"])
    at_both_widths(page, "1-chips", short)
    chips.filter(has_text=names["priority"]).locator("a").click()
    page.wait_for_url(lambda url: "priority" not in url and "status=new" in url)
    expect(page.locator("#list-chips li")).to_have_count(1)
    expect(page.locator("#list-table tbody tr")).to_have_count(2)

    page.click("#status-filter label[for=id_status_1]")  # assigned, a toggle chip
    expect(page.locator("#list-chips li")).to_have_count(2)
    expect(page.locator("#list-table tbody tr")).to_have_count(3)

    page.click("#list-columns button.dropdown-toggle")
    menu = page.locator("#list-columns form")
    expect(menu).to_be_visible()
    menu.locator("input[value=customer]").uncheck()
    menu.locator("input[value=process]").check()
    screenshot(page, f"list2-2-columns-menu-1440-{short}")
    menu.locator("button[type=submit]").click()
    expect(page.locator("#list-table thead")).to_contain_text(names["process"])
    expect(page.locator("#list-table tbody tr").first).not_to_contain_text("张**")
    expect(page.locator("#list-chips li")).to_have_count(2)  # the list as it was

    rows = page.locator("#list-table tbody tr")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_attribute("aria-current", "true")
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_attribute("aria-current", "true")
    page.keyboard.press("x")
    expect(rows.nth(0).locator("input[name='bulk-picks']")).to_be_checked()
    expect(page.locator("#bulk-count")).to_contain_text("1")
    page.keyboard.press("/")
    expect(page.locator("#id_q")).to_be_focused()
    page.locator("#saved-view-name").focus()
    page.keyboard.press("j")  # typed into a field, not a move
    expect(page.locator("#saved-view-name")).to_have_value("j")
    expect(rows.nth(0)).to_have_attribute("aria-current", "true")
    page.locator("#saved-view-name").fill("")
    page.evaluate("document.activeElement.blur()")
    at_both_widths(page, "3-columns-and-keys", short)
    second = rows.nth(1).locator("a").first.inner_text()
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/complaints/{second}/")

    for name, path in (("4-my-work", "/"), ("5-intake", "/intake/")):
        page.goto(path)
        at_both_widths(page, name, short)
