"""Exports of the complaint list, of any length. The request keeps what was asked (the filters, the
format, the reason typed) and queues it; the worker writes the file row by row and tells the requester
it is ready (or that it failed); the requester alone downloads it, and each download is logged in the
personal-data access log with the reason and the row count. Files are deleted after
`settings.EXPORT_KEEP_DAYS` days.

The row is the truth: a queued export whose task was lost is queued again by the sweep, one whose
worker died while writing is marked failed."""

import datetime as dt
import logging
import secrets
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.customers.privacy import bulk_export_log, export_reason_clean
from kesu.lib.errors import DomainError, FieldError
from kesu.lib.replica import reads_from_replica
from kesu.notifications.models import NotificationKind
from kesu.notifications.services import notify
from kesu.web.exports import complaint_table, write_table
from kesu.web.list_filters import list_rows
from kesu.web.models import ExportFormat, ExportStatus, ListExport

log = logging.getLogger(__name__)

LOST_AFTER = dt.timedelta(minutes=10)
"""Queued this long: the worker's task was lost (a restart, a full queue); the sweep queues it again."""
STUCK_AFTER = dt.timedelta(hours=2)
"""Being written this long: the worker died on it (a million rows take minutes)."""
QUERY_MAX_LENGTH = ListExport._meta.get_field("query").max_length


def list_export_start(*, user, query: str, fmt: str, reason: str) -> ListExport:
    """Keep the export asked for and queue it; the worker is asked once the transaction commits.
    `query` is the list's query string (its filters and order; the page is left out)."""
    if fmt not in ExportFormat.values:
        raise FieldError("format", _("Choose Excel or CSV."))
    reason = export_reason_clean(reason)
    params = QueryDict(query, mutable=True)
    params.pop("page", None)
    query = params.urlencode()
    if len(query) > QUERY_MAX_LENGTH:
        raise FieldError("query", _("Too many filters to export at once."))
    with transaction.atomic():
        export = ListExport.objects.create(
            requested_by=user, query=query, format=fmt, reason=reason, language=_language()
        )
        transaction.on_commit(lambda: _enqueue(export.pk))
    return export


def list_export_for_user(pk: int, user) -> ListExport:
    """The export if `user` asked for it, else 404 (never a hint that it exists)."""
    try:
        return ListExport.objects.get(pk=pk, requested_by=user)
    except ListExport.DoesNotExist:
        raise Http404 from None


def list_export_download(*, export: ListExport, user):
    """The file, opened, for the one who asked for it; the download is logged as a bulk export of
    personal data, with the reason given and the row count."""
    if export.status != ExportStatus.DONE or not export.file:
        raise DomainError(_("The file is not ready."), code="not_ready")
    handle = export.file.open("rb")
    bulk_export_log(user=user, what=f"complaint list ({export.format})", reason=export.reason, row_count=export.rows)
    return handle


def list_export_execute(export_id: int) -> ListExport | None:
    """The worker's part: claim the queued export, write its file, tell the requester. One that is not
    queued (taken by another worker, or done) is left alone."""
    claimed = ListExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    export = ListExport.objects.select_related("requested_by").get(pk=export_id)
    with translation.override(export.language or settings.LANGUAGE_CODE):
        try:
            _write(export)
        except Exception:
            log.exception("list export %s failed", export.pk)
            _fail(export, _("The export stopped on an unexpected error (see the worker's log)."))
            return export
    export.status, export.finished_at = ExportStatus.DONE, timezone.now()
    export.save(update_fields=["status", "rows", "file", "finished_at"])
    notify(users=[export.requested_by], kind=NotificationKind.EXPORT_READY, link=_link(export), rows=export.rows)
    return export


def list_exports_sweep(now: dt.datetime | None = None) -> None:
    """Delete the exports (and their files) older than `EXPORT_KEEP_DAYS` days; queue again those
    whose task was lost; fail those whose worker died."""
    now = now or timezone.now()
    expired = ListExport.objects.filter(requested_at__lt=now - dt.timedelta(days=settings.EXPORT_KEEP_DAYS))
    for export in expired.iterator():
        if export.file:
            export.file.delete(save=False)
        export.delete()
    lost = ListExport.objects.filter(status=ExportStatus.QUEUED, requested_at__lt=now - LOST_AFTER)
    for pk in lost.values_list("pk", flat=True):
        _enqueue(pk)
    stuck = ListExport.objects.filter(status=ExportStatus.RUNNING, started_at__lt=now - STUCK_AFTER)
    for export in stuck.select_related("requested_by"):
        with translation.override(export.language or settings.LANGUAGE_CODE):
            _fail(export, _("The worker stopped while writing the file; export the list again."))


def _write(export: ListExport) -> None:
    """The rows are read from the replica, when there is one (`kesu.lib.replica`)."""
    rows = list_rows(export.requested_by, export.query)

    def progress(count: int) -> None:
        ListExport.objects.filter(pk=export.pk).update(rows=count)

    with reads_from_replica(), tempfile.TemporaryFile() as out:
        export.rows = write_table(complaint_table(rows), export.format, out, progress=progress)
        out.seek(0)
        name = f"complaints-{export.pk}-{secrets.token_hex(8)}.{export.format}"
        export.file.save(name, File(out), save=False)


def _fail(export: ListExport, failure: str) -> None:
    updated = ListExport.objects.filter(pk=export.pk, status__in=(ExportStatus.QUEUED, ExportStatus.RUNNING)).update(
        status=ExportStatus.FAILED, failure=failure, finished_at=timezone.now()
    )
    if updated:
        notify(users=[export.requested_by], kind=NotificationKind.EXPORT_FAILED, link=_link(export))


def _enqueue(export_id: int) -> None:
    from kesu.web.tasks import list_export_task

    try:
        list_export_task(export_id)
    except Exception:  # the queue (Redis, its SQLite file) is out of reach: say so on the export's page
        log.warning("list export %s: the worker could not be asked", export_id, exc_info=True)
        export = ListExport.objects.select_related("requested_by").get(pk=export_id)
        with translation.override(export.language or settings.LANGUAGE_CODE):
            _fail(export, _("The worker could not be reached; export the list again later."))


def _link(export: ListExport) -> str:
    return reverse("web:export", args=[export.pk])


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE
