"""The worker runs the history imports asked for in the admin."""

from huey.contrib.djhuey import db_task

from kesu.complaints.import_runs import import_run_execute


@db_task()
def import_run_task(run_id: int) -> None:
    import_run_execute(run_id)
