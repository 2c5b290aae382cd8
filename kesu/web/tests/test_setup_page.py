"""The setup page: the admin names the company, chooses processes, names and adds departments, fills
the posts, adds staff and reviews the channels; the page can be left and is taken up again where
it was. Only the admin role and superusers set up."""

import pytest
from django.test import Client

from kesu.accounts.models import Department, Seat, User
from kesu.accounts.roles import Role
from kesu.accounts.services import staff_roles
from kesu.conftest import make_staff
from kesu.lib.errors import NotAllowed
from kesu.processes.models import Process
from kesu.web import setup
from kesu.web.models import CompanySetup
from kesu.web.tests.test_i18n import han, latin_words, visible_text


@pytest.fixture
def admin_page(admin):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(admin)
    return client


def _post(client, step: str, form: str, **data):
    return client.post(f"/setup/{step}/", {"form": form, **data})


def _through_processes(client, *names):
    _post(client, "company", "company", company_name="鲜达生鲜配送有限公司")
    return _post(client, "processes", "processes", processes=list(names))


# ---- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.GENERAL_MANAGER, None])
def test_only_the_admin_role_may_open_the_setup_page(db, role):
    person = make_staff("someone", *([role] if role else []))
    client = Client()
    client.force_login(person)

    assert client.get("/setup/").status_code == 403
    assert _post(client, "company", "company", company_name="别人的公司").status_code == 403
    assert CompanySetup.objects.filter(company_name="别人的公司").count() == 0


def test_a_superuser_may_set_up_too(db):
    root = User.objects.create_superuser(username="root", password="pw-root")
    client = Client()
    client.force_login(root)

    assert client.get("/setup/").status_code == 200


def test_the_services_refuse_anyone_but_the_admin(db, staff):
    with pytest.raises(NotAllowed):
        setup.setup_add_staff(
            actor=staff["supervisor"], username="x", display_name="X", phone="", role="agent", department=None
        )
    with pytest.raises(NotAllowed):
        setup.setup_load_processes(actor=staff["agent"], names=["retail"])


def test_signing_out_leads_to_the_sign_in_page(db):
    assert Client().get("/setup/")["Location"].startswith("/sign-in/")


# ---- the steps ----------------------------------------------------------------------------------


def test_a_fresh_setup_starts_with_the_company_and_the_home_page_points_to_it(admin_page):
    home = admin_page.get("/").content.decode()
    page = admin_page.get("/setup/")

    assert 'id="setup-card"' in home
    assert page.status_code == 200
    assert page.context["step"] == "company"
    assert "公司名称" in page.content.decode()


def test_the_company_is_named_and_shown_at_the_top_of_every_page(admin_page):
    answer = _post(admin_page, "company", "company", company_name="  鲜达生鲜配送有限公司 ")

    assert answer.status_code == 302 and answer["Location"] == "/setup/processes/"
    assert setup.company_name() == "鲜达生鲜配送有限公司"
    assert "鲜达生鲜配送有限公司" in admin_page.get("/").content.decode()


def test_a_company_without_a_name_is_refused_on_its_field(admin_page):
    answer = _post(admin_page, "company", "company", company_name="   ")

    assert answer.status_code == 422
    assert "company_name" in answer.context["company_form"].errors


def test_the_nine_templates_are_offered_in_plain_words_in_both_languages(admin_page, admin):
    chinese = admin_page.get("/setup/processes/").content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(admin)
    english = english.get("/setup/processes/").content.decode()

    assert chinese.count('name="processes"') == 9
    assert "呼叫中心投诉处理流程" in chinese and "适合呼叫中心" in chinese
    assert "Call-centre complaint process" in english and "For a call centre" in english
    assert "call_center" not in chinese.replace('value="call_center"', "").replace("template-call_center", "")


def test_chosen_processes_are_loaded_and_the_setup_moves_on(admin_page):
    answer = _through_processes(admin_page, "fresh_delivery", "retail")

    assert answer["Location"] == "/setup/departments/"
    # fresh_delivery hands food safety over to its plan, loaded with it
    assert set(Process.objects.values_list("name", flat=True)) == {"fresh_delivery", "food_safety", "retail"}
    assert Process.objects.get(is_default=True).name == "fresh_delivery"
    page = admin_page.get("/setup/processes/").content.decode()
    assert page.count("checked disabled") == 2


def test_the_company_runs_at_least_one_process(admin_page):
    answer = _through_processes(admin_page)

    assert answer.status_code == 422
    assert "processes" in answer.context["processes_form"].errors
    assert not Process.objects.exists()


def test_an_unknown_template_is_refused(admin_page):
    answer = _through_processes(admin_page, "shipyard")

    assert answer.status_code == 422
    assert not Process.objects.exists()


def test_the_setup_is_taken_up_again_where_it_was_left(admin_page):
    _through_processes(admin_page, "retail")

    assert admin_page.get("/setup/").context["step"] == "departments"
    assert admin_page.get("/setup/company/").context["step"] == "company"  # any step opens again


def test_departments_named_by_the_processes_come_named_and_are_renamed(admin_page):
    _through_processes(admin_page, "retail")
    Department.objects.create(code="night_shift", name="night_shift")  # a code Kesu has no name for
    page = admin_page.get("/setup/departments/")
    unnamed = [item["department"].code for item in page.context["departments"] if item["needs_name"]]

    answer = _post(admin_page, "departments", "department_name", department="frontline_service", name="一线服务组")

    assert unnamed == ["night_shift"]
    assert 'value="一线客服"' in page.content.decode()
    assert answer.status_code == 302
    assert Department.objects.get(code="frontline_service").name == "一线服务组"
    assert "一线服务组" in admin_page.get("/setup/departments/").content.decode()


def test_a_new_department_gets_a_code_made_for_it(admin_page):
    _post(admin_page, "departments", "department", **{"new-name": "客服部"})
    _post(admin_page, "departments", "department", **{"new-name": "售后服务部"})
    _post(admin_page, "departments", "department", **{"new-name": "Quality", "new-code": ""})

    assert set(Department.objects.values_list("code", "name")) == {
        ("dept-1", "客服部"),
        ("dept-2", "售后服务部"),
        ("quality", "Quality"),
    }


def test_a_department_code_already_taken_is_refused_on_its_field(admin_page):
    _post(admin_page, "departments", "department", **{"new-name": "客服部", "new-code": "service"})
    answer = _post(admin_page, "departments", "department", **{"new-name": "客服二部", "new-code": "service"})

    assert answer.status_code == 422
    assert "code" in answer.context["department_form"].errors
    assert Department.objects.filter(code="service").get().name == "客服部"


def test_staff_are_added_with_their_role_and_department_and_a_password_that_works(admin_page, monkeypatch):
    monkeypatch.setattr(setup, "new_password", lambda: "made-for-wang-7Qx")
    _post(admin_page, "departments", "department", **{"new-name": "客服部", "new-code": "service"})

    answer = _post(
        admin_page,
        "staff",
        "staff",
        display_name="接线员小王",
        username="xiaowang",
        phone="138 1234 5678",
        role="agent",
        department=Department.objects.get(code="service").pk,
    )
    page = admin_page.get(answer["Location"]).content.decode()

    wang = User.objects.get(username="xiaowang")
    assert (wang.display_name, wang.phone, wang.department.code, staff_roles(wang)) == (
        "接线员小王",
        "+8613812345678",
        "service",
        ["agent"],
    )
    assert "made-for-wang-7Qx" in page
    assert User.objects.get(username="xiaowang").check_password("made-for-wang-7Qx")
    assert "made-for-wang-7Qx" not in admin_page.get("/setup/staff/").content.decode()  # shown once
    assert "接线员" in page  # the role by its name


def test_a_typed_password_is_kept_and_not_shown(admin_page):
    answer = _post(
        admin_page,
        "staff",
        "staff",
        display_name="处理专员小李",
        username="xiaoli",
        role="handler",
        password="Kesu-2026-li",
    )
    page = admin_page.get(answer["Location"]).content.decode()

    assert User.objects.get(username="xiaoli").check_password("Kesu-2026-li")
    assert "Kesu-2026-li" not in page


@pytest.mark.parametrize(
    "given, field",
    [
        ({"display_name": "", "username": "a1", "role": "agent"}, "display_name"),
        ({"display_name": "甲", "username": "a1", "role": ""}, "role"),
        ({"display_name": "甲", "username": "a b", "role": "agent"}, "username"),
        ({"display_name": "甲", "username": "a1", "role": "agent", "password": "123"}, "password"),
        ({"display_name": "甲", "username": "a1", "role": "agent", "phone": "12"}, "phone"),
    ],
)
def test_bad_staff_details_are_refused_on_their_field(admin_page, given, field):
    answer = _post(admin_page, "staff", "staff", **given)

    assert answer.status_code == 422
    assert field in answer.context["staff_form"].errors
    assert not User.objects.filter(username="a1").exists()


def test_a_username_taken_is_refused(admin_page, admin):
    answer = _post(admin_page, "staff", "staff", display_name="另一个管理员", username="admin", role="agent")

    assert answer.status_code == 422
    assert "username" in answer.context["staff_form"].errors


def test_the_posts_the_processes_name_are_filled(admin_page):
    _through_processes(admin_page, "retail")
    department = Department.objects.get(code="frontline_service")
    chen = make_staff("chen", Role.SUPERVISOR, department=department, display_name="主管老陈")
    zhou = make_staff("zhou", Role.SUPERVISOR, department=department, display_name="主管小周")

    page = admin_page.get("/setup/posts/")
    answer = _post(
        admin_page,
        "posts",
        "post",
        key="department_supervisor",
        department=department.pk,
        holder=chen.pk,
        backup=zhou.pk,
    )

    assert dict(page.context["named_posts"]) == {"department_supervisor": "部门主管"}
    assert answer.status_code == 302
    post = Seat.objects.get()
    assert (post.key, post.department, post.primary, post.backup) == ("department_supervisor", department, chen, zhou)
    assert "部门主管" in admin_page.get("/setup/posts/").content.decode()


def test_a_post_held_and_backed_up_by_the_same_person_is_refused(admin_page):
    _through_processes(admin_page, "retail")
    chen = make_staff("chen", Role.SUPERVISOR, display_name="主管老陈")

    answer = _post(admin_page, "posts", "post", key="department_supervisor", holder=chen.pk, backup=chen.pk)

    assert answer.status_code == 422
    assert "backup" in answer.context["post_form"].errors
    assert not Seat.objects.exists()


def test_the_channels_are_summarised_with_where_to_set_them_up(admin_page):
    _through_processes(admin_page, "retail")

    page = admin_page.get("/setup/channels/")
    lines = {line.title: line for line in page.context["channels"]}

    assert lines["由坐席录入"].ready
    assert "门店" in lines["由坐席录入"].text and "电话" in lines["由坐席录入"].text
    assert lines["客户自助门户"].links == [("/portal/retail/", "零售业客户投诉处理规定")]
    assert not lines["发往公司邮箱的邮件"].ready
    assert "/admin/notifications/robot/" in page.content.decode()


def test_finishing_the_setup_shows_where_to_go_next_and_the_home_page_stops_asking(admin_page):
    _through_processes(admin_page, "retail")
    for step in ["departments", "posts", "staff"]:
        assert _post(admin_page, step, "continue")["Location"].startswith("/setup/")

    answer = _post(admin_page, "channels", "continue")
    done = admin_page.get("/setup/")

    assert answer["Location"] == "/setup/"
    assert CompanySetup.objects.get().finished_at is not None
    assert done.context["step"] == "done"
    assert "鲜达生鲜配送有限公司" in done.content.decode()
    assert 'id="setup-card"' not in admin_page.get("/").content.decode()


def test_an_unknown_step_is_not_found(admin_page):
    assert admin_page.get("/setup/payroll/").status_code == 404
    assert _post(admin_page, "company", "staff").status_code == 404


# ---- in both languages --------------------------------------------------------------------------


@pytest.fixture
def every_step(admin_page):
    """The setup gone through once, with a department named, a post filled and a member of staff."""
    _through_processes(admin_page, "retail")
    _post(admin_page, "departments", "department_name", department="frontline_service", name="一线服务组")
    lead = make_staff("chen", Role.SUPERVISOR, display_name="主管老陈")
    _post(admin_page, "posts", "post", key="department_supervisor", holder=lead.pk)
    return [*(f"/setup/{step}/" for step in setup.STEPS), "/"]


def test_every_step_is_all_chinese_in_chinese(admin_page, every_step):
    # a department nobody has named yet is shown by the code the process's rules give it
    codes = {part for code in Department.objects.values_list("code", flat=True) for part in code.split("_")}
    for path in every_step:
        text = visible_text(admin_page.get(path).content.decode())
        assert not latin_words(text) - codes, (path, latin_words(text) - codes)


def test_every_step_is_all_english_in_english(admin, every_step):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)
    data = {"鲜达生鲜配送有限公司", "一线服务组", "主管老陈", "简体中文"}
    data |= {"客服部", "物流部", "财务部", "反馈统计组"}  # the departments retail made, named in the company's language
    for path in every_step:
        text = visible_text(client.get(path).content.decode())
        leftover = {word for word in han(text) if not any(word in known for known in data)}
        assert not leftover, (path, leftover)
