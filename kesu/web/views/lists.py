"""投诉列表: filters (named in chips), search, sorting, pages, saved views with their counts, the
columns each user chooses, steps on the complaints ticked (assign, set priority), and the filtered list
as Excel or CSV (written by the worker)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.complaints.rules import may_assign, may_change_priority
from kesu.complaints.services.bulk import BulkOutcome, complaints_bulk_assign, complaints_bulk_set_priority
from kesu.lib.choices import choice_label
from kesu.lib.errors import DomainError, NotAllowed
from kesu.processes.vocabulary import Priority
from kesu.web import selectors
from kesu.web.forms import BulkActionForm, ListColumnsForm, SavedViewForm
from kesu.web.list_columns import list_columns, list_columns_choose
from kesu.web.list_exports import list_export_start
from kesu.web.list_filters import list_chips, list_filter_form, list_query, saved_views_counted
from kesu.web.models import SavedView
from kesu.web.paging import CappedPaginator
from kesu.web.views.common import fragment, is_htmx
from kesu.web.views.privacy import ExportReasonForm, export_reason_page

PAGE_SIZE = 25


def _list_context(request, params: QueryDict, saved_view_form: SavedViewForm | None = None) -> dict:
    choices = selectors.list_filter_choices()
    form = list_filter_form(params, choices)
    wanted = list_query(form)
    rows = selectors.complaint_rows(request.user, wanted)
    page = CappedPaginator(
        rows, PAGE_SIZE, fetch=lambda start, stop: selectors.complaint_rows_page(request.user, wanted, start, stop)
    ).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    columns = list_columns(request.user)
    bulk = _bulk_context(request.user, here=params.urlencode())
    return {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "chips": list_chips(form),
        "columns": columns,
        "columns_form": ListColumnsForm(initial={"columns": columns, "query": query.urlencode()}),
        "filter_choices": choices,
        "saved_view_form": saved_view_form or SavedViewForm(initial={"query": query.urlencode()}),
        "column_count": 4 + len(columns) + bool(bulk),  # for the row that says none matches
        **bulk,
    }


def _bulk_context(user, *, here: str, form: BulkActionForm | None = None) -> dict:
    """The bar of steps on the complaints ticked, for those whose role may take one of them."""
    bulk = {"may_bulk_assign": may_assign(user), "may_bulk_priority": may_change_priority(user)}
    if not any(bulk.values()):
        return {}
    return {**bulk, "bulk_form": form or BulkActionForm(initial={"here": here})}


def _list_page(request, context: dict, *, status: int = 200):
    if is_htmx(request) and request.headers.get("HX-Target") == "list-results":
        return fragment(request, "web/lists/_results.html", context, status=status)
    context["saved_views"] = saved_views_counted(request.user, context["filter_choices"])  # the sidebar
    return render(request, "web/lists/list.html", context, status=status)


@login_required
@require_GET
def complaint_list(request):
    return _list_page(request, _list_context(request, request.GET))


@login_required
@require_POST
def complaints_bulk(request):
    """Assign, or set the priority of, the complaints ticked: each as its own step would, those refused
    named with the reason; then the list again, as it was."""
    user = request.user
    if not (may_assign(user) or may_change_priority(user)):
        raise PermissionDenied
    form = BulkActionForm(request.POST)
    ticked = {text.partition(":")[0] for text in request.POST.getlist("bulk-picks")}
    outcome = None
    if form.is_valid():
        try:
            outcome = _bulk_run(user, form.cleaned_data)
        except NotAllowed as refused:
            raise PermissionDenied(refused.message) from refused
        except DomainError as refused:
            form.add_domain_error(refused)
    params = QueryDict(form.data.get("bulk-here", "")[:2000])
    context = _list_context(request, params)
    context.update(_bulk_context(user, here=params.urlencode(), form=form))
    if outcome is None:
        context["bulk_ticked"] = ticked
        return _list_page(request, context, status=422)
    context.update(
        bulk_done=_done_text(form.cleaned_data, len(outcome.done)) if outcome.done else "",
        bulk_refused=outcome.refused,
        bulk_ticked={number for number, _why in outcome.refused},  # to try again
    )
    return _list_page(request, context)


def _bulk_run(user, data: dict) -> BulkOutcome:
    if data["action"] == "assign":
        return complaints_bulk_assign(actor=user, picks=data["picks"], assignee=data["assignee"])
    return complaints_bulk_set_priority(
        actor=user, picks=data["picks"], priority=data["priority"], reason=data["reason"]
    )


def _done_text(data: dict, count: int) -> str:
    if data["action"] == "assign":
        text = ngettext(
            "%(count)d complaint assigned to %(name)s.", "%(count)d complaints assigned to %(name)s.", count
        )
        return text % {"count": count, "name": data["assignee"]}
    text = ngettext(
        "%(count)d complaint now has the priority “%(priority)s”.",
        "%(count)d complaints now have the priority “%(priority)s”.",
        count,
    )
    return text % {"count": count, "priority": choice_label(Priority, data["priority"])}


@login_required
@require_http_methods(["GET", "POST"])
def complaint_export(request, fmt: str):
    """The filtered list as it is sorted, every row (customers masked): the user says why (GET, the
    form), the worker writes the file, and the export's page offers it when it is ready."""
    form = ExportReasonForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            export = list_export_start(
                user=request.user, query=request.GET.urlencode(), fmt=fmt, reason=form.cleaned_data["reason"]
            )
        except DomainError as refused:
            form.add_domain_error(refused)
        else:
            return redirect("web:export", pk=export.pk)
    return export_reason_page(request, form, fmt=fmt)


@login_required
@require_POST
def saved_view_save(request):
    form = SavedViewForm(request.POST)
    if form.is_valid():
        name, query = form.cleaned_data["name"], form.cleaned_data["query"]
        try:
            SavedView.objects.update_or_create(user=request.user, name=name, defaults={"query": query})
        except IntegrityError:  # saved twice at once: the other save stands
            pass
        return redirect(f"{reverse('web:complaints')}?{query}")
    params = QueryDict(form.data.get("query", "")[:2000])
    return _list_page(request, _list_context(request, params, form), status=422)


@login_required
@require_POST
def list_columns_save(request):
    """The optional columns the user chose; then the list again, as it was."""
    form = ListColumnsForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()))
    try:
        list_columns_choose(request.user, form.cleaned_data["columns"])
    except IntegrityError:  # chosen twice at once: the other choice stands
        pass
    return redirect(f"{reverse('web:complaints')}?{form.cleaned_data['query']}")


@login_required
@require_POST
def saved_view_delete(request, pk: int):
    get_object_or_404(SavedView, pk=pk, user=request.user).delete()
    return redirect("web:complaints")
