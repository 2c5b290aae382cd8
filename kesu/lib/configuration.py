"""The configuration every intake reads (processes, departments, calendar overrides, webhook
endpoints) and the complaint list's drop-downs (departments, handlers), kept per worker process for
a few seconds; also the text search's newest-first boundaries (`_received_at_of`), where any recent
value serves.

Each of these reads is a statement of its own on every intake or list, for rows an admin changes a
few times a year (a person's row also at each sign-in). A worker keeps what it read for
CONFIGURATION_SECONDS and forgets all of it as soon as it changes any of it: at the write (so the
rest of its own transaction reads the new rows) and again when the transaction commits (so a copy
another thread read meanwhile is dropped). The models' post_save and post_delete signals do it
(connected by their apps); writes that send no signal (`QuerySet.update`, `bulk_create`) call
`configuration_changed` themselves.

Other workers see a change within CONFIGURATION_SECONDS: until then they may take a complaint in
under the process version, the departments, the calendar and the webhooks as they were. Reading a
version row instead would cost the statement the cache saves.
"""

import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.db import transaction

CONFIGURATION_SECONDS = 5

T = TypeVar("T")

_read_at: dict[Hashable, tuple[float, object]] = {}


def configuration(key: Hashable, read: Callable[[], T]) -> T:
    """What `read()` returns, from this worker's copy when it is younger than CONFIGURATION_SECONDS.
    The value is shared by every caller: never change it (hand out copies of model instances)."""
    now = time.monotonic()
    kept = _read_at.get(key)
    if kept is not None and now - kept[0] < CONFIGURATION_SECONDS:
        return kept[1]
    value = read()
    _read_at[key] = (now, value)
    return value


def forget_configuration() -> None:
    """Drop this worker's copies: the next reads go to the database."""
    _read_at.clear()


def configuration_changed(using: str | None = None, **_signal) -> None:
    """A configuration row was written: forget now, and again when the transaction commits. Also a
    receiver of post_save and post_delete."""
    forget_configuration()
    transaction.on_commit(forget_configuration, using=using)
