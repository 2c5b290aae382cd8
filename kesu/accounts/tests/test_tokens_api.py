import datetime as dt

from django.test import Client

from kesu.accounts.models import ApiToken, User
from kesu.accounts.roles import Role
from kesu.conftest import Api, make_staff


def test_staff_get_a_token_with_their_password_and_use_it(staff, call_center):
    anonymous = Api()

    issued = anonymous.post("/auth/token", {"username": "agent", "password": "pw-agent"})

    assert issued.status_code == 201
    token = issued.json()["token"]
    listed = anonymous.client.get("/api/v1/complaints", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert listed.status_code == 200


def test_a_wrong_password_gets_no_token(staff):
    refused = Api(language="en").post("/auth/token", {"username": "agent", "password": "guess"})

    assert refused.status_code == 401
    assert refused.json()["detail"] == "Wrong username or password."


def test_guessing_passwords_for_a_token_is_stopped_after_five_tries(staff):
    api = Api(language="en")
    for _ in range(4):
        assert api.post("/auth/token", {"username": "agent", "password": "guess"}).status_code == 401

    fifth = api.post("/auth/token", {"username": "agent", "password": "guess"})
    right = api.post("/auth/token", {"username": "agent", "password": "pw-agent"})

    assert fifth.status_code == 429
    assert fifth.json()["code"] == "locked_out"
    assert fifth.json()["detail"] == "Too many failed sign-ins. Try again in 15 minutes."
    assert fifth.json()["errors"] == [{"field": "username", "message": fifth.json()["detail"]}]
    assert right.status_code == 429
    assert Api().post("/auth/token", {"username": "manager", "password": "pw-manager"}).status_code == 201


def test_a_deactivated_member_of_staffs_token_stops_working(staff, call_center):
    api = Api(user=staff["agent"])
    staff["agent"].is_active = False
    staff["agent"].save()

    assert api.get("/complaints").status_code == 401


def test_a_token_expires_after_its_lifetime(staff, call_center, settings, travel):
    settings.API_TOKEN_DAYS = 30
    travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC))
    token = Api().post("/auth/token", {"username": "agent", "password": "pw-agent"}).json()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token['token']}"}

    assert token["expires_at"].startswith("2026-12-31")
    travel(dt.datetime(2026, 12, 30, 9, tzinfo=dt.UTC))
    assert Client().get("/api/v1/complaints", **headers).status_code == 200
    travel(dt.datetime(2026, 12, 31, 10, tzinfo=dt.UTC))
    assert Client().get("/api/v1/complaints", **headers).status_code == 401


def test_staff_list_their_tokens_and_revoke_them(staff, call_center):
    first = Api().post("/auth/token", {"username": "agent", "password": "pw-agent", "name": "笔记本"}).json()
    second = Api().post("/auth/token", {"username": "agent", "password": "pw-agent", "name": "手机"}).json()
    laptop = Client(HTTP_AUTHORIZATION=f"Bearer {first['token']}")
    phone = Client(HTTP_AUTHORIZATION=f"Bearer {second['token']}")

    listed = laptop.get("/api/v1/auth/tokens").json()
    assert [(row["name"], row["current"]) for row in listed] == [("手机", False), ("笔记本", True)]
    assert phone.delete(f"/api/v1/auth/tokens/{listed[1]['id']}").status_code == 204  # the laptop's, from the phone
    assert laptop.get("/api/v1/complaints").status_code == 401
    assert phone.delete("/api/v1/auth/token").status_code == 204  # signing out
    assert phone.get("/api/v1/complaints").status_code == 401
    assert not ApiToken.objects.filter(user=staff["agent"]).exclude(name="").exists()


def test_someone_elses_token_cannot_be_revoked(staff, call_center):
    theirs, _key = ApiToken.issue(user=staff["handler"])

    response = Api(user=staff["agent"]).client.delete(f"/api/v1/auth/tokens/{theirs.pk}")

    assert response.status_code == 404 and ApiToken.objects.filter(pk=theirs.pk).exists()


def test_an_account_without_a_role_gets_no_token(db):
    User.objects.create_user("newcomer", password="pw-newcomer")

    refused = Api(language="en").post("/auth/token", {"username": "newcomer", "password": "pw-newcomer"})

    assert refused.status_code == 403 and "no role" in refused.json()["detail"]


def test_the_admin_revokes_a_token_in_the_admin(staff):
    token, _key = ApiToken.issue(user=staff["agent"], name="丢失的手机")
    it = make_staff("it_admin", Role.ADMIN, is_staff=True)
    client = Client()
    client.force_login(it)

    assert "丢失的手机" in client.get("/admin/accounts/apitoken/").content.decode()
    assert client.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
