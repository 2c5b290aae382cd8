"""Tell staff what needs them: an in-app notification now, an e-mail from the worker."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.complaints.models import Complaint
from kesu.notifications.models import Notification, NotificationKind


def notify(*, users, kind: NotificationKind, complaint: Complaint | None = None, **data) -> list[Notification]:
    """One notification per person (each once, however often named); the e-mail goes later."""
    unique = {user.pk: user for user in users if user is not None}
    return Notification.objects.bulk_create(
        [Notification(user=user, complaint=complaint, kind=kind, data=data) for user in unique.values()]
    )


def notification_text(notification: Notification) -> str:
    number = notification.data.get("number", "")
    texts = {
        NotificationKind.ESCALATED_TO_YOU: _("Complaint %(number)s was escalated to you (tier %(tier)s)."),
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
    }
    values = {
        "tier": "",
        "due": "",
        "task": "",
        "agreed_date": "",
        **notification.data,
        "number": number,
        "clock": _clock_label(notification.data),
    }
    return texts[notification.kind] % values


def _clock_label(data: dict) -> str:
    labels = data.get("clock_label") or {}
    language = "en" if (translation.get_language() or "").startswith("en") else "zh"
    return labels.get(language) or data.get("clock", "")


def notifications_email_pending(*, batch: int = 200) -> int:
    """E-mail the notifications not sent yet, each claimed first so two workers never send one twice."""
    if not settings.EMAIL_ENABLED:
        return 0
    sent = 0
    pending = Notification.objects.filter(emailed_at=None).exclude(user__email="")
    for notification in pending.select_related("user")[:batch]:
        with transaction.atomic():
            claimed = Notification.objects.filter(pk=notification.pk, emailed_at=None).update(emailed_at=timezone.now())
            if not claimed:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                text = notification_text(notification)
            send_mail(f"[Kesu] {text}", text, None, [notification.user.email])
        sent += 1
    return sent
