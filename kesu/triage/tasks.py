"""The worker trains the triage models: every process each night, one process when the admin asks."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kesu.processes.models import Process
from kesu.triage.services.training import triage_train

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="2", minute="30"))
def train_every_night() -> None:
    train_every_process()


def train_every_process() -> None:
    """One training per process; one that fails is logged and the others go on."""
    for name in sorted(set(Process.objects.values_list("name", flat=True))):
        try:
            triage_train(name)
        except Exception:
            log.exception("triage: training %s failed", name)


@db_task()
def train_now(process_name: str, requested_by_id: int | None = None) -> None:
    from kesu.accounts.models import User

    triage_train(process_name, requested_by=User.objects.filter(pk=requested_by_id).first())
