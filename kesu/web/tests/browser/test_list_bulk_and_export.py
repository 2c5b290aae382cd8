"""A supervisor's list of more than 30 000 complaints, in the browser: they tick three new complaints and
assign them in one go (one, changed meanwhile by a colleague, is refused by number and stays ticked),
then export the whole list: the export's page says the file is being prepared, the worker writes it,
the page offers it and the file downloaded holds every row, by name. Each screen is photographed at
1440 and 390 pixels, in Chinese and in English, and checked for words of the other language and for
pages wider than the screen."""

import csv
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from kesu.complaints import services
from kesu.complaints.models import Complaint
from kesu.complaints.services.intake import CustomerIn, Intake
from kesu.customers.models import PersonalDataAccess
from kesu.web.tests.browser.conftest import PHONE, screenshot, sign_in
from kesu.web.tests.conftest import advance
from kesu.web.tests.many import complaints_in_bulk
from kesu.web.tests.test_i18n import han, latin_words

DESKTOP = {"width": 1440, "height": 900}
BULK = 30_000
# What people typed or are called: shown as it is whatever the page's language.
DATA = {"王", "张三丰", "充电宝发烫", "接线员小王", "处理专员小李", "处理专员小张", "主管老陈", "客服部", "简体中文"}
DATA |= {"物流部", "质量部", "经理", "回访员", "年度分析", "手机充电时发烫", "要求退货", "张"}


@pytest.fixture
def long_list(staff, departments, call_center, settings, tmp_path):
    """30 000 complaints assigned to the handler, then three new ones from this morning."""
    settings.MEDIA_ROOT = tmp_path / "media"
    complaints_in_bulk(BULK, process=call_center, department=departments["service"], assignee=staff["handler"])
    new = []
    for index in range(3):
        intake = Intake(
            channel="phone",
            customer=CustomerIn(phone=f"1380000000{index}", name="张三丰"),
            category="product_quality",
            description="手机充电时发烫，要求退货。",
        )
        new.append(services.complaint_create(intake=intake, actor=staff["agent"]))
    return new


def look(page, language: str, name: str) -> None:
    """Photograph the page at 1440 and 390 pixels; at each, nothing runs off the side and no word of
    the other language is left."""
    short = "zh" if language == "zh-hans" else "en"
    for label, viewport in (("1440", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (name, label, width)
        text = page.inner_text("body")
        if language == "zh-hans":
            leftover = latin_words(text)
        else:
            leftover = {word for word in han(text) if not any(word in known or known in word for known in DATA)}
        assert not leftover, (name, label, leftover)
        screenshot(page, f"list-bulk-export-{name}-{label}-{short}")
    page.set_viewport_size(DESKTOP)


def file_rows(path, fmt: str) -> list[tuple]:
    if fmt == "xlsx":
        return list(load_workbook(path, read_only=True).active.values)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    return [tuple(row) for row in csv.reader(io.StringIO(text[1:]))]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("language", "fmt"), [("zh-hans", "xlsx"), ("en", "csv")])
def test_a_supervisor_assigns_ticked_complaints_and_exports_30000_of_them(
    open_page, long_list, staff, queue, tmp_path, language, fmt
):
    first, second, changed = long_list
    page = open_page(language, DESKTOP)
    sign_in(page, "supervisor")
    page.goto("/complaints/")
    expect(page.locator("#bulk-form")).to_be_visible()
    look(page, language, "1-list")

    for complaint in long_list:
        page.check(f"input[name='bulk-picks'][value^='{complaint.number}:']")
    expect(page.locator("#bulk-count")).to_contain_text("3")
    advance(changed, staff["agent"], ("assign", {"assignee": staff["handler"]}))  # a colleague, meanwhile
    page.select_option("#id_bulk-assignee", label="处理专员小张 · 客服部")
    page.click("#bulk-assign button[type=submit]")

    expect(page.locator("#bulk-done")).to_be_visible()
    refused = page.locator(f"#bulk-refused li[data-number='{changed.number}']")
    expect(refused).to_be_visible()
    expect(page.locator(f"input[name='bulk-picks'][value^='{changed.number}:']")).to_be_checked()
    assert {c.assignee.username for c in Complaint.objects.filter(pk__in=[first.pk, second.pk])} == {"colleague"}
    assert Complaint.objects.get(pk=changed.pk).assignee.username == "handler"
    look(page, language, "2-assigned")

    page.click(f"#export-{fmt}")
    page.fill("#export-reason textarea", "年度分析")
    look(page, language, "3-reason")
    page.click("#export-reason button[type=submit]")
    page.wait_for_url("**/exports/*/")
    expect(page.locator("#export-status")).to_have_attribute("data-status", "queued")
    look(page, language, "4-preparing")

    assert queue.work() == 1  # the worker writes the file; the page, asking every 2 s, then offers it
    expect(page.locator("#export-download")).to_be_visible(timeout=30_000)
    look(page, language, "5-ready")
    with page.expect_download() as download:
        page.click("#export-download")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)

    rows = file_rows(saved, fmt)
    assert saved.suffix == f".{fmt}"
    assert len(rows) == 1 + BULK + 3
    header, newest = rows[0], rows[1]
    assert header[:3] == (
        ("编号", "受理时间", "状态") if language == "zh-hans" else ("Number", "Received at", "Status")
    )
    assert newest[0] == changed.number
    expected = ("已分派", "呼叫中心投诉处理流程", "产品质量投诉", "中", "电话")
    if language == "en":
        expected = ("Assigned", "Call-centre complaint process", "Product quality", "Medium", "Phone")
    assert tuple(newest[2:7]) == expected
    assert tuple(newest[8:12]) == ("张**", "138****0002", "客服部", "处理专员小李")
    assert PersonalDataAccess.objects.get().row_count == BULK + 3
