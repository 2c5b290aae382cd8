"""Helpers every complaint service uses: lock and version check, status check, the event."""

from django.utils.translation import gettext_lazy as _

from kesu.clocks.services import clocks_on_event
from kesu.complaints.models import Complaint, Event, EventKind, Status
from kesu.complaints.rules import require_handler, require_not_involved
from kesu.lib.errors import DomainError, FieldError, InvalidTransition, StaleVersion

OPEN_STATUSES = frozenset(
    {Status.NEW, Status.ASSIGNED, Status.INVESTIGATING, Status.AWAITING_APPROVAL, Status.RESOLVING, Status.PENDING}
)


def locked(complaint: Complaint, version: int) -> Complaint:
    """The complaint re-read under a row lock; StaleVersion if it changed since the caller read it."""
    current = Complaint.objects.select_for_update().select_related("process").get(pk=complaint.pk)
    if current.version != version:
        raise StaleVersion(
            _("Someone else changed this complaint (now version %(current)d); reload it and try again.")
            % {"current": current.version},
            field="version",
        )
    return current


def require_status(complaint: Complaint, allowed) -> None:
    if complaint.status not in allowed:
        raise InvalidTransition(
            _("Not possible while the complaint is %(status)s.") % {"status": complaint.get_status_display()},
            field="status",
        )


def record(complaint: Complaint, *, actor, kind: EventKind, from_status: str, text: str = "", data=None) -> Event:
    """Save the change with a new version, write its event and move the clocks it moves."""
    complaint.version += 1
    complaint.save()
    event = Event.objects.create(
        complaint=complaint,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=complaint.status,
        text=text,
        data=data or {},
    )
    clocks_on_event(complaint, kind, event.at)
    return event


def required_text(value: str, field: str) -> str:
    if not value or not value.strip():
        raise FieldError(field, _("This field is required."))
    return value.strip()


def handler_step(complaint: Complaint, actor, version: int, allowed) -> tuple[Complaint, str]:
    """Lock the complaint for a step its handler (or a supervisor) takes; returns it and its status."""
    complaint = locked(complaint, version)
    require_handler(actor, complaint)
    require_not_involved(actor, complaint)
    require_status(complaint, allowed)
    return complaint, complaint.status


def require_finding(complaint: Complaint) -> None:
    if not complaint.finding:
        raise DomainError(_("Record the finding first."), field="finding", code="finding_missing")
