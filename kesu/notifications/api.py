from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from kesu.accounts.auth import staff_token
from kesu.notifications.models import Notification
from kesu.notifications.services import notification_text

router = Router(tags=["notifications"], auth=staff_token)


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    complaint: str | None
    created_at: str
    read: bool


class InboxIn(Schema):
    unread: bool = False
    limit: int = Field(default=50, ge=1, le=200)


def _out(notification: Notification) -> dict:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "text": notification_text(notification),
        "complaint": notification.data.get("number"),
        "created_at": notification.created_at.isoformat(),
        "read": notification.read_at is not None,
    }


@router.get("", response=list[NotificationOut], summary="My notifications, newest first")
def inbox(request, filters: Query[InboxIn]):
    mine = Notification.objects.filter(user=request.auth)
    if filters.unread:
        mine = mine.filter(read_at=None)
    return [_out(notification) for notification in mine[: filters.limit]]


@router.post("/{notification_id}/read", response=NotificationOut, summary="Mark one of my notifications read")
def mark_read(request, notification_id: int):
    notification = get_object_or_404(Notification, pk=notification_id, user=request.auth)
    Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=timezone.now())
    notification.refresh_from_db()
    return _out(notification)
