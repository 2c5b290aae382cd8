"""The worker anonymises, once a night, what the processes' retention periods let go."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kesu.customers.retention import retention_run_nightly


@db_periodic_task(crontab(minute="41"))
def retention_every_hour() -> None:
    """Asked every hour (the timer's own time zone does not matter); runs once a night, after
    RETENTION_HOUR local time, whatever the number of workers."""
    retention_run_nightly()
