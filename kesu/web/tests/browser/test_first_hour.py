"""A company's first hour, in the browser: on a fresh database the admin signs in, is pointed to the
setup page, names the company, chooses a process, adds a department and two members of staff, looks
at the channels and finishes; the agent then signs in with the password the page gave and records a
complaint. Each step is photographed at 1440 and 390 pixels, in Chinese and in English, and checked
for words of the other language and for pages wider than the screen."""

import re

import pytest
from playwright.sync_api import expect

from kesu.accounts.models import User
from kesu.complaints.models import Complaint
from kesu.web.models import CompanySetup
from kesu.web.tests.browser.conftest import PHONE, screenshot, sign_in
from kesu.web.tests.test_i18n import han, latin_words

DESKTOP = {"width": 1440, "height": 900}
COMPANY = "鲜达客户服务有限公司"
# What the admin and the agent typed: shown as typed whatever the page's language.
DATA = {
    COMPANY,
    "客服部",
    "呼叫中心",
    "接线员小王",
    "处理专员小李",
    "王女士",
    "客服电话无人接听",
    "打了三次都没人接",
    "管理员",
    "简体中文",
}


def look(page, language: str, name: str, *, besides: frozenset = frozenset()) -> None:
    """Photograph the page at 1440 and at 390 pixels; at each, nothing runs off the side and no word
    of the other language is left (`besides`: data shown as typed, such as a password)."""
    short = "zh" if language == "zh-hans" else "en"
    for label, viewport in (("1440", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], (name, label, width)
        text = page.inner_text("body")
        for typed in besides:
            text = text.replace(typed, "")
        if language == "zh-hans":
            leftover = latin_words(text)
        else:
            leftover = {word for word in han(text) if not any(word in known or known in word for known in DATA)}
        assert not leftover, (name, label, leftover)
        screenshot(page, f"first-hour-{name}-{label}-{short}")
    page.set_viewport_size(DESKTOP)


def add_staff(page, *, display_name: str, username: str, phone: str, role: str) -> str:
    """Fill the staff form, leaving the password to Kesu; returns the password it shows once."""
    page.fill("#id_display_name", display_name)
    page.fill("#id_username", username)
    page.fill("#id_phone", phone)
    page.select_option("#id_role", role)
    page.select_option("#id_department", label="客服部")
    page.click("#staff-form button[type=submit]")
    message = page.locator("#setup-message").inner_text()
    return re.search(r"(?:密码|password) ([\w-]{12})", message).group(1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_first_hour_from_a_fresh_database_to_the_first_complaint(open_page, language):
    User.objects.create_superuser(username="admin", password="pw-admin", display_name="管理员")  # as `kesu init` does
    admin = open_page(language, DESKTOP)
    sign_in(admin, "admin")
    expect(admin.locator("#setup-card")).to_be_visible()
    look(admin, language, "1-home")

    admin.click("#setup-card a")
    admin.fill("#id_company_name", COMPANY)
    look(admin, language, "2-company")
    admin.click("#company-form button[type=submit]")

    admin.wait_for_url("**/setup/processes/")
    expect(admin.locator("#processes-form input[name=processes]")).to_have_count(9)
    admin.check("#template-call_center")
    look(admin, language, "3-processes")
    admin.click("#processes-submit")

    admin.wait_for_url("**/setup/departments/")
    named_by_the_process = admin.locator("#department-list form").first  # the call centre's "service"
    named_by_the_process.locator("input[name=name]").fill("呼叫中心")
    named_by_the_process.locator("button[type=submit]").click()
    expect(admin.locator("#setup-message")).to_contain_text("呼叫中心")
    admin.fill("#id_new-name", "客服部")
    admin.click("#department-form button[type=submit]")
    expect(admin.locator("#department-list input[name=name]")).to_have_count(2)
    expect(admin.locator("#department-list input[value=客服部]")).to_have_count(1)
    look(admin, language, "4-departments")
    admin.click("#setup-continue")

    admin.wait_for_url("**/setup/posts/")
    expect(admin.locator("#no-posts")).to_be_visible()  # the call centre's rules name no post
    look(admin, language, "5-posts")
    admin.click("#setup-continue")

    admin.wait_for_url("**/setup/staff/")
    agent_password = add_staff(admin, display_name="接线员小王", username="xiaowang", phone="13812340001", role="agent")
    handler_password = add_staff(
        admin, display_name="处理专员小李", username="xiaoli", phone="13812340002", role="handler"
    )
    expect(admin.locator("#staff-list tbody tr")).to_have_count(2)
    look(admin, language, "6-staff", besides=frozenset({handler_password}))
    admin.click("#setup-continue")

    admin.wait_for_url("**/setup/channels/")
    look(admin, language, "7-channels")
    admin.click("#setup-continue")
    expect(admin.locator("#setup-next")).to_be_visible()
    look(admin, language, "8-done")
    assert CompanySetup.objects.get().finished_at is not None

    agent = open_page(language, DESKTOP)
    agent.goto("/sign-in/")
    agent.fill("input[name=username]", "xiaowang")
    agent.fill("input[name=password]", agent_password)
    agent.click("#main form button[type=submit]")
    agent.wait_for_url(lambda url: "/sign-in/" not in url)
    expect(agent.locator("#nav-company")).to_contain_text(COMPANY)
    look(agent, language, "9-agent-home")

    agent.goto("/intake/")
    agent.fill("#id_customer_phone", "13912345678")
    agent.fill("#id_customer_name", "王女士")
    agent.select_option("#id_category", "service_quality")
    agent.fill("#id_description", "客服电话无人接听，打了三次都没人接。")
    look(agent, language, "10-intake")
    agent.click("#intake-submit")
    agent.wait_for_url("**/complaints/*/")

    complaint = Complaint.objects.get()
    assert (complaint.process.name, complaint.created_by.username) == ("call_center", "xiaowang")
    expect(agent.locator("#complaint-title")).to_have_text(complaint.number)
    look(agent, language, "11-complaint")
