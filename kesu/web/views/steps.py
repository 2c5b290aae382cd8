"""The steps of a complaint's life as small forms: GET shows the form (in a dialog), POST calls the
same service the API calls. A refusal is shown on the field it names, in the user's language."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kesu.accountability.services import accountability_decide, accountability_propose
from kesu.cases.services import case_article_write
from kesu.complaints import services
from kesu.complaints.selectors import complaint_for_user
from kesu.followups.services import followup_record
from kesu.improvements.services import improvement_create, improvement_link_complaints
from kesu.lib.errors import DomainError
from kesu.tasks.services import complaint_create_task
from kesu.web import forms, pickers
from kesu.web.actions import ACTIONS, allowed_actions
from kesu.web.views.common import fragment, is_htmx
from kesu.web.views.complaint import body


@dataclass(frozen=True)
class Step:
    form: type[forms.StepForm]
    run: Callable  # (complaint, user, cleaned data, form) → None; raises DomainError when refused


def _versioned(service, **names):
    """A step that passes the version and some cleaned fields (form name → service argument)."""

    def run(complaint, user, data, form):
        arguments = {argument: data[name] for name, argument in names.items()}
        service(complaint=complaint, actor=user, version=data["version"], **arguments)

    return run


def _contact(complaint, user, data, form):
    services.complaint_log_contact(
        complaint=complaint,
        actor=user,
        channel=data["channel"],
        direction=data["direction"],
        purpose=data["purpose"],
        summary=data["summary"],
        at=data["at"] or timezone.now(),
    )


def _plan(complaint, user, data, form):
    services.complaint_propose_plan(
        complaint=complaint, actor=user, version=data["version"], summary=data["summary"], remedies=form.remedies()
    )


def _hand_over(complaint, user, data, form):
    process, category = form.target_parts()
    services.complaint_hand_over(
        complaint=complaint,
        actor=user,
        version=data["version"],
        process=process,
        category=category,
        reason=data["reason"],
    )


def _involved(complaint, user, data, form):
    services.complaint_set_involved(complaint=complaint, actor=user, version=data["version"], staff=list(data["staff"]))


def _task(complaint, user, data, form):
    complaint_create_task(
        complaint=complaint,
        actor=user,
        kind=data["kind"],
        title=data["title"],
        department=data["department"],
        within=data["within"],
        owner=data["owner"],
        backup=data["backup"],
        required=data["required"],
    )


def _follow_up(complaint, user, data, form):
    followup_record(
        complaint=complaint,
        actor=user,
        satisfaction=data["satisfaction"],
        outcome=data["outcome"],
        channel=data["channel"],
    )


def _accountability(complaint, user, data, form):
    accountability_propose(
        complaint=complaint,
        actor=user,
        fault=data["fault"],
        measure=data["measure"],
        person=data["person"],
        department=data["department"],
        amount=data["amount"],
        points=data["points"],
    )


def _decide_accountability(approve: bool):
    def run(complaint, user, data, form):
        accountability_decide(
            item=data["item"],
            actor=user,
            approve=approve,
            note=data["note"],
            amount=data.get("amount"),
            points=data.get("points"),
        )

    return run


def _link_improvement(complaint, user, data, form):
    improvement_link_complaints(improvement=data["improvement"], actor=user, complaint_numbers=[complaint.number])


def _create_improvement(complaint, user, data, form):
    improvement_create(
        actor=user,
        title=data["title"],
        root_cause=data["root_cause"],
        action=data["action"],
        owner=data["owner"],
        due_date=data["due_date"],
        department=data["department"],
        complaint_numbers=[complaint.number],
    )


def _write_case(complaint, user, data, form):
    case_article_write(
        actor=user,
        complaint_number=complaint.number,
        title=data["title"],
        summary=data["summary"] or None,
        solution=data["solution"] or None,
        tags=form.tag_list(),
    )


STEPS = {
    "assign": Step(
        forms.AssignForm, _versioned(services.complaint_assign, assignee="assignee", department="department")
    ),
    "start_investigation": Step(forms.ConfirmForm, _versioned(services.complaint_start_investigation)),
    "finding": Step(
        forms.FindingForm,
        _versioned(
            services.complaint_record_finding,
            finding="finding",
            note="note",
            responsible_department="responsible_department",
        ),
    ),
    "plan": Step(forms.PlanForm, _plan),
    "approve_plan": Step(forms.NoteStepForm, _versioned(services.complaint_approve_plan, note="note")),
    "request_changes": Step(forms.ReasonForm, _versioned(services.complaint_request_plan_changes, reason="reason")),
    "reject_plan": Step(forms.ReasonForm, _versioned(services.complaint_reject_plan, reason="reason")),
    "customer_response": Step(
        forms.CustomerResponseForm,
        _versioned(services.complaint_record_customer_response, accepted="accepted", note="note"),
    ),
    "resolve": Step(forms.ResolveForm, _versioned(services.complaint_resolve, resolution="resolution")),
    "follow_up": Step(forms.FollowUpForm, _follow_up),
    "close": Step(forms.NoteStepForm, _versioned(services.complaint_close, note="note")),
    "reopen": Step(forms.ReasonForm, _versioned(services.complaint_reopen, reason="reason")),
    "pending": Step(
        forms.PendingForm, _versioned(services.complaint_put_pending, agreed_date="agreed_date", reason="reason")
    ),
    "promise": Step(forms.PromiseForm, _versioned(services.complaint_promise_date, date="date", reason="reason")),
    "resume": Step(forms.ConfirmForm, _versioned(services.complaint_resume)),
    "wait_for_customer": Step(forms.ReasonForm, _versioned(services.complaint_wait_for_customer, reason="reason")),
    "customer_replied": Step(forms.NoteStepForm, _versioned(services.complaint_customer_replied, note="note")),
    "escalate": Step(forms.ReasonForm, _versioned(services.complaint_request_escalation, reason="reason")),
    "hand_over": Step(forms.HandOverForm, _hand_over),
    "accept_escalation": Step(forms.ConfirmForm, _versioned(services.complaint_accept_escalation)),
    "priority": Step(
        forms.PriorityForm, _versioned(services.complaint_set_priority, priority="priority", reason="reason")
    ),
    "involved": Step(forms.InvolvedForm, _involved),
    "contact": Step(forms.ContactForm, _contact),
    "task": Step(forms.TaskForm, _task),
    "mark": Step(forms.MarkForm, _versioned(services.complaint_mark, mark="mark", on="on", reason="reason")),
    "accountability": Step(forms.AccountabilityForm, _accountability),
    "approve_accountability": Step(forms.ApproveAccountabilityForm, _decide_accountability(True)),
    "reject_accountability": Step(forms.RejectAccountabilityForm, _decide_accountability(False)),
    "link_improvement": Step(forms.LinkImprovementForm, _link_improvement),
    "create_improvement": Step(forms.CreateImprovementForm, _create_improvement),
    "write_case": Step(forms.WriteCaseForm, _write_case),
}


@login_required
def step(request, number: str, action: str):
    complaint = complaint_for_user(number, request.user)
    chosen = STEPS.get(action)
    if chosen is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = chosen.form(request.POST, complaint=complaint, user=request.user)
        if form.is_valid():
            try:
                chosen.run(complaint, request.user, form.cleaned_data, form)
            except DomainError as error:
                form.add_domain_error(error)
                status = error.status
            else:
                return body(request, complaint) if is_htmx(request) else redirect("web:complaint", number=number)
        else:
            status = 422
    else:
        # `?item=` says which record a step is about (the accountability approved)
        form = chosen.form(complaint=complaint, user=request.user, initial={"item": request.GET.get("item")})
    context = {"complaint": complaint, "form": form, "action": ACTIONS[action]}
    if is_htmx(request):
        return fragment(request, "web/complaint/_step_form.html", context, status=status)
    return render(request, "web/complaint/step.html", context, status=status)


@login_required
@require_GET
def people(request, number: str, action: str):
    """A people picker's list: who may be picked in the step's form and matches what was typed, for
    those who may take the step (others: 403; a complaint they may not see: 404)."""
    complaint = complaint_for_user(number, request.user)
    if action not in pickers.PICKERS:
        raise Http404
    if action not in {allowed.key for allowed in allowed_actions(request.user, complaint)}:
        raise PermissionDenied
    query = forms.PeopleQueryForm(request.GET)
    if not query.is_valid():
        errors = [f"{query.fields[name].label}: {text}" for name, texts in query.errors.items() for text in texts]
        return fragment(request, "web/complaint/_people.html", {"errors": errors}, status=422)
    data = query.cleaned_data
    people, more = pickers.people_matching(action, complaint, request.user, data["q"], data["department"])
    return fragment(request, "web/complaint/_people.html", {"people": people, "more": more})
