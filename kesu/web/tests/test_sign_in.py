"""Sign-in, sign-out and the language switch (简体中文 by default, English on request)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone


def test_every_page_asks_who_you_are_first(db):
    response = Client().get("/complaints/")

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=/complaints/")


def test_staff_sign_in_with_their_password_and_land_on_their_work(staff):
    client = Client()
    page = client.get("/sign-in/")
    response = client.post("/sign-in/", {"username": "handler", "password": "pw-handler"})

    assert "登录" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_said_in_place(staff):
    response = Client().post("/sign-in/", {"username": "handler", "password": "wrong"})

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert "请输入一个正确的" in response.content.decode()


def test_after_five_wrong_passwords_even_the_right_one_waits_fifteen_minutes(staff, travel):
    client = Client()
    for _ in range(4):
        assert client.post("/sign-in/", {"username": "handler", "password": "guess"}).status_code == 200
    fifth = client.post("/sign-in/", {"username": "handler", "password": "guess"})
    right = client.post("/sign-in/", {"username": "handler", "password": "pw-handler"})
    another = Client().post("/sign-in/", {"username": "agent", "password": "pw-agent"})

    assert fifth.status_code == 429
    assert "登录失败次数过多，请 15 分钟后再试。" in fifth.content.decode()
    assert right.status_code == 429
    assert another.status_code == 302
    travel(timezone.now() + dt.timedelta(minutes=16))
    assert client.post("/sign-in/", {"username": "handler", "password": "pw-handler"}).status_code == 302


def test_a_successful_sign_in_clears_the_failures(staff):
    client = Client()
    for _ in range(4):
        client.post("/sign-in/", {"username": "handler", "password": "guess"})
    assert client.post("/sign-in/", {"username": "handler", "password": "pw-handler"}).status_code == 302

    client = Client()
    for _ in range(4):
        assert client.post("/sign-in/", {"username": "handler", "password": "guess"}).status_code == 200


def test_signing_out_takes_a_post_with_the_token(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff["handler"])
    home = client.get("/")
    token = home.cookies["csrftoken"].value if "csrftoken" in home.cookies else client.cookies["csrftoken"].value

    assert client.post("/sign-out/").status_code == 403
    response = client.post("/sign-out/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_pages_speak_chinese_unless_english_is_chosen(page):
    client = page("handler", language="")
    chinese = client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()

    assert "我的工作" in chinese
    assert 'lang="zh-hans"' in chinese
    assert "My work" in english
    assert 'lang="en"' in english


@pytest.mark.parametrize("language, words", [("zh-hans", "我的工作"), ("en", "My work")])
def test_the_browser_language_is_followed(page, language, words):
    assert words in page("agent", language=language).get("/").content.decode()
