"""Every change to a corrective action is one of these functions: one transaction, rules checked,
one history entry; linking a complaint also writes on that complaint's timeline."""

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department
from kesu.complaints.models import Complaint, Event, EventKind
from kesu.complaints.rules import require_not_involved
from kesu.complaints.services.common import required_text
from kesu.improvements.models import EntryKind, Improvement, ImprovementEntry, ImprovementStatus
from kesu.improvements.rules import require_may_own, require_owner, require_permission, require_verifier
from kesu.improvements.selectors import complaints_for_linking
from kesu.lib.errors import FieldError, InvalidTransition


def _locked(improvement: Improvement) -> Improvement:
    """The action re-read under a row lock, so two steps at once are taken one after the other."""
    return Improvement.objects.select_for_update().get(pk=improvement.pk)


def _require_status(improvement: Improvement, allowed: set[str]) -> None:
    if improvement.status not in allowed:
        raise InvalidTransition(
            _("Not possible while the action is %(status)s.") % {"status": improvement.get_status_display()},
            field="status",
        )


def _entry(improvement: Improvement, *, actor, kind: EntryKind, text: str = "", data=None) -> None:
    ImprovementEntry.objects.create(improvement=improvement, kind=kind, actor=actor, text=text, data=data or {})


def _linkable(numbers: Sequence[str], actor) -> list[Complaint]:
    """The complaints to link: ones the actor may see, and not ones they are involved in (当事人)."""
    complaints = complaints_for_linking(list(numbers), actor)
    for complaint in complaints:
        require_not_involved(actor, complaint)
    return complaints


def _link(improvement: Improvement, *, actor, complaints: list[Complaint]) -> list[Complaint]:
    """Link the complaints not linked yet; each gets an event on its timeline."""
    already = set(improvement.complaints.filter(pk__in=[c.pk for c in complaints]).values_list("pk", flat=True))
    new = [complaint for complaint in complaints if complaint.pk not in already]
    improvement.complaints.add(*new)
    Event.objects.bulk_create(
        Event(
            complaint=complaint,
            kind=EventKind.IMPROVEMENT_LINKED,
            actor=actor,
            text=improvement.title,
            data={"improvement": improvement.pk},
        )
        for complaint in new
    )
    return new


@transaction.atomic
def improvement_create(
    *,
    actor,
    title: str,
    root_cause: str,
    action: str,
    owner,
    due_date: dt.date,
    department: Department | None = None,
    complaint_numbers: Sequence[str] = (),
) -> Improvement:
    """纠正预防措施: record the root cause and the action against it, with its owner and due date,
    and link the complaints it covers (numbers the actor may see)."""
    require_permission(actor, "create_improvement")
    complaints = _linkable(complaint_numbers, actor)
    require_may_own(owner)
    if due_date < timezone.localdate():
        raise FieldError("due_date", _("May not be in the past."))
    improvement = Improvement.objects.create(
        title=required_text(title, "title"),
        root_cause=required_text(root_cause, "root_cause"),
        action=required_text(action, "action"),
        owner=owner,
        department=department or owner.department,
        due_date=due_date,
        created_by=actor,
    )
    _entry(improvement, actor=actor, kind=EntryKind.CREATED, data={"owner": owner.username})
    linked = _link(improvement, actor=actor, complaints=complaints)
    if linked:
        _entry(improvement, actor=actor, kind=EntryKind.LINKED, data={"complaints": [c.number for c in linked]})
    return improvement


@transaction.atomic
def improvement_link_complaints(*, improvement: Improvement, actor, complaint_numbers: Sequence[str]) -> Improvement:
    """One action covers many complaints. Linking a complaint twice changes nothing."""
    require_permission(actor, "create_improvement")
    complaints = _linkable(complaint_numbers, actor)
    improvement = _locked(improvement)
    linked = _link(improvement, actor=actor, complaints=complaints)
    if linked:
        _entry(improvement, actor=actor, kind=EntryKind.LINKED, data={"complaints": [c.number for c in linked]})
    return improvement


@transaction.atomic
def improvement_mark_done(*, improvement: Improvement, actor, note: str) -> Improvement:
    """The owner has carried the action out and says what was done; quality verifies it next."""
    improvement = _locked(improvement)
    require_owner(actor, improvement)
    _require_status(improvement, {ImprovementStatus.OPEN})
    improvement.done_note = required_text(note, "note")
    improvement.done_at = timezone.now()
    improvement.status = ImprovementStatus.DONE
    improvement.save()
    _entry(improvement, actor=actor, kind=EntryKind.DONE, text=improvement.done_note)
    return improvement


@transaction.atomic
def improvement_verify(*, improvement: Improvement, actor, result: str) -> Improvement:
    """验证: quality checked the action worked; it is finished."""
    improvement = _locked(improvement)
    require_verifier(actor, improvement)
    _require_status(improvement, {ImprovementStatus.DONE})
    improvement.verification = required_text(result, "result")
    improvement.verified_by = actor
    improvement.verified_at = timezone.now()
    improvement.status = ImprovementStatus.VERIFIED
    improvement.save()
    _entry(improvement, actor=actor, kind=EntryKind.VERIFIED, text=improvement.verification)
    return improvement


@transaction.atomic
def improvement_send_back(*, improvement: Improvement, actor, reason: str) -> Improvement:
    """Not effective: the action is open again for its owner, with the reason. The history keeps
    what was done in the round that failed."""
    improvement = _locked(improvement)
    require_verifier(actor, improvement)
    _require_status(improvement, {ImprovementStatus.DONE})
    reason = required_text(reason, "reason")
    improvement.status = ImprovementStatus.OPEN
    improvement.done_note = ""
    improvement.done_at = None
    improvement.times_sent_back += 1
    improvement.save()
    _entry(improvement, actor=actor, kind=EntryKind.SENT_BACK, text=reason)
    return improvement
