"""When a complaint is resolved its callbacks are scheduled; when it is reopened they are called off."""

import secrets

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kesu.complaints.models import Complaint
from kesu.followups.models import FollowUp, FollowUpStatus
from kesu.notifications.customer import customer_messages_send
from kesu.processes.calendar import Duration
from kesu.processes.document import MessageTrigger


def followup_schedule_next(complaint: Complaint, *, sequence: int) -> FollowUp | None:
    """Callback number `sequence` of those the process asks for this category, due within its limit."""
    policy = complaint.process.spec.follow_up
    required = policy.callbacks_for(complaint.category)
    if sequence > required:
        return None
    due_at = Duration.parse(policy.within).due(complaint.process.calendar, timezone.now())
    followup = FollowUp.objects.create(
        complaint=complaint, sequence=sequence, of=required, due_at=due_at, survey_token=secrets.token_urlsafe(32)
    )
    survey_link = settings.BASE_URL + reverse("web:survey", args=[followup.survey_token])
    customer_messages_send(
        complaint,
        trigger=MessageTrigger.FOLLOW_UP_SCHEDULED,
        reference=f"followup{followup.pk}",
        values={"survey_link": survey_link},
    )
    return followup


def followups_cancel(complaint: Complaint) -> None:
    """Callbacks wait until the case is settled again."""
    complaint.follow_ups.filter(status=FollowUpStatus.SCHEDULED).update(status=FollowUpStatus.CANCELLED)


def follow_ups_done(complaint: Complaint) -> bool:
    """True when no callback the process asks for is still to be made."""
    return not complaint.follow_ups.filter(status=FollowUpStatus.SCHEDULED).exists()
