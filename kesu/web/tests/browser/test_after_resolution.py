"""After the resolution, in the browser: the handler records accountability, the customer answers the
survey on a phone, the complaint is closed, the handler writes a case article, the supervisor opens a
corrective action from the complaint, publishes the article and reads the reports — in both languages."""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.accountability.models import Accountability
from kesu.cases.models import CaseArticle
from kesu.complaints.models import Complaint, Status
from kesu.web.tests.browser.conftest import open_step, pick_person, screenshot, sign_in

PHONE = {"width": 375, "height": 740}


def panel_step(page, panel: str, action: str, fill) -> None:
    page.click(f"#{panel} [data-action={action}]")
    dialog = page.locator("#step-dialog")
    dialog.locator("#step-form").wait_for()
    fill(dialog)
    dialog.locator("button[type=submit]").click()
    page.locator("#step-dialog").wait_for(state="hidden")


@pytest.mark.django_db(transaction=True)
def test_accountability_survey_and_case_article(open_page, resolved, staff):
    number = resolved.number
    handler = open_page()
    sign_in(handler, "handler")
    handler.goto(f"/complaints/{number}/")

    def accountability(dialog):
        pick_person(dialog, "person", "小王", "接线员小王")
        dialog.locator("#id_fault").fill("首次接听时未记录客户诉求")
        dialog.locator("#id_measure").select_option("penalty")
        dialog.locator("#id_amount").fill("50")

    panel_step(handler, "accountability-panel", "accountability", accountability)
    handler.locator("#accountability-panel").get_by_text("首次接听时未记录客户诉求").wait_for()
    assert Accountability.objects.get().status == "approved"
    link = handler.locator("[data-survey-link]").input_value()
    assert "/survey/" in link
    screenshot(handler, "complaint-accountability-zh")

    path = link[link.index("/survey/") :]
    english = open_page("en", PHONE)
    english.goto(path)
    english.get_by_text("Your opinion").first.wait_for()
    screenshot(english, "survey-phone-en")
    customer = open_page("zh-hans", PHONE)
    customer.goto(path)
    screenshot(customer, "survey-phone-zh")
    customer.get_by_label("满意", exact=True).check()
    customer.locator("#id_comment").fill("处理及时，谢谢。")
    customer.get_by_role("button", name="提交").click()
    customer.locator("#survey-thanks").wait_for()
    screenshot(customer, "survey-thanks-phone-zh")
    assert resolved.follow_ups.get().satisfaction == "satisfied"

    follow_up = open_page()
    sign_in(follow_up, "follow_up")
    follow_up.goto(f"/complaints/{number}/")
    follow_up.locator('[data-satisfaction="satisfied"]').wait_for()
    open_step(follow_up, "close")
    follow_up.locator("#step-dialog #step-form").wait_for()
    follow_up.locator("#step-dialog button[type=submit]").click()
    follow_up.locator("#step-dialog").wait_for(state="hidden")
    assert Complaint.objects.get(number=number).status == Status.CLOSED

    handler.reload()

    def article(dialog):
        dialog.locator("#id_title").fill("耐心解释，客户满意")
        dialog.locator("#id_tags").fill("服务态度, 解释")

    panel_step(handler, "cases-panel", "write_case", article)
    handler.locator("#cases-panel").get_by_text("耐心解释，客户满意").click()
    handler.locator("#article-title").wait_for()
    screenshot(handler, "case-article-draft-zh")

    supervisor = open_page()
    sign_in(supervisor, "supervisor")
    supervisor.goto(f"/complaints/{number}/")

    def improvement(dialog):
        dialog.locator("#id_title").fill("坐席接听话术培训")
        dialog.locator("#id_root_cause").fill("新坐席未经培训上岗")
        dialog.locator("#id_action").fill("全员话术培训并考核")
        pick_person(dialog, "owner", "小李", "处理专员小李")
        dialog.locator("#id_due_date").fill((timezone.localdate() + dt.timedelta(days=14)).isoformat())

    panel_step(supervisor, "improvements-panel", "create_improvement", improvement)
    supervisor.locator("#improvements-panel").get_by_text("坐席接听话术培训").wait_for()
    screenshot(supervisor, "complaint-panels-supervisor-zh")
    supervisor.goto(f"/cases/{CaseArticle.objects.get().pk}/")
    supervisor.locator("[data-step=publish]").click()
    supervisor.locator(".badge.text-bg-success").wait_for()
    assert CaseArticle.objects.get().status == "published"

    for language in ["zh", "en"]:
        reader = supervisor if language == "zh" else open_page("en")
        if language == "en":
            sign_in(reader, "supervisor")
        for name, url in [("improvements", "/improvements/"), ("cases", "/cases/"), ("reports", "/reports/")]:
            reader.goto(url)
            if name == "reports":
                reader.locator(".kesu-chart[data-drawn=true]").first.wait_for()
            screenshot(reader, f"{name}-{language}")
        reader.goto(f"/complaints/{number}/")
        screenshot(reader, f"complaint-closed-{language}")
