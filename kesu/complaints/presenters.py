"""Complaints as the API shows them. Customer data is masked unless the reader needs it."""

import datetime as dt
from types import SimpleNamespace

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from kesu.accountability.models import Accountability
from kesu.accounts.models import staff_name
from kesu.clocks.models import Clock, ClockState
from kesu.complaints.models import (
    ApprovalStatus,
    Complaint,
    Event,
    EventKind,
    LegalBasis,
    Plan,
    PlanApproval,
    PlanStatus,
    Status,
)
from kesu.complaints.selectors import SUMMARY_COLUMNS, complaint_clocks
from kesu.complaints.services.plans import step_people, step_rule
from kesu.customers.masking import mask_email, mask_name, mask_phone, mask_sensitive_fields, national_number
from kesu.followups.models import FollowUp
from kesu.lib.choices import choice_label
from kesu.processes.document import ProcessDocument
from kesu.processes.models import Process
from kesu.processes.schedules import deadline_is_provisional
from kesu.processes.vocabulary import Channel, Priority
from kesu.tasks.models import Task, TaskKind, TaskStatus
from kesu.tasks.selectors import complaint_tasks


def _person(user) -> dict | None:
    return {"username": user.username, "name": str(user)} if user else None


def _department(department) -> dict | None:
    return {"code": department.code, "name": department.name} if department else None


def _choice(choices, key: str) -> dict:
    return {"key": key, "label": choice_label(choices, key)}


def customer_out(customer, *, masked: bool) -> dict:
    if masked:
        phone = mask_phone(customer.phone)
    else:
        phone = national_number(customer.phone) if customer.phone else ""
    return {
        "name": mask_name(customer.name) if masked else customer.name,
        "phone": phone,
        "email": mask_email(customer.email) if masked else customer.email,
        "gender": customer.gender,
        "age": customer.age,
        "region": customer.region,
        "member_number": customer.member_number if not masked else "",
        "customer_class": customer.customer_class,
        "masked": masked,
    }


CUSTOMER_COLUMNS = [column for column in SUMMARY_COLUMNS if column.startswith("customer__")]


def complaint_summary_out(row: dict) -> dict:
    """A row of the list: `SUMMARY_COLUMNS`, as `complaint_page` reads them or `summary_row` takes
    them from a complaint."""
    category = Process.spec_of(row["process_id"], row["process__loaded_at"]).category(row["category"])
    customer = SimpleNamespace(**{column.removeprefix("customer__"): row[column] for column in CUSTOMER_COLUMNS})
    return {
        "number": row["number"],
        "status": _choice(Status, row["status"]),
        "category": {"key": row["category"], "label": str(category.label) if category else row["category"]},
        "priority": _choice(Priority, row["priority"]),
        "channel": _choice(Channel, row["channel"]),
        "subject": row["subject"],
        "customer": customer_out(customer, masked=True),
        "assignee": _person_in(row, "assignee"),
        "department": {"code": row["department__code"], "name": row["department__name"]}
        if row["department__code"]
        else None,
        "received_at": row["received_at"],
        "next_due_at": row["next_due_at"],
        "tier": row["tier"],
        "version": row["version"],
    }


def _person_in(row: dict, prefix: str) -> dict | None:
    username = row[f"{prefix}__username"]
    if username is None:
        return None
    names = (row[f"{prefix}__display_name"], row[f"{prefix}__first_name"], row[f"{prefix}__last_name"])
    return {"username": username, "name": staff_name(username, *names)}


def summary_row(complaint: Complaint) -> dict:
    """The list's row of a complaint already loaded (intake, one complaint)."""
    return {column: _follow(complaint, column) for column in SUMMARY_COLUMNS}


def _follow(value, path: str):
    for name in path.split("__"):
        if value is None:
            return None
        value = getattr(value, name)
    return value


def intake_out(complaint: Complaint) -> dict:
    """The new complaint as intake answers, from what intake already holds."""
    return {
        **complaint_summary_out(summary_row(complaint)),
        "process": {"name": complaint.process.name, "version": complaint.process.version},
        "description": complaint.description,
        "demand": complaint.demand,
        "fields": complaint.fields,
        "clocks": [clock_out(clock, complaint.process.spec) for clock in _intake_clocks(complaint)],
    }


def _intake_clocks(complaint: Complaint) -> list[Clock]:
    """The clocks intake wrote, as it holds them, unless a first step moved them since (assignment by
    rule, escalation: each is recorded with a new version); then read back."""
    version, clocks = complaint.written_clocks
    if version != complaint.version:
        return list(complaint_clocks(complaint))
    return sorted(clocks, key=lambda clock: (clock.started_at, clock.pk))


def channel_intake_out(complaint: Complaint) -> dict:
    return {
        "number": complaint.number,
        "status": _choice(Status, complaint.status),
        "received_at": complaint.received_at,
    }


def plan_out(plan: Plan | None) -> dict | None:
    if plan is None:
        return None
    return {
        "id": plan.pk,
        "status": _choice(PlanStatus, plan.status),
        "summary": plan.summary,
        "remedies": plan.remedies,
        "proposed_by": _person(plan.proposed_by),
        "proposed_at": plan.proposed_at,
        "decided_by": _person(plan.decided_by),
        "decided_at": plan.decided_at,
        "decision_note": plan.decision_note,
        "approvals": approval_steps_out(plan),
        "customer_response": plan.customer_response,
    }


def approval_steps_out(plan: Plan, now: dt.datetime | None = None) -> list[dict]:
    """The plan's approval steps: who each waits on or who decided it, and its deadline if it has one."""
    now = now or timezone.now()
    steps = []
    for step in plan.approvals.all():
        pending = step.status == ApprovalStatus.PENDING
        clock = step.clock
        steps.append(
            {
                "step": step.step,
                "label": str(step_rule(step).deadline_label()),
                "role": step.role,
                "seat": step.seat,
                "status": step.status,
                "status_label": choice_label(ApprovalStatus, step.status),
                "waiting_on": [_person(person) for person in step_people(plan.complaint, step)] if pending else [],
                "limit": clock.limit if clock else None,
                "due_at": clock.due_at if clock else None,
                "overdue": bool(pending and clock and clock.due_at <= now),
                "decided_by": _person(step.decided_by),
                "decided_at": step.decided_at,
                "note": step.note,
            }
        )
    return steps


def task_out(task: Task, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    return {
        "id": task.pk,
        "complaint": task.complaint.number,
        "kind": _choice(TaskKind, task.kind),
        "title": task.title,
        "department": _department(task.department),
        "owner": _person(task.owner),
        "backup": _person(task.backup),
        "required": task.required,
        "status": task.status,
        "due_at": task.due_at,
        "overdue": task.status == TaskStatus.OPEN and task.due_at <= now,
        "result": task.result,
        "amount": task.amount,
        "done_by": _person(task.done_by),
        "done_at": task.done_at,
    }


def followup_out(followup: FollowUp) -> dict:
    return {
        "id": followup.pk,
        "sequence": followup.sequence,
        "of": followup.of,
        "status": followup.status,
        "due_at": followup.due_at,
        "satisfaction": followup.satisfaction,
        "outcome": followup.outcome,
        "via_survey": followup.via_survey,
        "done_by": _person(followup.done_by),
        "done_at": followup.done_at,
        "survey_path": f"/api/v1/follow-ups/survey/{followup.survey_token}",
    }


def accountability_out(item: Accountability) -> dict:
    return {
        "id": item.pk,
        "person": _person(item.person),
        "department": _department(item.department),
        "fault": item.fault,
        "measure": item.measure,
        "amount": item.amount,
        "points": item.points,
        "status": item.status,
        "clock": item.clock,
        "proposed_by": _person(item.proposed_by),
        "decided_by": _person(item.decided_by),
        "decided_at": item.decided_at,
        "decision_note": item.decision_note,
    }


def complaint_out(complaint: Complaint, *, reveal_customer: bool = False, reveal_sensitive: bool = False) -> dict:
    """The complaint as the API shows it; the customer and the sensitive fields masked unless revealed
    (the caller logs the read)."""
    spec = complaint.process.spec
    finding = spec.findings.get(complaint.finding)
    plan = (
        complaint.plans.select_related("proposed_by", "decided_by")
        .prefetch_related(Prefetch("approvals", PlanApproval.objects.select_related("decided_by", "clock")))
        .first()
    )
    return {
        **complaint_summary_out(summary_row(complaint)),
        "customer": customer_out(complaint.customer, masked=not reveal_customer),
        "process": {"name": complaint.process.name, "version": complaint.process.version},
        "description": complaint.description,
        "demand": complaint.demand,
        "incident_at": complaint.incident_at,
        "incident_place": complaint.incident_place,
        "fields": complaint.fields
        if reveal_sensitive
        else mask_sensitive_fields(complaint.fields, spec.sensitive_fields()),
        "finding": {"key": complaint.finding, "label": str(finding.label)} if finding else None,
        "finding_note": complaint.finding_note,
        "responsible_department": _department(complaint.responsible_department),
        "resolution": complaint.resolution,
        "pending_until": complaint.pending_until,
        "pending_reason": complaint.pending_reason,
        "reopen_count": complaint.reopen_count,
        "involved_staff": [_person(person) for person in complaint.involved_staff.all()],
        "waiting_for_customer": complaint.waiting_for_customer,
        "is_anonymous": complaint.is_anonymous,
        "regulator_case_number": complaint.regulator_case_number,
        "regulator_assigned_at": complaint.regulator_assigned_at,
        "privacy_notice_version": complaint.privacy_notice_version,
        "legal_basis": _choice(LegalBasis, complaint.legal_basis) if complaint.legal_basis else None,
        "escalated_to": _person(complaint.escalated_to),
        "clocks": [clock_out(clock, spec) for clock in complaint_clocks(complaint)],
        "plan": plan_out(plan),
        "tasks": [task_out(task) for task in complaint_tasks(complaint)],
        "follow_ups": [
            followup_out(followup) for followup in complaint.follow_ups.select_related("done_by").order_by("id")
        ],
        "accountabilities": [
            accountability_out(item)
            for item in complaint.accountabilities.select_related(
                "person", "department", "proposed_by", "decided_by"
            ).order_by("id")
        ],
        "red_marked": complaint.red_marked,
        "picked_for_review": complaint.picked_for_review,
        "created_at": complaint.created_at,
        "updated_at": complaint.updated_at,
        "resolved_at": complaint.resolved_at,
        "closed_at": complaint.closed_at,
    }


def clock_out(clock: Clock, spec: ProcessDocument, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    if clock.state == ClockState.STOPPED:
        state, remaining = ("breached" if clock.breached_at else "met"), None
    else:
        state = "paused" if clock.state == ClockState.PAUSED else "running"
        remaining = int((clock.due_at - (clock.paused_at or now)).total_seconds())
    live = clock.state == ClockState.RUNNING
    return {
        "key": clock.key,
        "label": spec.clock_label(clock.key),
        "state": state,
        "limit": clock.limit,
        "started_at": _utc(clock.started_at),
        "due_at": _utc(clock.due_at),
        "stopped_at": _utc(clock.stopped_at),
        "remaining_seconds": remaining,
        "warning": live and clock.warn_at <= now < clock.due_at,
        "overdue": live and clock.due_at <= now,
        "promised": clock.promised_at is not None,
        "provisional": clock.state != ClockState.STOPPED
        and deadline_is_provisional(spec.calendar, clock.limit, clock.started_at, clock.due_at),
    }


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A time as the database gives it back, also one just computed (a calendar's due times are in its zone)."""
    return moment.astimezone(dt.UTC) if moment else None


def event_out(event: Event) -> dict:
    return {
        "id": event.pk,
        "kind": _choice(EventKind, event.kind),
        "at": event.at,
        "actor": _person(event.actor),
        "by_customer": event.by_customer,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "text": event.text,
        "data": event.data,
    }


def attachment_out(attachment) -> dict:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "kind": attachment.kind,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "caption": attachment.caption,
        "uploaded_at": attachment.uploaded_at,
        "url": reverse("web:attachment", args=[attachment.pk]),
    }
