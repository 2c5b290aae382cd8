"""An agent opens the noon review from the menu and plays the picked case's call recording; a
manager finds the year's red-marked forms and downloads them."""

import io
import wave

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kesu.attachments.services import attachment_add
from kesu.complaints import services
from kesu.complaints.services.intake import CustomerIn, Intake
from kesu.web.tests.browser.conftest import LAPTOP, screenshot, sign_in


def a_second_of_silence() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x00" * 8000)
    return out.getvalue()


@pytest.fixture
def picked_and_red(staff, call_center):
    made = []
    for description in ("坐席答复错误", "处理单填写不全"):
        intake = Intake(
            channel="phone",
            customer=CustomerIn(phone="13812345678"),
            category="service_quality",
            description=description,
        )
        complaint = services.complaint_create(intake=intake, actor=staff["agent"])
        made.append(complaint)
    picked, red = made
    services.complaint_mark(complaint=picked, actor=staff["supervisor"], version=picked.version, mark="review", on=True)
    services.complaint_mark(complaint=red, actor=staff["supervisor"], version=red.version, mark="red", on=True)
    upload = SimpleUploadedFile("通话录音.wav", a_second_of_silence())
    attachment_add(complaint=picked, actor=staff["agent"], upload=upload, caption="")
    return picked, red


@pytest.mark.django_db(transaction=True)
def test_an_agent_plays_the_recording_of_the_days_case(open_page, picked_and_red):
    picked, red = picked_and_red
    page = open_page("zh-hans", LAPTOP)
    sign_in(page, "agent")
    page.click("nav >> text=案例分享")
    page.wait_for_url("**/reviews/")

    case = page.locator(f"#review-picks li[data-number='{picked.number}']")
    assert "坐席答复错误" in case.inner_text()
    duration = case.locator("audio").evaluate(
        "audio => new Promise(done => { audio.onloadedmetadata = () => done(audio.duration); audio.load(); })"
    )
    assert duration == pytest.approx(1.0, abs=0.05)
    assert page.locator("#review-red").count() == 0
    screenshot(page, "reviews-agent-zh")


@pytest.mark.django_db(transaction=True)
def test_a_manager_finds_the_years_red_marked_forms_and_downloads_them(open_page, picked_and_red):
    _picked, red = picked_and_red
    page = open_page("zh-hans", LAPTOP)
    sign_in(page, "manager")
    page.goto("/reviews/")
    this_year = timezone.localdate().year
    page.fill("#id_year", str(this_year - 1))
    page.click("#review-form button[type=submit]")
    page.wait_for_url(f"**year={this_year - 1}")
    assert red.number not in page.inner_text("#review-red")

    page.fill("#id_year", str(this_year))
    page.click("#review-form button[type=submit]")
    page.wait_for_url(f"**year={this_year}")
    assert red.number in page.inner_text("#review-red")
    page.click("#review-red >> text=导出 Excel")
    page.fill("#export-reason textarea, #export-reason input[name=reason]", "年终案例评审")  # personal data: why
    with page.expect_download() as download:
        page.click("#export-reason button[type=submit]")
    assert download.value.suggested_filename == f"red-marked-{this_year}.xlsx"
