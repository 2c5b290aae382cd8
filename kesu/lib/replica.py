"""Reads that may go to a streaming replica: reports and exports, which read many rows and can be a
second behind. Configured by `DATABASE_REPLICA_URL`; without it everything reads the primary.

Only what runs inside `reads_from_replica()` reads the replica, so a read that follows a write
elsewhere (a page after a step, the answer of an intake) stays on the primary; and once the block
itself writes, its further reads go to the primary too. Every write goes to the primary, also of a
row read from the replica.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"


@dataclass
class _Block:
    wrote: bool = False


_block: ContextVar[_Block | None] = ContextVar("kesu_replica_block", default=None)


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """The reads inside go to the replica, when there is one, until the block writes."""
    token = _block.set(_Block())
    try:
        yield
    finally:
        _block.reset(token)


class ReplicaRouter:
    """Django's database router for the primary (`default`) and its replica."""

    def db_for_read(self, model, **hints) -> str:
        block = _block.get()
        if block is not None and not block.wrote and REPLICA in settings.DATABASES:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        block = _block.get()
        if block is not None:
            block.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
