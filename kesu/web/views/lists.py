"""投诉列表: filters, search, sorting, pages, saved views, and the filtered list as Excel or CSV."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.complaints.selectors import ComplaintFilters
from kesu.web import selectors
from kesu.web.forms import ListFilterForm, SavedViewForm
from kesu.web.models import SavedView
from kesu.web.paging import CappedPaginator
from kesu.web.views.common import fragment, is_htmx
from kesu.web.views.privacy import reasoned_export

PAGE_SIZE = 25


def _day_start(day: dt.date | None) -> dt.datetime | None:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)) if day else None


def list_query(form: ListFilterForm) -> selectors.ListQuery:
    """The filters that parsed (a wrong one is shown on its field and left out)."""
    form.is_valid()
    data = form.cleaned_data
    received_to = data.get("received_to")
    order = data.get("order") or "-received"
    filters = ComplaintFilters(
        status=data.get("status") or None,
        process=data.get("process") or None,
        category=data.get("category") or None,
        finding=data.get("finding") or None,
        priority=data.get("priority") or None,
        channel=data.get("channel") or None,
        department=data["department"].code if data.get("department") else None,
        assignee=data["assignee"].username if data.get("assignee") else None,
        received_from=_day_start(data.get("received_from")),
        received_to=_day_start(received_to + dt.timedelta(days=1)) if received_to else None,
        overdue=True if data.get("overdue") else None,
        picked_for_review=True if data.get("marked") == "review" else None,
        red_marked=True if data.get("marked") == "red" else None,
        q=data.get("q") or None,
        order=order if order in ("-received", "received", "due") else "-received",
    )
    return selectors.ListQuery(
        filters=filters, store=data.get("store") or "", product=data.get("product") or "", order=order
    )


def _filter_form(params: QueryDict) -> ListFilterForm:
    return ListFilterForm(params, **selectors.list_filter_choices())


def _list_context(request, params: QueryDict, saved_view_form: SavedViewForm | None = None) -> dict:
    form = _filter_form(params)
    wanted = list_query(form)
    rows = selectors.complaint_rows(request.user, wanted)
    page = CappedPaginator(
        rows, PAGE_SIZE, fetch=lambda start, stop: selectors.complaint_rows_page(request.user, wanted, start, stop)
    ).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "saved_views": selectors.saved_views(request.user),
        "saved_view_form": saved_view_form or SavedViewForm(initial={"query": query.urlencode()}),
    }


@login_required
@require_GET
def complaint_list(request):
    context = _list_context(request, request.GET)
    if is_htmx(request) and request.headers.get("HX-Target") == "list-results":
        return fragment(request, "web/lists/_results.html", context)
    return render(request, "web/lists/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_export(request, fmt: str):
    """The filtered list (customers masked), as it is sorted, up to exports.MAX_ROWS rows, for a
    reason the user types (asked first; the export is logged)."""
    rows = selectors.complaint_rows(request.user, list_query(_filter_form(request.GET)))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return reasoned_export(request, rows, fmt=fmt, what=f"complaint list ({fmt})", filename=f"complaints-{stamp}")


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
    return render(request, "web/lists/list.html", _list_context(request, params, form), status=422)


@login_required
@require_POST
def saved_view_delete(request, pk: int):
    get_object_or_404(SavedView, pk=pk, user=request.user).delete()
    return redirect("web:complaints")
