"""Text search over complaints, fast at a million rows and the same on PostgreSQL and SQLite.

Chinese has no spaces between words, so a complaint's text is cut into overlapping pairs of
characters (配送延误 → 配送 送延 延误, plus the last character alone); other text into lowercase words.
These search terms are kept on the complaint (`Complaint.search_terms`, written at intake) with the
customer's name and the national digits and last four digits (尾号) of their phone.

A search term finds a complaint when each of its own pieces begins one of the complaint's terms:
配送 finds 配送延误, 送 finds 配送, 1381 finds 13812345678, 5678 finds a phone ending in 5678. A Chinese
term of three characters or more must also appear as written in the subject, description or
customer's name (its pairs alone could be scattered). PostgreSQL answers through a GIN index on
the terms read as a `tsvector` (the cast does not run a text-search parser, so no locale decides
what a Chinese character is); SQLite, the embedded default, looks for each piece with LIKE.
"""

import re

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

_TABLE = "complaints_complaint"
_RUN = re.compile(r"[^\W_]+")
_CJK_START = 0x2E80  # CJK radicals onwards: ideographs, kana, hangul, full-width forms


def _is_cjk(char: str) -> bool:
    return ord(char) >= _CJK_START


def _segments(text: str) -> list[tuple[str, bool]]:
    """Runs of letters and digits, split where Chinese meets other script: [(segment, is_cjk)]."""
    segments = []
    for run in _RUN.findall(text.lower()):
        start = 0
        for index in range(1, len(run) + 1):
            if index == len(run) or _is_cjk(run[index]) != _is_cjk(run[start]):
                segments.append((run[start:index], _is_cjk(run[start])))
                start = index
    return segments


def _pieces(segment: str, is_cjk: bool) -> list[str]:
    if not is_cjk:
        return [segment]
    return [segment[index : index + 2] for index in range(len(segment) - 1)] + [segment[-1]]


def search_terms(*texts: str, phone: str = "") -> str:
    """The terms a complaint is found by, space-separated (a leading space makes "begins a term"
    a plain ` piece` substring on SQLite)."""
    terms = dict.fromkeys(
        piece for text in texts for segment, is_cjk in _segments(text) for piece in _pieces(segment, is_cjk)
    )
    national = phone.removeprefix("+86").lstrip("+")
    if national:
        terms.update(dict.fromkeys([national, national[-4:]]))
    return " " + " ".join(terms)


def text_matches(term: str) -> Q | None:
    """The condition a search term puts on complaints, or None when it holds no letters or digits."""
    segments = _segments(term)
    if not segments:
        return None
    pieces = list(dict.fromkeys(piece for segment, is_cjk in segments for piece in _query_pieces(segment, is_cjk)))
    query = _begins_terms(pieces)
    for segment, is_cjk in segments:
        if is_cjk and len(segment) >= 3:
            written = Q(subject__icontains=segment) | Q(description__icontains=segment)
            query &= written | Q(customer__name__icontains=segment)
    return query


def _query_pieces(segment: str, is_cjk: bool) -> list[str]:
    """A Chinese segment is looked for by its pairs (one character alone by itself)."""
    if is_cjk and len(segment) > 1:
        return [segment[index : index + 2] for index in range(len(segment) - 1)]
    return [segment]


def _begins_terms(pieces: list[str]) -> Q:
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{piece}:*" for piece in pieces)
        return Q(RawSQL(f'"{_TABLE}"."search_terms"::tsvector @@ %s::tsquery', [tsquery], BooleanField()))
    query = Q()
    for piece in pieces:
        query &= Q(search_terms__contains=f" {piece}")
    return query
