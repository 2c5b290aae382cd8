"""The outbox: every message Kesu sends is a `Delivery` row, written in the transaction of the change
that causes it (a change that rolls back sends nothing), and sent afterwards by the worker.

Sending claims due rows first (`SKIP LOCKED` on PostgreSQL; SQLite's writers queue), so several
workers never take one message at once. A claim is a lease: a worker killed mid-send leaves its
rows `sending`, and once the lease is over the next worker sends them again, with the same
idempotency key, so a receiver can tell the repeat. Every try is recorded; a failed try is retried
after about 1 min, 5 min, 30 min, 2 h and 12 h, then the delivery is `failed`. Deliveries are sent
in lanes (one server each) side by side, and a lane whose server is down only holds up itself.
"""

import datetime as dt
import logging
import random
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.lib.configuration import configuration_changed
from kesu.lib.errors import NotAllowed
from kesu.notifications.channels import Outcome, transports
from kesu.notifications.models import Delivery, DeliveryAttempt, DeliveryStatus, WebhookEndpoint

log = logging.getLogger(__name__)

BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
)
"""The waits after the 1st, 2nd… failed try; after the last the delivery has failed."""
UNREACHABLE_WAIT = dt.timedelta(minutes=1)
LANE_CHUNK = 50


def deliveries_enqueue(deliveries: list[Delivery]) -> None:
    """Write these messages in the current transaction (a key written before is not written again);
    the worker is asked to send them once the transaction commits."""
    if not deliveries:
        return
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    _nudge_after_commit()


_nudging = threading.local()


def _nudge_after_commit() -> None:
    """One nudge per transaction, however many messages it wrote."""
    if not settings.OUTBOX_NUDGE or getattr(_nudging, "pending", False):
        return
    _nudging.pending = True
    transaction.on_commit(_nudge)


def _nudge() -> None:
    _nudging.pending = False
    from kesu.notifications.tasks import outbox_send_now

    try:
        outbox_send_now()
    except Exception:  # the minute's drain sends it anyway
        log.warning("outbox: the worker could not be nudged", exc_info=True)


def deliveries_claim(*, limit: int, now: dt.datetime | None = None) -> list[Delivery]:
    """Take up to `limit` due deliveries for this worker: `sending`, one more attempt, leased."""
    now = now or timezone.now()
    lease_end = now + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    with transaction.atomic():
        due = Delivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING], next_attempt_at__lte=now
        ).order_by("next_attempt_at")
        ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=lease_end
        )
    return list(Delivery.objects.filter(pk__in=ids).select_related("robot", "endpoint").order_by("pk"))


def outbox_send(*, limit: int = 500, now: dt.datetime | None = None) -> int:
    """Claim one batch and send it, lane by lane, side by side; the number of deliveries sent."""
    claimed = deliveries_claim(limit=limit, now=now)
    if not claimed:
        return 0
    chunks = _lanes(claimed)
    threads = min(settings.OUTBOX_THREADS, len(chunks))
    if threads <= 1:
        return sum(_send_lane(chunk) for chunk in chunks)
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="outbox") as pool:
        return sum(pool.map(_send_lane_in_thread, chunks))


def outbox_drain(*, seconds: float = 50, limit: int = 500) -> int:
    """Send batch after batch until nothing is due or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    sent = 0
    while time.monotonic() < deadline:
        if not Delivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING], next_attempt_at__lte=timezone.now()
        ).exists():
            break
        sent += outbox_send(limit=limit)
    return sent


def _lanes(deliveries: list[Delivery]) -> list[list[Delivery]]:
    registry = transports()
    lanes: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        lanes[registry[delivery.channel].lane(delivery)].append(delivery)
    return [lane[start : start + LANE_CHUNK] for lane in lanes.values() for start in range(0, len(lane), LANE_CHUNK)]


def _send_lane_in_thread(deliveries: list[Delivery]) -> int:
    try:
        return _send_lane(deliveries)
    finally:
        connections.close_all()


def _send_lane(deliveries: list[Delivery]) -> int:
    sent = 0
    transport = transports()[deliveries[0].channel]
    for position, delivery in enumerate(deliveries):
        try:
            wait_until = transport.hold_back(delivery, timezone.now())
            if wait_until is not None:
                _postpone([delivery], wait_until)
                continue
            outcome = _try(transport, delivery)
            sent += outcome.ok
            if outcome.unreachable:
                _postpone(deliveries[position + 1 :], timezone.now() + UNREACHABLE_WAIT)
                break
        except Exception:  # one bad row must not stop the others; its lease brings it back
            log.exception("outbox: delivery %s could not be handled", delivery.pk)
    return sent


def _try(transport, delivery: Delivery) -> Outcome:
    started = time.monotonic()
    if not transport.available():
        outcome = Outcome(ok=False, error="the channel is not configured", unreachable=True)
    else:
        try:
            outcome = transport.send(delivery)
        except Exception as exc:  # an adapter's bug is one failed try, not a dead worker
            log.exception("outbox: %s transport failed on delivery %s", delivery.channel, delivery.pk)
            outcome = Outcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:1000])
    _settle(delivery, outcome, duration_ms=int((time.monotonic() - started) * 1000))
    return outcome


def _settle(delivery: Delivery, outcome: Outcome, *, duration_ms: int) -> None:
    now = timezone.now()
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            at=now,
            ok=outcome.ok,
            response_code=outcome.code[:100],
            error=outcome.error,
            duration_ms=duration_ms,
        )
        mine = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING)
        if outcome.ok:
            mine.update(status=DeliveryStatus.SENT, sent_at=now, provider_ref=outcome.provider_ref[:200], last_error="")
        elif outcome.permanent or outcome.disable_target or delivery.attempts > len(BACKOFF):
            mine.update(status=DeliveryStatus.FAILED, last_error=outcome.error or outcome.code)
        else:
            mine.update(
                status=DeliveryStatus.PENDING,
                next_attempt_at=now + _wait_after(delivery.attempts, outcome.retry_after),
                last_error=outcome.error or outcome.code,
            )
        if outcome.disable_target and delivery.endpoint_id:
            WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(
                is_active=False, disabled_reason=outcome.error[:200] or outcome.code
            )
            configuration_changed()  # update sends no post_save


def _wait_after(attempts: int, asked: float | None) -> dt.timedelta:
    """The backoff for this many tries, give or take a tenth so that retries do not bunch up."""
    wait = BACKOFF[attempts - 1] * random.uniform(0.9, 1.1)
    return max(wait, dt.timedelta(seconds=asked or 0))


def _postpone(deliveries: list[Delivery], until: dt.datetime) -> None:
    """Not tried: back to pending until then, the claim's attempt given back."""
    if deliveries:
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries], status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING, attempts=F("attempts") - 1, next_attempt_at=until
        )


RETRYABLE_STATUSES = (DeliveryStatus.FAILED, DeliveryStatus.PENDING)


def may_retry(actor, delivery: Delivery | None = None) -> bool:
    """Managers and the admin may send a failed or waiting delivery again (without one: may they at all)."""
    allowed = actor.has_perm("notifications.retry_delivery")
    return allowed and (delivery is None or delivery.status in RETRYABLE_STATUSES)


def delivery_retry(*, delivery: Delivery, actor) -> Delivery:
    """Send a failed or waiting delivery again now, by hand."""
    if not may_retry(actor):
        raise NotAllowed(_("Your role does not allow this."))
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, status__in=RETRYABLE_STATUSES).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        _nudge_after_commit()
    delivery.refresh_from_db()
    return delivery


def recently_sent(*, within: dt.timedelta, now: dt.datetime, **match) -> list[dt.datetime]:
    """When the deliveries matching `match` (e.g. channel and recipient, or robot) were sent within
    `within` before `now`, oldest first: what a rate limit counts."""
    return list(
        Delivery.objects.filter(status=DeliveryStatus.SENT, sent_at__gt=now - within, **match)
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
    )
