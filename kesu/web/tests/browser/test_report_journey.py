"""A manager opens a monthly report, sees its charts, runs it again over two months, and follows a
number to the complaints behind it."""

import datetime as dt

import pytest

from kesu.complaints import services
from kesu.complaints.services.intake import CustomerIn, Intake
from kesu.complaints.tests.helpers import at
from kesu.reports.schedule import report_run
from kesu.web.tests.browser.conftest import LAPTOP, PHONE, screenshot, sign_in


@pytest.fixture
def november_report(staff, call_center):
    """Complaints of October and November 2026, and November's monthly report."""
    days = [(10, 20, "service_quality"), (11, 3, "service_quality"), (11, 4, "service_quality")]
    days += [(11, 5, "product_quality")]
    for month, day, category in days:
        intake = Intake(
            channel="phone",
            customer=CustomerIn(phone=f"1381234{month:02d}{day:02d}", name="张三丰"),
            category=category,
            description="来电投诉",
            received_at=at(2026, month, day, 10),
        )
        services.complaint_create(intake=intake, actor=staff["agent"])
    return report_run(
        process_name="call_center",
        key="monthly",
        start=dt.date(2026, 11, 1),
        end=dt.date(2026, 11, 30),
        user=staff["manager"],
    )


@pytest.mark.django_db(transaction=True)
def test_a_manager_changes_the_range_and_drills_down_to_the_complaints(open_page, november_report):
    page = open_page("zh-hans", LAPTOP)
    sign_in(page, "manager")
    page.goto(f"/reports/produced/{november_report.pk}/")
    assert page.inner_text("#report-period").startswith("2026-11-01 – 2026-11-30")
    page.wait_for_selector(".kesu-chart[data-drawn]")
    screenshot(page, "report-laptop-zh")

    page.click("#report-again summary")
    page.fill("#id_start", "2026-10-01")
    page.click("#report-run-form button[type=submit]")
    page.wait_for_url(lambda url: f"/reports/produced/{november_report.pk}/" not in url)
    assert page.inner_text("#report-period").startswith("2026-10-01 – 2026-11-30")

    by_category = page.locator("section[data-section=category]")
    service_quality = by_category.locator("tr", has_text="服务质量投诉").locator("a[data-drill-down]")
    assert service_quality.inner_text() == "3"
    service_quality.click()
    page.wait_for_url("**/complaints/?**")
    assert page.inner_text("#list-count") == "共 3 条投诉"
    assert page.locator("#id_category").input_value() == "service_quality"
    assert page.locator("#id_received_from").input_value() == "2026-10-01"


@pytest.mark.django_db(transaction=True)
def test_the_report_reads_on_a_phone_without_sideways_scrolling(open_page, november_report):
    page = open_page("en", PHONE)
    sign_in(page, "manager")
    page.goto(f"/reports/produced/{november_report.pk}/")
    page.wait_for_selector(".kesu-chart[data-drawn]")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "How they were handled" in page.inner_text("main")
    screenshot(page, "report-phone-en")
