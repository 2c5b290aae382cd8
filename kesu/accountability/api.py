import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from kesu.accountability import services
from kesu.accountability.ledger import ledger_workbook
from kesu.accountability.models import Accountability
from kesu.accounts.auth import staff_token
from kesu.complaints.presenters import accountability_out
from kesu.complaints.remedies import MAX_AMOUNT
from kesu.complaints.schemas import AccountabilityOut
from kesu.complaints.selectors import complaints_visible_to
from kesu.lib.errors import NotAllowed
from kesu.lib.schemas import MONTH_PATTERN, In

router = Router(tags=["accountability"], auth=staff_token)


class DecisionIn(In):
    approve: bool
    note: str = Field(default="", max_length=2000)
    amount: Decimal | None = Field(default=None, ge=0, le=MAX_AMOUNT, decimal_places=2)
    points: int | None = Field(default=None, ge=-10000, le=10000)


class LedgerIn(Schema):
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM")


@router.post("/{item_id}/decide", response=AccountabilityOut, summary="Approve (fixing the measure) or reject")
def decide(request, item_id: int, payload: DecisionIn):
    visible = complaints_visible_to(request.auth).values("pk")
    item = Accountability.objects.filter(pk=item_id, complaint__in=visible).first()
    if item is None:
        raise Http404
    decided = services.accountability_decide(
        item=item,
        actor=request.auth,
        approve=payload.approve,
        note=payload.note,
        amount=payload.amount,
        points=payload.points,
    )
    return accountability_out(decided)


@router.get("/ledger", summary="The month's approved penalties and rewards as an Excel file (finance)")
def ledger(request, filters: Query[LedgerIn]):
    if not request.auth.has_perm("accountability.view_ledger"):
        raise NotAllowed(_("Your role does not allow this."))
    month = dt.date.fromisoformat(f"{filters.month}-01")
    response = HttpResponse(
        ledger_workbook(month), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="kesu-ledger-{filters.month}.xlsx"'
    return response
