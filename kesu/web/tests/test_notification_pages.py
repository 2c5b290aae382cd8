"""The bell, the inbox and the notification settings: each person's own notifications, opened where they lead."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.notifications.models import DeliveryChannel, Notification, NotificationKind, NotificationPreference
from kesu.notifications.services import notify
from kesu.web.tests.conftest import htmx
from kesu.web.tests.test_i18n import visible_text


def told(user, count: int = 1, kind=NotificationKind.ASSIGNED_TO_YOU, **data) -> list[Notification]:
    """`count` notifications for `user`, one minute apart, the last one newest; numbers KS-1, KS-2…"""
    start = timezone.now() - dt.timedelta(hours=1)
    made = []
    for index in range(1, count + 1):
        [notification] = notify(users=[user], kind=kind, **{"number": f"KS-{index}", **data})
        Notification.objects.filter(pk=notification.pk).update(created_at=start + dt.timedelta(minutes=index))
        made.append(notification)
    return made


def bell(html: str) -> str:
    return re.search(r'<a [^>]*id="nav-bell".*?</a>', html, re.S).group(0)


def test_the_bell_counts_unread_notifications_and_opens_the_inbox(page, assigned):
    html = page("handler").get("/").content.decode()

    link = bell(html)
    assert 'href="/notifications/"' in link
    assert 'aria-label="通知，1 条未读"' in link
    assert '<span class="badge rounded-pill text-bg-warning" id="nav-unread" aria-hidden="true">1</span>' in link
    english = bell(page("handler", "en").get("/").content.decode())
    assert 'aria-label="Notifications, 1 unread"' in english


def test_the_bell_shows_no_count_when_all_is_read_and_stays_outside_the_folded_menu(page, staff):
    html = page("colleague").get("/").content.decode()

    assert 'aria-label="通知"' in bell(html)
    assert "nav-unread" not in html
    assert html.index('id="nav-bell"') < html.index('id="nav-menu"')  # not folded away on phones


def test_the_inbox_lists_my_notifications_newest_first_with_the_unread_marked(page, staff):
    first, second, third = told(staff["handler"], 3)
    Notification.objects.filter(pk=second.pk).update(read_at=timezone.now())
    told(staff["colleague"])

    html = page("handler").get("/notifications/").content.decode()

    rows = re.findall(r'data-notification="(\d+)"( data-unread)?', html)
    assert rows == [(str(third.pk), " data-unread"), (str(second.pk), ""), (str(first.pk), " data-unread")]
    assert "投诉 KS-3 已分派给您。" in html
    assert f'href="/notifications/{third.pk}/open/"' in html
    assert html.count("未读</span>") == 2


def test_unread_only_leaves_out_what_was_read(page, staff):
    read, unread = told(staff["handler"], 2)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())

    html = page("handler").get("/notifications/", {"unread": "1"}).content.decode()

    assert f'data-notification="{unread.pk}"' in html
    assert f'data-notification="{read.pk}"' not in html
    Notification.objects.filter(pk=unread.pk).update(read_at=timezone.now())
    assert "没有未读通知。" in page("handler").get("/notifications/", {"unread": "1"}).content.decode()


def test_the_inbox_comes_in_pages(page, staff):
    told(staff["handler"], 27)

    first = page("handler").get("/notifications/").content.decode()
    second = page("handler").get("/notifications/", {"page": "2"}).content.decode()

    assert first.count("data-notification=") == 25 and "第 1 页，共 2 页" in first
    assert second.count("data-notification=") == 2 and "KS-1 " in second


def test_the_inbox_reads_as_many_queries_for_many_rows_as_for_one(page, staff):
    told(staff["handler"])
    client = page("handler")
    client.get("/notifications/")  # the session and the permissions, read once per request alike
    with CaptureQueriesContext(connection) as one:
        client.get("/notifications/")
    told(staff["handler"], 25)

    with CaptureQueriesContext(connection) as many:
        assert client.get("/notifications/").content.decode().count("data-notification=") == 25

    assert len(many) == len(one) <= 8


def test_opening_a_notification_marks_it_read_and_leads_to_its_complaint(page, assigned, staff):
    notification = Notification.objects.get(user=staff["handler"])

    response = page("handler").get(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == f"/complaints/{assigned.number}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "nav-unread" not in page("handler").get(response["Location"]).content.decode()


def test_a_task_notification_leads_to_its_task(page, staff):
    [notification] = told(staff["handler"], kind=NotificationKind.TASK_FOR_YOU, task_id=7, task="核实物流")

    response = page("handler").get(f"/notifications/{notification.pk}/open/")

    assert response["Location"] == "/tasks/7/"


def test_nobody_else_may_open_my_notification(page, staff):
    [notification] = told(staff["handler"])

    assert page("colleague").get(f"/notifications/{notification.pk}/open/").status_code == 404
    assert page("manager").get(f"/notifications/{notification.pk}/open/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_clears_the_bell_of_its_reader_only(page, staff):
    told(staff["handler"], 3)
    told(staff["colleague"])

    response = page("handler").post("/notifications/read-all/")

    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert not Notification.objects.filter(user=staff["handler"], read_at=None).exists()
    assert Notification.objects.filter(user=staff["colleague"], read_at=None).count() == 1
    assert page("handler").get("/notifications/read-all/").status_code == 405


def test_mark_all_read_needs_the_forms_csrf_token(staff):
    told(staff["handler"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff["handler"])

    assert client.post("/notifications/read-all/").status_code == 403
    assert Notification.objects.filter(user=staff["handler"], read_at=None).count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(db):
    for path in ["/notifications/", "/notifications/settings/", "/notifications/1/open/"]:
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/"), path


# ---- settings ------------------------------------------------------------------------------------


@pytest.fixture
def email_on(settings, staff):
    settings.EMAIL_ENABLED = True
    staff["handler"].email = "handler@example.com"
    staff["handler"].save()


def test_the_settings_grid_names_each_kind_and_channel_in_the_readers_language(page, email_on):
    chinese = visible_text(page("handler").get("/notifications/settings/").content.decode())
    english = visible_text(page("handler", "en").get("/notifications/settings/").content.decode())

    assert "有投诉分派给您" in chinese and "电子邮件" in chinese
    assert "A complaint was assigned to you" in english and "E-mail" in english
    for kind in NotificationKind.values:
        assert kind not in chinese and kind not in english


def test_turning_a_kind_off_keeps_it_off_for_email_only(page, email_on, staff):
    html = page("handler").get("/notifications/settings/").content.decode()
    boxes = re.findall(r'name="on" value="([^"]+)"[^>]*?( checked)?>', html)
    assert len(boxes) == len(NotificationKind.values) and all(checked for _value, checked in boxes)

    kept = [value for value, _checked in boxes if value != "task_done:email"]
    response = page("handler").post("/notifications/settings/", {"on": kept})

    assert response.status_code == 302 and response["Location"] == "/notifications/settings/?saved=1"
    off = NotificationPreference.objects.filter(user=staff["handler"], enabled=False)
    assert [(each.kind, each.channel) for each in off] == [("task_done", DeliveryChannel.EMAIL)]
    again = page("handler").get(response["Location"]).content.decode()
    assert "您的选择已保存。" in again
    assert re.search(r'value="task_done:email"[^>]*>', again).group(0).count("checked") == 0


def test_without_email_set_up_the_settings_say_so_instead_of_an_empty_grid(page, settings, staff):
    settings.EMAIL_ENABLED = False
    staff["handler"].email = "handler@example.com"
    staff["handler"].save()

    html = page("handler").get("/notifications/settings/").content.decode()

    assert "本系统未设置电子邮件" in html
    assert 'type="checkbox"' not in html


def test_without_an_email_address_the_settings_say_so(page, settings, staff):
    settings.EMAIL_ENABLED = True

    html = page("handler", "en").get("/notifications/settings/").content.decode()

    assert "You have no e-mail address in Kesu" in html
    assert 'type="checkbox"' not in html


def test_paging_in_place_answers_with_the_results_only(page, staff):
    told(staff["handler"], 27)

    response = htmx(page("handler"), "get", "/notifications/", {"page": "2"}, HTTP_HX_TARGET="list-results")

    html = response.content.decode()
    assert "<html" not in html and html.count("data-notification=") == 2
