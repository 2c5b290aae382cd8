"""/api/v1/customers: a customer's requests about their personal data (copy, correction, erasure)
and the personal-data access log. For the admin role (roles.py); every other role gets 403.
Thin: `subject_requests` and `privacy` do the work."""

import datetime as dt
from typing import Literal

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from kesu.accounts.auth import staff_token
from kesu.complaints.presenters import customer_out
from kesu.customers import subject_requests
from kesu.customers.models import Customer, Gender, PersonalDataAccess, SubjectRequest
from kesu.customers.privacy import AccessLogFilters, access_log, may_see_access_log
from kesu.customers.services import normalize_phone
from kesu.lib.errors import NotAllowed
from kesu.lib.schemas import In
from kesu.web.exports import XLSX

router = Router(tags=["personal data"], auth=staff_token)
PAGE_SIZE = 50
CONTENT_TYPES = {"json": "application/json", "xlsx": XLSX}


class CustomerOut(Schema):
    id: int
    name: str = Field(description="Masked: the requests below show the rest.")
    phone: str
    email: str
    customer_class: str
    complaints: int
    anonymised_at: dt.datetime | None


class RequestOut(Schema):
    id: int
    kind: str
    reason: str
    detail: dict
    by: str
    at: dt.datetime


class ReasonIn(In):
    reason: str = Field(min_length=1, max_length=500, description="Why: the customer's request, how it came.")


class ExportIn(ReasonIn):
    format: Literal["json", "xlsx"] = "json"


class CorrectionIn(ReasonIn):
    name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=254)
    member_number: str | None = Field(default=None, max_length=50)
    region: str | None = Field(default=None, max_length=100)
    gender: Gender | None = None
    age: int | None = Field(default=None, ge=0, le=150)
    language: Literal["zh-hans", "en", ""] | None = None
    preferred_channel: Literal["sms", "email", ""] | None = None
    messages_opt_out: bool | None = None


class AccessOut(Schema):
    id: int
    at: dt.datetime
    user: str
    customer: int | None
    purpose: str
    reason: str
    row_count: int | None


class AccessPage(Schema):
    items: list[AccessOut]
    page: int
    has_next: bool


class AccessFilterIn(Schema):
    user: str = Field(default="", description="A username.")
    customer: int | None = None
    phone: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = Field(default=1, ge=1)


def _allow_requests(request) -> None:
    if not subject_requests.may_handle_subject_requests(request.auth):
        raise NotAllowed(_("Only the administrator carries out a customer's request about their personal data."))


def _customer_out(customer: Customer) -> dict:
    masked = customer_out(customer, masked=True)
    return {
        "id": customer.pk,
        "name": masked["name"],
        "phone": masked["phone"],
        "email": masked["email"],
        "customer_class": customer.customer_class,
        "complaints": customer.complaints.count(),
        "anonymised_at": customer.anonymised_at,
    }


def _request_out(item: SubjectRequest) -> dict:
    return {
        "id": item.pk,
        "kind": item.kind,
        "reason": item.reason,
        "detail": item.detail,
        "by": item.by.username,
        "at": item.at,
    }


@router.get("/find", response=CustomerOut, summary="Find the customer by phone, e-mail or complaint number")
def find_customer(request, phone: str = "", email: str = "", number: str = ""):
    _allow_requests(request)
    customer = subject_requests.customer_find(phone=phone, email=email, number=number)
    if customer is None:
        raise Http404
    return _customer_out(customer)


@router.get("/access-log", response=AccessPage, summary="Who read whose personal data, when and why")
def get_access_log(request, filters: Query[AccessFilterIn]):
    if not may_see_access_log(request.auth):
        raise NotAllowed(_("Your role does not allow this."))
    phone = normalize_phone(filters.phone, field="phone") if filters.phone else ""
    rows = access_log(
        AccessLogFilters(
            user=filters.user, customer=filters.customer, phone=phone, since=filters.date_from, until=filters.date_to
        )
    )
    start = (filters.page - 1) * PAGE_SIZE
    page = list(rows[start : start + PAGE_SIZE + 1])
    return {
        "items": [_access_out(row) for row in page[:PAGE_SIZE]],
        "page": filters.page,
        "has_next": len(page) > PAGE_SIZE,
    }


def _access_out(row: PersonalDataAccess) -> dict:
    return {
        "id": row.pk,
        "at": row.at,
        "user": row.user.username,
        "customer": row.customer_id,
        "purpose": row.purpose,
        "reason": row.reason,
        "row_count": row.row_count,
    }


@router.get("/{customer_id}/requests", response=list[RequestOut], summary="The customer's requests, newest first")
def list_requests(request, customer_id: int):
    _allow_requests(request)
    customer = get_object_or_404(Customer, pk=customer_id)
    return [_request_out(item) for item in customer.subject_requests.select_related("by")]


@router.post(
    "/{customer_id}/export",
    summary="A copy of everything about the customer (JSON or Excel); recorded, and the read logged",
)
def export_customer(request, customer_id: int, body: ExportIn):
    _allow_requests(request)
    customer = get_object_or_404(Customer, pk=customer_id)
    content = subject_requests.subject_export(
        customer=customer, actor=request.auth, reason=body.reason, fmt=body.format
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[body.format])
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.{body.format}"'
    return response


@router.patch("/{customer_id}", response=RequestOut, summary="Correct the customer's details (the fields given)")
def correct_customer(request, customer_id: int, body: CorrectionIn):
    _allow_requests(request)
    customer = get_object_or_404(Customer, pk=customer_id)
    changes = body.model_dump(exclude={"reason"}, exclude_none=True)
    item = subject_requests.subject_correct(customer=customer, actor=request.auth, reason=body.reason, changes=changes)
    return _request_out(item)


@router.post(
    "/{customer_id}/erase",
    response=RequestOut,
    summary="Erase the customer: anonymise their complaints and details (409 while one is open)",
)
def erase_customer(request, customer_id: int, body: ReasonIn):
    _allow_requests(request)
    customer = get_object_or_404(Customer, pk=customer_id)
    item = subject_requests.subject_erase(customer=customer, actor=request.auth, reason=body.reason)
    return _request_out(item)
