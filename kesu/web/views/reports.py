"""报表: the counts and the monthly report with charts for leaders, the pending-matters ledger per
handler, the month's penalty and reward ledger for finance (.xlsx), and the reports produced on
schedule or run by hand."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kesu.accountability.ledger import ledger_workbook
from kesu.complaints.selectors import complaints_visible_to
from kesu.complaints.services.pending import pending_ledger
from kesu.lib.errors import DomainError
from kesu.reports.files import CONTENT_TYPES, snapshot_file, snapshot_filename
from kesu.reports.models import ReportSnapshot
from kesu.reports.presenters import snapshot_page, snapshot_period, snapshot_title
from kesu.reports.schedule import report_processes, report_run
from kesu.reports.selectors import dashboard_counts, monthly_report
from kesu.web import presenters, selectors
from kesu.web.actions import may_download_ledger, may_read_report, may_see_reports
from kesu.web.forms import MonthForm, ReportRunForm

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


def _report_choices() -> list[tuple[str, str]]:
    """Every report of every process, as "process:key", by its names."""
    return [
        (f"{process.name}:{spec.key}", f"{process.spec.label} · {spec.label}")
        for process in report_processes()
        for spec in process.spec.reports
    ]


@login_required
def report_snapshots(request):
    """报告: the reports produced on schedule and by hand, newest first; a report run for any range."""
    user = request.user
    if not may_see_reports(user):
        raise PermissionDenied
    form, status = _run_form(request.POST or None), 200
    if request.method == "POST":
        if form.is_valid():
            process_name, key = form.cleaned_data["report"].split(":", 1)
            try:
                snapshot = report_run(
                    process_name=process_name,
                    key=key,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    user=user,
                    filters=form.filters(),
                )
            except DomainError as error:
                form.add_domain_error(error)
                status = error.status
            else:
                return redirect("web:report_snapshot", pk=snapshot.pk)
        else:
            status = 422
    page = Paginator(ReportSnapshot.objects.defer("data"), 50).get_page(request.GET.get("page"))
    rows = [
        {"snapshot": snapshot, "title": snapshot_title(snapshot), "period": snapshot_period(snapshot)}
        for snapshot in page
    ]
    context = {"form": form, "page": page, "rows": rows}
    return render(request, "web/reports/snapshots.html", context, status=status)


def _run_form(data=None, initial=None) -> ReportRunForm:
    return ReportRunForm(data, initial=initial, reports=_report_choices(), categories=selectors.current_categories())


@login_required
@require_GET
def report_snapshot(request, pk: int):
    """One report as it was produced; leaders may run it again for other dates or narrowed down."""
    snapshot = get_object_or_404(ReportSnapshot, pk=pk)
    if not may_read_report(request.user, snapshot):
        raise PermissionDenied
    context = {"snapshot": snapshot, **snapshot_page(snapshot)}
    if may_see_reports(request.user):
        initial = {
            "report": f"{snapshot.process_name}:{snapshot.key}",
            "start": snapshot.period_start,
            "end": snapshot.period_end - dt.timedelta(days=1),
            **snapshot.data.get("filters", {}),
        }
        context["form"] = _run_form(initial=initial)
    return render(request, "web/reports/snapshot.html", context)


@login_required
@require_GET
def report_snapshot_file(request, pk: int, kind: str):
    """The report as an Excel workbook or a PDF, made from its frozen numbers."""
    snapshot = get_object_or_404(ReportSnapshot, pk=pk)
    if not may_read_report(request.user, snapshot):
        raise PermissionDenied
    response = HttpResponse(snapshot_file(snapshot, kind), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{snapshot_filename(snapshot, kind)}"'
    return response
