"""The complaint list's export: the user says why, the worker writes every row of the filtered list
(names, not codes; customers masked), the export's page offers the file to its requester alone, each
download is logged as a bulk export of personal data, a failure is shown, old files are deleted."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kesu.customers.models import PersonalDataAccess
from kesu.notifications.models import Notification
from kesu.web.list_exports import list_export_execute, list_export_start, list_exports_sweep
from kesu.web.models import ExportStatus, ListExport
from kesu.web.tests.many import complaints_in_bulk
from kesu.web.tests.test_i18n import han, latin_words, visible_text

CODES = {"assigned", "product_quality", "medium", "phone", "service", "handler", "call_center"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def worker():
    """The worker takes each task as it is queued, in the test itself (Huey's immediate mode)."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield
    HUEY.immediate = False


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def downloaded(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_export_button_asks_why_then_queues_the_filtered_list_for_the_worker(page, take_in):
    take_in()
    client = page("agent")

    form = client.get("/complaints/export.csv?category=service_quality&page=2")
    response = client.post("/complaints/export.csv?category=service_quality&page=2", {"reason": "周会分析"})

    assert 'id="export-reason"' in form.content.decode()
    export = ListExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/exports/{export.pk}/"
    assert (export.status, export.format, export.query, export.reason) == (
        "queued",
        "csv",
        "category=service_quality",
        "周会分析",
    )
    status = client.get(response["Location"]).content.decode()
    assert 'data-status="queued"' in status
    assert 'hx-trigger="every 2s"' in status
    assert "正在准备文件" in status


def test_no_reason_no_export(page, take_in):
    take_in()

    response = page("agent").post("/complaints/export.xlsx", {"reason": "  "})

    assert response.status_code == 422
    assert 'id="id_reason-errors"' in response.content.decode()
    assert not ListExport.objects.exists()


def test_the_worker_writes_the_list_and_its_page_offers_the_file_once_ready(
    page, take_in, staff, worker, django_capture_on_commit_callbacks
):
    wanted = take_in(category="service_quality", phone="13800000001", description='=HYPERLINK("http://x")')
    take_in(category="product_quality", phone="13800000002")
    client = page("agent")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/complaints/export.csv?category=service_quality", {"reason": "周会分析"})
    export = ListExport.objects.get()
    status = client.get(f"/exports/{export.pk}/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="export-status")
    file = downloaded(client.get(f"/exports/{export.pk}/file/"))

    assert (export.status, export.rows) == ("done", 1)
    assert "<html" not in status.content.decode()
    assert 'data-status="done"' in status.content.decode()
    assert "hx-trigger" not in status.content.decode()
    assert f'href="/exports/{export.pk}/file/"' in status.content.decode()
    rows = csv_rows(file)
    assert rows[0][:5] == ["编号", "受理时间", "状态", "流程", "分类"]
    assert [row[0] for row in rows[1:]] == [wanted.number]
    assert rows[1][2:5] == ["新建", "呼叫中心投诉处理流程", "服务质量投诉"]
    assert rows[1][8:10] == ["张**", "138****0001"]
    assert rows[1][7].startswith("'=")  # a formula stays text
    logged = PersonalDataAccess.objects.get()
    assert (logged.user, logged.purpose, logged.reason, logged.row_count) == (
        staff["agent"],
        "complaint list (csv)",
        "周会分析",
        1,
    )
    notice = Notification.objects.get(user=staff["agent"])
    assert (notice.kind, notice.data) == ("export_ready", {"link": f"/exports/{export.pk}/", "rows": 1})


def test_an_export_of_30000_complaints_holds_every_one_by_name_not_code(staff, departments, call_center):
    complaints_in_bulk(30_000, process=call_center, department=departments["service"], assignee=staff["handler"])
    export = list_export_start(user=staff["supervisor"], query="order=number", fmt="csv", reason="年度分析")

    list_export_execute(export.pk)

    export.refresh_from_db()
    assert (export.status, export.rows) == ("done", 30_000)
    with export.file.open("rb") as file:
        rows = csv_rows(file.read())
    assert len(rows) == 30_001
    assert [rows[1][0], rows[-1][0]] == ["KS19990101-00000", "KS19990101-29999"]
    first = rows[1]
    assert first[2:7] == ["已分派", "呼叫中心投诉处理流程", "产品质量投诉", "中", "电话"]
    assert first[8:12] == ["王**", "139****9999", "客服部", "处理专员小李"]
    assert not CODES & {cell for row in rows[1:] for cell in row}


def test_the_excel_file_is_in_the_language_of_the_one_who_asked(
    page, take_in, worker, django_capture_on_commit_callbacks
):
    take_in(phone="13800000001")

    with django_capture_on_commit_callbacks(execute=True):
        page("agent", "en").post("/complaints/export.xlsx", {"reason": "weekly review"})
    export = ListExport.objects.get()
    book = load_workbook(io.BytesIO(downloaded(page("agent").get(f"/exports/{export.pk}/file/"))), read_only=True)

    rows = list(book.active.values)
    assert book.sheetnames == ["Complaints"]
    assert rows[0][:3] == ("Number", "Received at", "Status")
    assert rows[1][2:7] == ("New", "Call-centre complaint process", "Product quality", "Medium", "Phone")
    assert len(rows) == 2


def test_only_the_one_who_asked_may_open_the_export_or_download_it(page, take_in, staff):
    take_in()
    export = list_export_start(user=staff["agent"], query="", fmt="csv", reason="周会分析")
    list_export_execute(export.pk)

    for other in ("supervisor", "handler"):
        assert page(other).get(f"/exports/{export.pk}/").status_code == 404
        assert page(other).get(f"/exports/{export.pk}/file/").status_code == 404
    assert page("agent").get(f"/exports/{export.pk}/").status_code == 200
    assert not PersonalDataAccess.objects.exists()


def test_a_file_asked_for_before_it_is_ready_leads_back_to_the_export_page(page, take_in, staff):
    take_in()
    export = list_export_start(user=staff["agent"], query="", fmt="csv", reason="周会分析")

    response = page("agent").get(f"/exports/{export.pk}/file/")

    assert response.status_code == 302
    assert response["Location"] == f"/exports/{export.pk}/"
    assert not PersonalDataAccess.objects.exists()


def test_a_failed_export_says_so_on_its_page_and_tells_the_one_who_asked(page, take_in, staff, settings, tmp_path):
    take_in()
    settings.MEDIA_ROOT = tmp_path / "not-a-folder"
    settings.MEDIA_ROOT.write_text("a file where the folder should be")
    export = list_export_start(user=staff["agent"], query="", fmt="xlsx", reason="周会分析")

    list_export_execute(export.pk)

    export.refresh_from_db()
    assert export.status == "failed"
    html = page("agent").get(f"/exports/{export.pk}/").content.decode()
    assert 'data-status="failed"' in html
    assert "导出因意外错误中止" in html
    notice = Notification.objects.get(user=staff["agent"])
    assert (notice.kind, notice.data) == ("export_failed", {"link": f"/exports/{export.pk}/"})


def test_old_exports_are_deleted_with_their_files_lost_ones_run_again_and_dead_ones_fail(take_in, staff, worker):
    take_in()
    now = timezone.now()

    def made(*, age: dt.timedelta, run: bool) -> ListExport:
        export = list_export_start(user=staff["agent"], query="", fmt="csv", reason="周会分析")
        if run:
            list_export_execute(export.pk)
        ListExport.objects.filter(pk=export.pk).update(requested_at=now - age, started_at=now - age)
        export.refresh_from_db()
        return export

    old, recent = made(age=dt.timedelta(days=8), run=True), made(age=dt.timedelta(days=6), run=True)
    lost = made(age=dt.timedelta(minutes=15), run=False)
    dead = made(age=dt.timedelta(hours=3), run=False)
    ListExport.objects.filter(pk=dead.pk).update(status=ExportStatus.RUNNING)
    old_file = Path(old.file.path)

    list_exports_sweep(now)

    assert not ListExport.objects.filter(pk=old.pk).exists()
    assert not old_file.exists()
    assert ListExport.objects.get(pk=recent.pk).status == "done"
    assert ListExport.objects.get(pk=lost.pk).status == "done"
    assert ListExport.objects.get(pk=dead.pk).status == "failed"


@pytest.mark.parametrize("status", ["queued", "running", "done", "failed"])
def test_the_export_page_speaks_each_language_whole(page, take_in, staff, status):
    take_in()
    export = list_export_start(user=staff["supervisor"], query="", fmt="xlsx", reason="周会分析")
    if status == "done":
        list_export_execute(export.pk)
    else:
        ListExport.objects.filter(pk=export.pk).update(status=status, rows=4000, failure="导出因意外错误中止。")

    chinese = visible_text(page("supervisor").get(f"/exports/{export.pk}/").content.decode())
    english = visible_text(page("supervisor", "en").get(f"/exports/{export.pk}/").content.decode())

    assert not latin_words(chinese)
    assert han(english) <= {"周会分析", "主管老陈", "导出因意外错误中止", "简体中文"}
