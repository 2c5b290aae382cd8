"""The outbox as the worker runs it: rows written with their change, claimed, tried, retried."""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from kesu.clocks.tests.test_workers import database_url
from kesu.notifications.models import Delivery, DeliveryStatus
from kesu.notifications.outbox import BACKOFF, deliveries_claim, deliveries_enqueue, delivery_retry, outbox_send
from kesu.notifications.tests.smtp import free_port
from kesu.notifications.webhooks import webhook_endpoint_create


def a_webhook_delivery(endpoint, key: str) -> Delivery:
    return Delivery(
        channel="webhook",
        recipient=endpoint.url,
        kind="complaint.received",
        payload={"type": "complaint.received", "timestamp": "2026-12-02T08:00:00+08:00", "data": {"n": key}},
        idempotency_key=key,
        endpoint=endpoint,
    )


class Sink:
    """A company's system on this machine: records every webhook-id it receives, slowly if asked."""

    def __init__(self, delay: float = 0.0, status: int = 200):
        self.received: list[str] = []
        self.status = status
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(delay)
                sink.received.append(self.headers["webhook-id"])
                self.send_response(sink.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def sink():
    server = Sink()
    yield server
    server.close()


def test_a_message_written_in_a_change_that_rolls_back_is_never_sent(db, sink):
    endpoint = webhook_endpoint_create(name="ERP", url=sink.url)
    with pytest.raises(RuntimeError), transaction.atomic():
        deliveries_enqueue([a_webhook_delivery(endpoint, "rolled-back")])
        raise RuntimeError("the change failed")

    assert outbox_send() == 0
    assert sink.received == []


def test_a_message_written_twice_under_one_key_is_stored_and_sent_once(db, sink):
    endpoint = webhook_endpoint_create(name="ERP", url=sink.url)
    deliveries_enqueue([a_webhook_delivery(endpoint, "once")])
    deliveries_enqueue([a_webhook_delivery(endpoint, "once")])

    assert outbox_send() == 1
    assert sink.received == ["once"]


def test_a_failing_delivery_is_retried_with_backoff_and_then_fails(db, travel):
    start = timezone.now().replace(microsecond=0)
    travel(start)
    down = Sink(status=500)
    endpoint = webhook_endpoint_create(name="ERP", url=down.url)
    deliveries_enqueue([a_webhook_delivery(endpoint, "doomed")])
    moment = start
    for attempt, wait in enumerate(BACKOFF, start=1):
        assert outbox_send(now=moment) == 0
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts) == ("pending", attempt)
        assert wait * 0.89 <= delivery.next_attempt_at - moment <= wait * 1.11
        moment = delivery.next_attempt_at
        travel(moment)
    assert outbox_send(now=moment) == 0
    down.close()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.tries.count()) == ("failed", 6, 6)
    assert {attempt.response_code for attempt in delivery.tries.all()} == {"500"}


def test_a_manager_sends_a_failed_delivery_again_and_a_handler_may_not(db, staff, sink):
    from kesu.lib.errors import NotAllowed

    endpoint = webhook_endpoint_create(name="ERP", url=sink.url)
    deliveries_enqueue([a_webhook_delivery(endpoint, "again")])
    Delivery.objects.update(status=DeliveryStatus.FAILED, attempts=6)
    delivery = Delivery.objects.get()

    with pytest.raises(NotAllowed):
        delivery_retry(delivery=delivery, actor=staff["handler"])
    delivery_retry(delivery=delivery, actor=staff["manager"])

    assert outbox_send() == 1
    assert sink.received == ["again"]


def test_a_claimed_delivery_is_not_claimed_again_until_its_lease_is_over(db, sink, settings):
    endpoint = webhook_endpoint_create(name="ERP", url=sink.url)
    deliveries_enqueue([a_webhook_delivery(endpoint, "leased")])
    now = timezone.now()

    assert len(deliveries_claim(limit=10, now=now)) == 1
    assert deliveries_claim(limit=10, now=now + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS - 1)) == []
    [again] = deliveries_claim(limit=10, now=now + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1))
    assert again.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_no_message_and_repeats_none_it_had_sent(tmp_path):
    """kill -9 while sending: after a restart every message arrives; the only repeats are those that
    were in flight at the kill, and they carry the same idempotency key (webhook-id)."""
    slow = Sink(delay=0.01)
    endpoint = webhook_endpoint_create(name="ERP", url=slow.url)
    keys = [f"message-{n:03d}" for n in range(300)]
    deliveries_enqueue([a_webhook_delivery(endpoint, key) for key in keys])
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "KESU_DATA_DIR": str(tmp_path),
        "KESU_WEBHOOK_ALLOW_PRIVATE": "1",
        "KESU_OUTBOX_LEASE_SECONDS": "2",
    }

    def worker():
        return subprocess.Popen([sys.executable, "-m", "kesu.cli", "deliver", "--watch"], env=env)

    first = worker()
    deadline = time.monotonic() + 60
    while len(slow.received) < 100 and time.monotonic() < deadline:
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait()
    sent_before_kill = set(Delivery.objects.filter(status="sent").values_list("idempotency_key", flat=True))
    received_before_restart = len(slow.received)

    second = worker()
    deadline = time.monotonic() + 120
    while Delivery.objects.exclude(status="sent").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    second.terminate()
    second.wait(timeout=30)
    slow.close()

    assert 100 <= received_before_restart < 300
    assert set(slow.received) == set(keys)
    repeats = {key for key in slow.received if slow.received.count(key) > 1}
    assert not repeats & sent_before_kill
    assert len(repeats) <= 50  # at most the lane chunk that was in flight
