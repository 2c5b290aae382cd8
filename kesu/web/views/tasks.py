"""协办任务: a department's task for a complaint — its page, done with a result, or called off."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kesu.complaints.presenters import customer_out
from kesu.complaints.selectors import complaints_visible_to
from kesu.lib.errors import DomainError
from kesu.tasks import services
from kesu.tasks.selectors import task_for_user
from kesu.web.actions import may_cancel_task, may_complete_task, viewer_of
from kesu.web.forms import TaskCancelForm, TaskResultForm


def _task(request, pk: int):
    task = task_for_user(pk, request.user)
    if task is None:
        raise Http404
    return task


def _page(request, task, *, status: int = 200, **forms):
    complaint = task.complaint
    viewer = viewer_of(request.user, complaint)
    context = {
        "task": task,
        "complaint": complaint,
        "customer": customer_out(complaint.customer, masked=True),
        "complaint_visible": complaints_visible_to(request.user).filter(pk=complaint.pk).exists(),
        "may_complete": may_complete_task(request.user, task, involved=viewer.involved),
        "may_cancel": not viewer.involved and may_cancel_task(request.user, task, complaint),
        "result_form": forms.get("result_form") or TaskResultForm(),
        "cancel_form": forms.get("cancel_form") or TaskCancelForm(),
    }
    return render(request, "web/tasks/task.html", context, status=status)


@login_required
def task_page(request, pk: int):
    return _page(request, _task(request, pk))


def _finish(request, pk: int, form_class, run, form_name: str):
    task = _task(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(task, form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
            return _page(request, task, status=error.status, **{form_name: form})
        return redirect("web:task", pk=pk)
    return _page(request, task, status=422, **{form_name: form})


@login_required
@require_POST
def task_complete(request, pk: int):
    def run(task, data):
        services.task_complete(task=task, actor=request.user, result=data["result"], amount=data["amount"])

    return _finish(request, pk, TaskResultForm, run, "result_form")


@login_required
@require_POST
def task_cancel(request, pk: int):
    def run(task, data):
        services.task_cancel(task=task, actor=request.user, reason=data["reason"])

    return _finish(request, pk, TaskCancelForm, run, "cancel_form")
