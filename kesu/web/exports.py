"""The list as a spreadsheet: Excel (.xlsx) and CSV (UTF-8 with a BOM, so Excel reads Chinese).

A list names customers (masked): exporting it is a bulk export of personal data, which the user gives
a reason for and which is logged with its row count (`complaints_file`)."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kesu.complaints.presenters import customer_out
from kesu.customers.privacy import bulk_export_log, export_reason_clean

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 10000


def _time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _header() -> list[str]:
    return [
        _("Number"),
        _("Received at"),
        _("Status"),
        _("Category"),
        _("Priority"),
        _("Channel"),
        _("Subject"),
        _("Customer"),
        _("Phone"),
        _("Department"),
        _("Handler"),
        _("Next deadline"),
        _("Tier"),
    ]


def _cells(complaint) -> list:
    category = complaint.process.spec.category(complaint.category)
    customer = customer_out(complaint.customer, masked=True)
    return [
        complaint.number,
        _time(complaint.received_at),
        complaint.get_status_display(),
        str(category.label) if category else complaint.category,
        complaint.get_priority_display(),
        complaint.get_channel_display(),
        complaint.subject,
        customer["name"],
        customer["phone"],
        str(complaint.department or ""),
        str(complaint.assignee or ""),
        _time(complaint.next_due_at),
        complaint.tier,
    ]


def _rows(complaints):
    yield _header()
    for complaint in complaints[:MAX_ROWS].iterator(chunk_size=500):
        yield _cells(complaint)


def complaints_file(complaints, fmt: str, *, user, reason: str, what: str) -> tuple[bytes, str]:
    """The complaints as `fmt` (xlsx or csv) and its content type, for a reason typed by `user`;
    the export is logged in the personal-data access log as `what`, with the reason and row count."""
    reason = export_reason_clean(reason)
    rows = list(_rows(complaints))
    content = as_xlsx(rows) if fmt == "xlsx" else as_csv(rows)
    bulk_export_log(user=user, what=what, reason=reason, row_count=len(rows) - 1)
    return content, XLSX if fmt == "xlsx" else "text/csv; charset=utf-8"


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def as_xlsx(rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Complaints"))
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
