"""Tell staff what needs them: a notification in their inbox now, and an e-mail through the outbox
for the kinds they have not turned off."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.complaints.models import Complaint
from kesu.notifications.models import (
    Delivery,
    DeliveryChannel,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from kesu.notifications.outbox import deliveries_enqueue

STAFF_CHANNELS = (DeliveryChannel.EMAIL,)
"""The channels a member of staff may have their notifications sent on, besides the inbox."""


def notify(*, users, kind: NotificationKind, complaint: Complaint | None = None, **data) -> list[Notification]:
    """One notification per person (each once, however often named), and its e-mail in the outbox."""
    unique = {user.pk: user for user in users if user is not None}
    notifications = Notification.objects.bulk_create(
        [Notification(user=user, complaint=complaint, kind=kind, data=data) for user in unique.values()]
    )
    _email(notifications, kind)
    return notifications


def _email(notifications: list[Notification], kind: NotificationKind) -> None:
    if not settings.EMAIL_ENABLED:
        return
    addressed = [notification for notification in notifications if notification.user.email]
    if not addressed:
        return
    turned_off = set(
        NotificationPreference.objects.filter(
            user__in=[notification.user_id for notification in addressed],
            kind=kind,
            channel=DeliveryChannel.EMAIL,
            enabled=False,
        ).values_list("user_id", flat=True)
    )
    with translation.override(settings.LANGUAGE_CODE):
        deliveries_enqueue(
            [_email_of(notification) for notification in addressed if notification.user_id not in turned_off]
        )


def _email_of(notification: Notification) -> Delivery:
    text = notification_text(notification)
    number = notification.data.get("number")
    payload = {"number": number} if number else {}
    report = notification.data.get("report_id")
    if report:  # the report itself travels with its notice, as a PDF to read and a workbook to work on
        payload["attachments"] = [["report", report, "pdf"], ["report", report, "xlsx"]]
    return Delivery(
        channel=DeliveryChannel.EMAIL,
        recipient=notification.user.email,
        kind=notification.kind,
        subject=f"[{_('Kesu')}] {text}",
        body=f"{text}\n\n{settings.BASE_URL}{notification_link(notification)}\n",
        payload=payload,
        idempotency_key=f"notification:{notification.pk}:email",
        complaint=notification.complaint,
        user=notification.user,
    )


def notification_text(notification: Notification) -> str:
    number = notification.data.get("number", "")
    texts = {
        NotificationKind.ESCALATED_TO_YOU: _("Complaint %(number)s was escalated to you (tier %(tier)s)."),
        NotificationKind.ESCALATION_REPORTED: _(
            "Complaint %(number)s went up to tier %(tier)s; you are told for your information."
        ),
        NotificationKind.CLOCK_WARNING: _("Complaint %(number)s: the deadline “%(clock)s” is near (%(due)s)."),
        NotificationKind.CLOCK_BREACHED: _("Complaint %(number)s: the deadline “%(clock)s” was missed (%(due)s)."),
        NotificationKind.ASSIGNED_TO_YOU: _("Complaint %(number)s was assigned to you."),
        NotificationKind.TASK_FOR_YOU: _("Complaint %(number)s: a task for you: %(task)s."),
        NotificationKind.TASK_DONE: _("Complaint %(number)s: the task “%(task)s” is done."),
        NotificationKind.TASK_OVERDUE: _("Complaint %(number)s: the task “%(task)s” is overdue."),
        NotificationKind.APPROVAL_NEEDED: _("Complaint %(number)s: a plan waits for your approval."),
        NotificationKind.FOLLOW_UP_DUE: _("Complaint %(number)s: a follow-up call is due."),
        NotificationKind.PENDING_REMINDER: _(
            "Complaint %(number)s: pending matter agreed for %(agreed_date)s — remind the customer."
        ),
        NotificationKind.CUSTOMER_WROTE: _("Complaint %(number)s: the customer wrote or answered the plan."),
        NotificationKind.REPORT_READY: _("The report “%(report)s” for %(period)s is ready."),
        NotificationKind.SPIKE: _(
            "Unusually many complaints about “%(what)s” today: %(count)s, against %(baseline)s a day before."
        ),
        NotificationKind.EXPORT_READY: _("Your export of the complaint list is ready: %(rows)s rows."),
        NotificationKind.EXPORT_FAILED: _("Your export of the complaint list failed; see why on its page."),
    }
    values = {
        "tier": "",
        "due": "",
        "task": "",
        "agreed_date": "",
        "period": "",
        "count": "",
        "baseline": "",
        "rows": "",
        **notification.data,
        "number": number,
        "clock": _clock_label(notification.data),
        "report": _label(notification.data.get("report_label")),
        "what": _label(notification.data.get("what")),
    }
    return texts[notification.kind] % values


def notification_link(notification: Notification) -> str:
    """Where the notification leads: its task's page, its report's, else its complaint's page."""
    task = notification.data.get("task_id")
    if task:
        return reverse("web:task", args=[task])
    if notification.data.get("report_id"):
        return reverse("web:report_snapshot", args=[notification.data["report_id"]])
    if notification.data.get("link"):  # a list of complaints (a spike's)
        return notification.data["link"]
    number = notification.data.get("number")
    return reverse("web:complaint", args=[number]) if number else reverse("web:notifications")


def _clock_label(data: dict) -> str:
    return _label(data.get("clock_label")) or data.get("clock", "")


def _label(labels: dict | None) -> str:
    """A {zh, en} name in the reader's language."""
    language = "en" if (translation.get_language() or "").startswith("en") else "zh"
    return (labels or {}).get(language, "")


def notification_mark_read(*, notification: Notification) -> Notification:
    Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=timezone.now())
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at=None).update(read_at=timezone.now())


def staff_channels(user) -> list[str]:
    """The channels this member of staff can choose for their notifications: those set up, that reach them."""
    return [channel for channel in STAFF_CHANNELS if settings.EMAIL_ENABLED and user.email]


def notification_preferences(user) -> dict[tuple[str, str], bool]:
    """(kind, channel) → sent or not, for every kind and every channel the user can choose."""
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationPreference.objects.filter(user=user).values_list(
            "kind", "channel", "enabled"
        )
    }
    return {
        (kind, channel): chosen.get((kind, channel), True)
        for kind in NotificationKind.values
        for channel in staff_channels(user)
    }


@transaction.atomic
def notification_preferences_set(*, user, enabled: set[tuple[str, str]]) -> None:
    """Keep exactly the (kind, channel) pairs in `enabled` on, for the channels the user can choose."""
    for kind, channel in notification_preferences(user):
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, channel=channel, defaults={"enabled": (kind, channel) in enabled}
        )
