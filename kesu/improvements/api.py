"""/api/v1/improvements: corrective and preventive actions (CAPA). Thin: services do the work."""

from ninja import Query, Router, Status

from kesu.accounts.auth import staff_token
from kesu.accounts.selectors import active_department, active_staff
from kesu.improvements import services
from kesu.improvements.presenters import improvement_out, improvement_summary_out
from kesu.improvements.schemas import (
    DoneIn,
    ImprovementFilterIn,
    ImprovementIn,
    ImprovementOut,
    ImprovementPage,
    LinkIn,
    SendBackIn,
    VerifyIn,
)
from kesu.improvements.selectors import ImprovementFilters, improvement_for_user, improvement_list

router = Router(tags=["improvements"], auth=staff_token)


@router.post("", response={201: ImprovementOut}, summary="纠正预防措施: open a corrective action")
def create_improvement(request, payload: ImprovementIn):
    improvement = services.improvement_create(
        actor=request.auth,
        title=payload.title,
        root_cause=payload.root_cause,
        action=payload.action,
        owner=active_staff(payload.owner, field="owner"),
        department=active_department(payload.department, field="department") if payload.department else None,
        due_date=payload.due_date,
        complaint_numbers=payload.complaints,
    )
    return Status(201, improvement_out(improvement_for_user(improvement.pk, request.auth, history=True)))


@router.get("", response=ImprovementPage, summary="List corrective actions, soonest due first")
def list_improvements(request, filters: Query[ImprovementFilterIn]):
    criteria = ImprovementFilters(**filters.model_dump(exclude={"page", "page_size"}))
    start = (filters.page - 1) * filters.page_size
    rows = list(improvement_list(request.auth, criteria)[start : start + filters.page_size + 1])
    return {
        "items": [improvement_summary_out(improvement) for improvement in rows[: filters.page_size]],
        "page": filters.page,
        "page_size": filters.page_size,
        "has_next": len(rows) > filters.page_size,
    }


@router.get("/{int:improvement_id}", response=ImprovementOut, summary="One corrective action, with its history")
def get_improvement(request, improvement_id: int):
    return improvement_out(improvement_for_user(improvement_id, request.auth, history=True))


def _step(request, improvement_id: int, service, **arguments):
    improvement = improvement_for_user(improvement_id, request.auth)
    service(improvement=improvement, actor=request.auth, **arguments)
    return improvement_out(improvement_for_user(improvement_id, request.auth, history=True))


@router.post("/{int:improvement_id}/complaints", response=ImprovementOut, summary="Link complaints to the action")
def link_complaints(request, improvement_id: int, payload: LinkIn):
    return _step(request, improvement_id, services.improvement_link_complaints, complaint_numbers=payload.complaints)


@router.post("/{int:improvement_id}/done", response=ImprovementOut, summary="The owner: done, and what was done")
def mark_done(request, improvement_id: int, payload: DoneIn):
    return _step(request, improvement_id, services.improvement_mark_done, note=payload.note)


@router.post("/{int:improvement_id}/verify", response=ImprovementOut, summary="验证: quality verifies the action")
def verify(request, improvement_id: int, payload: VerifyIn):
    return _step(request, improvement_id, services.improvement_verify, result=payload.result)


@router.post(
    "/{int:improvement_id}/send-back", response=ImprovementOut, summary="Not effective: open again, with the reason"
)
def send_back(request, improvement_id: int, payload: SendBackIn):
    return _step(request, improvement_id, services.improvement_send_back, reason=payload.reason)
