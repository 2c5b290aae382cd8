"""个人信息保护: a sensitive field shown on a logged read; the personal-data access log (who read whose
data, when, why), filtered, paged and exported; a customer's requests about their data (a copy,
a correction, erasure). The log and the requests are for the admin role (roles.py)."""

import csv
import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from kesu.complaints.presenters import customer_out
from kesu.complaints.selectors import complaint_for_user
from kesu.customers import subject_requests
from kesu.customers.models import Customer, Gender
from kesu.customers.privacy import AccessLogFilters, access_log, may_see_access_log, sensitive_fields_reveal
from kesu.customers.services import normalize_phone
from kesu.lib.errors import DomainError, FieldError, NotAllowed
from kesu.web import exports
from kesu.web.forms import PageForm
from kesu.web.paging import CappedPaginator
from kesu.web.presenters import field_value
from kesu.web.views.common import fragment, is_htmx

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 50_000


@login_required
@require_GET
def sensitive_field(request, number: str, key: str):
    """One sensitive field's value, in place of its mask; the read is logged."""
    complaint = complaint_for_user(number, request.user)
    try:
        values = sensitive_fields_reveal(complaint=complaint, user=request.user, keys={key})
    except NotAllowed as refused:
        raise PermissionDenied(refused.message) from refused
    except FieldError as unknown:
        raise Http404 from unknown
    return HttpResponse(str(field_value(values.get(key, ""))), content_type="text/plain; charset=utf-8")


class AccessLogForm(PageForm):
    user = forms.CharField(label=gettext_lazy("Staff (username)"), required=False, max_length=150)
    phone = forms.CharField(label=gettext_lazy("Customer's phone"), required=False, max_length=30)
    customer = forms.IntegerField(label=gettext_lazy("Customer (id)"), required=False, min_value=1)
    date_from = forms.DateField(
        label=gettext_lazy("Read from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Read until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if not phone:
            return ""
        try:
            return normalize_phone(phone)
        except FieldError as wrong:
            raise forms.ValidationError(wrong.message) from wrong


def _require_access_log(user) -> None:
    if not may_see_access_log(user):
        raise PermissionDenied


def _log_rows(params):
    form = AccessLogForm(params or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = AccessLogFilters(
        user=data.get("user") or "",
        customer=data.get("customer"),
        phone=data.get("phone") or "",
        since=data.get("date_from"),
        until=data.get("date_to"),
    )
    return form, access_log(filters)


@login_required
@require_GET
def access_log_page(request):
    _require_access_log(request.user)
    form, rows = _log_rows(request.GET)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    if is_htmx(request) and request.headers.get("HX-Target") == "list-results":
        return fragment(request, "web/privacy/_log_results.html", context)
    return render(request, "web/privacy/access_log.html", context)


def _log_table(rows):
    yield [_("Time"), _("Staff"), _("Customer (id)"), _("What was read"), _("Reason"), _("Rows")]
    for row in rows[:EXPORT_MAX_ROWS].iterator(chunk_size=1000):
        at = timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S")
        yield [at, row.user.username, row.customer_id or "", row.purpose, row.reason, row.row_count or ""]


@login_required
@require_GET
def access_log_export(request, fmt: str):
    """The filtered log as Excel or CSV (staff and customer ids, no customer's data)."""
    _require_access_log(request.user)
    _form, rows = _log_rows(request.GET)
    table = ([exports.safe_cell(value) for value in row] for row in _log_table(rows))
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Access log"))
        for row in table:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        content, content_type = out.getvalue(), exports.XLSX
    else:
        out = io.StringIO()
        csv.writer(out).writerows(table)
        content, content_type = ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="personal-data-access-{stamp}.{fmt}"'
    return response


class ExportReasonForm(PageForm):
    reason = forms.CharField(
        label=gettext_lazy("Why do you export this personal data?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def reasoned_export(request, complaints, *, fmt: str, what: str, filename: str):
    """A bulk export of a short list of complaints naming customers (a day's case review): shown, the
    form asking why (GET); sent, the file (POST), logged in the personal-data access log with the
    reason and the row count."""
    form = ExportReasonForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        content, content_type = exports.complaints_file(
            complaints, fmt, user=request.user, reason=form.cleaned_data["reason"], what=what
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
        return response
    return export_reason_page(request, form, fmt=fmt)


def export_reason_page(request, form: ExportReasonForm, *, fmt: str):
    """The form asking why personal data is exported; sent back with its errors (422) when bound."""
    context = {"form": form, "action": request.get_full_path(), "fmt": fmt}
    return render(request, "web/privacy/export_reason.html", context, status=422 if form.is_bound else 200)


# ---- a customer's requests about their personal data ----


class FindForm(PageForm):
    phone = forms.CharField(label=gettext_lazy("Phone"), required=False, max_length=30)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    number = forms.CharField(label=gettext_lazy("Complaint number"), required=False, max_length=32)


class ReasonForm(PageForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the customer's request, how it came)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CopyForm(ReasonForm):
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=[("xlsx", "Excel"), ("json", "JSON")])


class CorrectionForm(ReasonForm):
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=100)
    phone = forms.CharField(label=gettext_lazy("Phone"), required=False, max_length=30)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    region = forms.CharField(label=gettext_lazy("Region"), required=False, max_length=100)
    gender = forms.ChoiceField(label=gettext_lazy("Gender"), choices=Gender.choices)


def _require_requests(user) -> None:
    if not subject_requests.may_handle_subject_requests(user):
        raise PermissionDenied


@login_required
@require_GET
def subject_find(request):
    """Find the customer the request is about."""
    _require_requests(request.user)
    form = FindForm(request.GET or None)
    if form.is_bound and form.is_valid() and any(form.cleaned_data.values()):
        try:
            customer = subject_requests.customer_find(**form.cleaned_data)
        except FieldError as wrong:
            form.add_error("phone", wrong.message)
        else:
            if customer is not None:
                return redirect("web:subject_customer", pk=customer.pk)
            form.add_error(None, _("No customer found."))
    return render(request, "web/privacy/find.html", {"form": form})


def _customer_context(customer: Customer, **forms_given) -> dict:
    return {
        "customer": customer,
        "masked": customer_out(customer, masked=True),
        "complaints": list(customer.complaints.order_by("-received_at").values("number", "status", "received_at")),
        "requests": list(customer.subject_requests.select_related("by")),
        "copy_form": forms_given.get("copy_form") or CopyForm(),
        "correction_form": forms_given.get("correction_form") or CorrectionForm(initial={"gender": customer.gender}),
        "erase_form": forms_given.get("erase_form") or ReasonForm(prefix="erase"),
    }


@login_required
@require_GET
def subject_customer(request, pk: int):
    """The customer, masked: the requests carried out, and the forms for a new one."""
    _require_requests(request.user)
    customer = get_object_or_404(Customer, pk=pk)
    return render(request, "web/privacy/customer.html", _customer_context(customer))


@login_required
@require_POST
def subject_copy(request, pk: int):
    _require_requests(request.user)
    customer = get_object_or_404(Customer, pk=pk)
    form = CopyForm(request.POST)
    if not form.is_valid():
        return render(request, "web/privacy/customer.html", _customer_context(customer, copy_form=form), status=422)
    fmt = form.cleaned_data["format"]
    content = subject_requests.subject_export(
        customer=customer, actor=request.user, reason=form.cleaned_data["reason"], fmt=fmt
    )
    response = HttpResponse(content, content_type=exports.XLSX if fmt == "xlsx" else "application/json")
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.{fmt}"'
    return response


@login_required
@require_http_methods(["POST"])
def subject_correct(request, pk: int):
    _require_requests(request.user)
    customer = get_object_or_404(Customer, pk=pk)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        changes = {field: value for field, value in data.items() if value not in ("", None)}
        try:
            subject_requests.subject_correct(customer=customer, actor=request.user, reason=reason, changes=changes)
        except DomainError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            return redirect("web:subject_customer", pk=customer.pk)
    context = _customer_context(customer, correction_form=form)
    return render(request, "web/privacy/customer.html", context, status=422)


@login_required
@require_POST
def subject_erase(request, pk: int):
    _require_requests(request.user)
    customer = get_object_or_404(Customer, pk=pk)
    form = ReasonForm(request.POST, prefix="erase")
    if form.is_valid():
        try:
            subject_requests.subject_erase(customer=customer, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("web:subject_customer", pk=customer.pk)
    status = 409 if form.non_field_errors() else 422
    return render(request, "web/privacy/customer.html", _customer_context(customer, erase_form=form), status=status)
