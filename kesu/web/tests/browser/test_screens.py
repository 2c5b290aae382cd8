"""Every main screen, in Chinese and English, on a laptop and a tablet: screenshots under
test-output/screenshots/, and no word of the other language left on the page."""

import struct
import zlib

import pytest
from playwright.sync_api import expect

from kesu.complaints import services
from kesu.complaints.services.intake import CustomerIn, Intake
from kesu.web.tests.browser.conftest import LAPTOP, TABLET, open_step, screenshot, sign_in
from kesu.web.tests.conftest import advance
from kesu.web.tests.test_i18n import han, latin_words


def png(width: int = 64, height: int = 40) -> bytes:
    """A small orange picture, made here (no file needed)."""
    rows = b"".join(b"\x00" + b"\xfd\x7e\x14" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture
def busy_day(staff, call_center, departments):
    """Complaints in several states, one with a plan waiting for the supervisor, a contact and a task."""

    def take_in(phone, category, description):
        intake = Intake(
            channel="phone", customer=CustomerIn(phone=phone, name="张三丰"), category=category, description=description
        )
        return services.complaint_create(intake=intake, actor=staff["agent"])

    take_in("13800000001", "service_quality", "客服挂断电话")
    waiting = take_in("13812345678", "product_quality", "充电宝充电时发烫冒烟")
    waiting = advance(waiting, staff["agent"], ("assign", {"assignee": staff["handler"]}))
    waiting = advance(waiting, staff["handler"], ("start_investigation", {}))
    from kesu.tasks.services import complaint_create_task

    complaint_create_task(
        complaint=waiting,
        actor=staff["handler"],
        kind="check_records",
        title="核对出库记录",
        department=departments["logistics"],
        within="1 working day",
        owner=staff["logistics_clerk"],
    )
    waiting = advance(
        waiting,
        staff["handler"],
        ("record_finding", {"finding": "product_defect", "note": "电芯缺陷"}),
        (
            "propose_plan",
            {
                "summary": "退款并赔偿",
                "remedies": [{"kind": "refund", "amount": "199"}, {"kind": "compensation", "amount": "200"}],
            },
        ),
    )
    return waiting


def check_language(page, language: str, where: str) -> None:
    text = page.inner_text("body")
    if language == "zh-hans":
        leftover = latin_words(text) - {"png"}  # the attachment's file name
        assert not leftover, (where, leftover)
    else:
        data = {
            "张三丰",
            "张",
            "充电宝充电时发烫冒烟",
            "客服挂断电话",
            "退款并赔偿",
            "电芯缺陷",
            "核对出库记录",
            "简体中文",
        }
        data |= {
            "接线员小王",
            "处理专员小李",
            "处理专员小张",
            "主管老陈",
            "经理",
            "回访员",
            "客服部",
            "物流部",
            "质量部",
            "现场照片",
            "外壳熔化",
        }
        leftover = {word for word in han(text) if not any(word in known or known in word for known in data)}
        assert not leftover, (where, leftover)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_main_screens_in_both_languages(open_page, busy_day, language):
    short = "zh" if language == "zh-hans" else "en"
    anonymous = open_page(language)
    anonymous.goto("/sign-in/")
    check_language(anonymous, language, "sign-in")
    screenshot(anonymous, f"sign-in-{short}")

    supervisor = open_page(language)
    sign_in(supervisor, "supervisor")
    check_language(supervisor, language, "home")
    screenshot(supervisor, f"home-supervisor-{short}")

    supervisor.goto(f"/complaints/{busy_day.number}/")
    supervisor.set_input_files("#id_file", files=[{"name": "现场照片.png", "mimeType": "image/png", "buffer": png()}])
    supervisor.fill("#id_caption", "外壳熔化")
    supervisor.click("#attachments-title >> xpath=../.. >> button[type=submit]")
    supervisor.locator("#complaint-body img[src^='/attachments/']").wait_for()
    check_language(supervisor, language, "complaint")
    screenshot(supervisor, f"complaint-{short}")

    open_step(supervisor, "approve_plan")
    supervisor.locator("#step-form").wait_for()
    check_language(supervisor, language, "approve dialog")
    screenshot(supervisor, f"step-dialog-{short}")
    supervisor.keyboard.press("Escape")

    supervisor.goto("/complaints/?status=new&status=awaiting_approval&order=due")
    check_language(supervisor, language, "list")
    screenshot(supervisor, f"list-{short}")

    agent = open_page(language)
    sign_in(agent, "agent")
    agent.goto("/intake/")
    agent.fill("#id_customer_phone", "13812345678")
    agent.locator("#intake-customer strong").wait_for()
    agent.select_option("#id_category", "product_quality")
    agent.locator("#intake-check .alert-warning").wait_for()
    check_language(agent, language, "intake")
    screenshot(agent, f"intake-{short}")

    clerk = open_page(language)
    sign_in(clerk, "logistics_clerk")
    clerk.locator("#panel-tasks a").first.click()
    check_language(clerk, language, "task")
    screenshot(clerk, f"task-{short}")


@pytest.mark.django_db(transaction=True)
def test_the_screens_fit_a_tablet(open_page, busy_day):
    tablet = open_page("zh-hans", TABLET)
    sign_in(tablet, "supervisor")
    for name, path in [
        ("home", "/"),
        ("complaint", f"/complaints/{busy_day.number}/"),
        ("list", "/complaints/"),
        ("intake", "/intake/"),
    ]:
        tablet.goto(path)
        width = tablet.evaluate("document.documentElement.scrollWidth")
        assert width <= TABLET["width"], (name, width)  # nothing runs off the side
        screenshot(tablet, f"{name}-tablet-zh")
    assert LAPTOP["width"] > TABLET["width"]


@pytest.mark.django_db(transaction=True)
def test_the_list_is_filtered_and_sorted_without_reloading(open_page, busy_day, queue, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = open_page()
    sign_in(page, "agent")
    page.goto("/complaints/")
    page.evaluate("window.kesuMarker = 1")  # gone if the page reloads

    page.fill("#id_q", "充电宝")
    expect(page.locator("#list-results tbody tr")).to_have_count(1)
    page.select_option("#id_order", "priority")
    page.wait_for_url("**order=priority**")

    assert page.evaluate("window.kesuMarker") == 1
    assert busy_day.number in page.inner_text("#list-results")
    page.click("text=导出 Excel")
    page.fill("#export-reason textarea, #export-reason input[name=reason]", "周例会统计")  # personal data: why
    page.click("#export-reason button[type=submit]")
    page.wait_for_url("**/exports/*/")
    queue.work()  # the worker writes the file; the export's page then offers it
    with page.expect_download() as download:
        page.click("#export-download")
    assert download.value.suggested_filename.endswith(".xlsx")
