"""Background work. The database holds every pending action; these only ring the bell."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kesu.clocks.sweep import sweep_all


@db_periodic_task(crontab(minute="*"))
def sweep_every_minute() -> None:
    sweep_all()


@db_task()
def sweep_now() -> None:
    sweep_all()
