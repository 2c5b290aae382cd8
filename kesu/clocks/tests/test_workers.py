"""The worker as it runs in production: separate processes against the same database."""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils import timezone

from kesu.complaints.models import Complaint, Event
from kesu.conftest import PHONE_INTAKE, Api


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def kesu(*args, tmp_path, extra_env=None, **popen):
    env = {**os.environ, "DATABASE_URL": database_url(), "KESU_DATA_DIR": str(tmp_path), **(extra_env or {})}
    return subprocess.Popen([sys.executable, "-m", "kesu.cli", *args], env=env, **popen)


def overdue_complaints(staff, count: int) -> list[str]:
    """Complaints received a month ago and still being investigated: their resolve clocks are overdue."""
    agent = Api(user=staff["agent"])
    received = (timezone.now() - timezone.timedelta(days=30)).isoformat()
    numbers = [
        agent.post("/complaints", {**PHONE_INTAKE, "received_at": received}).json()["number"] for _ in range(count)
    ]
    return numbers


@pytest.mark.django_db(transaction=True)
def test_two_sweeping_workers_escalate_each_missed_deadline_exactly_once(staff, call_center, tmp_path):
    numbers = overdue_complaints(staff, 30)

    workers = [kesu("sweep", tmp_path=tmp_path, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    breached = sum(int(output.split("breached ")[1].split(",")[0]) for output in outputs)
    assert breached == 60  # each complaint's record (never passed to a handler) and resolve clocks
    for number in numbers:
        complaint = Complaint.objects.get(number=number)
        assert complaint.tier == 2
        assert complaint.events.filter(kind="escalated").count() == 1
        assert complaint.events.filter(kind="clock_breached").count() == 2


QUEUES = [pytest.param({}, id="huey-on-sqlite")]
if os.environ.get("KESU_TEST_REDIS_URL"):
    QUEUES.append(pytest.param({"REDIS_URL": os.environ["KESU_TEST_REDIS_URL"]}, id="huey-on-redis"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("queue", QUEUES)
def test_the_worker_runs_the_sweep_it_is_asked_for(staff, call_center, tmp_path, queue):
    if queue:
        import redis

        redis.Redis.from_url(queue["REDIS_URL"]).flushdb()
    [number] = overdue_complaints(staff, 1)
    worker = kesu("worker", tmp_path=tmp_path, extra_env=queue, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        enqueue = "from kesu.clocks.tasks import sweep_now; sweep_now()"
        kesu("shell", "-c", enqueue, tmp_path=tmp_path, extra_env=queue).wait(timeout=60)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not Event.objects.filter(kind="escalated").exists():
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    assert Complaint.objects.get(number=number).events.filter(kind="escalated").count() == 1
