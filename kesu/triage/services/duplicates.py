"""Open complaints that look like the same matter: the same customer or the same order, plate or
serial number, and a similar text (pg_trgm's similarity on PostgreSQL, MinHash over character
3-grams elsewhere).

The candidates are few by construction: open complaints of the same process received in the last
`WINDOW_DAYS`, of the same customer (an index) or naming the same identifier, at most `CANDIDATES`
of them, newest first; only those are compared by text.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from kesu.complaints.models import IDENTIFYING_FIELDS, Complaint, identifier_value
from kesu.complaints.selectors import complaints_visible_to
from kesu.complaints.services.common import OPEN_STATUSES
from kesu.customers.models import Customer
from kesu.triage.text import complaint_text, estimated_similarity, minhash

WINDOW_DAYS = 90
CANDIDATES = 50
SIMILARITY = 0.3
"""Text at least this similar (trigram similarity, or estimated Jaccard of character 3-grams)."""
SHOWN = 5


@dataclass(frozen=True)
class Duplicate:
    complaint: Complaint
    similarity: float
    same: tuple[str, ...]
    """What they share: `customer` and/or the identifying fields' keys."""


def duplicates_of(complaint: Complaint, user) -> list[Duplicate]:
    """Open complaints that look like the same matter as this one."""
    return duplicates_for(
        user=user,
        process_name=complaint.process.name,
        text=complaint_text(complaint.subject, complaint.description),
        customer=complaint.customer,
        fields=complaint.fields,
        exclude=complaint.pk,
    )


def duplicates_for(
    *,
    user,
    process_name: str,
    text: str,
    customer: Customer | None = None,
    fields: dict | None = None,
    exclude: int | None = None,
) -> list[Duplicate]:
    """Open complaints the user may see that look like the same matter as this text, most similar first."""
    identifiers = {key: str(value) for key, value in (fields or {}).items() if key in IDENTIFYING_FIELDS and value}
    # each written as its partial index reads: the key present, its text equal
    conditions = [Q(fields__has_key=key, **{f"identifier_{key}": value}) for key, value in identifiers.items()]
    if customer is not None:
        conditions.append(Q(customer=customer))
    if not text.strip() or not conditions:
        return []
    same = conditions[0]
    for condition in conditions[1:]:
        same |= condition
    since = timezone.now() - dt.timedelta(days=WINDOW_DAYS)
    aliases = {f"identifier_{key}": identifier_value(key) for key in identifiers}
    candidates = (
        complaints_visible_to(user)
        .alias(**aliases)
        .filter(same, process__name=process_name, status__in=OPEN_STATUSES, received_at__gte=since)
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    scored = (
        _similar_in_database(candidates, text) if connection.vendor == "postgresql" else _similar_here(candidates, text)
    )
    found = [
        Duplicate(complaint, round(similarity, 3), _shared(complaint, customer, identifiers))
        for complaint, similarity in scored
        if similarity >= SIMILARITY
    ]
    return sorted(found, key=lambda duplicate: -duplicate.similarity)[:SHOWN]


def _newest(candidates: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return candidates.select_related("process").order_by("-received_at", "-id")[:CANDIDATES]


def _similar_in_database(candidates: QuerySet[Complaint], text: str) -> list[tuple[Complaint, float]]:
    """pg_trgm's similarity of the whole text, computed by PostgreSQL on the candidates only."""
    table = connection.ops.quote_name(Complaint._meta.db_table)
    similarity = RawSQL(f"similarity({table}.subject || E'\\n' || {table}.description, %s)", (text,), FloatField())
    rows = _newest(candidates.annotate(similarity=similarity))
    return [(complaint, complaint.similarity) for complaint in rows]


def _similar_here(candidates: QuerySet[Complaint], text: str) -> list[tuple[Complaint, float]]:
    """MinHash signatures of the candidates' text against this text's (datasketch)."""
    query = minhash(text)
    rows = _newest(candidates)
    return [
        (complaint, estimated_similarity(query, minhash(complaint_text(complaint.subject, complaint.description))))
        for complaint in rows
    ]


def _shared(complaint: Complaint, customer: Customer | None, identifiers: dict[str, str]) -> tuple[str, ...]:
    shared = ["customer"] if customer is not None and complaint.customer_id == customer.pk else []
    return tuple(shared + [key for key, value in identifiers.items() if str(complaint.fields.get(key, "")) == value])
