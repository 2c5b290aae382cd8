"""转交: a complaint handed to another process, with that process's own number, clocks, tiers and routing.

At intake a routing rule naming a process takes the complaint in under that process at once
(`intake.complaint_intake_check`; seed 001: food safety is not the delivery plan's). Later the
handler or a supervisor hands it over (`complaint_hand_over`), or recording a finding that a
hand-over rule names does (`hand_over_on_finding`): the complaint is taken in anew under the other
process with the customer, the text, the fields both categories have, the staff involved and the
files (the same stored files, not copies); the original is closed as handed over, its clocks
stopped and its open tasks called off. Each timeline names the other complaint, with its link.
"""

from dataclasses import replace

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.attachments.models import Attachment
from kesu.clocks.services import clocks_stop_all
from kesu.complaints.models import Complaint, EventKind, Status
from kesu.complaints.rules import require_handler, require_not_involved
from kesu.complaints.services.common import locked, record, require_status, required_text
from kesu.complaints.services.intake import (
    CustomerIn,
    Intake,
    complaint_first_steps,
    complaint_intake_check,
    complaint_write,
)
from kesu.complaints.services.numbering import next_complaint_number
from kesu.complaints.services.routing import hand_over_target
from kesu.lib.errors import FieldError
from kesu.processes.document import rule_facts
from kesu.processes.models import Process
from kesu.tasks.models import TaskStatus
from kesu.tasks.services import task_cancel

HANDABLE = frozenset({Status.NEW, Status.ASSIGNED, Status.INVESTIGATING, Status.PENDING})
"""Before a plan is proposed: a plan in approval or being carried out belongs to its process."""


@transaction.atomic
def complaint_hand_over(
    *, complaint: Complaint, actor, version: int, process: str, category: str, reason: str, fields: dict | None = None
) -> Complaint:
    """The handler (or a supervisor) hands the complaint to another process, in its `category`
    there, with `fields` that category asks for beyond those carried; returns the new complaint."""
    complaint = locked(complaint, version)
    require_handler(actor, complaint)
    require_not_involved(actor, complaint)
    require_status(complaint, HANDABLE)
    reason = required_text(reason, "reason")
    if process == complaint.process.name:
        raise FieldError("process", _("The complaint is already handled under this process."))
    target = Process.objects.current(process)
    if target is None:
        raise FieldError("process", _("Unknown process."), code="process_missing")
    if target.spec.category(category) is None:
        raise FieldError("category", _("Unknown category for this process."))
    return _hand_over(complaint, actor=actor, target=target, category=category, reason=reason, fields=fields or {})


def hand_over_on_finding(complaint: Complaint, actor) -> Complaint | None:
    """Inside the finding's transaction: the first hand-over rule naming the finding just recorded
    that holds hands the complaint over (food quality found to be food safety); None if none does."""
    facts = rule_facts(
        category=complaint.category,
        channel=complaint.channel,
        priority=complaint.priority,
        subject=complaint.subject,
        description=complaint.description,
        fields=complaint.fields,
        finding=complaint.finding,
    )
    for index, rule in enumerate(complaint.process.spec.routing, start=1):
        if rule.hands_over and rule.when.finding and rule.when.holds(**facts):
            target, category = hand_over_target(rule, field="finding")
            reason = str(complaint.process.spec.findings[complaint.finding].label)
            return _hand_over(complaint, actor=actor, target=target, category=category.key, reason=reason, rule=index)
    return None


def _hand_over(
    original: Complaint, *, actor, target: Process, category: str, reason: str, fields: dict | None = None, rule=None
) -> Complaint:
    """Take the locked `original` in anew under `target`, then close it as handed over."""
    kept = target.spec.category(category).fields
    intake = _intake_from(original, target, category, {**_carried(original.fields, kept), **(fields or {})})
    types = list(original.attachments.values_list("content_type", flat=True))
    checked = complaint_intake_check(intake=intake, actor=actor, carried_types=types, hand_over=False)
    taken_over = {
        "reason": reason,
        "from_number": original.number,
        "from_link": reverse("web:complaint", args=[original.number]),
        "from_process": original.process.name,
        "from_version": original.process.version,
        "from_category": original.category,
        "rule": rule,
        "fields_left": {key: value for key, value in original.fields.items() if key not in kept},
    }
    checked = replace(checked, taken_over=taken_over)
    handed = complaint_write(
        intake=intake,
        checked=checked,
        number=next_complaint_number(target),
        customer=original.customer,
        actor=actor,
        integration=None,
    )
    handed.involved_staff.set(original.involved_staff.all())
    if original.assignee is not None:
        handed.helpers.add(original.assignee)  # the handler before keeps it in view
    _share_attachments(original, handed)
    complaint_first_steps(handed, checked, actor)
    _close_as_handed_over(original, handed, actor=actor, reason=reason, rule=rule)
    return handed


def _carried(values: dict, keys: list[str]) -> dict:
    return {key: value for key, value in values.items() if key in keys}


def _intake_from(original: Complaint, target: Process, category: str, fields: dict) -> Intake:
    """The original complaint as an intake of the target process: the customer, their words and
    demand, the incident, the regulator's transfer and the privacy notice they accepted."""
    customer = original.customer
    return Intake(
        channel=original.channel,
        customer=CustomerIn() if original.is_anonymous else CustomerIn(phone=customer.phone, email=customer.email),
        category=category,
        description=original.description,
        subject=original.subject,
        demand=original.demand,
        process=target.name,
        incident_at=original.incident_at,
        incident_place=original.incident_place,
        fields=fields,
        regulator_case_number=original.regulator_case_number,
        regulator_assigned_at=original.regulator_assigned_at,
        privacy_notice_version=original.privacy_notice_version,
        legal_basis=original.legal_basis,
    )


def _share_attachments(original: Complaint, handed: Complaint) -> None:
    """The new complaint shows the original's files: new rows naming the same stored files."""
    Attachment.objects.bulk_create(
        Attachment(
            complaint=handed,
            file=attachment.file.name,
            name=attachment.name,
            content_type=attachment.content_type,
            kind=attachment.kind,
            size=attachment.size,
            caption=attachment.caption,
            uploaded_by=attachment.uploaded_by,
            uploaded_at=attachment.uploaded_at,
        )
        for attachment in original.attachments.all()
    )


def _close_as_handed_over(original: Complaint, handed: Complaint, *, actor, reason: str, rule) -> None:
    data = {
        "to_process": handed.process.name,
        "to_version": handed.process.version,
        "to_category": handed.category,
        "rule": rule,
    }
    complaint_close_for_successor(
        original, handed, actor=actor, status=Status.HANDED_OVER, kind=EventKind.HANDED_OVER, reason=reason, data=data
    )


def complaint_close_for_successor(
    complaint: Complaint,
    successor: Complaint,
    *,
    actor,
    status: str,
    kind: str,
    reason: str,
    data: dict,
    task_reason: str = "",
) -> None:
    """The complaint ends here because `successor` carries the matter on (handed over, merged): its
    open tasks called off, its clocks stopped, its status final, its timeline naming the successor."""
    for task in complaint.tasks.filter(status=TaskStatus.OPEN):
        task_cancel(task=task, actor=actor, reason=task_reason or reason)
    now = timezone.now()
    clocks_stop_all(complaint, now)
    before = complaint.status
    complaint.status, complaint.closed_at = status, now
    link = {"to_number": successor.number, "to_link": reverse("web:complaint", args=[successor.number])}
    record(complaint, actor=actor, kind=kind, from_status=before, text=reason, data={**link, **data})
