"""The complaint list's filters, read from its query string: by the page, and by the worker that
exports the same list later (`kesu.web.list_exports`)."""

import datetime as dt

from django.http import QueryDict
from django.utils import timezone

from kesu.complaints.selectors import ComplaintFilters
from kesu.web import selectors
from kesu.web.forms import ListFilterForm

ORDERS_OF_THE_API = ("-received", "received", "due")


def list_filter_form(params: QueryDict) -> ListFilterForm:
    return ListFilterForm(params, **selectors.list_filter_choices())


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
        order=order if order in ORDERS_OF_THE_API else "-received",
    )
    return selectors.ListQuery(
        filters=filters, store=data.get("store") or "", product=data.get("product") or "", order=order
    )


def list_rows(user, query: str):
    """The complaints of the list under `query` (a query string), as `user` sees them, in its order."""
    return selectors.complaint_rows(user, list_query(list_filter_form(QueryDict(query))))
