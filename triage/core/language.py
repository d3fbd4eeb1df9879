"""Which language a text is written in, and that language's function words.

Both the clusterer (each language's words read by its own rules) and the quote
extractor (whose speaker rules read English) need to know a story's language, so
the detector lives below both. py3langid: a small n-gram model, a fraction of a
millisecond a text, deterministic; Whoosh ships the stop-word lists.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

ENGLISH = "en"

MIN_CONFIDENCE = 0.5
"""Below this probability a mostly-ASCII text is read as English (a title of a few
words is easily mistaken for a neighbouring language; English is the commonest)."""

_DETECT_CHARS = 1200
"""Characters of title and body the detector reads (enough for its n-grams)."""

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


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """The stop words of every language Whoosh has a list for (about 2,000 words)."""
    from whoosh.lang import has_stopwords, languages

    return frozenset(w for code in languages if has_stopwords(code) for w in stop_words(code))
