"""The complaint list's filters, read from its query string: by the page, and by the worker that
exports the same list later (`kesu.web.list_exports`); the chips that name the filters in use, and
the saved views' counts."""

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.complaints.selectors import ComplaintFilters
from kesu.web import selectors
from kesu.web.forms import ListFilterForm
from kesu.web.models import SavedView
from kesu.web.paging import capped_count

ORDERS_OF_THE_API = ("-received", "received", "due")


# A saved view's count in the sidebar stops at this ("99+", as a badge says it); only the first views
# are counted, one capped count each.
SAVED_VIEW_COUNT_CAP = 99
SAVED_VIEWS_COUNTED = 10


def list_filter_form(params: QueryDict, choices: dict | None = None) -> ListFilterForm:
    return ListFilterForm(params, **(choices or selectors.list_filter_choices()))


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


@dataclass(frozen=True)
class Chip:
    """A filter in use, as the user reads it ("Status: Investigating"), and the list's query without it."""

    text: str
    without: str


def list_chips(form: ListFilterForm) -> list[Chip]:
    """The filters that parsed, each named (never a code), a status chip for each status ticked. The sort
    order is not a filter."""
    form.is_valid()
    chips = []
    for name, value in form.cleaned_data.items():
        if name == "order" or value in (None, "", [], False):
            continue
        field = form.fields[name]
        for one in value if isinstance(value, list) else [value]:
            text = (
                str(field.label)
                if one is True
                else _("%(filter)s: %(value)s")
                % {
                    "filter": field.label,
                    "value": _value_name(field, one),
                }
            )
            chips.append(Chip(text=text, without=_without(form.data, name, one)))
    return chips


def _value_name(field: forms.Field, value) -> str:
    if isinstance(field, forms.ModelChoiceField):
        return str(value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _without(params: QueryDict, name: str, value) -> str:
    query = params.copy()
    query.pop("page", None)
    if isinstance(value, str) and len(query.getlist(name)) > 1:
        query.setlist(name, [other for other in query.getlist(name) if other != value])
    else:
        query.pop(name, None)
    return query.urlencode()


def saved_views_counted(user, choices: dict) -> list[SavedView]:
    """The user's saved views, the first `SAVED_VIEWS_COUNTED` each with `count_text`: how many
    complaints it lists, one count capped at `SAVED_VIEW_COUNT_CAP` + 1 rows read ("99+")."""
    views = list(selectors.saved_views(user))
    for view in views[:SAVED_VIEWS_COUNTED]:
        rows = selectors.complaint_rows(user, list_query(list_filter_form(QueryDict(view.query), choices)))
        count = capped_count(rows, SAVED_VIEW_COUNT_CAP)
        view.count_text = f"{SAVED_VIEW_COUNT_CAP}+" if count > SAVED_VIEW_COUNT_CAP else str(count)
    return views
