"""Text search over complaints, fast at a million rows and the same on PostgreSQL and SQLite.

Chinese has no spaces between words, so a complaint's text is cut into single characters and
overlapping pairs (配送延误 → 配 送 延 误 配送 送延 延误); other text into lowercase words and numbers
(iPhone15 → iphone 15). Each piece keeps where it stood. These search terms are kept on the
complaint (`Complaint.search_terms`, written at intake) with the customer's name, and the national
digits and the last four digits (尾号) of their phone.

A search term finds a complaint when it is one of its pieces, or — for three Chinese characters or
more — when its pairs stand one after the other, so 配送延误 finds 配送延误 but not 配送…送延…延误.
On PostgreSQL the terms are a `tsvector` column with a GIN index (written as text already in
tsvector form, `piece:position,…`, so no text-search parser or locale decides what a Chinese
character is); SQLite, the embedded default, looks for each piece with LIKE and for the whole term
in the subject, description and customer's name.
"""

import re
from collections import defaultdict

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from kesu.complaints.models import Complaint

_RUN = re.compile(r"[^\W_]+")
_WORD = re.compile(r"[^\W\d_]+|\d+")
_CJK_START = 0x2E80  # CJK radicals onwards: ideographs, kana, hangul, full-width forms
_LAST_POSITION = 16383  # PostgreSQL's limit; later positions are clamped
_POSITIONS_PER_PIECE = 255


def _is_cjk(char: str) -> bool:
    return ord(char) >= _CJK_START


def _segments(text: str) -> list[tuple[str, bool]]:
    """Chinese runs and other words, in order: [(segment, is_cjk)]."""
    segments = []
    for run in _RUN.findall(text.lower()):
        start = 0
        for index in range(1, len(run) + 1):
            if index == len(run) or _is_cjk(run[index]) != _is_cjk(run[start]):
                part = run[start:index]
                if _is_cjk(part[0]):
                    segments.append((part, True))
                else:
                    segments += [(word, False) for word in _WORD.findall(part)]
                start = index
    return segments


def search_terms(*texts: str, phone: str = "") -> str:
    """The pieces a complaint is found by, in tsvector form: ` piece:position,… piece:position …`
    (the leading space makes "is a piece" a plain ` piece:` substring for SQLite)."""
    positions = defaultdict(list)
    position = 1
    for text in texts:
        for segment, is_cjk in _segments(text):
            if is_cjk:
                for index, char in enumerate(segment, position):
                    positions[char].append(index)
                for index, pair in enumerate(map("".join, zip(segment, segment[1:], strict=False)), position):
                    positions[pair].append(index)
                position += len(segment) + 1
            else:
                positions[segment].append(position)
                position += 2
        position += 2
    national = phone.removeprefix("+86").lstrip("+")
    if national:
        for piece in (national, national[-4:]):
            positions[piece].append(position)
    return "".join(f" {piece}:{_positions(at)}" for piece, at in positions.items())


def _positions(at: list[int]) -> str:
    if len(at) == 1:
        return str(min(at[0], _LAST_POSITION))
    return ",".join(str(min(position, _LAST_POSITION)) for position in at[:_POSITIONS_PER_PIECE])


def text_matches(term: str, *, indexed: bool = True) -> Q | None:
    """The condition a search term puts on complaints, or None when it holds no letters or digits.
    `indexed=False`: checked row by row on rows another index yields in order, never the search index."""
    segments = _segments(term)
    if not segments:
        return None
    if connection.vendor == "postgresql":
        tsquery = " & ".join(_tsquery(segment, is_cjk) for segment, is_cjk in segments)
        matches = f'"{Complaint._meta.db_table}"."search_terms" @@ %s::tsquery'
        # `IS TRUE` is the same test, but not one an index can answer
        return Q(RawSQL(matches if indexed else f"({matches}) IS TRUE", [tsquery], BooleanField()))
    query = Q()
    for segment, is_cjk in segments:
        for piece in _pieces(segment, is_cjk):
            query &= Q(search_terms__contains=f" {piece}:")
        if is_cjk and len(segment) >= 3:
            written = Q(subject__icontains=segment) | Q(description__icontains=segment)
            query &= written | Q(customer__name__icontains=segment)
    return query


def _pieces(segment: str, is_cjk: bool) -> list[str]:
    """A Chinese segment is looked for by its pairs (a single character by itself)."""
    if is_cjk and len(segment) > 1:
        return [segment[index : index + 2] for index in range(len(segment) - 1)]
    return [segment]


def _tsquery(segment: str, is_cjk: bool) -> str:
    """Pairs must follow each other (`<->`): a phrase, checked against the positions."""
    return "(" + " <-> ".join(_pieces(segment, is_cjk)) + ")"
