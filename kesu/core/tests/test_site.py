"""The things `make run` promises: API docs, OpenAPI schema, the admin, `kesu init`."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.conftest import make_staff
from kesu.processes.models import Process


def test_the_openapi_schema_lists_every_step(db):
    schema = Client().get("/api/v1/openapi.json").json()

    paths = schema["paths"]
    assert "/api/v1/complaints" in paths
    assert "/api/v1/complaints/{number}/plan/approve" in paths
    assert "/api/v1/complaints/{number}/involved" in paths


def test_the_api_docs_are_served_without_the_internet(db):
    page = Client().get("/api/v1/docs")

    assert page.status_code == 200
    assert "cdn." not in page.content.decode()


def test_init_creates_the_admin_once_and_loads_the_process(db):
    out = io.StringIO()
    call_command("init", process=["call_center"], stdout=out)
    call_command("init", process=["call_center"], stdout=(second := io.StringIO()))

    assert "Admin account created: admin / " in out.getvalue()
    assert "Admin account created" not in second.getvalue()
    assert User.objects.get(username="admin").is_superuser
    assert Process.objects.get().is_default


@pytest.mark.parametrize(
    "page",
    [
        "/admin/",
        "/admin/accounts/department/",
        "/admin/accounts/user/",
        "/admin/processes/process/",
        "/admin/processes/process/add/",
        "/admin/auth/group/",
        "/admin/accounts/seat/",
        "/admin/accounts/seat/add/",
        "/admin/processes/calendaroverride/",
        "/admin/processes/calendaroverride/add/",
    ],
)
def test_an_administrator_manages_departments_staff_roles_and_processes(db, page):
    admin = make_staff("it_admin", Role.ADMIN, is_staff=True)
    client = Client()
    client.force_login(admin)

    assert client.get(page).status_code == 200


def test_a_new_process_version_is_added_in_the_admin(db):
    admin = make_staff("it_admin", Role.ADMIN, is_staff=True)
    client = Client()
    client.force_login(admin)
    from kesu.processes.services import LIBRARY

    text = (LIBRARY / "call_center.yaml").read_text(encoding="utf-8")
    client.post("/admin/processes/process/add/", {"text": text})
    wrong = client.post("/admin/processes/process/add/", {"text": text.replace("无效投诉", "x")})

    assert Process.objects.get().name == "call_center"
    assert wrong.status_code == 200
    assert "version" in wrong.content.decode().lower()


def test_a_handler_cannot_enter_the_admin(db):
    handler = make_staff("handler", Role.HANDLER)
    client = Client()
    client.force_login(handler)

    assert client.get("/admin/").status_code == 302
