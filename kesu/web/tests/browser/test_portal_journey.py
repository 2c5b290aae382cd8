"""The customer's whole journey on a 390-px phone: they send a complaint from the portal (the browser
solves the proof-of-work), get its number, find it again with the code the local SMS server received,
see the delay notice, accept the plan and answer the survey; staff see each step on the timeline."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import step
from kesu.portal.tests.conftest import PHONE
from kesu.web.tests.browser.conftest import screenshot

PHONE_SCREEN = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]


def solve_the_challenge(page) -> None:
    """The ALTCHA widget starts its proof-of-work when the form is first touched; wait for its answer."""
    expect(page.locator("input[name=altcha]")).to_have_value(re.compile(".{21,}"), timeout=60_000)


@pytest.mark.django_db(transaction=True)
def test_a_customer_sends_follows_and_settles_a_complaint_on_a_phone(open_page, frontline, as_staff, sms, settings):
    settings.PORTAL_MIN_FILL_SECONDS = 0
    phone = open_page("zh-hans", PHONE_SCREEN)

    # 1. The complaint, sent from the portal.
    phone.goto("/portal/retail/")
    phone.locator("#id_category").select_option("product_quality")
    phone.locator("#id_fields_store").wait_for()
    phone.locator("#id_fields_store").fill("徐汇店")
    phone.locator("#id_fields_product_name").fill("电水壶")
    phone.locator("#id_description").fill("新买的电水壶开关松动，烧水时自动断电。")
    phone.locator("#id_name").fill("李雷")
    phone.locator("#id_phone").fill(PHONE)
    phone.locator("#id_privacy_accepted").check()
    solve_the_challenge(phone)
    no_sideways_scroll(phone)
    screenshot(phone, "portal-submit-phone-zh")
    phone.get_by_role("button", name="提交投诉").click()
    phone.locator("#acknowledgement").wait_for()
    number = phone.locator("#complaint-number").inner_text()
    complaint = Complaint.objects.get(number=number)
    assert complaint.channel == "web"
    no_sideways_scroll(phone)
    screenshot(phone, "portal-acknowledged-phone-zh")

    # 2. Staff take it up and tell the customer it needs more time.
    agreed = timezone.localdate() + dt.timedelta(days=7)
    step(as_staff("agent"), number, "assign", assignee="frontline")
    step(as_staff("frontline"), number, "start-investigation")
    step(as_staff("frontline"), number, "pending", agreed_date=agreed.isoformat(), reason="厂家检测需要一周。")

    # 3. On another day, on a phone that has no cookie: found again with the code sent by SMS.
    later = open_page("zh-hans", PHONE_SCREEN)
    later.goto("/track/")
    later.locator("#id_number").fill(number)
    later.locator("#id_phone").fill(PHONE)
    solve_the_challenge(later)
    later.get_by_role("button", name="获取验证码").click()
    later.locator("#code-form").wait_for()
    [code] = sms.codes()
    later.locator("#id_code").fill(code)
    later.get_by_role("button", name="打开我的投诉").click()
    later.locator("#customer-timeline").wait_for()
    assert "厂家检测需要一周。" in later.locator("#customer-timeline").inner_text()
    assert "已按与您约定的日期延期处理" in later.locator("#customer-status").inner_text()
    no_sideways_scroll(later)
    screenshot(later, "portal-delay-notice-phone-zh")

    # 4. The plan, put to the customer, who accepts it on the page.
    step(as_staff("frontline"), number, "resume")
    step(as_staff("frontline"), number, "finding", finding="quality_defect")
    step(as_staff("frontline"), number, "plan", summary="为您换一台新电水壶", remedies=[{"kind": "exchange"}])
    later.reload()
    later.locator("#plan").wait_for()
    screenshot(later, "portal-plan-phone-zh")
    later.locator("#plan").get_by_role("button", name="我接受").click()
    later.get_by_text("谢谢，您的答复已记录。").wait_for()

    # 5. Settled; the customer answers the survey from the page.
    task = complaint.tasks.get()
    as_staff("supervisor").post(f"/tasks/{task.pk}/done", {"result": "已发出新电水壶"})
    step(as_staff("frontline"), number, "resolve", resolution="已为您更换新电水壶。")
    later.reload()
    later.locator("#survey-link").click()
    later.get_by_label("满意", exact=True).check()
    later.get_by_role("button", name="提交").click()
    later.locator("#survey-thanks").wait_for()

    # Staff see every step on the complaint's timeline, the customer's own without a member of staff.
    timeline = as_staff("frontline").get(f"/complaints/{number}/timeline").json()
    kinds = [event["kind"]["key"] for event in timeline]
    for kind in ["received", "put_pending", "plan_approved", "plan_accepted", "resolved", "follow_up_done"]:
        assert kind in kinds, kinds
    accepted = next(event for event in timeline if event["kind"]["key"] == "plan_accepted")
    assert accepted["actor"] is None and accepted["by_customer"]


@pytest.mark.django_db(transaction=True)
def test_the_portal_in_english_at_390_pixels(open_page, retail):
    page = open_page("en", PHONE_SCREEN)
    page.goto("/portal/retail/")
    page.locator("#id_category").select_option("product_quality")
    page.locator("#id_fields_store").wait_for()
    assert "Make a complaint" in page.locator("h1").inner_text()
    no_sideways_scroll(page)
    screenshot(page, "portal-submit-phone-en")
    page.goto("/track/")
    no_sideways_scroll(page)
