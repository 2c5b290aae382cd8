"""Every word of the pages in both languages: a complete Chinese catalogue, nothing left in English."""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings

from kesu.accounts.models import User
from kesu.web.tests.conftest import advance

CATALOGUE = Path(settings.BASE_DIR) / "kesu" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_the_chinese_catalogue_is_complete_and_checked():
    catalogue = polib.pofile(str(CATALOGUE))

    assert not [entry.msgid for entry in catalogue.untranslated_entries()]
    assert not [entry.msgid for entry in catalogue.fuzzy_entries()]


class _Text(HTMLParser):
    """The words a person sees or hears: text, and the labels and titles of elements."""

    SKIP = {"script", "style"}
    ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}

    def __init__(self):
        super().__init__()
        self.words, self._skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        self.words += [value for name, value in attrs if name in self.ATTRIBUTES and value]
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.words.append(dict(attrs).get("value", ""))

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.words.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.words)


# Words that are the same in both languages: names, units, the language's own name, "App" (a channel: 微信 App…),
# "Webhook" (a channel of the outbox).
ALLOWED_LATIN = {"English", "KS", "v1", "Ctrl", "Enter", "Excel", "CSV", "PDF", "MB", "KB", "App", "Webhook"}


def latin_words(text: str) -> set[str]:
    usernames = set(User.objects.values_list("username", flat=True))  # data, shown beside display names
    allowed = ALLOWED_LATIN | usernames | {part for name in usernames for part in name.split("_")}
    return {word for word in re.findall(r"[A-Za-z][A-Za-z']+", text) if word not in allowed}


def han(text: str) -> set[str]:
    return set(re.findall(r"[\u4e00-\u9fff]+", text))


@pytest.fixture
def main_pages(assigned, staff):
    complaint = advance(
        assigned,
        staff["handler"],
        ("start_investigation", {}),
        ("record_finding", {"finding": "product_defect"}),
        ("propose_plan", {"summary": "退款", "remedies": [{"kind": "refund", "amount": "10"}]}),
    )
    return [
        "/",
        "/intake/",
        "/complaints/",
        f"/complaints/{complaint.number}/",
        f"/complaints/{complaint.number}/steps/approve_plan/",
        f"/complaints/{complaint.number}/steps/contact/",
        f"/complaints/{complaint.number}/steps/assign/",
        f"/complaints/{complaint.number}/people/assign/",
    ]


def test_the_main_screens_have_no_english_left_in_chinese(page, main_pages):
    for path in main_pages:
        text = visible_text(page("supervisor").get(path).content.decode())
        assert not latin_words(text), (path, latin_words(text))


def test_the_sign_in_page_is_chinese_too(db):
    from django.test import Client

    text = visible_text(Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/sign-in/").content.decode())

    assert not latin_words(text)


def test_the_main_screens_are_all_english_in_english(page, main_pages):
    data = {"张三丰", "张", "手机充电时发烫", "要求退货", "退款", "接线员小王", "处理专员小李", "主管老陈", "客服部"}
    data |= {"简体中文", "经理", "处理专员小张", "回访员", "物流部", "质量部"}
    for path in main_pages:
        text = visible_text(page("supervisor", "en").get(path).content.decode())
        leftover = {word for word in han(text) if not any(word in known or known in word for known in data)}
        assert not leftover, (path, leftover)


# ---- the pages of issue 5 ------------------------------------------------------------------

ISSUE5_DATA = {"已向客户解释清楚", "服务质量投诉", "话术培训", "原因", "措施", "案例", "服务", "客户态度", "满意"}


@pytest.fixture
def issue5_pages(closed, staff):
    import datetime as dt

    from django.utils import timezone

    from kesu.cases.services import case_article_write
    from kesu.improvements.services import improvement_create

    article = case_article_write(actor=staff["supervisor"], complaint_number=closed.number, title="案例", tags=["服务"])
    action = improvement_create(
        actor=staff["supervisor"],
        title="话术培训",
        root_cause="原因",
        action="措施",
        owner=staff["supervisor"],
        due_date=timezone.localdate() + dt.timedelta(days=3),
        complaint_numbers=[closed.number],
    )
    steps = ["accountability", "mark", "create_improvement", "link_improvement", "write_case"]
    return [
        f"/complaints/{closed.number}/",
        *[f"/complaints/{closed.number}/steps/{step}/" for step in steps],
        f"/complaints/{closed.number}/people/create_improvement/",
        "/improvements/",
        "/improvements/new/",
        f"/improvements/{action.pk}/",
        "/cases/",
        f"/cases/{article.pk}/",
        f"/cases/{article.pk}/edit/",
        "/reports/",
    ]


def test_the_new_pages_have_no_english_left_in_chinese(page, issue5_pages):
    for path in issue5_pages:
        text = visible_text(page("supervisor").get(path).content.decode())
        assert not latin_words(text), (path, latin_words(text))


def test_the_new_pages_are_all_english_in_english(page, issue5_pages):
    data = ISSUE5_DATA | {"张三丰", "接线员小王", "处理专员小李", "主管老陈", "客服部", "简体中文", "经理"}
    data |= {"处理专员小张", "回访员", "物流部", "质量部", "已向客户解释", "张", "手机充电时发烫", "要求退货"}
    for path in issue5_pages:
        text = visible_text(page("supervisor", "en").get(path).content.decode())
        leftover = {word for word in han(text) if not any(word in known or known in word for known in data)}
        assert not leftover, (path, leftover)


def test_the_survey_speaks_both_languages(resolved):
    from django.test import Client

    url = f"/survey/{resolved.follow_ups.get().survey_token}/"
    chinese = visible_text(Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(url).content.decode())
    english = visible_text(Client(HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode())

    assert not latin_words(chinese)
    assert not han(english) - {"简体中文"}


# ---- the inbox and the outbox --------------------------------------------------------------------


@pytest.fixture
def outbox_pages(assigned, staff, settings):
    from kesu.notifications.models import Delivery, DeliveryAttempt, NotificationKind
    from kesu.notifications.services import notify

    settings.EMAIL_ENABLED = True
    staff["manager"].email = "manager@example.com"
    staff["manager"].save()
    notify(users=[staff["manager"]], kind=NotificationKind.APPROVAL_NEEDED, number=assigned.number)
    failed = Delivery.objects.create(
        channel="sms",
        recipient="+8613812345678",
        kind="acknowledgement",
        idempotency_key="i18n:sms",
        complaint=assigned,
        status="failed",
        attempts=1,
    )
    DeliveryAttempt.objects.create(delivery=failed, ok=False, response_code="503", duration_ms=12)
    return [
        "/notifications/",
        "/notifications/?unread=1",
        "/notifications/settings/",
        "/outbox/",
        f"/outbox/{failed.pk}/",
    ]


def test_the_inbox_and_outbox_have_no_english_left_in_chinese(page, outbox_pages):
    for path in outbox_pages:
        text = visible_text(page("manager").get(path).content.decode())
        text = re.sub(r"\S+@\S+", "", text)  # the manager's e-mail in the outbox (masked) is data
        assert not latin_words(text), (path, latin_words(text))


def test_the_inbox_and_outbox_are_all_english_in_english(page, outbox_pages):
    data = {"经理", "简体中文"}
    for path in outbox_pages:
        text = visible_text(page("manager", "en").get(path).content.decode())
        assert not han(text) - data, (path, han(text) - data)
