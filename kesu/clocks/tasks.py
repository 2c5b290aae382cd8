"""Background work. The database holds every pending action; these only ring the bell."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kesu.clocks.sweep import clocks_sweep
from kesu.notifications.services import notifications_email_pending


def sweep_and_deliver() -> None:
    clocks_sweep()
    notifications_email_pending()


@db_periodic_task(crontab(minute="*"))
def sweep_every_minute() -> None:
    sweep_and_deliver()


@db_task()
def sweep_now() -> None:
    sweep_and_deliver()
