"""Who may open which page: one member of staff per role (and one without a role) tries every staff
page and every admin page. The table says who may; everyone else is refused.

The staff are in the complaint's department, as colleagues would be: a department's members see its
complaints (and what links to them) whatever their role. A new page must join the table.
"""

import datetime as dt

import pytest
from django.contrib import admin as django_admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from kesu.accounts.roles import ROLE_PERMISSIONS, Role
from kesu.conftest import make_staff
from kesu.web.list_exports import list_export_execute, list_export_start

EVERYONE = {*Role.values, "no_role"}
LEADERS = {"supervisor", "manager", "director", "general_manager"}
SEE_ALL = {"agent", *LEADERS, "follow_up", "quality"}

# page → the roles that may open it (200); the others get 403, or 404 where a page would tell that
# a record exists.
STAFF_PAGES = {
    "/": EVERYONE,
    "/intake/": {"agent", "handler", *LEADERS},
    "/complaints/": EVERYONE,  # each sees only the complaints they may
    "/complaints/export.xlsx": EVERYONE,
    "/complaints/export.csv": EVERYONE,
    "/complaints/{number}/": EVERYONE,  # the department's complaint
    "/exports/{export}/": {"agent"},  # an export of the list: only the one who asked for it (the agent)
    "/exports/{export}/file/": {"agent"},
    # a people picker's list: who may take the step (an open complaint's assignment; a corrective action)
    "/complaints/{open}/people/assign/": {"agent", *LEADERS},
    "/complaints/{number}/people/create_improvement/": {*LEADERS, "quality"},
    "/improvements/": {*LEADERS, "quality"},
    "/improvements/new/": {*LEADERS, "quality"},
    "/improvements/{improvement}/": EVERYONE,  # linked to the department's complaint
    "/cases/": EVERYONE - {"finance", "admin", "no_role"},
    "/cases/{case}/": {*LEADERS, "quality"},  # not yet published: its writers and publishers
    "/cases/{case}/edit/": {*LEADERS, "quality"},
    "/reviews/": {"agent", *LEADERS, "follow_up", "quality"},
    "/reviews/picks.xlsx": {"agent", *LEADERS, "follow_up", "quality"},
    "/reviews/red.xlsx": LEADERS,
    "/reports/": {*LEADERS, "finance"},
    "/reports/ledger.xlsx": {*LEADERS, "finance"},
    "/reports/produced/": LEADERS,
    "/notifications/": EVERYONE,
    "/notifications/settings/": EVERYONE,
    "/outbox/": {"manager", "director", "general_manager", "admin"},
    "/privacy/access-log/": {"admin"},
    "/privacy/access-log.xlsx": {"admin"},
    "/privacy/customers/": {"admin"},
    "/setup/": {"admin"},  # the company's first hour: the admin role and superusers
    "/setup/staff/": {"admin"},
}

# URL names that are not pages to open: steps and forms posted from a page, htmx fragments, files of
# a record, pages for customers (the survey) and the sign-in itself.
NOT_PAGES = {
    "login", "logout", "home_panel", "intake_customer", "intake_check", "intake_fields", "step", "note_add",
    "attachment_upload", "attachment", "task", "task_complete", "task_cancel", "improvement_step", "case_publish",
    "report_snapshot", "report_snapshot_file", "notifications_read_all", "notification_open", "delivery",
    "delivery_send_again", "survey", "survey_thanks", "saved_view_save", "saved_view_delete", "complaints_bulk",
    "list_columns_save",  # posted from the list's Columns menu: kesu/web/tests/test_list_chips_views_columns.py
    # a customer's personal data: kesu/customers/tests/test_subject_requests.py and test_access_log.py
    "sensitive_field", "subject_customer", "subject_copy", "subject_correct", "subject_erase",
}  # fmt: skip


# The admin's lists the admin role reads: the models it has a view permission of, and the history
# imports it runs. Others (the sign-in log, complaints, customers, files, mail) are a superuser's.
ADMIN_ROLE_READS = {code.replace(".view_", ".") for code in ROLE_PERMISSIONS[Role.ADMIN] if ".view_" in code}
ADMIN_ROLE_READS |= {"complaints.importrun"}


@pytest.fixture
def people(staff):
    department = staff["handler"].department
    people = {role: make_staff(f"r_{role}", role, department=department) for role in Role.values}
    people[Role.ADMIN].is_staff = True  # the admin role's accounts enter the admin pages
    people[Role.ADMIN].save()
    people["no_role"] = make_staff("r_no_role", department=department)
    return people


@pytest.fixture
def records(closed, assigned, staff, people, settings, tmp_path):
    from kesu.cases.services import case_article_write
    from kesu.improvements.services import improvement_create

    article = case_article_write(actor=staff["supervisor"], complaint_number=closed.number, title="案例", tags=["服务"])
    improvement = improvement_create(
        actor=staff["supervisor"],
        title="话术培训",
        root_cause="原因",
        action="措施",
        owner=staff["supervisor"],
        due_date=timezone.localdate() + dt.timedelta(days=3),
        complaint_numbers=[closed.number],
    )
    settings.MEDIA_ROOT = tmp_path / "media"
    export = list_export_start(user=people["agent"], query="", fmt="csv", reason="周会分析")
    list_export_execute(export.pk)
    return {
        "number": closed.number,
        "open": assigned.number,
        "case": article.pk,
        "improvement": improvement.pk,
        "export": export.pk,
    }


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_staff_page_opens_for_the_roles_the_table_names_and_no_one_else(people, records):
    refused = []
    for page, allowed in STAFF_PAGES.items():
        path = page.format(**records)
        for role, person in people.items():
            status = _signed_in(person).get(path).status_code
            if (status == 200) != (role in allowed) or status not in (200, 403, 404):
                refused.append((path, role, status))

    assert refused == []


def test_every_admin_page_opens_for_the_admin_role_as_its_permissions_say_and_no_one_else(people):
    wrong = []
    for model in django_admin.site._registry:
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for role, person in people.items():
            status = _signed_in(person).get(path).status_code
            # Outside the admin role: sent to the admin's own sign-in.
            expected = (200 if label in ADMIN_ROLE_READS else 403) if role == Role.ADMIN else 302
            if status != expected:
                wrong.append((path, role, status))

    assert wrong == []


def test_the_table_names_every_staff_page():
    web = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "web")
    names = {pattern.name for pattern in web.url_patterns if isinstance(pattern, URLPattern)}
    examples = {"number": "KS1", "open": "KS2", "case": 1, "improvement": 1, "export": 1}
    tabled = {get_resolver().resolve(page.format(**examples)).url_name for page in STAFF_PAGES}

    assert names - tabled - NOT_PAGES == set()
