"""The breakdown by customer class: logistics (seed 002, 第三篇, 4.3.2 "投诉客户分类：A类，B类，C类，D类")
asks the class on every work order, and its monthly statistics count that field; a process without
such a field counts the class on the customer's record."""

import pytest

from kesu.conftest import PHONE_INTAKE
from kesu.processes.services import process_load_template
from kesu.reports.models import ReportSnapshot
from kesu.reports.schedule import reports_produce_due
from kesu.reports.tests.test_scheduled_reports import shanghai

REPORTED = shanghai(2027, 1, 1, 23)
"""December's reports are all out by then (logistics and call_center produce theirs on the 1st)."""


def customer_classes(report_key: str) -> list[tuple[str, int]]:
    data = ReportSnapshot.objects.get(key=report_key).data
    rows = next(breakdown["rows"] for breakdown in data["breakdowns"] if breakdown["key"] == "customer_class")
    return [(row["key"], row["now"]) for row in rows]


def work_order(as_, day: int, customer_class: str, *, on_record: str | None) -> None:
    """A timeliness work order of December 2026; the customer's record may hold another class, or none."""
    body = {
        "channel": "phone",
        "customer": {"phone": f"138000000{day:02d}", "customer_class": on_record},
        "category": "timeliness",
        "description": "货物延误未送达",
        "received_at": shanghai(2026, 12, day, 10).isoformat(),
        "fields": {"customer_class": customer_class, "waybill_number": f"SF12345678{day:02d}"},
    }
    response = as_("agent").post("/complaints", body)
    assert response.status_code == 201, response.content.decode()


@pytest.fixture
def logistics(as_):
    return process_load_template("logistics", make_default=True)


def test_the_logistics_statistics_count_the_class_asked_on_each_work_order(as_, logistics, travel):
    travel(shanghai(2026, 12, 20, 10))
    work_order(as_, 3, "A", on_record="D")
    work_order(as_, 10, "A", on_record=None)
    work_order(as_, 17, "C", on_record="A")

    reports_produce_due(now=REPORTED)

    assert customer_classes("monthly_statistics") == [("A", 2), ("C", 1)]
    data = ReportSnapshot.objects.get(key="monthly_statistics").data
    assert data["breakdowns"][0]["key"] == "customer_class"  # 4.3.2 A comes first


def test_a_process_without_the_field_counts_the_class_on_the_customers_record(as_, travel):
    travel(shanghai(2026, 12, 20, 10))
    for day, on_record in ((3, "B"), (10, "B"), (17, None)):
        customer = {**PHONE_INTAKE["customer"], "phone": f"138000000{day:02d}", "customer_class": on_record}
        body = {**PHONE_INTAKE, "customer": customer, "received_at": shanghai(2026, 12, day, 10).isoformat()}
        assert as_("agent").post("/complaints", body).status_code == 201

    reports_produce_due(now=REPORTED)

    assert customer_classes("monthly") == [("B", 2), ("", 1)]
