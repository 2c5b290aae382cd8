"""A leader narrows a report to one department, category or store and follows any of its numbers to
the complaints behind it; a wrong filter is named on its field."""

import datetime as dt
import re
from html import unescape

from django.test import Client

from kesu.conftest import PHONE_INTAKE
from kesu.processes.services import process_load_template
from kesu.reports.models import ReportSnapshot
from kesu.reports.schedule import report_run
from kesu.reports.tests.test_scheduled_reports import received, shanghai


def leader(staff) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(staff["manager"])
    return client


def run(client: Client, expect: int = 302, **fields):
    body = {"report": "call_center:monthly", "start": "2026-11-01", "end": "2026-11-30", **fields}
    response = client.post("/reports/produced/", body)
    assert response.status_code == expect, response.content.decode()
    return response


def test_a_report_narrowed_to_one_category_counts_only_its_complaints(as_, staff):
    for day, category in ((3, "service_quality"), (4, "service_quality"), (5, "product_quality")):
        received(as_, shanghai(2026, 11, day, 10), category=category)

    run(leader(staff), category="product_quality")

    snapshot = ReportSnapshot.objects.get()
    assert snapshot.data["filters"] == {"category": "product_quality"}
    assert snapshot.data["totals"]["received"]["now"] == 1
    page = leader(staff).get(f"/reports/produced/{snapshot.pk}/").content.decode()
    assert "分类: <strong>产品质量投诉</strong>" in page


def test_a_category_of_another_process_is_named_on_its_field(as_, staff):
    process_load_template("logistics")

    response = run(leader(staff), expect=422, category="system")

    assert "该流程没有这个类别" in response.content.decode()
    assert not ReportSnapshot.objects.exists()


def test_each_count_leads_to_the_list_of_the_complaints_behind_it(as_, staff):
    for day, category in ((3, "service_quality"), (4, "service_quality"), (5, "product_quality")):
        received(as_, shanghai(2026, 11, day, 10), category=category)
    received(as_, shanghai(2026, 12, 1, 10), category="service_quality")  # after the period
    run(leader(staff))
    page = leader(staff).get(f"/reports/produced/{ReportSnapshot.objects.get().pk}/").content.decode()

    links = dict(
        (unescape(count), unescape(href))
        for href, count in re.findall(r'<a href="([^"]+)" data-drill-down>([^<]+)</a>', page)
        if "category=service_quality" in unescape(href)
    )
    assert list(links) == ["2"]
    href = links["2"]
    assert "process=call_center" in href and "received_from=2026-11-01" in href and "received_to=2026-11-30" in href
    listed = leader(staff).get(href).content.decode()
    assert "共 2 条投诉" in listed


def test_a_stores_and_a_products_counts_lead_to_their_complaints(as_staff, staff, retail):
    agent = as_staff("agent")
    for store, product in (("徐汇店", "电水壶"), ("徐汇店", "电水壶"), ("静安店", "榴莲千层")):
        body = {
            **PHONE_INTAKE,
            "channel": "store",
            "category": "product_quality",
            "received_at": shanghai(2026, 11, 3, 10).isoformat(),
            "fields": {"store": store, "product_name": product},
        }
        assert agent.post("/complaints", body).status_code == 201
    snapshot = report_run(
        process_name="retail",
        key="complaint_analysis",
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 12, 31),
        user=staff["manager"],
    )
    page = leader(staff).get(f"/reports/produced/{snapshot.pk}/").content.decode()

    hrefs = [unescape(href) for href in re.findall(r'<a href="([^"]+)" data-drill-down>', page)]
    xuhui = next(href for href in hrefs if "store=%E5%BE%90%E6%B1%87%E5%BA%97" in href)
    kettle = next(href for href in hrefs if "product=%E7%94%B5%E6%B0%B4%E5%A3%B6" in href)
    assert "共 2 条投诉" in leader(staff).get(xuhui).content.decode()
    assert "共 2 条投诉" in leader(staff).get(kettle).content.decode()
    assert [row["key"] for row in snapshot.data["resolution_rate"]["rows"]] == ["徐汇店", "静安店"]
