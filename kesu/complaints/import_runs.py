"""History imports asked for in the admin: the uploaded file is kept with an `ImportRun`, and the worker
runs `import_history` on it and stores the outcome, so a file of 100 000 rows (about 46 s) never runs
inside a request. A dry run only checks; a clean one can be imported as it is (`import_run_confirm`).
"""

import logging
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.complaints.imports import ImportFileError, import_history
from kesu.complaints.models import ImportRun, ImportStatus
from kesu.lib.errors import DomainError, NotAllowed

log = logging.getLogger(__name__)

IMPORT_PERMISSION = "complaints.import_complaints"
SUFFIXES = (".xlsx", ".csv")


def import_run_start(*, file, process: str, dry_run: bool, user) -> ImportRun:
    """Keep the file and queue its run; the worker is asked once the transaction commits."""
    _check_allowed(user)
    with transaction.atomic():
        run = ImportRun.objects.create(
            file=file, process=process, dry_run=dry_run, requested_by=user, language=_language()
        )
        _enqueue_after_commit(run)
    return run


def import_run_confirm(*, check: ImportRun, user) -> ImportRun:
    """Import the file of a dry run that found no problems, once: its rows are checked again as they
    are written (another import may have taken a number since)."""
    _check_allowed(user)
    with transaction.atomic():
        check = ImportRun.objects.select_for_update().get(pk=check.pk)
        if not check.is_clean_check:
            raise DomainError(_("Only a dry run that found no problems can be imported."), code="not_checked")
        if check.imports.exists():
            raise DomainError(_("This file has been imported from this check already."), code="imported_already")
        run = ImportRun.objects.create(
            file=check.file.name,
            process=check.process,
            dry_run=False,
            checked_by=check,
            requested_by=user,
            language=_language(),
        )
        _enqueue_after_commit(run)
    return run


def import_run_execute(run_id: int) -> ImportRun | None:
    """The worker's part: claim the queued run, import (or check) its file, store the outcome.
    A run that is not queued (taken by another worker, or done) is left alone."""
    now = timezone.now()
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=now
    )
    if not claimed:
        return None
    run = ImportRun.objects.get(pk=run_id)
    with translation.override(run.language or settings.LANGUAGE_CODE):
        try:
            with _local_copy(run) as path:
                result = import_history(path, dry_run=run.dry_run, process=run.process, log=_progress(run))
        except (OSError, ImportFileError) as error:
            _finish(run, ImportStatus.FAILED, failure=str(error))
            return run
        except Exception:
            _finish(
                run, ImportStatus.FAILED, failure=_("The import stopped on an unexpected error (see the worker's log).")
            )
            raise
    run.rows, run.imported, run.error_count = result.rows, result.imported, len(result.errors)
    run.errors = [
        {"row": error.row, "column": error.column, "reason": error.reason}
        for error in result.errors[: ImportRun.ERRORS_KEPT]
    ]
    _finish(run, ImportStatus.DONE)
    return run


def _check_allowed(user) -> None:
    if not user.has_perm(IMPORT_PERMISSION):
        raise NotAllowed(_("You may not import complaint history."))


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _enqueue_after_commit(run: ImportRun) -> None:
    def enqueue() -> None:
        from kesu.complaints.tasks import import_run_task

        try:
            import_run_task(run.pk)
        except Exception:  # the queue (Redis, its SQLite file) is out of reach: say so on the run's page
            log.warning("import run %s: the worker could not be asked", run.pk, exc_info=True)
            with translation.override(run.language or settings.LANGUAGE_CODE):
                failure = _("The worker could not be reached; upload the file again later.")
            ImportRun.objects.filter(pk=run.pk, status=ImportStatus.QUEUED).update(
                status=ImportStatus.FAILED, failure=failure, finished_at=timezone.now()
            )

    transaction.on_commit(enqueue)


def _progress(run: ImportRun):
    """`import_history`'s log: each batch written shows on the run's page."""

    def log_progress(message: str) -> None:
        ImportRun.objects.filter(pk=run.pk).update(progress=str(message)[:200])

    return log_progress


@contextmanager
def _local_copy(run: ImportRun):
    """The stored file as a local path, keeping its name (the events say which file a complaint came
    from): the file itself on the file system, else a copy for the time of the run."""
    try:
        local = Path(run.file.path)
    except NotImplementedError:  # a storage with no local files
        local = None
    if local is not None:
        yield local
        return
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / run.file_name
        with run.file.open("rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
        yield path


def _finish(run: ImportRun, status: str, *, failure: str = "") -> None:
    run.status, run.failure, run.finished_at = status, failure, timezone.now()
    run.save(update_fields=["status", "failure", "finished_at", "rows", "imported", "error_count", "errors"])
