"""Highlight spans: which words of a text match a query, analysed as the index does."""

from __future__ import annotations

import re
from functools import lru_cache

from triage.core.search.schema import text_analyzer

_HIGHLIGHT_ANALYZER = text_analyzer()
_TOKEN_TEXT = re.compile(r"[\w*]+(?:\.?[\w*]+)*")
_ANALYSED: dict[str, str] = {}
_ANALYSED_LIMIT = 200_000


def _analysed(word: str) -> str:
    """The index term of one token ("" for a stop word), memoised.

    Every filter of the text analyser works token by token, so analysing a word
    alone gives the same term as analysing it in its sentence. Running Whoosh's
    filter chain on every body of a page is costly; the words of news
    repeat, so a dictionary makes highlighting a page of results nearly free.
    """
    term = _ANALYSED.get(word)
    if term is None:
        term = next((t.text for t in _HIGHLIGHT_ANALYZER(word)), "")
        if len(_ANALYSED) >= _ANALYSED_LIMIT:
            _ANALYSED.clear()
        _ANALYSED[word] = term
    return term


class _Highlighter:
    """Which surface words of texts analyse to a query's terms, remembered across texts.

    A page of results shares most of its vocabulary, so each distinct word is
    analysed once per query rather than once per occurrence; finding the spans is
    then one C-level regex scan per text.
    """

    def __init__(self, terms: frozenset[str]) -> None:
        self.terms = terms
        self.seen: set[str] = set()
        self.hits: set[str] = set()

    def spans(self, text: str) -> list[tuple[int, int]]:
        words = set(_TOKEN_TEXT.findall(text))
        for word in words - self.seen:
            if _analysed(word) in self.terms:
                self.hits.add(word)
        self.seen |= words
        here = words & self.hits
        if not here:
            return []
        return [match.span() for match in _word_pattern(frozenset(here)).finditer(text)]


@lru_cache(maxsize=256)
def _word_pattern(words: frozenset[str]) -> re.Pattern[str]:
    """Whole tokens only: not preceded by a word character or "x.", not followed by a
    word character or ".x" (the tokenizer's own boundaries)."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w*])(?<![\w*]\.)(?:{alternatives})(?![\w*])(?!\.[\w*])")


_HIGHLIGHTERS: dict[frozenset[str], _Highlighter] = {}


def term_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Character spans of the words in ``text`` that match analysed query terms.

    The text is analysed the same way the index analyses bodies (stemming, accent
    folding), so a search for "strikes" highlights "striking" too.
    """
    if not terms or not text:
        return []
    key = frozenset(terms)
    highlighter = _HIGHLIGHTERS.get(key)
    if highlighter is None or len(highlighter.seen) > _ANALYSED_LIMIT:
        if len(_HIGHLIGHTERS) >= 32:
            _HIGHLIGHTERS.clear()
        highlighter = _HIGHLIGHTERS[key] = _Highlighter(key)
    return highlighter.spans(text)
