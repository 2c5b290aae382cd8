"""回访问卷: the customer's own page at the link they were given — no sign-in, the token is the key.
Only the question and the complaint's number are shown: nothing personal."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect

from kesu.followups.selectors import survey_for_token, survey_open
from kesu.followups.services import SURVEY_QUESTION, survey_answer
from kesu.lib.errors import DomainError
from kesu.web.forms import SurveyForm


@csrf_protect
def survey(request, token: str):
    followup = survey_for_token(token)
    if followup is None:
        raise Http404
    status, form = 200, SurveyForm()
    if request.method == "POST":
        form = SurveyForm(request.POST)
        if form.is_valid():
            try:
                survey_answer(
                    token=token, satisfaction=form.cleaned_data["satisfaction"], comment=form.cleaned_data["comment"]
                )
            except DomainError as error:
                form.add_domain_error(error)
                status = error.status
            else:
                return redirect("web:survey_thanks", token=token)
        else:
            status = 422
    context = {
        "number": followup.complaint.number,
        "question": SURVEY_QUESTION,
        "open": survey_open(followup),
        "form": form,
    }
    return render(request, "web/survey/survey.html", context, status=status)


def survey_thanks(request, token: str):
    followup = survey_for_token(token)
    if followup is None:
        raise Http404
    answered = followup.satisfaction
    reopened = bool(answered) and followup.complaint.process.spec.follow_up.reopens_on(answered)
    context = {"followup": followup, "number": followup.complaint.number, "reopened": reopened}
    return render(request, "web/survey/thanks.html", context)
