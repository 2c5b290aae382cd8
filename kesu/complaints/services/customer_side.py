"""What the customer does on their own complaint, without staff (on the portal, by e-mail): add to it,
and answer the plan put to them. Each is an event with no staff actor, and the handler is told."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint, Event, EventKind, Status
from kesu.complaints.services.common import record, require_status
from kesu.complaints.services.plans import customer_answer
from kesu.lib.errors import DomainError
from kesu.notifications.models import NotificationKind
from kesu.notifications.services import notify

# A closed complaint takes nothing more: the customer sends a new one (and a resolved one is reopened
# by the survey's answer, not by a message); one handed to another process goes on under its new number.
OPEN_TO_THE_CUSTOMER = frozenset(set(Status) - {Status.CLOSED, Status.HANDED_OVER})


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update(of=("self",)).select_related("process", "assignee").get(pk=complaint.pk)


@transaction.atomic
def complaint_customer_writes(*, complaint: Complaint, text: str, via: str) -> Event:
    """The customer adds information (`via` the portal or e-mail); when the case was waiting for
    them, the wait ends and the paused clocks run again."""
    complaint = _locked(complaint)
    require_status(complaint, OPEN_TO_THE_CUSTOMER)
    text = text.strip()
    if complaint.waiting_for_customer:
        complaint.waiting_for_customer = False
        event = record(
            complaint,
            actor=None,
            kind=EventKind.CUSTOMER_REPLIED,
            from_status=complaint.status,
            text=text,
            data={"via": via},
        )
    else:
        event = Event.objects.create(complaint=complaint, kind=EventKind.CUSTOMER_REPLIED, text=text, data={"via": via})
    _tell_handler(complaint)
    return event


@transaction.atomic
def complaint_customer_answers_plan(*, complaint: Complaint, accepted: bool, note: str = "") -> Complaint:
    """The customer accepts or refuses, themselves, the plan put to them."""
    complaint = _locked(complaint)
    if complaint.status != Status.RESOLVING:
        raise DomainError(_("There is no plan waiting for your answer."), code="nothing_to_answer")
    customer_answer(complaint, actor=None, before=complaint.status, accepted=accepted, note=note.strip())
    _tell_handler(complaint)
    return complaint


def _tell_handler(complaint: Complaint) -> None:
    if complaint.assignee is not None:
        notify(
            users=[complaint.assignee],
            kind=NotificationKind.CUSTOMER_WROTE,
            complaint=complaint,
            number=complaint.number,
        )
