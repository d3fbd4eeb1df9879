"""Which language a story is written in, and how its words become features.

Feeds mix languages (a desk may follow BBC, BBC Urdu, Golem and Folha side by
side). Read with English rules, a German story's capitalised common nouns
("Kunden", "Quartal") look like names, an Urdu story yields no names at all and its
function words carry the weight, and a Chinese sentence is one "word". So each
story's language is detected (py3langid: a small n-gram model, a fraction of a
millisecond a story, deterministic) and its words are read by that language's
rules:

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
import threading
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

ENGLISH = "en"

NOUN_CAPITALS = frozenset({"de", "lb"})
"""Languages that capitalise every noun: a lone capitalised word is no name there."""

SPACELESS = frozenset({"zh", "ja"})
"""Languages written without spaces between words: read as character pairs."""

MIN_CONFIDENCE = 0.5
"""Below this probability a mostly-ASCII text is read as English (a title of a few
words is easily mistaken for a neighbouring language; English is the commonest)."""

_DETECT_CHARS = 1200
"""Characters of title and body the detector reads (enough for its n-grams)."""

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

_lock = threading.Lock()
_identifier: Any = None


def _detector() -> Any:
    """py3langid's identifier, loaded once (its model takes a moment to read)."""
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _identifier


def detect(title: str, body: str) -> str:
    """Return the ISO 639-1 code of the language ``title`` and ``body`` are written in
    (English for an empty text, or an unsure guess at a text in Latin letters)."""
    text = (title + "\n" + body)[:_DETECT_CHARS]
    if not any(c.isalpha() for c in text):
        return ENGLISH
    code, probability = _detector().classify(text)
    if probability < MIN_CONFIDENCE and _mostly_ascii(text):
        return ENGLISH
    return str(code)


def _mostly_ascii(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() for c in letters) >= 0.9 * len(letters)


@lru_cache(maxsize=64)
def stop_words(language: str) -> frozenset[str]:
    """The language's stop words (Whoosh's lists; empty for a language without one)."""
    from whoosh.lang import has_stopwords, stopwords_for_language

    if not has_stopwords(language):
        return frozenset()
    return frozenset(stopwords_for_language(language))


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
