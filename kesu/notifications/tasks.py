"""The worker's part of the outbox: send now when a change commits messages, and every minute."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kesu.notifications.outbox import outbox_drain


@db_task()
def outbox_send_now() -> None:
    outbox_drain()


@db_periodic_task(crontab(minute="*"))
def outbox_every_minute() -> None:
    outbox_drain()
