"""Reads of follow-ups; the survey link's rules live here so the service, the API and the page agree."""

import datetime as dt

from django.utils import timezone

from kesu.complaints.models import Status
from kesu.followups.models import FollowUp, FollowUpStatus

SURVEY_VALID_DAYS = 30


def survey_for_token(token: str) -> FollowUp | None:
    return FollowUp.objects.select_related("complaint").filter(survey_token=token).first() if token else None


def survey_valid(followup: FollowUp) -> bool:
    """A survey link works for 30 days."""
    return followup.created_at >= timezone.now() - dt.timedelta(days=SURVEY_VALID_DAYS)


def survey_open(followup: FollowUp) -> bool:
    """Valid, not answered yet, and the case still waiting for its follow-up."""
    return (
        survey_valid(followup)
        and followup.status == FollowUpStatus.SCHEDULED
        and followup.complaint.status == Status.RESOLVED
    )
