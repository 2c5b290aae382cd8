"""责任追究与奖惩: record who was at fault (or did well) and the measure, approved where the process says."""

from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.accountability.models import Accountability, AccountabilityStatus, Measure
from kesu.accounts.models import User
from kesu.complaints.models import Complaint, Event, EventKind
from kesu.complaints.rules import require_handler, require_not_involved
from kesu.lib.errors import DomainError, FieldError, InvalidTransition, NotAllowed


def accountable_staff(actor) -> QuerySet[User]:
    """Whom `actor` may name as the responsible person: any active member of staff but themselves."""
    return User.objects.filter(is_active=True).exclude(pk=actor.pk)


@transaction.atomic
def accountability_propose(
    *,
    complaint: Complaint,
    actor,
    fault: str,
    measure: str,
    person=None,
    department=None,
    amount: Decimal | None = None,
    points: int | None = None,
) -> Accountability:
    """The handler (or a supervisor) records the responsible person or department and the measure.
    Approved at once unless the process names who approves."""
    complaint = Complaint.objects.select_for_update().select_related("process").get(pk=complaint.pk)
    require_handler(actor, complaint)
    require_not_involved(actor, complaint)
    if person is None and department is None:
        raise FieldError("person", _("Name the responsible person or department."))
    if person is not None and not accountable_staff(actor).filter(pk=person.pk).exists():
        if person.pk == actor.pk:
            raise FieldError("person", _("Nobody may judge their own accountability."))
        raise FieldError("person", _("Unknown member of staff."))
    if not fault or not fault.strip():
        raise FieldError("fault", _("This field is required."))
    if amount is None and points is None and measure == Measure.PENALTY:
        raise FieldError("amount", _("Give an amount or points."))
    item = Accountability.objects.create(
        complaint=complaint,
        person=person,
        department=department or getattr(person, "department", None),
        fault=fault.strip(),
        measure=measure,
        amount=amount,
        points=points,
        proposed_by=actor,
    )
    _event(item, actor, EventKind.ACCOUNTABILITY_RECORDED)
    if not complaint.process.spec.accountability.approval:
        _decide(item, actor, AccountabilityStatus.APPROVED, "")
    return item


def accountability_for_breach(*, complaint: Complaint, clock: str) -> Accountability | None:
    """A missed deadline proposes a penalty for the handler at fault, where the process says so;
    the amount is left to whoever approves it."""
    if not complaint.process.spec.accountability.penalises_breach_of(clock) or complaint.assignee is None:
        return None
    item = Accountability.objects.create(
        complaint=complaint,
        person=complaint.assignee,
        department=complaint.assignee.department,
        fault=str(_("Deadline missed: %(clock)s") % {"clock": complaint.process.spec.clock_label(clock)}),
        measure=Measure.PENALTY,
        clock=clock,
    )
    _event(item, None, EventKind.ACCOUNTABILITY_RECORDED)
    return item


@transaction.atomic
def accountability_decide(
    *,
    item: Accountability,
    actor,
    approve: bool,
    note: str = "",
    amount: Decimal | None = None,
    points: int | None = None,
) -> Accountability:
    """The role the process names approves (possibly fixing the amount or points) or rejects it."""
    item = Accountability.objects.select_for_update().select_related("complaint__process").get(pk=item.pk)
    if item.status != AccountabilityStatus.PROPOSED:
        raise InvalidTransition(_("This has been decided already."), field="status")
    roles = item.complaint.process.spec.accountability.approval
    if not (actor.has_perm("accountability.decide_accountability") and actor.groups.filter(name__in=roles).exists()):
        raise NotAllowed(_("Your role does not allow this."))
    require_not_involved(actor, item.complaint)
    if actor.pk in (item.person_id, item.proposed_by_id):
        raise NotAllowed(_("Nobody may decide on their own accountability or on one they proposed."))
    if approve:
        item.amount = amount if amount is not None else item.amount
        item.points = points if points is not None else item.points
        if item.measure == Measure.PENALTY and item.amount is None and item.points is None:
            raise FieldError("amount", _("Give an amount or points."))
    elif not note.strip():
        raise FieldError("note", _("Give the reason."))
    _decide(item, actor, AccountabilityStatus.APPROVED if approve else AccountabilityStatus.REJECTED, note)
    return item


def _decide(item: Accountability, actor, status: str, note: str) -> None:
    item.status, item.decided_by, item.decided_at, item.decision_note = status, actor, timezone.now(), note
    item.save()
    _event(item, actor, EventKind.ACCOUNTABILITY_DECIDED)


def _event(item: Accountability, actor, kind: EventKind) -> None:
    Event.objects.create(
        complaint=item.complaint,
        kind=kind,
        actor=actor,
        text=item.fault,
        data={
            "accountability": item.pk,
            "status": item.status,
            "measure": item.measure,
            "person": item.person.username if item.person else None,
            "amount": str(item.amount) if item.amount is not None else None,
            "points": item.points,
        },
    )


def require_accountability(complaint: Complaint) -> None:
    """The finding asks who caused the complaint: a penalty for a missed deadline does not answer that."""
    named = complaint.accountabilities.filter(status=AccountabilityStatus.APPROVED, clock="")
    if not named.exists():
        raise DomainError(
            _("Record the accountability (and have it approved) first."),
            field="accountability",
            code="accountability_missing",
        )
