"""回访: the callback's outcome and the customer's satisfaction; an answer below what the process
accepts (by default: dissatisfied) reopens the case."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint, Event, EventKind, Status
from kesu.complaints.rules import require_not_involved, require_permission
from kesu.complaints.services.lifecycle import reopen
from kesu.followups.models import FollowUp, FollowUpStatus, Satisfaction
from kesu.followups.scheduling import followup_schedule_next
from kesu.followups.selectors import survey_for_token, survey_valid
from kesu.lib.errors import DomainError, InvalidTransition
from kesu.notifications.models import NotificationKind
from kesu.notifications.services import notify

SURVEY_QUESTION = _("How satisfied are you with how your complaint was handled?")
INVALID_SURVEY = _("This survey link is not valid.")


def _current(complaint: Complaint) -> FollowUp:
    followup = complaint.follow_ups.select_for_update().filter(status=FollowUpStatus.SCHEDULED).first()
    if followup is None or complaint.status != Status.RESOLVED:
        raise InvalidTransition(_("No follow-up is due for this complaint."), field="status")
    return followup


@transaction.atomic
def followup_record(*, complaint: Complaint, actor, satisfaction: str, outcome: str, channel: str = "phone"):
    """The follow-up agent called the customer back."""
    complaint = Complaint.objects.select_for_update().select_related("process").get(pk=complaint.pk)
    require_permission(actor, "close_complaint")
    require_not_involved(actor, complaint)
    return _answer(
        complaint,
        _current(complaint),
        actor=actor,
        satisfaction=satisfaction,
        outcome=outcome,
        via_survey=False,
        channel=channel,
    )


@transaction.atomic
def survey_answer(*, token: str, satisfaction: str, comment: str = "") -> FollowUp:
    """The customer answered the survey link (no sign-in: the token is the key, once, for 30 days)."""
    followup = survey_for_token(token)
    if followup is None or not survey_valid(followup):
        raise DomainError(INVALID_SURVEY, code="survey_invalid", field="token")
    complaint = Complaint.objects.select_for_update().select_related("process").get(pk=followup.complaint_id)
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.status != FollowUpStatus.SCHEDULED or complaint.status != Status.RESOLVED:
        raise DomainError(_("This survey has been answered already. Thank you!"), code="survey_answered")
    return _answer(
        complaint, followup, actor=None, satisfaction=satisfaction, outcome=comment, via_survey=True, channel="web"
    )


def _answer(complaint: Complaint, followup: FollowUp, *, actor, satisfaction, outcome, via_survey, channel):
    followup.status, followup.satisfaction, followup.outcome = FollowUpStatus.DONE, satisfaction, outcome
    followup.via_survey, followup.done_by, followup.done_at = via_survey, actor, timezone.now()
    followup.save()
    Event.objects.create(
        complaint=complaint,
        kind=EventKind.FOLLOW_UP_DONE,
        actor=actor,
        text=outcome,
        data={
            "follow_up": followup.pk,
            "sequence": followup.sequence,
            "of": followup.of,
            "satisfaction": satisfaction,
            "via_survey": via_survey,
            "channel": channel,
        },
    )
    rules = complaint.process.spec.follow_up
    if rules.reopens_on(satisfaction):
        reopen(complaint, actor=actor, reason=outcome or _reopen_reason(followup), to=rules.reopen_to)
    else:
        followup_schedule_next(complaint, sequence=followup.sequence + 1)
    return followup


def _reopen_reason(followup: FollowUp) -> str:
    if followup.satisfaction == Satisfaction.DISSATISFIED:
        return str(_("The customer is dissatisfied (follow-up %(n)d).") % {"n": followup.sequence})
    answer = Satisfaction(followup.satisfaction).label
    message = _("The customer's answer, %(answer)s, does not finish the case (follow-up %(n)d).")
    return str(message % {"answer": answer, "n": followup.sequence})


def followups_overdue_notify(now) -> int:
    """Tell the follow-up agents, once per callback, that a callback is past its time."""
    overdue = FollowUp.objects.filter(status=FollowUpStatus.SCHEDULED, breached_at=None, due_at__lte=now)
    agents = list(User.objects.filter(groups__name=Role.FOLLOW_UP, is_active=True, is_away=False)[:50])
    told = 0
    for followup in overdue.select_related("complaint")[:1000]:
        if FollowUp.objects.filter(pk=followup.pk, breached_at=None).update(breached_at=now):
            notify(
                users=agents,
                kind=NotificationKind.FOLLOW_UP_DUE,
                complaint=followup.complaint,
                number=followup.complaint.number,
            )
            told += 1
    return told
