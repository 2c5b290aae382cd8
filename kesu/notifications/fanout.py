"""Each event of a complaint's timeline, once written, writes the messages it causes in the same
transaction: to the company's webhooks, to the group robots that watch for it, to the customer.

Connected to `Event`'s post_save in `NotificationsConfig.ready`, so no step can forget it; bulk
loads (`kesu demo`) write events without it.
"""

from kesu.complaints.models import Event
from kesu.lib.configuration import configuration
from kesu.notifications.alerts import robot_alerts_for
from kesu.notifications.customer import customer_messages_send
from kesu.notifications.models import Delivery, DeliveryChannel, WebhookEndpoint
from kesu.notifications.outbox import deliveries_enqueue
from kesu.processes.document import MessageTrigger

CUSTOMER_TRIGGERS = frozenset(MessageTrigger)
WEBHOOK_PREFIX = "complaint."


def event_written(sender, instance: Event, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        event_fan_out(instance)


def event_fan_out(event: Event) -> None:
    deliveries_enqueue([*webhook_deliveries(event), *robot_alerts_for(event)])
    if event.kind in CUSTOMER_TRIGGERS and event.complaint.process.spec.customer_messages_at(event.kind):
        customer_messages_send(
            event.complaint, trigger=event.kind, reference=f"event{event.pk}", values=_message_values(event)
        )


def webhook_type(event: Event) -> str:
    return f"{WEBHOOK_PREFIX}{event.kind}"


def webhook_deliveries(event: Event) -> list[Delivery]:
    """Thin payloads: which complaint, what happened, when; the receiver asks the API for more."""
    kind = webhook_type(event)
    body = {
        "type": kind,
        "timestamp": event.at.isoformat(),
        "data": {
            "number": event.complaint.number,
            "event_id": event.pk,
            "event": event.kind,
            "status": event.to_status or event.complaint.status,
        },
    }
    return [
        Delivery(
            channel=DeliveryChannel.WEBHOOK,
            recipient=endpoint.url,
            kind=kind,
            payload=body,
            idempotency_key=f"webhook:{endpoint.pk}:event{event.pk}",
            complaint=event.complaint,
            endpoint=endpoint,
        )
        for endpoint in active_webhook_endpoints()
        if not endpoint.event_types or kind in endpoint.event_types
    ]


def active_webhook_endpoints() -> tuple[WebhookEndpoint, ...]:
    """From the worker's configuration cache (`kesu.lib.configuration`): shared, never change them."""
    return configuration("webhook_endpoints", lambda: tuple(WebhookEndpoint.objects.filter(is_active=True)))


def _message_values(event: Event) -> dict:
    if event.kind == MessageTrigger.PUT_PENDING:
        return {"reason": event.text, "new_date": event.data.get("agreed_date", "")}
    if event.kind == MessageTrigger.DATE_PROMISED:
        return {"reason": event.text, "new_date": event.data.get("promised_date", "")}
    if event.kind == MessageTrigger.RESOLVED:
        return {"result": event.text}
    if event.kind == MessageTrigger.PLAN_APPROVED:
        summary = event.complaint.plans.order_by("-proposed_at", "-id").values_list("summary", flat=True).first()
        return {"plan": summary or ""}
    return {}
