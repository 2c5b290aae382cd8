"""A report as files to keep and send: an Excel workbook (one sheet per table, with Excel's own
charts) and a PDF on A4 with Chinese fonts. Both are made from the frozen snapshot, so the same
report gives the same numbers however often it is downloaded or sent."""

import io
import re
from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from xlsxwriter import Workbook

from kesu.notifications.channels.email import ATTACHMENTS
from kesu.reports.models import ReportSnapshot
from kesu.reports.presenters import CHANGE, HOURS, PERCENT, TEXT, YUAN, Section, snapshot_page

FORMATS = {"xlsx", "pdf"}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
NUMBER_FORMATS = {CHANGE: '+0"%";-0"%";0"%"', PERCENT: '0.0"%"', HOURS: "0.0", YUAN: "#,##0.00"}


def snapshot_file(snapshot: ReportSnapshot, kind: str) -> bytes:
    return snapshot_workbook(snapshot) if kind == "xlsx" else snapshot_pdf(snapshot)


@lru_cache(maxsize=8)
def report_attachment(snapshot_id: int, kind: str) -> tuple[str, bytes, str]:
    """The report as a file for its e-mails, in the company's language; made once for all its readers
    (a snapshot never changes)."""
    snapshot = ReportSnapshot.objects.get(pk=snapshot_id)
    with translation.override(settings.LANGUAGE_CODE):
        return snapshot_filename(snapshot, kind), snapshot_file(snapshot, kind), CONTENT_TYPES[kind]


ATTACHMENTS["report"] = report_attachment


def snapshot_filename(snapshot: ReportSnapshot, kind: str) -> str:
    return f"{snapshot.process_name}-{snapshot.key}-{snapshot.period_start:%Y%m%d}.{kind}"


def snapshot_workbook(snapshot: ReportSnapshot) -> bytes:
    page = snapshot_page(snapshot)
    buffer = io.BytesIO()
    book = Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    formats = {kind: book.add_format({"num_format": number}) for kind, number in NUMBER_FORMATS.items()}
    cover = book.add_worksheet(_("Report"))
    cover.set_column(0, 0, 16)
    cover.set_column(1, 1, 40)
    cover.write(0, 0, page["title"], book.add_format({"bold": True, "font_size": 14}))
    lines = [
        (_("Period"), page["period"]),
        (_("Previous period"), page["periods"]["previous"]),
        (_("A year before"), page["periods"]["last_year"]),
        (_("Produced at"), timezone.localtime(snapshot.produced_at).strftime("%Y-%m-%d %H:%M")),
    ]
    for row, (label, value) in enumerate(lines, start=2):
        cover.write(row, 0, label, bold)
        cover.write(row, 1, value)
    names: set[str] = {_("Report")}
    for section in page["sections"]:
        _sheet(book, _sheet_name(section.title, names), section, bold, formats)
    book.close()
    return buffer.getvalue()


def _sheet_name(title: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique whatever the case."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title)[:28].strip() or "Sheet"
    name, number = base, 2
    while name.lower() in {each.lower() for each in taken}:
        name, number = f"{base} {number}", number + 1
    taken.add(name)
    return name


def _sheet(book, name: str, section: Section, bold, formats) -> None:
    sheet = book.add_worksheet(name)
    sheet.write(0, 0, section.title, bold)
    if section.note:
        sheet.write(1, 0, section.note)
    top = 3
    for column, header in enumerate(section.columns):
        sheet.write(top, column, header.label, bold)
        sheet.set_column(column, column, 28 if column == 0 or header.kind == TEXT else 14)
    for row_number, row in enumerate(section.rows, start=top + 1):
        for column, (value, kind) in enumerate(zip(row, section.kinds, strict=True)):
            if value is None:
                continue
            sheet.write(row_number, column, value, formats.get(kind))
    if section.chart and section.rows:
        _chart(book, sheet, name, section, top)


def _chart(book, sheet, name: str, section: Section, top: int) -> None:
    chart = book.add_chart({"type": "bar" if len(section.rows) > 6 else "column"})
    first, last = top + 1, top + len(section.rows)
    for column in section.chart:
        chart.add_series(
            {
                "name": [name, top, column],
                "categories": [name, first, 0, last, 0],
                "values": [name, first, column, last, column],
            }
        )
    chart.set_title({"name": section.title})
    chart.set_legend({"position": "bottom"})
    sheet.insert_chart(top, len(section.columns) + 1, chart, {"x_scale": 1.3, "y_scale": 1.2})


def snapshot_pdf(snapshot: ReportSnapshot) -> bytes:
    from weasyprint import HTML  # loads Pango: only where a PDF is made

    html = render_to_string("web/reports/snapshot_pdf.html", {"snapshot": snapshot, **snapshot_page(snapshot)})
    return HTML(string=html).write_pdf()
