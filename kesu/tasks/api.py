from decimal import Decimal

from django.http import Http404
from ninja import Router
from pydantic import Field

from kesu.accounts.auth import staff_token
from kesu.complaints.presenters import task_out
from kesu.complaints.schemas import TaskOut
from kesu.lib.schemas import In
from kesu.tasks import services
from kesu.tasks.selectors import task_for_user, tasks_for_user

router = Router(tags=["tasks"], auth=staff_token)


class ResultIn(In):
    result: str = ""
    amount: Decimal | None = Field(default=None, max_digits=12, decimal_places=2, description="In yuan, if any")


class CancelIn(In):
    reason: str = ""


def _task(request, task_id: int):
    task = task_for_user(task_id, request.auth)
    if task is None:
        raise Http404
    return task


@router.get("", response=list[TaskOut], summary="My open tasks and my department's unowned ones, soonest first")
def my_tasks(request):
    return [task_out(task) for task in tasks_for_user(request.auth)[:200]]


@router.get("/{task_id}", response=TaskOut)
def get_task(request, task_id: int):
    return task_out(_task(request, task_id))


@router.post("/{task_id}/done", response=TaskOut, summary="Report the task done, with its result")
def done(request, task_id: int, payload: ResultIn):
    task = _task(request, task_id)
    return task_out(services.task_complete(task=task, actor=request.auth, result=payload.result, amount=payload.amount))


@router.post("/{task_id}/cancel", response=TaskOut, summary="Call the task off (the handler)")
def cancel(request, task_id: int, payload: CancelIn):
    return task_out(services.task_cancel(task=_task(request, task_id), actor=request.auth, reason=payload.reason))
