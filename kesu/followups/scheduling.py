"""When a complaint is resolved its callbacks are scheduled; when it is reopened they are called off."""

import secrets

from django.utils import timezone

from kesu.complaints.models import Complaint
from kesu.followups.models import FollowUp, FollowUpStatus
from kesu.processes.calendar import Duration


def followup_schedule_next(complaint: Complaint, *, sequence: int) -> FollowUp | None:
    """Callback number `sequence` of those the process asks for this category, due within its limit."""
    policy = complaint.process.spec.follow_up
    required = policy.callbacks_for(complaint.category)
    if sequence > required:
        return None
    due_at = Duration.parse(policy.within).due(complaint.process.calendar, timezone.now())
    return FollowUp.objects.create(
        complaint=complaint, sequence=sequence, of=required, due_at=due_at, survey_token=secrets.token_urlsafe(32)
    )


def followups_cancel(complaint: Complaint) -> None:
    """Callbacks wait until the case is settled again."""
    complaint.follow_ups.filter(status=FollowUpStatus.SCHEDULED).update(status=FollowUpStatus.CANCELLED)


def follow_ups_done(complaint: Complaint) -> bool:
    """True when no callback the process asks for is still to be made."""
    return not complaint.follow_ups.filter(status=FollowUpStatus.SCHEDULED).exists()
