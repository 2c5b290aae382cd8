"""报表: the counts and the monthly report with charts for leaders, the pending-matters ledger per
handler, and the month's penalty and reward ledger for finance (.xlsx)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kesu.accountability.ledger import ledger_workbook
from kesu.complaints.selectors import complaints_visible_to
from kesu.complaints.services.pending import pending_ledger
from kesu.reports.selectors import dashboard_counts, monthly_report
from kesu.web import presenters, selectors
from kesu.web.actions import may_download_ledger, may_see_reports
from kesu.web.forms import MonthForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month(request) -> tuple[MonthForm, dt.date]:
    """The month asked for (a wrong one is shown on its field), else this month."""
    this_month = timezone.localdate().replace(day=1)
    form = MonthForm(request.GET if "month" in request.GET else None, initial={"month": this_month})
    month = form.cleaned_data["month"] if form.is_bound and form.is_valid() else this_month
    return form, month


@login_required
@require_GET
def reports_page(request):
    user = request.user
    leader, finance = may_see_reports(user), may_download_ledger(user)
    if not (leader or finance):
        raise PermissionDenied
    form, month = _month(request)
    context = {"form": form, "month": month, "leader": leader, "finance": finance}
    if leader:
        report = monthly_report(user, month)
        context |= {
            "counts": presenters.dashboard_rows(dashboard_counts(user)),
            "report": report,
            "charts": presenters.report_charts(
                report, dict(selectors.current_categories()), selectors.department_names()
            ),
            "pending": list(pending_ledger(complaints_visible_to(user))),
        }
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "web/reports/reports.html", context, status=status)


@login_required
@require_GET
def ledger_download(request):
    if not may_download_ledger(request.user):
        raise PermissionDenied
    form, month = _month(request)
    if form.is_bound and form.errors:
        return HttpResponse(form.errors["month"].as_text(), status=422, content_type="text/plain; charset=utf-8")
    response = HttpResponse(ledger_workbook(month), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="kesu-ledger-{month:%Y-%m}.xlsx"'
    return response
