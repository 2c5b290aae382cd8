"""纠正预防措施: the list of corrective actions with filters, one action's page with its steps, a new one."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kesu.improvements import services
from kesu.improvements.selectors import ImprovementFilters, improvement_for_user, improvement_list
from kesu.lib.errors import DomainError
from kesu.web.actions import improvement_actions, may_see_improvements
from kesu.web.forms import (
    ImprovementDoneForm,
    ImprovementFilterForm,
    ImprovementForm,
    ImprovementSendBackForm,
    ImprovementVerifyForm,
)

PAGE_SIZE = 25


def _require_page(user) -> None:
    if not may_see_improvements(user):
        raise PermissionDenied


@login_required
def improvement_list_page(request):
    _require_page(request.user)
    form = ImprovementFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = ImprovementFilters(
        status=data.get("status") or None,
        owner=data["owner"].username if data.get("owner") else None,
        overdue=True if data.get("overdue") else None,
    )
    rows = Paginator(improvement_list(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "rows": rows,
        "may_create": request.user.has_perm("improvements.create_improvement"),
        "query": request.GET.copy().urlencode() if "page" not in request.GET else "",
    }
    return render(request, "web/improvements/list.html", context)


@login_required
def improvement_new(request):
    if not request.user.has_perm("improvements.create_improvement"):
        raise PermissionDenied
    status, form = 200, ImprovementForm(initial={"complaints": request.GET.get("complaint", "")})
    if request.method == "POST":
        form = ImprovementForm(request.POST)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                improvement = services.improvement_create(
                    actor=request.user,
                    title=data["title"],
                    root_cause=data["root_cause"],
                    action=data["action"],
                    owner=data["owner"],
                    due_date=data["due_date"],
                    department=data["department"],
                    complaint_numbers=form.complaint_numbers(),
                )
            except DomainError as error:
                if (error.field or "").startswith("complaints."):
                    error.field = "complaints"
                form.add_domain_error(error)
                status = error.status
            else:
                return redirect("web:improvement", pk=improvement.pk)
    return render(request, "web/improvements/new.html", {"form": form}, status=status)


def _page(request, improvement, *, status: int = 200, **forms):
    context = {
        "improvement": improvement,
        "steps": improvement_actions(request.user, improvement),
        "done_form": forms.get("done_form") or ImprovementDoneForm(),
        "verify_form": forms.get("verify_form") or ImprovementVerifyForm(),
        "send_back_form": forms.get("send_back_form") or ImprovementSendBackForm(),
    }
    return render(request, "web/improvements/improvement.html", context, status=status)


@login_required
def improvement_page(request, pk: int):
    return _page(request, improvement_for_user(pk, request.user, history=True))


STEPS = {
    "done": (
        ImprovementDoneForm,
        "done_form",
        lambda i, user, d: services.improvement_mark_done(improvement=i, actor=user, note=d["note"]),
    ),
    "verify": (
        ImprovementVerifyForm,
        "verify_form",
        lambda i, user, d: services.improvement_verify(improvement=i, actor=user, result=d["result"]),
    ),
    "send_back": (
        ImprovementSendBackForm,
        "send_back_form",
        lambda i, user, d: services.improvement_send_back(improvement=i, actor=user, reason=d["reason"]),
    ),
}


@login_required
@require_POST
def improvement_step(request, pk: int, step: str):
    improvement = improvement_for_user(pk, request.user, history=True)
    if step not in STEPS:
        raise PermissionDenied
    form_class, name, run = STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(improvement, request.user, form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
            return _page(request, improvement, status=error.status, **{name: form})
        return redirect("web:improvement", pk=pk)
    return _page(request, improvement, status=422, **{name: form})
