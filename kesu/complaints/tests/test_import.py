"""`kesu import`: complaints handled before Kesu, from a spreadsheet, checked row by row first."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.translation import override
from openpyxl import Workbook

from kesu.clocks.models import Clock
from kesu.complaints.imports import RowError, import_history
from kesu.complaints.models import Complaint, Event, EventKind, Status
from kesu.complaints.search import text_matches
from kesu.complaints.services.numbering import next_complaint_number
from kesu.notifications.models import Delivery, Notification

HEADER = ["number", "received_at", "channel", "category", "name", "phone", "email", "subject", "description"]
HEADER += ["status", "closed_at", "department", "priority"]
GOOD = [
    ["KS20250301-0001", "2025-03-01 09:15", "phone", "service_quality", "张三", "13812345678", "", "", "坐席态度差"]
    + ["closed", "2025-03-04 17:00", "service", "high"],
    ["KS20250301-0002", "2025-03-01 10:00", "电话", "产品质量投诉", "李四", "", "lisi@example.com", "电池鼓包"]
    + ["手机电池鼓包，要求换货", "已结案", "2025/3/5 12:00", "质量部", "高"],
    ["OLD-7", "2025-03-02", "callback_call", "Service quality", "王五", "021-62345678", "", "", "配送延误三天"]
    + ["investigating", "", "", ""],
]


def write_csv(path, rows, header=HEADER, encoding="utf-8-sig"):
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_xlsx(path, rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    for line in [header, *rows]:
        sheet.append(line)
    workbook.save(path)
    return path


@pytest.fixture
def ready(call_center, departments):
    return call_center


def test_a_dry_run_reports_every_bad_row_by_row_column_and_reason_and_writes_nothing(ready, tmp_path):
    call_command("import", str(write_csv(tmp_path / "taken.csv", GOOD[:1])))
    bad = [
        GOOD[1],  # good
        ["KS20250301-0001", *GOOD[1][1:]],  # in the database already
        ["N3", "2025-03-01 09:00", "phone", "service_quality", "", "13812345678", "", "", ""] + [""] * 4,
        ["N4", "yesterday", "fax", "nonsense", "", "12345", "", "", "x", "lost", "", "nowhere", "whenever"],
        ["N5", "2025-03-05 09:00", "phone", "service_quality", "", "13812345678", "", "", "x", "closed"]
        + ["2025-03-01 09:00", "", ""],
        ["N5", "2025-03-05 09:00", "phone", "service_quality", "", "", "", "", "x", "closed", "", "", ""],
        ["N7", "2999-01-01 09:00", "email", "service_quality", "", "13812345678", "", "", "x", "pending", "", "", ""],
        ["N8", "2025-03-01 09:00", "phone", "service_quality", "", "", "not-an-email", "", "x", "", "", "", ""],
    ]
    before = (Complaint.objects.count(), Event.objects.count())
    with override("en"):
        result = import_history(write_csv(tmp_path / "bad.csv", bad), dry_run=True)

    assert result.rows == 8 and not result.written
    assert set(result.errors) == {
        RowError(3, "number", "A complaint with this number exists already."),
        RowError(4, "description", "This field is required."),
        RowError(5, "received_at", "Not a date and time, e.g. 2025-03-01 14:30."),
        RowError(5, "channel", "Unknown channel."),
        RowError(5, "category", "Unknown category for this process."),
        RowError(5, "priority", "Unknown priority."),
        RowError(5, "status", "Unknown status."),
        RowError(5, "department", "Unknown department."),
        RowError(5, "phone", "Enter a valid phone number, e.g. 13812345678 or 010-12345678."),
        RowError(6, "closed_at", "Earlier than the time the complaint was received."),
        RowError(7, "number", "The same number is on row 6."),
        RowError(7, "closed_at", "A closed complaint needs its closing time."),
        RowError(7, "phone", "Give the customer's phone number or e-mail."),
        RowError(8, "received_at", "May not be in the future."),
        RowError(8, "channel", "This process does not take in complaints from this channel."),
        RowError(8, "status", "Complaints in this status cannot be imported."),
        RowError(9, "email", "Enter a valid e-mail address."),
    }
    assert (Complaint.objects.count(), Event.objects.count()) == before


def test_reasons_are_in_the_users_language_and_a_real_run_of_a_bad_file_writes_nothing(ready, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [GOOD[0], [*GOOD[1][:3], "nonsense", *GOOD[1][4:]]])
    with override("zh-hans"):
        result = import_history(path, dry_run=True)
        assert [str(error) for error in result.errors] == ["第 3 行，category：此流程没有这个分类。"]
        with pytest.raises(CommandError, match="--dry-run"):
            call_command("import", str(path))
    assert not Complaint.objects.exists()


def test_good_rows_are_imported_with_their_numbers_dates_and_status_and_nothing_is_sent(ready, tmp_path):
    out = io.StringIO()
    call_command("import", str(write_csv(tmp_path / "history.csv", GOOD)), stdout=out)

    first, second, third = (Complaint.objects.get(number=row[0]) for row in GOOD)
    assert first.status == second.status == Status.CLOSED and third.status == Status.INVESTIGATING
    assert timezone.localtime(first.received_at).replace(tzinfo=None) == dt.datetime(2025, 3, 1, 9, 15)
    assert timezone.localtime(first.closed_at).replace(tzinfo=None) == dt.datetime(2025, 3, 4, 17)
    assert timezone.localtime(second.closed_at).replace(tzinfo=None) == dt.datetime(2025, 3, 5, 12)
    assert (first.department.code, first.priority, first.subject) == ("service", "high", "坐席态度差")
    assert (second.category, second.channel, second.department.code) == ("product_quality", "phone", "quality")
    assert second.customer.email == "lisi@example.com" and first.customer.phone == "+8613812345678"
    assert third.category == "service_quality" and third.customer.phone == "+862162345678"

    assert not Clock.objects.filter(complaint__in=[first, second]).exists()
    assert set(third.clocks.values_list("key", flat=True)) == {"record", "resolve"}
    assert third.next_due_at is not None and first.next_due_at is None
    assert not Delivery.objects.exists() and not Notification.objects.exists()

    received = first.events.get(kind=EventKind.RECEIVED)
    assert received.data["imported"] and received.at == first.received_at
    assert first.events.get(kind=EventKind.CLOSED).at == first.closed_at
    assert set(Complaint.objects.filter(text_matches("配送延误")).values_list("number", flat=True)) == {"OLD-7"}
    assert set(Complaint.objects.filter(text_matches("5678")).values_list("number", flat=True)) == {
        "KS20250301-0001",
        "OLD-7",
    }


def test_numbering_never_hands_out_an_imported_number(ready, tmp_path):
    today = f"KS{timezone.localdate():%Y%m%d}"
    row = [f"{today}-0042", "2025-03-01 09:15", *GOOD[0][2:]]
    call_command("import", str(write_csv(tmp_path / "today.csv", [row])))

    assert next_complaint_number(ready) == f"{today}-0043"


def test_an_xlsx_with_chinese_headers_and_labels(ready, tmp_path):
    header = ["投诉编号", "受理时间", "渠道", "类别", "客户姓名", "电话", "邮箱", "主题", "投诉内容"]
    header += ["状态", "结案时间", "处理部门", "优先级"]
    rows = [
        ["X-1", dt.datetime(2025, 3, 1, 9, 15), "电话", "服务质量投诉", "张三", 13812345678, None, None, "坐席挂断电话"]
        + ["已关闭", dt.datetime(2025, 3, 2, 9), "客服部", "中"],
        ["X-2", dt.datetime(2025, 3, 1, 9, 15), "电话", "服务质量投诉", "张三", "13812345678", None, None, "又挂断"]
        + ["新建", None, None, None],
    ]
    with override("zh-hans"):
        bad = import_history(
            write_xlsx(tmp_path / "bad.xlsx", [[*rows[0][:3], "乱写", *rows[0][4:]]], header), dry_run=True
        )
        assert bad.errors == [RowError(2, "类别", "此流程没有这个分类。")]

    result = import_history(write_xlsx(tmp_path / "history.xlsx", rows, header))

    assert result.imported == 2 and not result.errors
    closed, new = Complaint.objects.get(number="X-1"), Complaint.objects.get(number="X-2")
    assert (closed.status, closed.department.code, closed.priority) == (Status.CLOSED, "service", "medium")
    assert new.status == Status.NEW and new.customer == closed.customer  # one customer, found by phone
    assert new.clocks.exists() and not closed.clocks.exists()


def test_a_gbk_encoded_csv_is_read(ready, tmp_path):
    header = ["编号", "受理时间", "渠道", "类别", "客户姓名", "电话", "描述", "状态", "结案时间"]
    rows = [["G-1", "2025-03-01 09:15", "电话", "服务质量投诉", "赵六", "13900001111", "态度恶劣", "结案"]]
    rows[0].append("2025年3月3日 10:00")
    path = write_csv(tmp_path / "gbk.csv", rows, header=header, encoding="gbk")

    result = import_history(path)

    complaint = Complaint.objects.get(number="G-1")
    assert result.imported == 1 and complaint.customer.name == "赵六" and complaint.description == "态度恶劣"
    assert timezone.localtime(complaint.closed_at).replace(tzinfo=None) == dt.datetime(2025, 3, 3, 10)
