"""Reads of the inbox and the outbox, newest first."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kesu.notifications.models import Delivery, DeliveryStatus, Notification

WAITING_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
OUTBOX_DEFAULT_STATUSES = (*WAITING_STATUSES, DeliveryStatus.FAILED)
"""What the outbox shows unless told otherwise: what is still to go, and what could not."""
ALL_STATUSES = "all"

ROW_COLUMNS = (
    "channel",
    "recipient",
    "kind",
    "status",
    "attempts",
    "next_attempt_at",
    "sent_at",
    "last_error",
    "created_at",
    "complaint__number",
)
"""What a row of the outbox shows: the delivery without its content, and its complaint's number."""


def inbox(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    mine = Notification.objects.filter(user=user)
    return mine.filter(read_at=None) if unread_only else mine


def notification_of(user, pk: int) -> Notification:
    """One of the user's own notifications; 404 for anyone else's."""
    return get_object_or_404(Notification, pk=pk, user=user)


def outbox_list(*, status: str | None = None, channel: str | None = None) -> QuerySet[Delivery]:
    """Deliveries of one status (`ALL_STATUSES`: any; none: `OUTBOX_DEFAULT_STATUSES`), of one channel or all."""
    rows = Delivery.objects.select_related("complaint").only(*ROW_COLUMNS)
    if status != ALL_STATUSES:
        rows = rows.filter(status__in=[status] if status else OUTBOX_DEFAULT_STATUSES)
    if channel:
        rows = rows.filter(channel=channel)
    return rows.order_by("-created_at", "-id")


def delivery_with_tries(pk: int) -> Delivery:
    """One delivery and its tries, oldest first; 404 when there is none."""
    return get_object_or_404(Delivery.objects.select_related("complaint").prefetch_related("tries"), pk=pk)
