"""The worker produces the reports whose time has come (every five minutes it asks)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kesu.reports.schedule import reports_produce_due


@db_periodic_task(crontab(minute="*/5"))
def reports_every_five_minutes() -> None:
    reports_produce_due()
