"""The outbox: what Kesu sends, waiting and failed first, filtered by status and channel; one
delivery with its tries, sent again by hand. For those who may send again (managers and the admin)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from kesu.lib.errors import NotAllowed
from kesu.notifications.models import Delivery, DeliveryChannel, DeliveryStatus
from kesu.notifications.outbox import delivery_retry, may_retry
from kesu.notifications.presenters import delivery_row
from kesu.notifications.selectors import ALL_STATUSES, delivery_with_tries, outbox_list
from kesu.web.actions import may_see_outbox
from kesu.web.forms import PageForm
from kesu.web.paging import CappedPaginator
from kesu.web.views.common import fragment, is_htmx

PAGE_SIZE = 25


class OutboxFilterForm(PageForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Waiting or failed")), *DeliveryStatus.choices, (ALL_STATUSES, _("All"))],
        required=False,
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All")), *DeliveryChannel.choices], required=False)


def _require_outbox(user) -> None:
    if not may_see_outbox(user):
        raise PermissionDenied


@login_required
@require_GET
def outbox_page(request):
    _require_outbox(request.user)
    form = OutboxFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = outbox_list(status=data.get("status") or None, channel=data.get("channel") or None)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [delivery_row(delivery) for delivery in page.object_list],
        "query": query.urlencode(),
    }
    if is_htmx(request) and request.headers.get("HX-Target") == "list-results":
        return fragment(request, "web/outbox/_results.html", context)
    return render(request, "web/outbox/list.html", context)


@login_required
@require_GET
def delivery_page(request, pk: int):
    _require_outbox(request.user)
    delivery = delivery_with_tries(pk)
    context = {
        "delivery": delivery_row(delivery),
        "tries": delivery.tries.all(),
        "may_retry": may_retry(request.user, delivery),
    }
    return render(request, "web/outbox/delivery.html", context)


@login_required
@require_POST
def delivery_send_again(request, pk: int):
    try:
        delivery_retry(delivery=get_object_or_404(Delivery, pk=pk), actor=request.user)
    except NotAllowed as refused:
        raise PermissionDenied(refused.message) from refused
    return redirect("web:delivery", pk=pk)
