"""合并: a duplicate complaint closed as merged into the one that carries the matter on."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint, EventKind, Status
from kesu.complaints.rules import require_handler, require_not_involved
from kesu.complaints.services.common import OPEN_STATUSES, locked, record, require_status
from kesu.complaints.services.handover import complaint_close_for_successor
from kesu.lib.errors import FieldError, InvalidTransition
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
    duplicate = Complaint.objects.select_related("process").get(pk=duplicate.pk)
    duplicate.waiting_for_customer = False
    complaint_close_for_successor(
        duplicate,
        survivor,
        actor=actor,
        status=Status.CLOSED,
        kind=EventKind.CLOSED,
        reason=reason,
        task_reason=reason or str(_("Merged into another complaint.")),
        data={"merged_into": survivor.number},
    )
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
