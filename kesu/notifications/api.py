"""/api/v1/notifications: one's own inbox; /api/v1/outbox: what Kesu sends, for those who may send it
again. Thin: the services and selectors do the work."""

import datetime as dt
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from kesu.accounts.auth import staff_token
from kesu.lib.errors import NotAllowed
from kesu.lib.schemas import Labelled
from kesu.notifications.models import Delivery, DeliveryChannel, DeliveryStatus, Notification
from kesu.notifications.outbox import delivery_retry, may_retry
from kesu.notifications.presenters import delivery_row
from kesu.notifications.selectors import inbox, notification_of, outbox_list
from kesu.notifications.services import (
    notification_link,
    notification_mark_read,
    notification_text,
    notifications_mark_all_read,
)

router = Router(tags=["notifications"], auth=staff_token)
outbox_router = Router(tags=["outbox"], auth=staff_token)


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    complaint: str | None
    link: str
    created_at: str
    read: bool


class InboxIn(Schema):
    unread: bool = False
    limit: int = Field(default=50, ge=1, le=200)


class MarkedOut(Schema):
    marked: int


def _out(notification: Notification) -> dict:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "text": notification_text(notification),
        "complaint": notification.data.get("number"),
        "link": notification_link(notification),
        "created_at": notification.created_at.isoformat(),
        "read": notification.read_at is not None,
    }


@router.get("", response=list[NotificationOut], summary="My notifications, newest first")
def list_notifications(request, filters: Query[InboxIn]):
    return [_out(notification) for notification in inbox(request.auth, unread_only=filters.unread)[: filters.limit]]


@router.post("/read-all", response=MarkedOut, summary="Mark all my notifications read")
def mark_all_read(request):
    return {"marked": notifications_mark_all_read(user=request.auth)}


@router.post("/{int:notification_id}/read", response=NotificationOut, summary="Mark one of my notifications read")
def mark_read(request, notification_id: int):
    notification = notification_of(request.auth, notification_id)
    return _out(notification_mark_read(notification=notification))


# ---- the outbox ----------------------------------------------------------------------------------


class OutboxIn(Schema):
    status: DeliveryStatus | Literal["all"] | None = Field(
        default=None, description="One status, or `all`; by default those waiting to be sent and those that failed."
    )
    channel: DeliveryChannel | None = None
    page: int = Field(default=1, ge=1, le=10000)
    page_size: int = Field(default=50, ge=1, le=100)


class DeliveryOut(Schema):
    id: int
    created_at: dt.datetime
    channel: Labelled
    kind: Labelled
    recipient: str = Field(description="Masked: 138****1234, z***@example.com, a robot's name, a webhook's host.")
    complaint: str | None
    status: Labelled
    attempts: int
    next_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None
    last_error: str


class OutboxPage(Schema):
    items: list[DeliveryOut]
    page: int
    page_size: int
    has_next: bool


@outbox_router.get("", response=OutboxPage, summary="The outbox: deliveries waiting and failed, newest first")
def list_outbox(request, filters: Query[OutboxIn]):
    if not may_retry(request.auth):
        raise NotAllowed(_("Your role does not allow this."))
    start = (filters.page - 1) * filters.page_size
    rows = list(outbox_list(status=filters.status, channel=filters.channel)[start : start + filters.page_size + 1])
    return {
        "items": [delivery_row(delivery) for delivery in rows[: filters.page_size]],
        "page": filters.page,
        "page_size": filters.page_size,
        "has_next": len(rows) > filters.page_size,
    }


@outbox_router.post("/{int:delivery_id}/retry", response=DeliveryOut, summary="Send a failed or waiting delivery now")
def retry(request, delivery_id: int):
    delivery = get_object_or_404(Delivery.objects.select_related("complaint"), pk=delivery_id)
    delivery = delivery_retry(delivery=delivery, actor=request.auth)
    return delivery_row(delivery)
