"""A handler told of a complaint assigned to them finds it by the bell, on a laptop and on a phone."""

import pytest

from kesu.complaints import services
from kesu.complaints.services.intake import CustomerIn, Intake
from kesu.web.tests.browser.conftest import LAPTOP, screenshot, sign_in

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def two_assigned(staff, call_center):
    """Two complaints the agent assigned to the handler (through the services): two notifications."""
    assigned = []
    for phone, description in [("13812345678", "充电宝发烫"), ("13987654321", "快递破损")]:
        intake = Intake(
            channel="phone",
            customer=CustomerIn(phone=phone, name="张三丰"),
            category="product_quality",
            description=description,
        )
        complaint = services.complaint_create(intake=intake, actor=staff["agent"])
        assigned.append(
            services.complaint_assign(
                complaint=complaint, actor=staff["agent"], version=complaint.version, assignee=staff["handler"]
            )
        )
    return assigned


def no_sideways_scrolling(page, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (where, width)


@pytest.mark.django_db(transaction=True)
def test_the_bell_leads_a_handler_to_the_complaint_assigned_to_them(open_page, two_assigned):
    first, second = two_assigned
    laptop = open_page("zh-hans", LAPTOP)
    sign_in(laptop, "handler")
    bell = laptop.locator("#nav-bell")
    assert bell.get_attribute("aria-label") == "通知，2 条未读"
    assert laptop.inner_text("#nav-unread") == "2"

    bell.click()
    laptop.wait_for_url("**/notifications/")
    newest = laptop.locator("#inbox a", has_text=second.number)
    assert newest.get_attribute("data-unread") is not None
    assert f"投诉 {second.number} 已分派给您。" in newest.inner_text()
    screenshot(laptop, "inbox-laptop-zh")
    newest.click()

    laptop.wait_for_url(f"**/complaints/{second.number}/")
    assert second.number in laptop.inner_text("main")
    assert laptop.inner_text("#nav-unread") == "1"
    assert laptop.locator("#nav-bell").get_attribute("aria-label") == "通知，1 条未读"

    phone = open_page("en", PHONE)
    sign_in(phone, "handler")
    assert phone.locator("#nav-bell").is_visible()  # not folded into the menu
    phone.click("#nav-bell")
    phone.wait_for_url("**/notifications/")
    no_sideways_scrolling(phone, "inbox")
    screenshot(phone, "inbox-phone-en")
    phone.locator("#inbox a", has_text=first.number).click()
    phone.wait_for_url(f"**/complaints/{first.number}/")
    no_sideways_scrolling(phone, "complaint")
    assert phone.locator("#nav-unread").count() == 0
    assert phone.locator("#nav-bell").get_attribute("aria-label") == "Notifications"

    english = open_page("en", LAPTOP)
    sign_in(english, "handler")
    english.click("#nav-bell")
    english.wait_for_url("**/notifications/")
    assert f"Complaint {first.number} was assigned to you." in english.inner_text("#inbox")
    screenshot(english, "inbox-laptop-en")

    chinese = open_page("zh-hans", PHONE)
    sign_in(chinese, "handler")
    chinese.click("#nav-bell")
    chinese.wait_for_url("**/notifications/")
    no_sideways_scrolling(chinese, "inbox")
    screenshot(chinese, "inbox-phone-zh")
