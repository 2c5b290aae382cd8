"""Bulk actions on a list: the same step on many complaints, each through its own service call, in its
own transaction, checked and versioned as if taken one by one. One that is refused is reported with
its reason; the others are done."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department
from kesu.complaints.rules import may_assign, may_change_priority
from kesu.complaints.selectors import complaints_visible_to
from kesu.complaints.services.common import required_text
from kesu.complaints.services.lifecycle import complaint_assign, complaint_set_priority
from kesu.lib.errors import DomainError, FieldError, NotAllowed
from kesu.processes.vocabulary import Priority

BULK_MAX = 100
"""Complaints one bulk action may name: a few pages of the list."""


@dataclass(frozen=True)
class Pick:
    """A complaint chosen on the list, with the version the list showed."""

    number: str
    version: int


@dataclass
class BulkOutcome:
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (number, why), in the order chosen


def complaints_bulk_assign(*, actor, picks: list[Pick], assignee, department: Department | None = None) -> BulkOutcome:
    """分派 for each complaint picked, as `complaint_assign` does it for one."""
    if not may_assign(actor):
        raise NotAllowed(_("Your role does not allow this."))

    def assign(complaint, version):
        complaint_assign(complaint=complaint, actor=actor, version=version, assignee=assignee, department=department)

    return _each(actor, picks, assign)


def complaints_bulk_set_priority(*, actor, picks: list[Pick], priority: str, reason: str) -> BulkOutcome:
    """A new priority for each complaint picked, as `complaint_set_priority` sets it for one."""
    if not may_change_priority(actor):
        raise NotAllowed(_("Your role does not allow this."))
    if priority not in Priority.values:
        raise FieldError("priority", _("Choose one of the priorities."))
    reason = required_text(reason, "reason")

    def set_priority(complaint, version):
        complaint_set_priority(complaint=complaint, actor=actor, version=version, priority=priority, reason=reason)

    return _each(actor, picks, set_priority)


def _each(actor, picks: list[Pick], step: Callable) -> BulkOutcome:
    if not picks:
        raise FieldError("picks", _("Choose at least one complaint."))
    if len(picks) > BULK_MAX:
        raise FieldError("picks", _("At most %(max)d complaints at once.") % {"max": BULK_MAX})
    visible = complaints_visible_to(actor).filter(number__in=[pick.number for pick in picks]).only("pk", "number")
    found = {complaint.number: complaint for complaint in visible}
    outcome = BulkOutcome()
    for pick in dict.fromkeys(picks):
        complaint = found.get(pick.number)
        if complaint is None:
            outcome.refused.append((pick.number, str(_("No such complaint, or not one you may see."))))
            continue
        try:
            step(complaint, pick.version)
        except DomainError as refused:
            outcome.refused.append((pick.number, str(refused.message)))
        else:
            outcome.done.append(pick.number)
    return outcome
