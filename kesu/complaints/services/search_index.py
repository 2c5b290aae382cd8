"""The complaints' search index: written again after the way text is cut has changed, or built
once after a bulk load."""

from contextlib import contextmanager

from django.db import connection, transaction

from kesu.complaints.models import Complaint
from kesu.complaints.search import search_terms

SEARCH_INDEX = "complaint_search"  # made by migration complaints 0007


@contextmanager
def search_index_built_after():
    """For a bulk load on PostgreSQL: drop the GIN index on the search terms and build it once at
    the end, which at a million rows is minutes faster than keeping it up row by row. Not inside a
    transaction (PostgreSQL refuses CREATE INDEX after rows were written in it): kept up there."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    table = Complaint._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON {table} USING gin (search_terms)")


def search_terms_rewrite(*, batch: int = 2000, log=None) -> int:
    """Recompute every complaint's search terms, a batch per transaction; returns how many."""
    last, done = 0, 0
    while True:
        rows = list(
            Complaint.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "subject", "description", "customer__name", "customer__phone")[:batch]
        )
        if not rows:
            return done
        terms = [(pk, search_terms(subject, text, name, phone=phone)) for pk, subject, text, name, phone in rows]
        with transaction.atomic():
            search_terms_write(terms)
        last, done = rows[-1][0], done + len(rows)
        if log:
            log(f"{done} complaints")


def search_terms_write(terms: list[tuple[int, str]]) -> None:
    """One UPDATE … FROM (VALUES …) per batch (PostgreSQL and SQLite ≥ 3.33 both have it)."""
    values = ", ".join(["(%s, %s)"] * len(terms))
    table = Complaint._meta.db_table
    new_terms = "CAST(v.terms AS tsvector)" if connection.vendor == "postgresql" else "v.terms"
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH v(id, terms) AS (VALUES {values}) "
            f"UPDATE {table} SET search_terms = {new_terms} FROM v WHERE {table}.id = v.id",
            [value for pair in terms for value in pair],
        )
