"""The outbox as staff see it, on its pages and in the API: recipients masked, channels and messages
by their names in the reader's language."""

from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from kesu.complaints.models import EventKind
from kesu.customers.masking import mask_email, mask_phone
from kesu.lib.choices import choice_label
from kesu.notifications.customer import MESSAGE_LABELS, VERIFICATION_CODE
from kesu.notifications.models import (
    ROBOT_CHANNELS,
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    NotificationKind,
    RobotAlert,
)
from kesu.notifications.selectors import WAITING_STATUSES

WEBHOOK_PREFIX = "complaint."
"""A webhook's message is its event type: `complaint.` and the kind of the timeline's event."""


def delivery_recipient(delivery: Delivery) -> str:
    """Who a delivery goes to, without giving them away: a phone as 138****1234, an e-mail as
    z***@example.com, a robot by its name, a webhook by its host (its address may carry a token)."""
    recipient = delivery.recipient
    if delivery.channel == DeliveryChannel.SMS:
        return mask_phone(recipient)
    if delivery.channel == DeliveryChannel.EMAIL:
        return mask_email(recipient)
    if delivery.channel == DeliveryChannel.WEBHOOK:
        return urlsplit(recipient).hostname or ""
    if delivery.channel in ROBOT_CHANNELS:
        return recipient
    return ""


def delivery_kind_label(kind: str) -> str:
    """The message by its name: a staff notification's kind, a robot's alert, a customer message, a
    webhook's event; any other key as it is."""
    if kind in NotificationKind.values:
        return choice_label(NotificationKind, kind)
    if kind in RobotAlert.values:
        return choice_label(RobotAlert, kind)
    if kind in MESSAGE_LABELS:
        return str(MESSAGE_LABELS[kind])
    if kind == VERIFICATION_CODE:
        return _("Verification code")
    event = kind.removeprefix(WEBHOOK_PREFIX)
    if kind.startswith(WEBHOOK_PREFIX) and event in EventKind.values:
        return choice_label(EventKind, event)
    return kind


def delivery_row(delivery: Delivery) -> dict:
    """What a row of the outbox shows (the delivery read with `outbox_list`'s columns)."""
    return {
        "id": delivery.pk,
        "created_at": delivery.created_at,
        "channel": {"key": delivery.channel, "label": choice_label(DeliveryChannel, delivery.channel)},
        "kind": {"key": delivery.kind, "label": delivery_kind_label(delivery.kind)},
        "recipient": delivery_recipient(delivery),
        "complaint": delivery.complaint.number if delivery.complaint_id else None,
        "status": {"key": delivery.status, "label": choice_label(DeliveryStatus, delivery.status)},
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at if delivery.status in WAITING_STATUSES else None,
        "sent_at": delivery.sent_at,
        "last_error": delivery.last_error,
    }
