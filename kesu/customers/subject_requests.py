"""个人信息主体请求: a customer asks what Kesu holds about them (PIPL art. 45), to correct it (art. 46)
or to erase it (art. 47). Carried out by whoever roles.py lets (the admin role), each recorded as a
`SubjectRequest`: who, when, what was done and the reason given, never the data itself.

Erasure anonymises every complaint of the customer as the retention job does, whatever its age, then
the customer. It is refused while any of their complaints is still open (not closed): an open case
still needs to reach the customer and to be settled; close it first (the customer may withdraw it),
then erase. The numbers, categories, dates, statuses and clocks stay for the reports.
"""

import io
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kesu.complaints.models import Complaint
from kesu.complaints.presenters import complaint_out, event_out
from kesu.complaints.search import search_terms
from kesu.complaints.selectors import complaint_timeline
from kesu.complaints.services.search_index import search_terms_write
from kesu.customers.models import AnonymisationCause, Customer, PersonalDataAccess, SubjectRequest, SubjectRequestKind
from kesu.customers.privacy import export_reason_clean
from kesu.customers.retention import FINISHED, complaints_anonymise, customers_anonymise
from kesu.customers.services import customer_with_email, normalize_email, normalize_phone
from kesu.lib.errors import DomainError, FieldError, NotAllowed

HANDLE = "customers.handle_subject_request"
CORRECTABLE = [
    "name",
    "phone",
    "email",
    "member_number",
    "region",
    "gender",
    "age",
    "language",
    "preferred_channel",
    "messages_opt_out",
]
ERASE_BATCH = 500


class OpenComplaints(DomainError):
    status = 409
    code = "open_complaints"


def may_handle_subject_requests(user) -> bool:
    return user.has_perm(HANDLE)


def _allow(user) -> None:
    if not may_handle_subject_requests(user):
        raise NotAllowed(_("Only the administrator carries out a customer's request about their personal data."))


def customer_find(*, phone: str = "", email: str = "", number: str = "") -> Customer | None:
    """The customer by phone, e-mail or the number of one of their complaints."""
    if phone:
        return Customer.objects.filter(phone=normalize_phone(phone)).first()
    if email:
        return customer_with_email(email)
    if number:
        complaint = Complaint.objects.filter(number=number.strip()).select_related("customer").first()
        return complaint.customer if complaint else None
    raise FieldError("phone", _("Give a phone, an e-mail or a complaint number."))


def customer_data(customer: Customer) -> dict:
    """Everything Kesu holds about the customer: their details, their complaints with timelines."""
    complaints = Complaint.objects.filter(customer=customer).select_related("process", "customer").order_by("pk")
    return {
        "customer": {
            field: getattr(customer, field)
            for field in [*CORRECTABLE, "customer_class", "details", "created_at", "anonymised_at"]
        },
        "complaints": [_complaint_data(complaint) for complaint in complaints],
        "exported_at": timezone.now(),
    }


def _complaint_data(complaint: Complaint) -> dict:
    data = complaint_out(complaint, reveal_customer=True, reveal_sensitive=True)
    data.pop("customer")
    data["timeline"] = [event_out(event) for event in complaint_timeline(complaint)]
    data["attachments"] = [
        {"name": item.name, "kind": item.kind, "size": item.size, "uploaded_at": item.uploaded_at}
        for item in complaint.attachments.order_by("pk")
    ]
    return data


def subject_export(*, customer: Customer, actor, reason: str, fmt: str) -> bytes:
    """A copy of the customer's data as JSON or Excel; recorded as a request and a logged read."""
    _allow(actor)
    reason = export_reason_clean(reason)
    if fmt not in ("json", "xlsx"):
        raise FieldError("format", _("Choose json or xlsx."))
    data = customer_data(customer)
    content = _as_json(data) if fmt == "json" else _as_xlsx(data)
    with transaction.atomic():
        PersonalDataAccess.objects.create(customer=customer, user=actor, purpose="data-subject copy", reason=reason)
        SubjectRequest.objects.create(
            customer=customer,
            kind=SubjectRequestKind.ACCESS,
            reason=reason,
            by=actor,
            detail={"format": fmt, "complaints": len(data["complaints"])},
        )
    return content


def _as_json(data: dict) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def _as_xlsx(data: dict) -> bytes:
    """A readable copy: the customer, their complaints, their timelines."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Customer"))
    for key, value in data["customer"].items():
        sheet.append([key, _cell(value)])
    sheet = book.create_sheet(_("Complaints"))
    columns = ["number", "received_at", "status", "category", "subject", "description", "demand", "fields"]
    columns += ["resolution", "closed_at"]
    sheet.append(columns)
    for complaint in data["complaints"]:
        sheet.append([_cell(complaint.get(column)) for column in columns])
    sheet = book.create_sheet(_("Timeline"))
    sheet.append(["number", "at", "kind", "text"])
    for complaint in data["complaints"]:
        for event in complaint["timeline"]:
            sheet.append([complaint["number"], _cell(event["at"]), _cell(event["kind"]), event["text"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value):
    """A value as a spreadsheet cell: times in local time, anything structured as JSON, never a formula."""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, (dict, list)):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value if value is None or isinstance(value, (int, float, str)) else str(value)


def subject_correct(*, customer: Customer, actor, reason: str, changes: dict) -> SubjectRequest:
    """Correct the customer's details (the fields of CORRECTABLE given in `changes`)."""
    _allow(actor)
    reason = export_reason_clean(reason)
    if customer.anonymised_at:
        raise DomainError(_("This customer's data was erased."), code="anonymised")
    unknown = set(changes) - set(CORRECTABLE)
    if unknown:
        raise FieldError(sorted(unknown)[0], _("This cannot be corrected here."))
    if changes.get("phone"):
        changes["phone"] = normalize_phone(changes["phone"])
    if changes.get("email"):
        changes["email"] = normalize_email(changes["email"])
    changed = [field for field, value in changes.items() if getattr(customer, field) != value]
    for field in changed:
        setattr(customer, field, changes[field])
    _check_unique(customer)
    with transaction.atomic():
        customer.save(update_fields=changed or None)
        if {"name", "phone"} & set(changed):
            _search_terms_rewrite(customer)
        return SubjectRequest.objects.create(
            customer=customer,
            kind=SubjectRequestKind.CORRECTION,
            reason=reason,
            by=actor,
            detail={"fields": changed},
        )


def _check_unique(customer: Customer) -> None:
    others = Customer.objects.exclude(pk=customer.pk)
    if customer.phone and others.filter(phone=customer.phone).exists():
        raise FieldError("phone", _("Another customer has this phone number."), code="taken")
    if customer.email and others.filter(email__iexact=customer.email).exists():
        raise FieldError("email", _("Another customer has this e-mail address."), code="taken")


def _search_terms_rewrite(customer: Customer) -> None:
    """Their complaints are found by their name and phone as they are now (anonymised ones by nothing)."""
    rows = Complaint.objects.filter(customer=customer, anonymisation__isnull=True).values_list(
        "pk", "subject", "description"
    )
    terms = [(pk, search_terms(subject, text, customer.name, phone=customer.phone)) for pk, subject, text in rows]
    if terms:
        search_terms_write(terms)


def subject_erase(*, customer: Customer, actor, reason: str) -> SubjectRequest:
    """Anonymise every complaint of the customer and then the customer; refused while one is open."""
    _allow(actor)
    reason = export_reason_clean(reason)
    still_open = list(
        Complaint.objects.filter(customer=customer).exclude(status__in=FINISHED).values_list("number", flat=True)
    )
    if still_open:
        raise OpenComplaints(
            _("Close their open complaints first: %(numbers)s.") % {"numbers": ", ".join(still_open[:20])}
        )
    request = SubjectRequest.objects.create(
        customer=customer, kind=SubjectRequestKind.ERASURE, reason=reason, by=actor, detail={"complaints": 0}
    )
    ids = list(Complaint.objects.filter(customer=customer, anonymisation__isnull=True).values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), ERASE_BATCH):
        done += complaints_anonymise(
            ids[start : start + ERASE_BATCH],
            cause=AnonymisationCause.REQUEST,
            note_values={"request": request.pk},
            actor=actor,
        )
    customers_anonymise(Customer.objects.filter(pk=customer.pk))
    request.detail = {"complaints": done}
    request.save(update_fields=["detail"])
    return request
