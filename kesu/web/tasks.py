"""The worker writes the complaint list's exports, and every ten minutes sweeps them (old files
deleted, lost ones queued again)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kesu.web.list_exports import list_export_execute, list_exports_sweep


@db_task()
def list_export_task(export_id: int) -> None:
    list_export_execute(export_id)


@db_periodic_task(crontab(minute="*/10"))
def list_exports_every_ten_minutes() -> None:
    list_exports_sweep()
