"""Recognise the same quotation re-told by different outlets.

Outlets re-punctuate quotes, trim them, and spell foreign names their own way
(Kyiv/Kiev, Odesa/Odessa). Quotes are therefore compared on a folded form
(lower case, no accents or punctuation, transliteration variants collapsed) and
scored by containment, so that a partial quote still matches the longer one it was
cut from. Shingle hashes are stable across processes (blake2b, not Python's salted
``hash``) so a store can index them and look up candidates in SQL.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

DEFAULT_THRESHOLD = 0.6
"""Containment above which two quotes are taken to be the same quotation."""

_NON_WORD = re.compile(r"[^a-z0-9\s]+")
_SPACES = re.compile(r"\s+")
_DOUBLED = re.compile(r"([a-z])\1+")
_TRANSLITERATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=[a-z])(?:iy|yi|ii|ij|yy)(?=[a-z]|\b)"), "i"),
    (re.compile(r"(?<=[a-z])y(?=[a-z])"), "i"),
    (re.compile(r"(?<=[a-z])y\b"), "i"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"(?<=[a-z])ov\b"), "iv"),
    (re.compile(r"(?<=[a-z])ie(?=[a-z])"), "i"),
    (re.compile(r"ja|ya"), "ia"),
    (re.compile(r"ju|yu"), "iu"),
    (re.compile(r"ts|tz"), "c"),
)


@functools.lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Return a comparison key: lower case, ASCII, no punctuation, spelling variants folded.

    Memoised: clustering compares each new story's quotes with every candidate's,
    so the same quotation is folded many times (half of analysis time before).

    Args:
        text: Any quotation or name.

    Returns:
        Space-separated folded words ("Kharkov" and "Kharkiv" both give "harkiv").
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_text = ascii_text.replace("’", "").replace("'", "").replace("‘", "")
    words = _SPACES.sub(" ", _NON_WORD.sub(" ", ascii_text)).strip()
    for pattern, replacement in _TRANSLITERATIONS:
        words = pattern.sub(replacement, words)
    return _DOUBLED.sub(r"\1", words)


def _hash(value: str) -> int:
    """Stable signed 64-bit hash (fits an SQLite INTEGER column)."""
    digest = hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def quote_shingles(text: str, size: int = 3) -> set[int]:
    """Return stable 64-bit hashes of the word ``size``-grams of the folded quote.

    Quotes shorter than ``size`` words yield one shingle of all their words, so
    that every non-empty quote can be indexed.
    """
    words = fold(text).split()
    if not words:
        return set()
    if len(words) < size:
        return {_hash(" ".join(words))}
    return {_hash(" ".join(words[i : i + size])) for i in range(len(words) - size + 1)}


@functools.lru_cache(maxsize=4096)
def _grams(text: str, size: int) -> frozenset[str]:
    """The folded quote's word ``size``-grams (the whole quote when shorter), memoised:
    a stored quote is compared with each new story's quotes that retrieve it. A set
    costs a few KB, so the cache is bounded to the quotes of ~1,000 recent stories."""
    words = fold(text).split()
    return frozenset(" ".join(words[i : i + size]) for i in range(max(len(words) - size + 1, 1)))


@functools.lru_cache(maxsize=8192)
def _length(text: str) -> int:
    return len(fold(text).split())


def quote_similarity(a: str, b: str) -> float:
    """Return how much of the shorter quote is contained in the longer one (0..1).

    Containment of word trigrams (bigrams or words for very short quotes) over the smaller
    set, so a trimmed re-telling of a long quote still scores high.
    """
    length_a, length_b = _length(a), _length(b)
    if not length_a or not length_b:
        return 0.0
    shortest = min(length_a, length_b)
    size = 3 if shortest >= 6 else 2 if shortest >= 3 else 1
    shingles_a, shingles_b = _grams(a, size), _grams(b, size)
    smaller = min(len(shingles_a), len(shingles_b))
    return len(shingles_a & shingles_b) / smaller if smaller else 0.0


def quotes_match(a: str, b: str, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """Whether two quotes are the same quotation (possibly trimmed or re-spelled)."""
    return quote_similarity(a, b) >= threshold
