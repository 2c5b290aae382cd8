"""The inbox: one's notifications, each opened where it leads; and which of them also go by e-mail."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.lib.choices import choice_label
from kesu.notifications.models import DeliveryChannel, NotificationKind
from kesu.notifications.selectors import inbox, notification_of
from kesu.notifications.services import (
    notification_link,
    notification_mark_read,
    notification_preferences,
    notification_preferences_set,
    notification_text,
    notifications_mark_all_read,
    staff_channels,
)
from kesu.web.paging import CappedPaginator
from kesu.web.views.common import fragment, is_htmx

PAGE_SIZE = 25


@login_required
@require_GET
def inbox_page(request):
    unread_only = request.GET.get("unread") == "1"
    page = CappedPaginator(inbox(request.user, unread_only=unread_only), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [{"notification": each, "text": notification_text(each)} for each in page.object_list],
        "unread_only": unread_only,
        "query": "unread=1" if unread_only else "",
    }
    if is_htmx(request) and request.headers.get("HX-Target") == "list-results":
        return fragment(request, "web/notifications/_results.html", context)
    return render(request, "web/notifications/inbox.html", context)


@login_required
@require_GET
def notification_open(request, pk: int):
    notification = notification_mark_read(notification=notification_of(request.user, pk))
    return redirect(notification_link(notification))


@login_required
@require_POST
def notifications_read_all(request):
    notifications_mark_all_read(user=request.user)
    return redirect("web:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    if request.method == "POST":
        chosen = {tuple(value.split(":", 1)) for value in request.POST.getlist("on") if ":" in value}
        notification_preferences_set(user=request.user, enabled=chosen)
        return redirect(f"{reverse('web:notification_settings')}?saved=1")
    channels = staff_channels(request.user)
    context = {
        "channels": [choice_label(DeliveryChannel, channel) for channel in channels],
        "kinds": _grid(request.user, channels),
        "email_set_up": settings.EMAIL_ENABLED,
        "saved": request.GET.get("saved") == "1",
    }
    return render(request, "web/notifications/settings.html", context)


def _grid(user, channels: list[str]) -> list[dict]:
    """A row per kind of notification, by its name; a box per channel, ticked when it is sent there."""
    preferences = notification_preferences(user)
    return [
        {
            "label": kind.label,
            "cells": [
                {
                    "value": f"{kind}:{channel}",
                    "channel": choice_label(DeliveryChannel, channel),
                    "on": preferences[kind, channel],
                }
                for channel in channels
            ],
        }
        for kind in NotificationKind
    ]
