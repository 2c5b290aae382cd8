"""A report's `to` names roles, departments and posts (auto_dealer: "每周二和每月2日将…汇总报主管总经理和
管理部", "每月4日管理部将…奖罚情况报主管总经理和财务部"): each is sent the report, and may open it
afterwards, while a member of staff it was not addressed to may not."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from pydantic import ValidationError

from kesu.accounts.models import Department, Seat
from kesu.accounts.roles import Role
from kesu.conftest import make_staff
from kesu.notifications.models import Notification
from kesu.processes.document import ProcessDocument, ReportSpec
from kesu.processes.services import process_load, process_load_template
from kesu.reports.models import ReportSnapshot
from kesu.reports.schedule import reports_produce_due

SHANGHAI = ZoneInfo("Asia/Shanghai")
TUESDAY_5_JANUARY_2027 = dt.datetime(2027, 1, 5, 8, tzinfo=SHANGHAI)
MONDAY_4_JANUARY_2027 = dt.datetime(2027, 1, 4, 8, tzinfo=SHANGHAI)


def department(code: str) -> Department:
    return Department.objects.get_or_create(code=code, defaults={"name": code})[0]


def told_of(snapshot: ReportSnapshot) -> list[str]:
    told = Notification.objects.filter(kind="report_ready", data__report_id=snapshot.pk)
    return sorted(told.values_list("user__username", flat=True))


def opens(user, snapshot: ReportSnapshot) -> int:
    client = Client()
    client.force_login(user)
    return client.get(f"/reports/produced/{snapshot.pk}/").status_code


@pytest.fixture
def dealership(db):
    """auto_dealer with its GM, a management clerk, a finance clerk, a workshop clerk and the
    manager of the workshop (a manager, but not of 管理部)."""
    process_load_template("auto_dealer")
    return {
        "gm": make_staff("gm", Role.GENERAL_MANAGER),
        "management_clerk": make_staff("management_clerk", Role.DEPARTMENT_STAFF, department=department("management")),
        "finance_clerk": make_staff("finance_clerk", Role.DEPARTMENT_STAFF, department=department("finance")),
        "workshop_clerk": make_staff("workshop_clerk", Role.DEPARTMENT_STAFF, department=department("workshop")),
        "workshop_manager": make_staff("workshop_manager", Role.MANAGER, department=department("workshop")),
    }


def test_the_weekly_summary_goes_to_the_gm_and_the_management_department_not_to_every_manager(dealership):
    reports_produce_due(now=TUESDAY_5_JANUARY_2027)

    weekly = ReportSnapshot.objects.get(key="weekly_summary")
    assert told_of(weekly) == ["gm", "management_clerk"]
    assert opens(dealership["management_clerk"], weekly) == 200
    assert opens(dealership["finance_clerk"], weekly) == 403
    assert opens(dealership["workshop_manager"], weekly) == 200  # a leader reads every report, unasked


def test_penalties_and_rewards_go_to_the_gm_and_the_finance_department(dealership):
    reports_produce_due(now=MONDAY_4_JANUARY_2027)

    penalties = ReportSnapshot.objects.get(key="penalties_rewards")
    assert told_of(penalties) == ["finance_clerk", "gm"]
    assert penalties.data["to_departments"] == ["finance"]
    assert opens(dealership["finance_clerk"], penalties) == 200
    assert opens(dealership["management_clerk"], penalties) == 403
    assert opens(dealership["workshop_clerk"], penalties) == 403


def test_loading_the_template_creates_the_departments_its_reports_name(db):
    process_load_template("auto_dealer")

    assert Department.objects.filter(code__in=["management", "finance"]).count() == 2


def _with_reports(document: ProcessDocument, reports: list[dict]) -> ProcessDocument:
    data = document.model_dump(mode="json", exclude_none=True)
    return ProcessDocument.model_validate({**data, "version": data["version"] + 1, "reports": reports})


def test_a_report_to_a_post_goes_to_its_holder_or_to_the_backup_while_the_holder_is_away(dealership):
    current = process_load_template("auto_dealer").spec
    weekly = {"key": "weekly_to_gm", "label": {"zh": "周报", "en": "Weekly"}, "every": "week", "weekday": 2}
    process_load(document=_with_reports(current, [{**weekly, "to": [{"seat": "general_manager"}]}]))
    holder = make_staff("holder", Role.DEPARTMENT_STAFF)
    deputy = make_staff("deputy", Role.DEPARTMENT_STAFF)
    Seat.objects.create(key="general_manager", primary=holder, backup=deputy)
    holder.is_away = True
    holder.save(update_fields=["is_away"])

    reports_produce_due(now=TUESDAY_5_JANUARY_2027)

    snapshot = ReportSnapshot.objects.get(key="weekly_to_gm")
    assert told_of(snapshot) == ["deputy"]
    assert opens(deputy, snapshot) == 200
    assert opens(holder, snapshot) == 200  # back from leave, the post's holder reads it too
    assert opens(dealership["workshop_clerk"], snapshot) == 403


def test_a_report_sent_to_a_role_before_departments_could_be_named_is_still_read_by_that_role(dealership):
    cashier = make_staff("cashier", Role.FINANCE)
    reports_produce_due(now=MONDAY_4_JANUARY_2027)
    old = ReportSnapshot.objects.get(key="penalties_rewards")
    del old.data["to_departments"], old.data["to_seats"]
    old.data["to"] = ["general_manager", "finance"]  # as reports were addressed before
    old.save(update_fields=["data"])

    assert opens(cashier, old) == 200
    assert opens(dealership["finance_clerk"], old) == 403


def test_roles_departments_and_posts_mix_in_to_and_a_plain_list_of_roles_is_still_valid():
    spec = ReportSpec.model_validate(
        {
            "key": "monthly",
            "label": {"zh": "月报", "en": "Monthly"},
            "every": "month",
            "to": ["general_manager", {"department": "management"}, {"seat": "service_director"}],
        }
    )
    old = ReportSpec.model_validate({"key": "monthly", "label": {"zh": "月报", "en": "Monthly"}, "every": "month"})

    assert (spec.roles(), spec.departments(), spec.seats()) == (
        ["general_manager"],
        ["management"],
        ["service_director"],
    )
    assert old.roles() == ["manager"]


@pytest.mark.parametrize("entry", [{}, {"department": "management", "seat": "general_manager"}, "chairman"])
def test_an_addressee_names_a_known_role_or_one_department_or_one_post(entry):
    with pytest.raises(ValidationError):
        ReportSpec.model_validate(
            {"key": "monthly", "label": {"zh": "月报", "en": "Monthly"}, "every": "month", "to": [entry]}
        )
