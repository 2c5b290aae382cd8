"""Rate limits kept in the database (no cache is needed, every worker shares them): a counter per key
and fixed window, raised by one `INSERT … ON CONFLICT DO UPDATE … RETURNING` on SQLite and
PostgreSQL alike. A fixed window lets a burst of twice the limit through at its edge; that is the
price of one statement per hit."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from kesu.portal.models import Throttle


@dataclass(frozen=True)
class Limit:
    """At most `count` hits of one key per `window`."""

    count: int
    window: dt.timedelta


def _window_start(limit: Limit, now: dt.datetime) -> dt.datetime:
    seconds = int(limit.window.total_seconds())
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def throttle_hit(key: str, limit: Limit, *, now: dt.datetime | None = None) -> bool:
    """Count one hit of `key`; False when it goes past the limit (the hit is still counted)."""
    return _count(key, _window_start(limit, now or timezone.now())) <= limit.count


def throttle_first_use(key: str, *, valid_until: dt.datetime) -> bool:
    """True the first time `key` (something good until `valid_until`, such as a solved challenge) is
    used, False every time after."""
    return _count(key, valid_until) == 1


def _count(key: str, start: dt.datetime) -> int:
    table = connection.ops.quote_name(Throttle._meta.db_table)
    sql = (
        f"INSERT INTO {table} (key, window_start, count) VALUES (%s, %s, 1) "
        f"ON CONFLICT (key, window_start) DO UPDATE SET count = {table}.count + 1 RETURNING count"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, connection.ops.adapt_datetimefield_value(start)])
        (count,) = cursor.fetchone()
    return count


def throttle_reached(key: str, limit: Limit, *, now: dt.datetime | None = None) -> bool:
    """Whether `key` has used up its limit in the current window (without counting a hit)."""
    start = _window_start(limit, now or timezone.now())
    count = Throttle.objects.filter(key=key, window_start=start).values_list("count", flat=True).first() or 0
    return count >= limit.count


def throttles_forget(*, older_than: dt.timedelta = dt.timedelta(days=2)) -> int:
    """Drop the windows that ended long ago (the worker does it daily)."""
    deleted, _ = Throttle.objects.filter(window_start__lt=timezone.now() - older_than).delete()
    return deleted
