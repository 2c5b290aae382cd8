"""Text as the triage compares it: character n-grams, which need no word segmentation for Chinese."""

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasketch import MinHash

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
MINHASH_PERMUTATIONS = 64


def complaint_text(subject: str, description: str) -> str:
    """What a complaint says, as every part of triage reads it."""
    return f"{subject or ''}\n{description or ''}".strip()


def ngrams(text: str, size: int) -> set[str]:
    """The character n-grams of the text without spaces and punctuation (case folded)."""
    compact = _NOISE.sub("", text.casefold())
    if len(compact) <= size:
        return {compact} if compact else set()
    return {compact[index : index + size] for index in range(len(compact) - size + 1)}


def jaccard(first: set[str], second: set[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def minhash(text: str) -> "MinHash":
    """A MinHash over the text's character 3-grams (as datasketch estimates Jaccard similarity)."""
    from datasketch import MinHash  # imported when first used: it brings numpy and scipy

    signature = MinHash(num_perm=MINHASH_PERMUTATIONS, seed=1)
    grams = ngrams(text, 3)
    if grams:
        signature.update_batch([gram.encode() for gram in grams])
    return signature


def estimated_similarity(first: "MinHash", second: "MinHash") -> float:
    """The estimated Jaccard similarity; 0 when either text had nothing to compare."""
    if first.is_empty() or second.is_empty():
        return 0.0
    return float(first.jaccard(second))
