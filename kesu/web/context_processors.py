from kesu.notifications.models import Notification


def pages(request) -> dict:
    """What the layout of every page shows: the number of unread notifications (counted only when shown)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread_notifications() -> int:
        return Notification.objects.filter(user=user, read_at=None).count()

    return {"unread_notifications": unread_notifications}
