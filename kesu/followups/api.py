from ninja import Router, Schema
from pydantic import Field

from kesu.accounts.auth import staff_token
from kesu.complaints.presenters import followup_out
from kesu.complaints.schemas import FollowUpOut
from kesu.complaints.selectors import complaints_visible_to
from kesu.followups import services
from kesu.followups.models import FollowUp, FollowUpStatus, Satisfaction
from kesu.followups.selectors import survey_for_token
from kesu.lib.errors import DomainError
from kesu.lib.schemas import In

router = Router(tags=["follow-ups"], auth=staff_token)


class DueFollowUpOut(FollowUpOut):
    complaint: str


class SurveyIn(In):
    satisfaction: Satisfaction
    comment: str = Field(default="", max_length=2000)


class SurveyOut(Schema):
    complaint: str
    question: str
    answered: bool


@router.get("", response=list[DueFollowUpOut], summary="Callbacks to make, soonest first (follow-up agents)")
def due_follow_ups(request):
    visible = complaints_visible_to(request.auth).values("pk")
    due = (
        FollowUp.objects.filter(status=FollowUpStatus.SCHEDULED, complaint__in=visible)
        .select_related("complaint", "done_by")
        .order_by("due_at", "id")[:200]
    )
    return [{**followup_out(followup), "complaint": followup.complaint.number} for followup in due]


def _survey(token: str) -> FollowUp:
    followup = survey_for_token(token)
    if followup is None:
        raise DomainError(services.INVALID_SURVEY, code="survey_invalid", field="token")
    return followup


@router.get("/survey/{token}", response=SurveyOut, auth=None, summary="The customer's survey (no sign-in)")
def survey(request, token: str):
    followup = _survey(token)
    return {
        "complaint": followup.complaint.number,
        "question": str(services.SURVEY_QUESTION),
        "answered": followup.status != FollowUpStatus.SCHEDULED,
    }


@router.post("/survey/{token}", response=SurveyOut, auth=None, summary="The customer answers the survey")
def answer_survey(request, token: str, payload: SurveyIn):
    followup = services.survey_answer(token=token, satisfaction=payload.satisfaction, comment=payload.comment)
    return {"complaint": followup.complaint.number, "question": str(services.SURVEY_QUESTION), "answered": True}
