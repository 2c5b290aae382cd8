"""Staff roles as Django groups, and what each role may do.

A role is a group whose name is the role's key; its permissions are kept in step with
ROLE_PERMISSIONS after every migration, so this table is the one place to read who may do what.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    HANDLER = "handler", _("Complaint handler")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Manager")
    DIRECTOR = "director", _("Customer service director")
    GENERAL_MANAGER = "general_manager", _("General manager")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    FOLLOW_UP = "follow_up", _("Follow-up agent")
    QUALITY = "quality", _("Quality")
    FINANCE = "finance", _("Finance")
    ADMIN = "admin", _("Administrator")


LEADER_LADDER = [Role.SUPERVISOR, Role.MANAGER, Role.DIRECTOR, Role.GENERAL_MANAGER]
"""Leaders from the lowest up: a leader may decide what is asked of a leader below."""

_LEADERS = [
    "complaints.intake_complaint",
    "complaints.view_all_complaints",
    "complaints.assign_complaint",
    "complaints.handle_complaint",
    "complaints.manage_complaint",
    "complaints.approve_plan",
    "complaints.close_complaint",
    "complaints.reopen_complaint",
    "complaints.log_contact",
    "complaints.view_customer_pii",
    "accountability.decide_accountability",
    "accountability.view_ledger",
    "improvements.create_improvement",
    "improvements.view_all_improvements",
    "cases.read_case_articles",
    "cases.write_case_article",
    "cases.publish_case_article",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.AGENT: [
        "complaints.intake_complaint",
        "complaints.view_all_complaints",
        "complaints.assign_complaint",
        "complaints.log_contact",
        "complaints.view_customer_pii",
        "cases.read_case_articles",
    ],
    Role.HANDLER: [
        "complaints.intake_complaint",
        "complaints.handle_complaint",
        "complaints.log_contact",
        "complaints.view_customer_pii",
        "cases.read_case_articles",
        "cases.write_case_article",
    ],
    Role.SUPERVISOR: _LEADERS,
    Role.MANAGER: [*_LEADERS, "notifications.retry_delivery"],
    Role.DIRECTOR: [*_LEADERS, "notifications.retry_delivery"],
    Role.GENERAL_MANAGER: [*_LEADERS, "notifications.retry_delivery"],
    Role.DEPARTMENT_STAFF: ["cases.read_case_articles"],
    Role.FOLLOW_UP: [
        "complaints.view_all_complaints",
        "complaints.close_complaint",
        "complaints.reopen_complaint",
        "complaints.log_contact",
        "complaints.view_customer_pii",
        "cases.read_case_articles",
    ],
    Role.QUALITY: [
        "complaints.view_all_complaints",
        "improvements.create_improvement",
        "improvements.verify_improvement",
        "improvements.view_all_improvements",
        "cases.read_case_articles",
        "cases.publish_case_article",
    ],
    Role.FINANCE: ["accountability.view_ledger"],
    Role.ADMIN: [
        "accounts.add_department",
        "accounts.change_department",
        "accounts.view_department",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "accounts.view_apitoken",
        "accounts.delete_apitoken",
        "accounts.add_integrationkey",
        "accounts.change_integrationkey",
        "accounts.view_integrationkey",
        "accounts.add_seat",
        "accounts.change_seat",
        "accounts.delete_seat",
        "accounts.view_seat",
        "processes.add_calendaroverride",
        "processes.change_calendaroverride",
        "processes.delete_calendaroverride",
        "processes.view_calendaroverride",
        "processes.add_officialschedule",
        "processes.change_officialschedule",
        "processes.delete_officialschedule",
        "processes.view_officialschedule",
        "processes.add_officialday",
        "processes.change_officialday",
        "processes.delete_officialday",
        "processes.view_officialday",
        "auth.view_group",
        "processes.add_process",
        "processes.change_process",
        "processes.view_process",
        "notifications.retry_delivery",
        "notifications.view_delivery",
        "notifications.add_robot",
        "notifications.change_robot",
        "notifications.delete_robot",
        "notifications.view_robot",
        "notifications.add_webhookendpoint",
        "notifications.change_webhookendpoint",
        "notifications.delete_webhookendpoint",
        "notifications.view_webhookendpoint",
        "notifications.add_messagetemplate",
        "notifications.change_messagetemplate",
        "notifications.delete_messagetemplate",
        "notifications.view_messagetemplate",
        "complaints.import_complaints",
        "portal.add_privacynotice",
        "portal.change_privacynotice",
        "portal.view_privacynotice",
        "customers.view_personaldataaccess",
        "customers.handle_subject_request",
        "triage.view_triagemodel",
        "triage.train_triage_model",
    ],
}


def sync_role_groups(apps=global_apps, **kwargs) -> None:
    """Create one group per role and give it exactly the permissions of ROLE_PERMISSIONS."""
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    Group = global_apps.get_model("auth", "Group")
    Permission = global_apps.get_model("auth", "Permission")
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = [_permission(Permission, code) for code in codes]
        group.permissions.set(wanted)


def _permission(Permission, code: str):
    app_label, codename = code.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def role_name(group_name: str) -> str:
    """A role group as people read it: its role's label; a group that is no role keeps its own name."""
    return str(Role(group_name).label) if group_name in Role.values else group_name
