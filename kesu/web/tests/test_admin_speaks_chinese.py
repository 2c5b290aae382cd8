"""Names, never codes, in the admin: roles, departments, processes, categories and permissions by their
names, and not an English word on its main pages when Chinese is chosen."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation

from kesu.accounts.models import Department, Seat, User
from kesu.accounts.roles import Role
from kesu.complaints.models import Event, EventKind
from kesu.conftest import make_staff
from kesu.processes.services import process_load_template
from kesu.triage.models import TriageModel
from kesu.web.tests.test_i18n import latin_words, visible_text

ADMIN_ALLOWED = {
    "Kesu",  # the product's name
    "API",  # API 令牌: the word Chinese uses
    "YAML",  # the process document's file format
    "LDAP",  # named in Django's own Chinese help text of a user's password
    "True",  # the alt texts of Django's boolean and search icons, which Django does not translate
    "False",
    "Search",
}
SETTING = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")  # a setting's name (KESU_TRIAGE_MIN_ACCURACY_PERCENT)
DATA = re.compile(r"(?s)<(code|pre|bdi)\b.*?</\1>")  # keys, the YAML document, a password hash's summary


SUFFIX = re.compile(r"\.(?:xlsx|csv)\b")  # the file types the history import takes


def english_words(html: str) -> set[str]:
    text = SUFFIX.sub(" ", SETTING.sub(" ", visible_text(DATA.sub(" ", html))))
    return latin_words(text) - ADMIN_ALLOWED


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", password="pw-root", display_name="系统管理员")


def admin_client(user: User, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def admin_pages(root, staff, assigned):
    """The admin's main pages on a centre running the call centre and retail processes."""
    retail = process_load_template("retail")
    Seat.objects.create(
        key="department_supervisor",
        department=Department.objects.get(code="customer_service"),
        primary=staff["supervisor"],
    )
    categories = [category.key for category in retail.spec.categories[:2]]
    report = {"accuracy": 0.5, "top3": 1.0, "confusion": {"labels": categories, "rows": [[1, 0], [1, 0]]}}
    report["classes"] = [{"key": key, "support": 1, "accuracy": 0.5, "precision": 0.5} for key in categories]
    model = TriageModel.objects.create(
        process_name="retail",
        status="active",
        samples=2,
        held_out=2,
        accuracy={"category": 0.5},
        report={"category": report},
    )
    handler_role = Group.objects.get(name=Role.HANDLER)
    return [
        "/admin/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{staff['handler'].pk}/change/",
        "/admin/accounts/user/add/",
        "/admin/auth/group/",
        f"/admin/auth/group/{handler_role.pk}/change/",
        "/admin/auth/group/add/",
        "/admin/accounts/department/",
        f"/admin/accounts/department/{Department.objects.get(code='frontline_service').pk}/change/",
        "/admin/accounts/seat/",
        "/admin/processes/process/",
        f"/admin/processes/process/{retail.pk}/change/",
        "/admin/complaints/complaint/",
        f"/admin/complaints/complaint/{assigned.pk}/change/",
        "/admin/complaints/importrun/add/",
        "/admin/triage/triagemodel/",
        f"/admin/triage/triagemodel/{model.pk}/change/",
        "/admin/axes/accessattempt/",
    ]


def test_the_admin_s_main_pages_have_no_english_left_in_chinese(root, admin_pages):
    client = admin_client(root)
    for path in admin_pages:
        answer = client.get(path)
        left = english_words(answer.content.decode())
        assert answer.status_code == 200, path
        assert not left, (path, left)


def test_roles_are_shown_by_their_names_in_the_staff_and_role_pages(root, staff):
    client = admin_client(root)
    handler_role = Group.objects.get(name=Role.HANDLER)

    staff_list = client.get("/admin/accounts/user/").content.decode()
    staff_form = client.get(f"/admin/accounts/user/{staff['handler'].pk}/change/").content.decode()
    roles = client.get("/admin/auth/group/").content.decode()
    role = client.get(f"/admin/auth/group/{handler_role.pk}/change/").content.decode()
    in_english = admin_client(root, "en").get(f"/admin/auth/group/{handler_role.pk}/change/").content.decode()
    boss = make_staff("boss", Role.ADMIN, Role.SUPERVISOR, is_staff=True)
    own_roles = visible_text(admin_client(boss).get(f"/admin/accounts/user/{boss.pk}/change/").content.decode())

    assert "投诉处理专员" in visible_text(staff_list) and "?role=handler" in staff_list  # the column and the filter
    assert re.search(rf'value="{handler_role.pk}"[^>]*checked[^>]*>\s*投诉处理专员', staff_form)
    assert "投诉处理专员" in roles and "客服总监" in roles and "handler" not in visible_text(roles)
    assert "投诉处理专员" in visible_text(role) and "可登记投诉" in role and "可查看投诉单" in role
    assert "Complaint handler" in in_english and "Can take in a complaint" in in_english
    assert "管理员" in own_roles and "主管" in own_roles and "supervisor" not in own_roles  # one's own, read only


def test_departments_made_by_a_template_carry_their_chinese_name(db):
    process_load_template("retail")

    names = dict(Department.objects.values_list("code", "name"))

    assert names["customer_service"] == "客服部"
    assert names["frontline_service"] == "一线客服"
    assert names["feedback_stats"] == "反馈统计组"
    assert all(name != code for code, name in names.items())


def test_a_department_the_vocabulary_does_not_know_keeps_its_code_and_one_named_keeps_its_name(db):
    from kesu.tasks.services import rule_department

    Department.objects.create(code="finance", name="财务中心")
    process_load_template("retail")

    assert Department.objects.get(code="finance").name == "财务中心"
    assert rule_department("night_shift").name == "night_shift"
    assert rule_department("warehouse").name == "仓储部"


def test_every_permission_of_kesu_has_a_chinese_name(root):
    from django.contrib.auth.models import Permission

    from kesu.accounts.admin import permission_name

    with translation.override("zh-hans"):
        names = {permission.codename: permission_name(permission) for permission in Permission.objects.all()}

    words = {word for name in names.values() for word in re.findall(r"[A-Za-z]+", name)}
    assert words <= {"API", "Webhook"}, words  # 可添加API 令牌, 可修改Webhook 接收端
    assert names["intake_complaint"] == "可登记投诉"


def test_the_timeline_names_the_responsible_department_and_the_process_handed_over_to(page, assigned, staff):
    from kesu.web.presenters import event_details
    from kesu.web.tests.conftest import advance

    advance(
        assigned,
        staff["handler"],
        ("start_investigation", {}),
        (
            "record_finding",
            {"finding": "product_defect", "responsible_department": Department.objects.get(code="quality")},
        ),
    )
    retail = process_load_template("retail")
    handed_over = Event(
        kind=EventKind.HANDED_OVER,
        data={"to_process": "retail", "to_version": retail.version, "to_category": "delivery"},
    )

    timeline = visible_text(page("handler").get(f"/complaints/{assigned.number}/").content.decode())

    assert "质量部" in timeline and "quality" not in timeline
    with translation.override("zh-hans"):
        assert event_details(handed_over, assigned.process.spec) == [("流程", "零售业客户投诉处理规定 · 配送问题")]
