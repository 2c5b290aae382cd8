"""The worker polls the mailboxes every two minutes."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kesu.mailin.services import poll_all


@db_periodic_task(crontab(minute="*/2"))
def mail_poll_every_two_minutes() -> None:
    poll_all()
