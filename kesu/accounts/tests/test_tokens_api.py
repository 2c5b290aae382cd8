from kesu.conftest import Api


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
