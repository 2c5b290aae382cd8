"""The company's set-up through the API, as an HR synchronisation drives it: departments, staff with
their roles, and posts with their holder and backup. Only the admin role (and superusers) may."""

import pytest
from django.test import Client

from kesu.accounts.models import ApiToken, Department, Seat, User
from kesu.accounts.roles import Role
from kesu.conftest import Api, make_staff


@pytest.fixture
def as_admin(admin):
    return Api(user=admin, language="en")


def delete(api: Api, path: str):
    return api.client.delete(f"/api/v1{path}")


def refused_on(response, status: int, field: str) -> str:
    """The answer's status and the field it names; its message."""
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert [error["field"] for error in body["errors"]] == [field], body
    return body["detail"]


# ---- departments ---------------------------------------------------------------------------------


def test_hr_builds_the_departments_with_their_parents(as_admin):
    assert as_admin.put("/departments/customer_service", {"name": "客户服务中心"}).status_code == 201
    created = as_admin.put("/departments/hotline", {"name": "热线组", "parent": "customer_service"})
    renamed = as_admin.put("/departments/hotline", {"name": "呼叫中心热线组"})

    assert created.status_code == 201
    assert renamed.status_code == 200
    assert renamed.json() == {"code": "hotline", "name": "呼叫中心热线组", "parent": "customer_service", "active": True}
    assert [row["code"] for row in as_admin.get("/departments").json()] == ["customer_service", "hotline"]
    assert Department.objects.get(code="hotline").and_above()[-1].code == "customer_service"


def test_a_department_is_created_once_by_its_code(as_admin):
    assert as_admin.post("/departments", {"code": "quality", "name": "质量部"}).status_code == 201

    again = as_admin.post("/departments", {"code": "quality", "name": "品质部"})

    refused_on(again, 409, "code")
    assert Department.objects.get(code="quality").name == "质量部"


def test_a_department_cannot_be_put_inside_itself_or_a_department_inside_it(as_admin):
    as_admin.put("/departments/company", {"name": "总公司"})
    as_admin.put("/departments/east", {"name": "华东区", "parent": "company"})
    as_admin.put("/departments/shanghai", {"name": "上海分公司", "parent": "east"})

    looped = as_admin.put("/departments/company", {"parent": "shanghai", "name": "集团"})
    itself = as_admin.put("/departments/east", {"parent": "east"})

    assert "part of itself" in refused_on(looped, 422, "parent")
    refused_on(itself, 422, "parent")
    company = Department.objects.get(code="company")
    assert (company.name, company.parent) == ("总公司", None)


def test_an_unknown_parent_is_refused_on_its_field(as_admin):
    refused_on(as_admin.post("/departments", {"code": "east", "name": "华东区", "parent": "nowhere"}), 422, "parent")
    refused_on(as_admin.post("/departments", {"code": "华东", "name": "华东区"}), 422, "code")
    assert not Department.objects.exists()


def test_a_department_in_use_is_kept_and_the_answer_says_why(as_admin, departments):
    make_staff("clerk", Role.DEPARTMENT_STAFF, department=departments["quality"])
    as_admin.put("/departments/lab", {"name": "实验室", "parent": "quality"})

    refused = delete(as_admin, "/departments/quality")

    detail = refused_on(refused, 409, "code")
    assert refused.json()["code"] == "in_use"
    assert "staff: 1" in detail and "departments: 1" in detail
    assert Department.objects.filter(code="quality").exists()


def test_a_department_a_process_routes_to_is_kept(as_admin, call_center):
    detail = refused_on(delete(as_admin, "/departments/service"), 409, "code")

    assert "process call_center" in detail


def test_a_department_nothing_refers_to_is_deleted(as_admin):
    as_admin.put("/departments/temporary", {"name": "临时项目组"})

    assert delete(as_admin, "/departments/temporary").status_code == 204
    assert delete(as_admin, "/departments/temporary").status_code == 404


# ---- staff ---------------------------------------------------------------------------------------


def test_hr_adds_a_member_of_staff_who_then_signs_in(as_admin, departments):
    added = as_admin.put(
        "/staff/wang.fang",
        {
            "display_name": "王芳",
            "email": "wang.fang@example.com",
            "phone": "138 1234 5678",
            "department": "service",
            "roles": ["handler", "follow_up"],
            "password": "Kesu-2026-handler",
        },
    )

    assert added.status_code == 201, added.content.decode()
    assert added.json() | {"date_joined": None} == {
        "username": "wang.fang",
        "name": "王芳",
        "display_name": "王芳",
        "email": "wang.fang@example.com",
        "phone": "+8613812345678",
        "department": "service",
        "roles": ["follow_up", "handler"],
        "active": True,
        "away": False,
        "admin_access": False,
        "superuser": False,
        "date_joined": None,
        "last_login": None,
    }
    signed_in = Api().post("/auth/token", {"username": "wang.fang", "password": "Kesu-2026-handler"})
    assert signed_in.status_code == 201


def test_a_member_added_without_a_password_cannot_sign_in_yet(as_admin):
    assert as_admin.post("/staff", {"username": "li.lei", "roles": ["agent"]}).status_code == 201

    assert Api().post("/auth/token", {"username": "li.lei", "password": ""}).status_code in (401, 422)
    assert not User.objects.get(username="li.lei").has_usable_password()


def test_a_second_sync_changes_only_what_it_sends(as_admin, departments):
    as_admin.put("/staff/zhao", {"display_name": "赵敏", "department": "service", "roles": ["agent"]})

    moved = as_admin.put("/staff/zhao", {"department": "quality", "away": True})

    assert moved.status_code == 200
    assert (moved.json()["display_name"], moved.json()["roles"]) == ("赵敏", ["agent"])
    assert (moved.json()["department"], moved.json()["away"]) == ("quality", True)
    assert as_admin.put("/staff/zhao", {"department": None}).json()["department"] is None


def test_the_staff_list_is_paged_and_filtered_by_department_role_and_active(as_admin, staff):
    staff["colleague"].is_active = False
    staff["colleague"].save()

    handlers = as_admin.get("/staff", {"role": "handler", "department": "service"}).json()
    active_handlers = as_admin.get("/staff", {"role": "handler", "active": "true"}).json()
    first = as_admin.get("/staff", {"page_size": 3}).json()
    second = as_admin.get("/staff", {"page_size": 3, "page": 2}).json()

    assert [row["username"] for row in handlers["items"]] == ["colleague", "handler"]
    assert [row["username"] for row in active_handlers["items"]] == ["handler"]
    assert [row["username"] for row in first["items"]] == ["admin", "agent", "colleague"]
    assert first["has_next"] and second["items"][0]["username"] == "finance"
    assert as_admin.get("/staff/handler").json()["name"] == "处理专员小李"
    assert as_admin.get("/staff/nobody").status_code == 404


def test_an_unknown_role_is_refused_on_the_roles_field_and_nothing_is_written(as_admin):
    refused = as_admin.put("/staff/newcomer", {"display_name": "新人", "roles": ["agent", "boss"]})

    assert "boss" in refused_on(refused, 422, "roles")
    assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", "12345"), ("email", "not-an-address"), ("password", "123"), ("department", "nowhere")],
)
def test_bad_details_are_refused_on_their_field_and_change_nothing(as_admin, staff, field, value):
    refused = as_admin.put("/staff/agent", {"display_name": "改名", "roles": ["handler"], field: value})

    refused_on(refused, 422, field)
    agent = User.objects.get(username="agent")
    assert agent.display_name == "接线员小王"
    assert [group.name for group in agent.groups.all()] == ["agent"]


def test_a_username_must_be_one_kesu_takes(as_admin):
    refused_on(as_admin.put("/staff/王 芳", {"display_name": "王芳"}), 422, "username")
    refused_on(as_admin.post("/staff", {"username": "admin", "display_name": "另一个"}), 409, "username")


@pytest.mark.parametrize("power", ["is_superuser", "user_permissions", "groups"])
def test_the_api_never_grants_superuser_powers_or_single_permissions(as_admin, staff, power):
    refused = as_admin.put("/staff/agent", {power: True})

    assert refused_on(refused, 422, power) == f"{power}: Unknown field."
    assert not User.objects.get(username="agent").is_superuser


def test_a_superuser_is_never_changed_through_the_api(as_admin, db):
    User.objects.create_superuser("root", password="pw-root")

    assert as_admin.put("/staff/root", {"display_name": "根"}).status_code == 403
    assert as_admin.post("/staff/root/deactivate").status_code == 403
    assert Api(user=User.objects.get(username="root")).put("/staff/root", {"roles": []}).status_code == 403
    assert User.objects.get(username="root").is_active
    assert as_admin.get("/staff/root").json()["superuser"] is True


def test_no_one_changes_their_own_roles(as_admin, admin):
    refused = as_admin.put("/staff/admin", {"roles": ["admin", "general_manager"]})
    renamed = as_admin.put("/staff/admin", {"display_name": "系统管理员", "roles": ["admin"]})

    assert refused_on(refused, 403, "roles") == "No one changes their own roles."
    assert renamed.status_code == 200
    refused_on(as_admin.post("/staff/admin/deactivate"), 403, "active")


def test_another_admin_may_be_given_the_admin_role(as_admin, staff):
    promoted = as_admin.put("/staff/manager", {"roles": ["manager", "admin"], "admin_access": True})

    assert promoted.json()["roles"] == ["admin", "manager"]
    assert promoted.json()["admin_access"] is True


def test_staff_who_leave_are_deactivated_never_deleted_and_their_tokens_stop(as_admin, as_, intake, staff):
    number = as_("agent").post("/complaints", intake).json()["number"]
    as_("agent").post(f"/complaints/{number}/assign", {"version": 1, "assignee": "handler"})
    handlers_client = as_("handler")

    left = as_admin.post("/staff/handler/deactivate")

    assert left.status_code == 200 and left.json()["active"] is False
    assert handlers_client.get("/complaints").status_code == 401
    assert not ApiToken.objects.filter(user=staff["handler"]).exists()
    assert as_("supervisor").get(f"/complaints/{number}").json()["assignee"]["username"] == "handler"
    assert as_admin.get("/staff", {"active": "false"}).json()["items"][0]["username"] == "handler"


# ---- posts ---------------------------------------------------------------------------------------


def test_a_post_gets_a_holder_and_a_backup_who_acts_while_the_holder_is_away(as_admin, staff):
    put = as_admin.put("/posts/general_manager", {"holder": "manager", "backup": "supervisor"})
    as_admin.put("/staff/manager", {"away": True})

    assert put.status_code == 200, put.content.decode()
    listed = as_admin.get("/posts").json()
    assert listed == [
        {
            "key": "general_manager",
            "department": None,
            "holder": "manager",
            "backup": "supervisor",
            "acting": "supervisor",
        }
    ]


def test_a_department_post_is_apart_from_the_company_wide_one(as_admin, staff):
    as_admin.put("/posts/tier_owner", {"holder": "manager"})
    as_admin.put("/posts/tier_owner", {"department": "service", "holder": "supervisor"})
    changed = as_admin.put("/posts/tier_owner", {"department": "service", "holder": "handler", "backup": "colleague"})

    assert changed.json()["holder"] == "handler"
    assert [row["holder"] for row in as_admin.get("/posts", {"key": "tier_owner"}).json()] == ["manager", "handler"]
    assert delete(as_admin, "/posts/tier_owner?department=service").status_code == 204
    assert list(Seat.objects.values_list("primary__username", flat=True)) == ["manager"]
    assert delete(as_admin, "/posts/tier_owner?department=service").status_code == 404


def test_a_post_is_held_by_active_staff_and_the_backup_is_someone_else(as_admin, staff):
    staff["colleague"].is_active = False
    staff["colleague"].save()

    refused_on(as_admin.put("/posts/gm", {"holder": "colleague"}), 422, "holder")
    refused_on(as_admin.put("/posts/gm", {"holder": "manager", "backup": "colleague"}), 422, "backup")
    same = as_admin.put("/posts/gm", {"holder": "manager", "backup": "manager"})
    refused_on(as_admin.put("/posts/gm", {"holder": "nobody"}), 422, "holder")
    refused_on(as_admin.put("/posts/GM Office", {"holder": "manager"}), 422, "key")

    assert "other than the holder" in refused_on(same, 422, "backup")
    assert not Seat.objects.exists()


# ---- who may -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "person", ["agent", "handler", "supervisor", "manager", "follow_up", "quality_clerk", "finance", "outsider"]
)
def test_only_the_admin_role_configures(staff, person):
    api = Api(user=staff[person])

    for path in ["/departments", "/departments/service", "/staff", "/staff/agent", "/posts"]:
        assert api.get(path).status_code == 403, path
    assert api.put("/departments/service", {"name": "改名"}).status_code == 403
    assert api.post("/departments", {"code": "new", "name": "新部门"}).status_code == 403
    assert delete(api, "/departments/logistics").status_code == 403
    assert api.put("/staff/agent", {"roles": ["admin"]}).status_code == 403
    assert api.post("/staff/agent/deactivate").status_code == 403
    assert api.put("/posts/gm", {"holder": "manager"}).status_code == 403
    assert Department.objects.get(code="service").name == "客服部"
    assert User.objects.get(username="agent").is_active


def test_a_superuser_configures_too(staff):
    root = User.objects.create_superuser("root", password="pw-root")

    answer = Api(user=root).put("/staff/agent", {"display_name": "接线员王小二"})

    assert answer.status_code == 200


def test_without_a_token_nothing_is_answered(staff):
    assert Client().get("/api/v1/staff").status_code == 401


# ---- the admin pages keep the same rules -----------------------------------------------------------


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_admin_pages_refuse_a_department_inside_itself(departments):
    Department.objects.filter(code="quality").update(parent=departments["service"])
    page = signed_in(make_staff("it_admin", Role.ADMIN, is_staff=True))

    answer = page.post(
        f"/admin/accounts/department/{departments['service'].pk}/change/",
        {"code": "service", "name": "客服部", "is_active": "on", "parent": departments["quality"].pk},
    )

    assert answer.status_code == 200 and "part of itself" in answer.content.decode()
    assert Department.objects.get(code="service").parent is None


def test_the_admin_pages_refuse_a_backup_who_is_the_holder(staff):
    page = signed_in(make_staff("it_admin", Role.ADMIN, is_staff=True))

    answer = page.post(
        "/admin/accounts/seat/add/", {"key": "gm", "primary": staff["manager"].pk, "backup": staff["manager"].pk}
    )

    assert answer.status_code == 200 and "other than the holder" in answer.content.decode()
    assert not Seat.objects.exists()


def test_in_the_admin_pages_no_one_changes_their_own_roles(db):
    it = make_staff("it_admin", Role.ADMIN, is_staff=True)

    form = signed_in(it).get(f"/admin/accounts/user/{it.pk}/change/").content.decode()

    assert 'name="groups"' not in form
    assert 'name="groups"' in signed_in(it).get(f"/admin/accounts/user/{make_staff('li').pk}/change/").content.decode()
