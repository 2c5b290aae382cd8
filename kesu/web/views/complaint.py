"""投诉单: the complaint page, its notes and attachments. Every change re-renders the page body in place."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kesu.attachments.selectors import attachment_for_user, complaint_attachments
from kesu.attachments.services import INLINE_TYPES, attachment_add
from kesu.complaints import services
from kesu.complaints.presenters import approval_steps_out, clock_out, customer_out
from kesu.complaints.selectors import complaint_clocks, complaint_for_user, complaint_timeline
from kesu.customers.services import personal_data_access_log
from kesu.lib.errors import DomainError
from kesu.tasks.selectors import complaint_tasks
from kesu.triage.views import complaint_panels
from kesu.web import presenters, selectors
from kesu.web.actions import (
    accountability_rows,
    allowed_actions,
    may_see_survey_link,
    primary_action,
    task_rows,
    viewer_of,
)
from kesu.web.forms import AttachmentForm, NoteForm
from kesu.web.views.common import fragment, is_htmx


def body_context(request, complaint, **forms) -> dict:
    """Everything the page body shows; the same after every step, so a step re-renders it whole:
    a header with the next step (the others in a menu), the conversation in the order it happened
    (each event once: contacts and notes are in it, not beside it), the customer and the properties aside.
    The customer's data is unmasked only for those who may see it, and every such read is logged."""
    user = request.user
    spec = complaint.process.spec
    viewer = viewer_of(user, complaint)
    category = spec.category(complaint.category)
    finding = spec.findings.get(complaint.finding)
    plan = selectors.current_plan(complaint)
    finding_label = str(finding.label) if finding else ""
    actions = allowed_actions(user, complaint, viewer)
    primary = primary_action(complaint, actions)
    clocks = [clock_out(clock, spec) for clock in presenters.current_clocks(complaint_clocks(complaint))]
    reveal = user.has_perm("complaints.view_customer_pii")
    if reveal:
        personal_data_access_log(customer=complaint.customer, user=user, purpose=f"complaint {complaint.number}")
    return {
        "complaint": complaint,
        "customer": customer_out(complaint.customer, masked=not reveal),
        "category_label": str(category.label) if category else complaint.category,
        "finding_label": finding_label,
        "tier": spec.tier(complaint.tier),
        "actions": actions,
        "action_keys": {action.key for action in actions},
        "primary_action": primary,
        "menu_actions": [action for action in actions if not action.panel and action != primary],
        "customer_history": presenters.history_rows(selectors.customer_history(complaint, user)),
        "involved": viewer.involved,
        "clocks": clocks,
        "running_clocks": [clock for clock in clocks if clock["state"] in ("running", "paused")],
        "timeline": presenters.timeline_rows(complaint_timeline(complaint), spec),
        "attachments": list(complaint_attachments(complaint)),
        "inline_types": INLINE_TYPES,
        "attachment_limit": settings.ATTACHMENT_MAX_BYTES,
        "plan": plan,
        "plan_remedies": [presenters.remedy_text(remedy) for remedy in plan.remedies] if plan else [],
        "plan_steps": approval_steps_out(plan) if plan else [],
        "fields": presenters.field_rows(complaint),
        "regulator_fields": presenters.regulator_closing_fields(complaint, finding_label=finding_label, plan=plan)
        if complaint.regulator_case_number
        else [],
        "involved_staff": list(complaint.involved_staff.all()),
        "tasks": task_rows(user, complaint, complaint_tasks(complaint), viewer),
        "accountabilities": accountability_rows(
            user, complaint, selectors.complaint_accountabilities(complaint), viewer
        ),
        "follow_ups": list(selectors.complaint_follow_ups(complaint)),
        "survey_links": may_see_survey_link(user, involved=viewer.involved),
        "improvements": list(selectors.complaint_improvements(complaint, user)),
        "articles": list(selectors.complaint_articles(complaint, user)),
        "suggested_articles": list(selectors.suggested_articles(complaint, user)),
        **complaint_panels(user, complaint, involved=viewer.involved),
        "note_form": forms.get("note_form") or NoteForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
    }


def body(request, complaint, *, status: int = 200, **forms):
    """The page body after a change, swapped in place of the old one; an open dialog closes."""
    complaint = complaint_for_user(complaint.number, request.user)  # re-read, with its new version
    context = body_context(request, complaint, **forms)
    return fragment(
        request,
        "web/complaint/_body.html",
        context,
        status=status,
        hx_retarget="#complaint-body",
        hx_reswap="innerHTML",
        hx_trigger="kesu:changed",
    )


@login_required
@require_GET
def complaint_page(request, number: str):
    complaint = complaint_for_user(number, request.user)
    return render(request, "web/complaint.html", body_context(request, complaint))


@login_required
@require_POST
def note_add(request, number: str):
    complaint = complaint_for_user(number, request.user)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_add_note(complaint=complaint, actor=request.user, text=form.cleaned_data["text"])
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return body(request, complaint) if is_htmx(request) else redirect("web:complaint", number=number)
    return body(request, complaint, status=422, note_form=form)


@login_required
@require_POST
def attachment_upload(request, number: str):
    complaint = complaint_for_user(number, request.user)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(
                complaint=complaint,
                actor=request.user,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return body(request, complaint) if is_htmx(request) else redirect("web:complaint", number=number)
    return body(request, complaint, status=422, attachment_form=form)


@login_required
@require_GET
def attachment_file(request, pk: int):
    """The file, to those who may see its complaint; shown inline where the browser can."""
    attachment = attachment_for_user(pk, request.user)
    inline = attachment.content_type in INLINE_TYPES
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not inline,
        filename=attachment.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
