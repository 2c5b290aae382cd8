"""The monthly penalty and reward ledger for finance, as an Excel workbook."""

import datetime as dt
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kesu.accountability.models import Accountability, AccountabilityStatus


def ledger_rows(month: dt.date):
    """Approved penalties and rewards decided in `month` (local time), oldest first."""
    start = timezone.make_aware(dt.datetime(month.year, month.month, 1))
    end = timezone.make_aware(dt.datetime(month.year + month.month // 12, month.month % 12 + 1, 1))
    return (
        Accountability.objects.filter(status=AccountabilityStatus.APPROVED, decided_at__gte=start, decided_at__lt=end)
        .select_related("complaint", "person", "department", "decided_by")
        .order_by("decided_at", "id")
    )


def ledger_workbook(month: dt.date) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = month.strftime("%Y-%m")
    sheet.append(
        [
            _("Decided on"),
            _("Complaint"),
            _("Person"),
            _("Department"),
            _("Fault or merit"),
            _("Measure"),
            _("Amount (yuan)"),
            _("Points"),
            _("Approved by"),
        ]
    )
    for item in ledger_rows(month).iterator(chunk_size=500):
        sheet.append(
            [
                timezone.localtime(item.decided_at).strftime("%Y-%m-%d"),
                item.complaint.number,
                str(item.person) if item.person else "",
                item.department.name if item.department else "",
                item.fault,
                str(item.get_measure_display()),
                float(item.amount) if item.amount is not None else None,
                item.points,
                str(item.decided_by) if item.decided_by else "",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
