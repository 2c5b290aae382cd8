"""The triage on the pages: the intake check's suggestions, duplicates and similar cases; the
complaint page's duplicates with their merge step, and the timelines of the complaints merged into it."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.cases.selectors import similar_cases
from kesu.complaints.rules import require_handler
from kesu.complaints.selectors import complaint_for_user, complaint_timeline
from kesu.complaints.services.common import OPEN_STATUSES
from kesu.lib.errors import DomainError, FieldError
from kesu.processes.models import Process
from kesu.triage import services
from kesu.triage.models import ComplaintMerge


def intake_panels(user, process: Process, *, category: str, text: str, customer, fields: dict) -> dict:
    """What the intake check adds: suggestions, open complaints that look like the same matter, similar cases."""
    return {
        "suggestions": services.suggestions_for(process, text),
        "triage_threshold": settings.TRIAGE_MIN_ACCURACY,
        "look_alikes": services.duplicates_for(
            user=user, process_name=process.name, text=text, customer=customer, fields=fields
        ),
        "similar_cases": similar_cases(user, process_name=process.name, category=category, text=text)
        if text.strip() and user.has_perm("cases.read_case_articles")
        else [],
    }


def complaint_panels(user, complaint, *, involved: bool) -> dict:
    """What the complaint page adds: its look-alikes (with the merge step for whoever may take it) and
    the complaints merged into it with their timelines. `involved`: the user is one of its 当事人."""
    from kesu.web import presenters

    spec = complaint.process.spec
    merged = ComplaintMerge.objects.filter(survivor=complaint).select_related("duplicate", "merged_by")
    return {
        "look_alikes": services.duplicates_of(complaint, user) if complaint.status in OPEN_STATUSES else [],
        "may_merge": _may_merge(user, complaint, involved=involved),
        "merged_here": [
            (merge, presenters.timeline_rows(complaint_timeline(merge.duplicate), spec)) for merge in merged
        ],
    }


def _may_merge(user, complaint, *, involved: bool) -> bool:
    try:
        require_handler(user, complaint)
    except DomainError:
        return False
    return complaint.status in OPEN_STATUSES and not involved


@login_required
@require_POST
def merge(request, number: str):
    """合并: this complaint closed as merged into the one chosen; the page of the survivor follows."""
    from kesu.web.views.complaint import body_context

    duplicate = complaint_for_user(number, request.user)
    try:
        into = _complaint_named(request.POST.get("into", ""), request.user)
        version = _version(request.POST.get("version", ""))
        survivor = services.complaint_merge(
            duplicate=duplicate,
            into=into,
            actor=request.user,
            version=version,
            reason=request.POST.get("reason", "").strip()[:2000],
        )
    except DomainError as error:
        context = {**body_context(request, duplicate), "merge_error": str(error.message)}
        return render(request, "web/complaint.html", context, status=error.status)
    return redirect("web:complaint", number=survivor.number)


def _complaint_named(number: str, user):
    try:
        return complaint_for_user(number.strip(), user)
    except Http404:
        raise FieldError("into", _("Unknown complaint.")) from None


def _version(raw: str) -> int:
    if not raw.isdigit():
        raise FieldError("version", _("Reload the page and try again."))
    return int(raw)
