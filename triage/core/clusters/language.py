"""How a story's words become features and names, by the language it is written in.

Feeds mix languages (a desk may follow BBC, BBC Urdu, Golem and Folha side by
side). Read with English rules, a German story's capitalised common nouns
("Kunden", "Quartal") look like names, an Urdu story yields no names at all and its
function words carry the weight, and a Chinese sentence is one "word". So each
story's language is detected (:mod:`triage.core.language`) and its words are
read by that language's rules:

- English keeps the clusterer's own light normalisation (case, possessive, plural),
  which the ECB+ benchmark was measured with.
- Another language's words are stemmed by its Snowball stemmer and filtered by its
  stop-word list where Whoosh ships them (``whoosh.lang``), and tagged with the
  language (``w:de/kund``), so their document frequencies are counted among that
  language's stories only: the engine gives no weight to a word most stories *of
  its language* carry, which removes function words even of a language without a
  stop-word list.
- Chinese and Japanese, written without spaces, are read as character pairs.
- Names come from capitals only where capitals mark them: not in a caseless script
  (Arabic, Urdu, CJK: there are no capitals), and in German, which capitalises
  every noun, only as runs of two or more capitalised words ("Angela Merkel").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from triage.core.language import stop_words

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

NOUN_CAPITALS = frozenset({"de", "lb"})
"""Languages that capitalise every noun: a lone capitalised word is no name there."""

SPACELESS = frozenset({"zh", "ja"})
"""Languages written without spaces between words: read as character pairs."""


@lru_cache(maxsize=64)
def _stemmer(language: str) -> Callable[[str], str] | None:
    from whoosh.lang import has_stemmer, stemmer_for_language

    if not has_stemmer(language):
        return None
    stem: Callable[[str], str] = stemmer_for_language(language)
    return stem


@lru_cache(maxsize=1 << 15)
def foreign_feature(raw: str, language: str) -> str | None:
    """The ``w:`` feature a word of a language other than English counts as
    (``w:de/kund``), or None for a stop word, a one-letter word or a number."""
    word = unicodedata.normalize("NFKC", raw).replace("’", "'").lower().strip("'")
    if not word or word.isdigit() or word in stop_words(language):
        return None
    if len(word) < 2 or (len(word) < 3 and language not in SPACELESS):
        return None
    stem = _stemmer(language)
    if stem is not None:
        word = stem(word)
    return f"w:{language}/{word}"


def words(text: str, language: str, pattern: re.Pattern[str]) -> Iterable[str]:
    """The words of ``text`` (``pattern`` finds a word), as ``language`` writes them:
    runs of Chinese or Japanese characters become overlapping character pairs."""
    for raw in pattern.findall(text):
        if language in SPACELESS and _CJK.search(raw):
            yield from _pairs(raw)
        else:
            yield raw


def _pairs(raw: str) -> Iterable[str]:
    start = 0
    for run in _CJK.finditer(raw):
        if run.start() > start:
            yield raw[start : run.start()]
        chars = run.group()
        if len(chars) == 1:
            yield chars
        for i in range(len(chars) - 1):
            yield chars[i : i + 2]
        start = run.end()
    if start < len(raw):
        yield raw[start:]


def names_from_capitals(language: str, run_length: int) -> bool:
    """Whether a run of ``run_length`` capitalised words is a name in ``language``:
    in German (every noun capitalised) only a run of two or more is."""
    return language not in NOUN_CAPITALS or run_length >= 2
