"""A report as files: an Excel workbook with a sheet per table and Excel's own charts, and a PDF on A4
whose Chinese fonts travel with it; both for the people who may read the report, and no one else."""

import io
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook

from kesu.reports.models import ReportSnapshot
from kesu.reports.schedule import reports_produce_due
from kesu.reports.tests.test_scheduled_reports import received, shanghai

OUTPUT = Path(settings.BASE_DIR) / "test-output" / "reports"


@pytest.fixture
def monthly(as_, travel):
    travel(shanghai(2027, 1, 1, 7))
    for day, category in ((3, "service_quality"), (4, "service_quality"), (5, "product_quality")):
        received(as_, shanghai(2026, 12, day, 10), category=category)
    received(as_, shanghai(2026, 11, 4, 10))
    reports_produce_due(now=shanghai(2027, 1, 1, 8))
    return ReportSnapshot.objects.get(key="monthly")


def reader(user, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_the_workbook_has_a_sheet_per_table_with_its_numbers_and_native_charts(monthly, staff):
    response = reader(staff["manager"]).get(f"/reports/produced/{monthly.pk}.xlsx")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="call_center-monthly-20261201.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["报告", "投诉"]
    cover = book["报告"]
    assert (cover["A1"].value, cover["B3"].value) == ("月报", "2026-12-01 – 2026-12-31")
    by_category = book["按类别"]
    rows = {row[0]: row[1:] for row in by_category.iter_rows(min_row=5, values_only=True)}
    assert rows["服务质量投诉"][:4] == (2, 1, 100, 0)
    assert rows["产品质量投诉"][:4] == (1, 0, None, 0)
    assert len(by_category._charts) == 1


def test_the_pdf_embeds_its_chinese_fonts_and_renders_on_a4(monthly, staff):
    response = reader(staff["manager"]).get(f"/reports/produced/{monthly.pk}.pdf")

    assert response["Content-Type"] == "application/pdf"
    OUTPUT.mkdir(parents=True, exist_ok=True)
    pdf = OUTPUT / "monthly.pdf"
    pdf.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts  # embedded, every one
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(OUTPUT / "monthly")], check=True
    )
    assert (OUTPUT / "monthly-1.png").stat().st_size > 10_000
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "月报" in text and "服务质量投诉" in text


def test_the_files_are_in_the_readers_language(monthly, staff):
    book = load_workbook(io.BytesIO(reader(staff["manager"], "en").get(f"/reports/produced/{monthly.pk}.xlsx").content))

    assert book.sheetnames[:3] == ["Report", "Complaints", "How they were handled"]


def test_only_those_who_may_read_the_report_download_it(monthly, staff):
    for kind in ("xlsx", "pdf"):
        assert reader(staff["agent"]).get(f"/reports/produced/{monthly.pk}.{kind}").status_code == 403
        assert Client().get(f"/reports/produced/{monthly.pk}.{kind}").status_code == 302
    assert reader(staff["manager"]).get(f"/reports/produced/{monthly.pk}.docx").status_code == 404
