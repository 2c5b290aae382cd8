"""What Kesu tells the customer, and how: the messages a process names (`customer_messages`), each
worded by the admin's template for its language or by Kesu's own, sent by the customer's preferred
channel among those set up (SMS needs the provider's approved template code), never to a customer
who opted out.
"""

from string import Template

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kesu.complaints.models import Complaint
from kesu.notifications.channels import transports
from kesu.notifications.models import Delivery, DeliveryChannel, MessageTemplate
from kesu.notifications.outbox import deliveries_enqueue
from kesu.portal.links import tracking_link
from kesu.processes.document import CustomerMessage

MESSAGE_LABELS = {
    CustomerMessage.ACKNOWLEDGEMENT: gettext_lazy("Acknowledgement"),
    CustomerMessage.PROGRESS: gettext_lazy("Progress"),
    CustomerMessage.DELAY: gettext_lazy("Delay notice"),
    CustomerMessage.PLAN_OFFER: gettext_lazy("The plan to accept"),
    CustomerMessage.RESULT: gettext_lazy("The result"),
    CustomerMessage.SURVEY: gettext_lazy("Satisfaction survey"),
}

PARAMETERS = {
    CustomerMessage.ACKNOWLEDGEMENT: ["number", "tracking_link"],
    CustomerMessage.PROGRESS: ["number"],
    CustomerMessage.DELAY: ["number", "reason", "new_date"],
    CustomerMessage.PLAN_OFFER: ["number", "plan", "tracking_link"],
    CustomerMessage.RESULT: ["number", "result"],
    CustomerMessage.SURVEY: ["number", "survey_link"],
}
"""The values each message has, in the order an SMS template receives them."""


VERIFICATION_CODE = "verification_code"
"""The kind of the SMS that carries a one-time code (the portal's); its text is the provider's template."""


def verification_code_send(*, phone: str, code: str, reference: str) -> None:
    """Write the SMS with a one-time code (in the current transaction). The outbox shows that a code
    went, never the code: only the template's parameter carries it."""
    deliveries_enqueue(
        [
            Delivery(
                channel=DeliveryChannel.SMS,
                recipient=phone,
                kind=VERIFICATION_CODE,
                body=_("A verification code, valid for a few minutes."),
                payload={"sms_template": settings.SMS_CODE_TEMPLATE, "params": [["code", code]]},
                idempotency_key=f"code:{reference}",
            )
        ]
    )


def default_wording(message: CustomerMessage) -> tuple[str, str]:
    """Kesu's own subject and text of a message, in the active language."""
    return {
        CustomerMessage.ACKNOWLEDGEMENT: (
            _("We have received your complaint ${number}"),
            _(
                "Thank you for telling us. Your complaint is recorded as ${number}; we will keep you informed. "
                "Follow it, add to it or answer us at ${tracking_link}"
            ),
        ),
        CustomerMessage.PROGRESS: (
            _("Your complaint ${number} is being handled"),
            _("We are looking into your complaint ${number} and will tell you what we find."),
        ),
        CustomerMessage.DELAY: (
            _("Your complaint ${number} needs more time"),
            _("Your complaint ${number} needs more time: ${reason}. We expect to settle it by ${new_date}."),
        ),
        CustomerMessage.PLAN_OFFER: (
            _("Our proposal for your complaint ${number}"),
            _(
                "For your complaint ${number} we propose: ${plan}. "
                "Please tell us whether you accept it: ${tracking_link}"
            ),
        ),
        CustomerMessage.RESULT: (
            _("Your complaint ${number} is settled"),
            _("Your complaint ${number} is settled: ${result}"),
        ),
        CustomerMessage.SURVEY: (
            _("How did we handle your complaint ${number}?"),
            _("Please tell us how satisfied you are with how we handled ${number}: ${survey_link}"),
        ),
    }[message]


def customer_messages_send(complaint: Complaint, *, trigger: str, reference: str, values: dict) -> None:
    """Write the messages the complaint's process sends the customer at `trigger` (in the current
    transaction). `reference` makes each message's idempotency key; `values` fill its wording."""
    messages = complaint.process.spec.customer_messages_at(trigger)
    if not messages:
        return
    customer = complaint.customer
    if complaint.is_anonymous or customer.messages_opt_out:  # an anonymous customer is never written to
        return
    language = customer.language or settings.LANGUAGE_CODE
    with translation.override(language):
        deliveries = [
            _delivery(complaint, message, language, reference=reference, values={**_common_values(complaint), **values})
            for message in messages
        ]
    deliveries_enqueue([delivery for delivery in deliveries if delivery is not None])


def _common_values(complaint: Complaint) -> dict:
    return {"number": complaint.number, "tracking_link": tracking_link(complaint.number)}


def _delivery(complaint, message: CustomerMessage, language: str, *, reference: str, values: dict) -> Delivery | None:
    if not _reachable(complaint.customer):
        return None
    template = MessageTemplate.objects.filter(key=message.value, language=language).first()
    channel = _channel(complaint.customer, template)
    if channel is None:
        return None
    default_subject, default_body = default_wording(message)
    subject = Template((template and template.subject) or default_subject).safe_substitute(values)
    body = Template((template and template.body) or default_body).safe_substitute(values)
    payload = {"number": complaint.number, "message": message.value}
    if channel == DeliveryChannel.SMS:
        payload |= {"sms_template": template.sms_template_code, "params": _parameters(message, values)}
    return Delivery(
        channel=channel,
        recipient=complaint.customer.phone if channel == DeliveryChannel.SMS else complaint.customer.email,
        kind=message.value,
        subject=subject,
        body=body,
        payload=payload,
        idempotency_key=f"customer:{complaint.pk}:{message.value}:{reference}",
        complaint=complaint,
        customer=complaint.customer,
    )


def _reachable(customer) -> bool:
    """Some channel set up could reach this customer (asked before reading any template)."""
    return bool(
        (customer.phone and transports()["sms"].available()) or (customer.email and transports()["email"].available())
    )


def _channel(customer, template: MessageTemplate | None) -> str | None:
    """The customer's preferred channel if it reaches them, else the other one that does."""
    usable = []
    if customer.phone and template and template.sms_template_code and transports()["sms"].available():
        usable.append(DeliveryChannel.SMS)
    if customer.email and transports()["email"].available():
        usable.append(DeliveryChannel.EMAIL)
    if customer.preferred_channel in usable:
        return customer.preferred_channel
    return usable[0] if usable else None


def _parameters(message: CustomerMessage, values: dict) -> list[list[str]]:
    """[name, value] pairs: a JSON object would lose their order in PostgreSQL's jsonb, and Tencent
    fills its template by position."""
    return [[name, str(values.get(name, ""))] for name in PARAMETERS[message]]
