"""/api/v1/complaints: intake, reads and every step of the lifecycle. Thin: services do the work."""

from typing import Annotated

from django.utils import timezone
from ninja import File, Form, Header, Query, Router, Status, UploadedFile

from kesu.accountability.services import accountability_propose
from kesu.accounts.auth import integration_key, staff_token
from kesu.accounts.models import Department, IntegrationKey
from kesu.accounts.selectors import active_department, active_staff
from kesu.attachments.selectors import complaint_attachments
from kesu.attachments.services import attachments_add
from kesu.complaints import services
from kesu.complaints.idempotency import HEADER, Answer, idempotent, request_fingerprint
from kesu.complaints.presenters import (
    accountability_out,
    attachment_out,
    channel_intake_out,
    complaint_out,
    complaint_summary_out,
    event_out,
    intake_out,
    task_out,
)
from kesu.complaints.schemas import (
    AccountabilityIn,
    AccountabilityOut,
    AssignIn,
    AttachmentOut,
    ChannelIntakeOut,
    ComplaintFilterIn,
    ComplaintIn,
    ComplaintOut,
    ComplaintPage,
    ContactIn,
    CustomerResponseIn,
    DecisionIn,
    EventOut,
    FindingIn,
    FollowUpIn,
    HandOverIn,
    IntakeOut,
    InvolvedIn,
    MarkIn,
    NoteIn,
    PendingIn,
    PendingLedgerRow,
    PlanIn,
    PriorityIn,
    PromiseIn,
    ReasonIn,
    ResolveIn,
    TaskIn,
    TaskOut,
    VersionIn,
    complaint_in,
)
from kesu.complaints.selectors import (
    ComplaintFilters,
    complaint_for_user,
    complaint_page,
    complaint_timeline,
    complaints_visible_to,
)
from kesu.complaints.services.intake import CustomerIn, Intake
from kesu.complaints.services.pending import pending_ledger
from kesu.customers.privacy import sensitive_fields_reveal
from kesu.customers.services import personal_data_access_log
from kesu.followups.services import followup_record
from kesu.lib.responses import presented
from kesu.tasks.services import complaint_create_task

router = Router(tags=["complaints"], auth=staff_token)

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias=HEADER,
        min_length=1,
        max_length=255,
        description="A unique key (a UUID) per complaint: a retry with the same key and request takes in one "
        "complaint and is answered the first answer again, for 24 hours; another request with it gets 422.",
    ),
]


def _department(code: str | None, field: str) -> Department | None:
    return active_department(code, field=field) if code else None


@router.post(
    "",
    response={201: IntakeOut | ChannelIntakeOut},
    auth=[staff_token, integration_key],
    summary="Take in a complaint",
    description="Staff are answered the complaint as recorded; a channel key its number and status only.",
)
def create_complaint(request, payload: ComplaintIn, idempotency_key: IdempotencyKeyHeader = None):
    return _take_in(request, payload, files=[], idempotency_key=idempotency_key)


@router.post(
    "/with-files",
    response={201: IntakeOut | ChannelIntakeOut},
    auth=[staff_token, integration_key],
    summary="Take in a complaint with its photos, video, recordings or documents (multipart)",
    description="`complaint`: the JSON of `POST /complaints`; `files`: at most five, checked as the pages check them.",
)
def create_complaint_with_files(
    request,
    complaint: Form[str],
    files: File[list[UploadedFile]] = None,
    idempotency_key: IdempotencyKeyHeader = None,
):
    return _take_in(request, complaint_in(complaint), files=files or [], idempotency_key=idempotency_key)


def _take_in(request, payload: ComplaintIn, *, files: list, idempotency_key: str | None):
    """Intake, once per `Idempotency-Key` of the caller (kesu.complaints.idempotency)."""
    answer = idempotent(
        key=idempotency_key,
        caller=request.auth,
        fingerprint=request_fingerprint(request.path, payload.model_dump(mode="json"), files),
        answer=lambda: Answer(201, _answer(request, _create(request, payload, files=files))),
    )
    return Status(answer.status, answer.body)


def _answer(request, complaint) -> dict:
    if isinstance(request.auth, IntegrationKey):
        return channel_intake_out(complaint)
    return intake_out(complaint)


def _create(request, payload: ComplaintIn, files: list):
    data = payload.model_dump(exclude={"customer"})
    intake = Intake(customer=CustomerIn(**payload.customer.model_dump(exclude_none=True)), **data)
    if isinstance(request.auth, IntegrationKey):
        return services.complaint_create(intake=intake, integration=request.auth, files=files)
    return services.complaint_create(intake=intake, actor=request.auth, files=files)


@router.get("/{number}/attachments", response=list[AttachmentOut], summary="A complaint's files")
def list_attachments(request, number: str):
    complaint = complaint_for_user(number, request.auth)
    return [attachment_out(attachment) for attachment in complaint_attachments(complaint)]


@router.post(
    "/{number}/attachments",
    response={201: list[AttachmentOut]},
    summary="Add photos, video, call recordings or documents (multipart `files`, at most five)",
)
def add_attachments(request, number: str, files: File[list[UploadedFile]], caption: Form[str] = ""):
    complaint = complaint_for_user(number, request.auth)
    added = attachments_add(complaint=complaint, actor=request.auth, uploads=files, caption=caption)
    return Status(201, [attachment_out(attachment) for attachment in added])


@router.get("", response=ComplaintPage, summary="List complaints with filters, newest first")
def list_complaints(request, filters: Query[ComplaintFilterIn]):
    criteria = ComplaintFilters(**filters.model_dump(exclude={"page", "page_size"}))
    start = (filters.page - 1) * filters.page_size
    rows = complaint_page(request.auth, criteria, start, start + filters.page_size + 1)
    page = {
        "items": [complaint_summary_out(row) for row in rows[: filters.page_size]],
        "page": filters.page,
        "page_size": filters.page_size,
        "has_next": len(rows) > filters.page_size,
    }
    return presented(request, page)


@router.get("/{number}", response=ComplaintOut, summary="One complaint, with the customer's data (the read is logged)")
def get_complaint(request, number: str, sensitive: bool = False):
    """`sensitive=true`: the sensitive fields (病史…) unmasked too, for those who may; a read of its own, logged."""
    complaint = complaint_for_user(number, request.auth)
    if sensitive:
        sensitive_fields_reveal(complaint=complaint, user=request.auth)
    reveal = request.auth.has_perm("complaints.view_customer_pii")
    if reveal:
        personal_data_access_log(customer=complaint.customer, user=request.auth, purpose=f"complaint {number}")
    return presented(request, complaint_out(complaint, reveal_customer=reveal, reveal_sensitive=sensitive))


@router.get("/{number}/timeline", response=list[EventOut], summary="Every event of the complaint, oldest first")
def get_timeline(request, number: str):
    complaint = complaint_for_user(number, request.auth)
    return presented(request, [event_out(event) for event in complaint_timeline(complaint)])


def _step(request, number: str, service, **arguments):
    complaint = complaint_for_user(number, request.auth)
    changed = service(complaint=complaint, actor=request.auth, **arguments)
    return complaint_out(complaint_for_user(changed.number, request.auth))


@router.post("/{number}/assign", response=ComplaintOut, summary="分派: hand to a handler")
def assign(request, number: str, payload: AssignIn):
    return _step(
        request,
        number,
        services.complaint_assign,
        version=payload.version,
        assignee=active_staff(payload.assignee, field="assignee"),
        department=_department(payload.department, "department"),
    )


@router.post("/{number}/start-investigation", response=ComplaintOut, summary="调查核实: start investigating")
def start_investigation(request, number: str, payload: VersionIn):
    return _step(request, number, services.complaint_start_investigation, version=payload.version)


@router.post("/{number}/finding", response=ComplaintOut, summary="二次分类: record the finding")
def record_finding(request, number: str, payload: FindingIn):
    return _step(
        request,
        number,
        services.complaint_record_finding,
        version=payload.version,
        finding=payload.finding,
        note=payload.note,
        responsible_department=_department(payload.responsible_department, "responsible_department"),
    )


@router.post("/{number}/plan", response=ComplaintOut, summary="处理方案: propose a plan")
def propose_plan(request, number: str, payload: PlanIn):
    remedies = [remedy.model_dump(exclude_none=True) for remedy in payload.remedies]
    return _step(
        request,
        number,
        services.complaint_propose_plan,
        version=payload.version,
        summary=payload.summary,
        remedies=remedies,
    )


@router.post("/{number}/plan/approve", response=ComplaintOut, summary="审批: approve the plan")
def approve_plan(request, number: str, payload: DecisionIn):
    return _step(request, number, services.complaint_approve_plan, version=payload.version, note=payload.note)


@router.post("/{number}/plan/reject", response=ComplaintOut, summary="Reject the plan, with the reason")
def reject_plan(request, number: str, payload: ReasonIn):
    return _step(request, number, services.complaint_reject_plan, version=payload.version, reason=payload.reason)


@router.post("/{number}/resolve", response=ComplaintOut, summary="处理完毕: resolve")
def resolve(request, number: str, payload: ResolveIn):
    return _step(request, number, services.complaint_resolve, version=payload.version, resolution=payload.resolution)


@router.post("/{number}/pending", response=ComplaintOut, summary="未了事宜: put on pending until an agreed date")
def put_pending(request, number: str, payload: PendingIn):
    return _step(
        request,
        number,
        services.complaint_put_pending,
        version=payload.version,
        agreed_date=payload.agreed_date,
        reason=payload.reason,
    )


@router.post(
    "/{number}/promise",
    response=ComplaintOut,
    summary="告知客户期限: promise the customer a date, or notify a delay with its reason and new date",
)
def promise_date(request, number: str, payload: PromiseIn):
    return _step(
        request,
        number,
        services.complaint_promise_date,
        version=payload.version,
        date=payload.date,
        reason=payload.reason,
    )


@router.post("/{number}/resume", response=ComplaintOut, summary="Take a pending matter up again")
def resume(request, number: str, payload: VersionIn):
    return _step(request, number, services.complaint_resume, version=payload.version)


@router.post("/{number}/close", response=ComplaintOut, summary="结案归档: close")
def close(request, number: str, payload: DecisionIn):
    return _step(request, number, services.complaint_close, version=payload.version, note=payload.note)


@router.post("/{number}/reopen", response=ComplaintOut, summary="Reopen: the customer is not satisfied")
def reopen(request, number: str, payload: ReasonIn):
    return _step(request, number, services.complaint_reopen, version=payload.version, reason=payload.reason)


@router.put("/{number}/involved", response=ComplaintOut, summary="当事人: name the staff the complaint is about")
def set_involved(request, number: str, payload: InvolvedIn):
    staff = [active_staff(username, field=f"staff.{index}") for index, username in enumerate(payload.staff)]
    return _step(request, number, services.complaint_set_involved, version=payload.version, staff=staff)


@router.post("/{number}/notes", response={201: EventOut}, summary="Add an internal note")
def add_note(request, number: str, payload: NoteIn):
    complaint = complaint_for_user(number, request.auth)
    return Status(
        201, event_out(services.complaint_add_note(complaint=complaint, actor=request.auth, text=payload.text))
    )


@router.post("/{number}/contacts", response={201: EventOut}, summary="Log a contact with the customer")
def log_contact(request, number: str, payload: ContactIn):
    complaint = complaint_for_user(number, request.auth)
    event = services.complaint_log_contact(
        complaint=complaint,
        actor=request.auth,
        channel=payload.channel,
        direction=payload.direction,
        purpose=payload.purpose,
        summary=payload.summary,
        at=payload.at or timezone.now(),
    )
    return Status(201, event_out(event))


@router.post("/{number}/priority", response=ComplaintOut, summary="Change the priority by hand")
def set_priority(request, number: str, payload: PriorityIn):
    return _step(
        request,
        number,
        services.complaint_set_priority,
        version=payload.version,
        priority=payload.priority,
        reason=payload.reason,
    )


@router.post("/{number}/wait-for-customer", response=ComplaintOut, summary="Wait for the customer (pauses clocks)")
def wait_for_customer(request, number: str, payload: ReasonIn):
    return _step(request, number, services.complaint_wait_for_customer, version=payload.version, reason=payload.reason)


@router.post("/{number}/customer-replied", response=ComplaintOut, summary="The customer replied (clocks run again)")
def customer_replied(request, number: str, payload: DecisionIn):
    return _step(request, number, services.complaint_customer_replied, version=payload.version, note=payload.note)


@router.post("/{number}/escalate", response=ComplaintOut, summary="逐级上报: ask the next tier to take it up")
def request_escalation(request, number: str, payload: ReasonIn):
    return _step(request, number, services.complaint_request_escalation, version=payload.version, reason=payload.reason)


@router.post("/{number}/accept-escalation", response=ComplaintOut, summary="Take up an escalated complaint")
def accept_escalation(request, number: str, payload: VersionIn):
    return _step(request, number, services.complaint_accept_escalation, version=payload.version)


@router.post(
    "/{number}/hand-over",
    response=ComplaintOut,
    summary="转交: hand the complaint to another process",
    description="The complaint is taken in anew under the process's current version (its own number, clocks, "
    "tiers and routing) and this one is closed as handed over; the answer is the new complaint.",
)
def hand_over(request, number: str, payload: HandOverIn):
    complaint = complaint_for_user(number, request.auth)
    handed = services.complaint_hand_over(
        complaint=complaint,
        actor=request.auth,
        version=payload.version,
        process=payload.process,
        category=payload.category,
        reason=payload.reason,
        fields=payload.fields,
    )
    return complaint_out(complaint_for_user(handed.number, request.auth))


@router.post("/{number}/plan/request-changes", response=ComplaintOut, summary="Ask the handler to revise the plan")
def request_plan_changes(request, number: str, payload: ReasonIn):
    return _step(
        request, number, services.complaint_request_plan_changes, version=payload.version, reason=payload.reason
    )


@router.post("/{number}/plan/customer-response", response=ComplaintOut, summary="The customer accepted or refused")
def customer_response(request, number: str, payload: CustomerResponseIn):
    return _step(
        request,
        number,
        services.complaint_record_customer_response,
        version=payload.version,
        accepted=payload.accepted,
        note=payload.note,
    )


@router.post("/{number}/mark", response=ComplaintOut, summary="Red-mark for the year-end review / pick for sharing")
def mark(request, number: str, payload: MarkIn):
    return _step(
        request,
        number,
        services.complaint_mark,
        version=payload.version,
        mark=payload.mark,
        on=payload.on,
        reason=payload.reason,
    )


@router.post("/{number}/tasks", response={201: TaskOut}, summary="协办: hand a task to a department")
def create_task(request, number: str, payload: TaskIn):
    complaint = complaint_for_user(number, request.auth)
    department = active_department(payload.department, field="department")
    task = complaint_create_task(
        complaint=complaint,
        actor=request.auth,
        kind=payload.kind,
        title=payload.title,
        department=department,
        within=payload.within,
        owner=active_staff(payload.owner, field="owner") if payload.owner else None,
        backup=active_staff(payload.backup, field="backup") if payload.backup else None,
        required=payload.required,
    )
    return Status(201, task_out(task))


@router.post("/{number}/follow-up", response=ComplaintOut, summary="回访: record a callback and the satisfaction")
def record_follow_up(request, number: str, payload: FollowUpIn):
    complaint = complaint_for_user(number, request.auth)
    followup_record(
        complaint=complaint,
        actor=request.auth,
        satisfaction=payload.satisfaction,
        outcome=payload.outcome,
        channel=payload.channel,
    )
    return complaint_out(complaint_for_user(number, request.auth))


@router.post("/{number}/accountability", response={201: AccountabilityOut}, summary="责任认定: who, and the measure")
def propose_accountability(request, number: str, payload: AccountabilityIn):
    complaint = complaint_for_user(number, request.auth)
    item = accountability_propose(
        complaint=complaint,
        actor=request.auth,
        person=active_staff(payload.person, field="person") if payload.person else None,
        department=active_department(payload.department, field="department") if payload.department else None,
        fault=payload.fault,
        measure=payload.measure,
        amount=payload.amount,
        points=payload.points,
    )
    return Status(201, accountability_out(item))


@router.get("/pending/ledger", response=list[PendingLedgerRow], summary="未了事宜台账: pending matters by handler")
def pending_matters_ledger(request):
    rows = pending_ledger(complaints_visible_to(request.auth))
    return [
        {
            "handler": row["assignee__username"],
            "name": row["assignee__display_name"] or row["assignee__username"] or "",
            "count": row["count"],
            "earliest": row["earliest"],
        }
        for row in rows
    ]
