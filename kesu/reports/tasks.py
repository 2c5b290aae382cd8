"""The worker produces the reports whose time has come (every five minutes it asks) and looks for
spikes in the day's complaints (every hour)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kesu.reports.schedule import reports_produce_due
from kesu.reports.spikes import spikes_find


@db_periodic_task(crontab(minute="*/5"))
def reports_every_five_minutes() -> None:
    reports_produce_due()


@db_periodic_task(crontab(minute="7"))
def spikes_every_hour() -> None:
    spikes_find()
