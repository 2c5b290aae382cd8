"""Complaints as a spreadsheet: Excel (.xlsx) and CSV (UTF-8 with a BOM, so Excel reads Chinese).

Rows are read as plain values a chunk at a time and written as they come (XlsxWriter's constant-memory
mode), so a list of any length costs the same memory; every code is written as its name in the
reader's language. A list names customers (masked): exporting it is a bulk export of personal data,
which the user gives a reason for and which is logged with its row count."""

import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from xlsxwriter import Workbook

from kesu.accounts.models import staff_name
from kesu.complaints.models import Status
from kesu.customers.masking import mask_name, mask_phone
from kesu.customers.privacy import bulk_export_log, export_reason_clean
from kesu.lib.choices import choice_label
from kesu.processes.models import Process
from kesu.processes.vocabulary import Channel, Priority

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8"}
CHUNK = 2000

COLUMNS = (
    *("number", "received_at", "status", "process_id", "process__loaded_at", "category", "priority", "channel"),
    *("subject", "customer__name", "customer__phone", "department__name"),
    *("assignee__username", "assignee__display_name", "assignee__first_name", "assignee__last_name"),
    *("next_due_at", "tier"),
)


def _time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _header() -> list[str]:
    return [
        _("Number"),
        _("Received at"),
        _("Status"),
        _("Process"),
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


class _ProcessNames:
    """The process's and its categories' names, per process version (a list holds a few)."""

    def __init__(self):
        self._seen: dict[int, tuple[str, dict[str, str]]] = {}

    def __call__(self, process_id: int, loaded_at, category: str) -> tuple[str, str]:
        if process_id not in self._seen:
            spec = Process.spec_of(process_id, loaded_at)
            self._seen[process_id] = (str(spec.label), {each.key: str(each.label) for each in spec.categories})
        process, categories = self._seen[process_id]
        return process, categories.get(category, category)


def complaint_table(complaints: QuerySet) -> Iterator[list]:
    """The header, then one row per complaint, in the list's order: names, not codes; the customer masked."""
    yield _header()
    names = _ProcessNames()
    for row in complaints.prefetch_related(None).values_list(*COLUMNS).iterator(chunk_size=CHUNK):
        yield _cells(row, names)


def _cells(row: tuple, names: _ProcessNames) -> list:
    number, received_at, status, process_id, loaded_at, category, priority, channel, subject = row[:9]
    customer_name, customer_phone, department, username, display_name, first_name, last_name = row[9:16]
    next_due_at, tier = row[16:]
    process, category = names(process_id, loaded_at, category)
    return [
        number,
        _time(received_at),
        choice_label(Status, status),
        process,
        category,
        choice_label(Priority, priority),
        choice_label(Channel, channel),
        subject,
        mask_name(customer_name or ""),
        mask_phone(customer_phone or ""),
        department or "",
        staff_name(username, display_name, first_name, last_name) if username else "",
        _time(next_due_at),
        tier,
    ]


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def write_table(rows: Iterable[list], fmt: str, out: BinaryIO, *, progress: Callable[[int], None] | None = None) -> int:
    """Write `rows` (a header first) to `out` as `fmt`; returns how many rows followed the header.
    `progress(count)`, when given, is told every `CHUNK` rows."""
    count = -1
    with _xlsx_rows(out) if fmt == "xlsx" else _csv_rows(out) as append:
        for count, row in enumerate(rows):
            append([safe_cell(value) for value in row])
            if progress and count and count % CHUNK == 0:
                progress(count)
    return max(count, 0)


@contextmanager
def _xlsx_rows(out: BinaryIO):
    """One sheet, written row by row in constant memory; text stays text (no formulas, no links)."""
    book = Workbook(out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet(_("Complaints"))
    numbers = itertools.count()
    try:
        yield lambda values: sheet.write_row(next(numbers), 0, values)
    finally:
        book.close()


@contextmanager
def _csv_rows(out: BinaryIO):
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    text.write("\ufeff")
    try:
        yield csv.writer(text).writerow
    finally:
        text.detach()  # `out` stays open for its owner


def complaints_file(complaints: QuerySet, fmt: str, *, user, reason: str, what: str) -> tuple[bytes, str]:
    """A short list (a day's case review) as `fmt` and its content type, made in the request, for a
    reason typed by `user`; logged in the personal-data access log as `what` with its row count.
    The complaint list itself is exported by the worker (`kesu.web.list_exports`)."""
    reason = export_reason_clean(reason)
    out = io.BytesIO()
    count = write_table(complaint_table(complaints), fmt, out)
    bulk_export_log(user=user, what=what, reason=reason, row_count=count)
    return out.getvalue(), CONTENT_TYPES[fmt]
