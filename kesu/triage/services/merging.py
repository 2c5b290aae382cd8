"""合并: a duplicate complaint closed as merged into the one that carries the matter on."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.clocks.services import clocks_stop_all
from kesu.complaints.models import Complaint, EventKind, Status
from kesu.complaints.rules import require_handler, require_not_involved
from kesu.complaints.services.common import OPEN_STATUSES, locked, record, require_status
from kesu.lib.errors import FieldError, InvalidTransition
from kesu.tasks.models import TaskStatus
from kesu.tasks.services import task_cancel
from kesu.triage.models import ComplaintMerge


@transaction.atomic
def complaint_merge(*, duplicate: Complaint, into: Complaint, actor, version: int, reason: str = "") -> Complaint:
    """Close `duplicate` (the version the actor read) as merged into `into`: its open tasks called
    off, its clocks stopped, both timelines naming the other. Returns the surviving complaint.
    The duplicate's handler (or a supervisor) merges; both must still be open."""
    if duplicate.pk == into.pk:
        raise FieldError("into", _("A complaint cannot be merged into itself."))
    # both rows locked in one order, so two merges of the same pair never wait on each other
    list(Complaint.objects.select_for_update().filter(pk__in=[duplicate.pk, into.pk]).order_by("pk").values("pk"))
    duplicate = locked(duplicate, version)
    require_handler(actor, duplicate)
    require_not_involved(actor, duplicate)
    require_status(duplicate, OPEN_STATUSES)
    survivor = Complaint.objects.select_related("process").get(pk=into.pk)
    if survivor.status not in OPEN_STATUSES:
        raise InvalidTransition(_("Merge into a complaint that is still open."), field="into")
    for task in duplicate.tasks.filter(status=TaskStatus.OPEN):
        task_cancel(task=task, actor=actor, reason=reason or str(_("Merged into another complaint.")))
    duplicate = Complaint.objects.select_related("process").get(pk=duplicate.pk)
    _close_as_merged(duplicate, survivor, actor=actor, reason=reason)
    ComplaintMerge.objects.create(duplicate=duplicate, survivor=survivor, merged_by=actor, reason=reason)
    record(
        survivor,
        actor=actor,
        kind=EventKind.NOTE,
        from_status=survivor.status,
        text=reason,
        data={
            "merged_from": duplicate.number,
            "from_number": duplicate.number,
            "from_link": reverse("web:complaint", args=[duplicate.number]),
        },
    )
    return survivor


def _close_as_merged(duplicate: Complaint, survivor: Complaint, *, actor, reason: str) -> None:
    now = timezone.now()
    clocks_stop_all(duplicate, now)
    before = duplicate.status
    duplicate.status = Status.CLOSED
    duplicate.closed_at = now
    duplicate.waiting_for_customer = False
    record(
        duplicate,
        actor=actor,
        kind=EventKind.CLOSED,
        from_status=before,
        text=reason,
        data={
            "merged_into": survivor.number,
            "to_number": survivor.number,
            "to_link": reverse("web:complaint", args=[survivor.number]),
        },
    )
