import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from kesu.accounts.auth import staff_token
from kesu.lib.schemas import MONTH_PATTERN
from kesu.reports.selectors import dashboard_counts, monthly_report

router = Router(tags=["reports"], auth=staff_token)


class DashboardOut(Schema):
    open_by_status: dict[str, int]
    overdue: int
    due_soon: int
    mine: int
    escalated_to_me: int


class MonthIn(Schema):
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM")


class MonthlyOut(Schema):
    month: str
    received: int
    resolved: int
    average_resolution_hours: float | None
    by_category: dict[str, int]
    by_channel: dict[str, int]
    by_priority: dict[str, int]
    by_status: dict[str, int]
    by_department: dict[str | None, int]
    by_process: dict[str, int]
    escalated: int
    reopened: int
    satisfaction: dict[str, int]


@router.get("/dashboard", response=DashboardOut, summary="My work in numbers: open, overdue, due soon, mine")
def dashboard(request):
    return dashboard_counts(request.auth)


@router.get("/monthly", response=MonthlyOut, summary="月报: the month's complaints, handling and satisfaction")
def monthly(request, filters: Query[MonthIn]):
    return monthly_report(request.auth, dt.date.fromisoformat(f"{filters.month}-01"))
