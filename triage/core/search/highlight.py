"""Pick the part of a text worth showing, with its highlighted spans.

Highlights are returned as character spans, never as markup, so callers style them
with Rich ``Text`` spans and untrusted text is never parsed as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from triage.core.search.spans import term_spans

_SPACE = re.compile(r"\s")

SNIPPET_SCAN_CHARS = 20_000
"""How much of a body a result's snippet looks for highlights in at a time (see
:func:`page_snippet`).

Far past a news article (a few thousand characters); a body may hold up to
400k (a transcript, a pasted report), and finding a query's words in all of it
cost tens of milliseconds per row of a results page.
"""


@dataclass(frozen=True, slots=True)
class Snippet:
    """A short excerpt and the spans inside it to emphasise."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()

    def to_json(self) -> dict[str, object]:
        """The excerpt and its spans, as printed by ``--json`` outputs."""
        return {"text": self.text, "highlights": [list(span) for span in self.spans]}


def make_snippet(
    text: str, spans: list[tuple[int, int]], width: int = 200, opening: int | None = None
) -> Snippet:
    """Return the window of about ``width`` characters holding the most highlights.

    Windows start and end on word boundaries and are marked with an ellipsis where
    they cut the text. With no highlights, the opening of the text is used. With
    ``opening``, only windows starting at a highlight before that offset count.
    """
    flat = " ".join(text.split("\n"))
    if len(flat) <= width:
        return Snippet(flat, tuple(spans))
    spans = sorted(spans)
    start = 0
    if spans:
        # One pass with two pointers (a body may hold tens of thousands of matches):
        # the window opening at each span reaches every later span ending inside it.
        best, reach = 0, 0
        for index, (first, _) in enumerate(spans):
            if opening is not None and first >= opening:
                break
            reach = max(reach, index)
            while reach < len(spans) and spans[reach][1] <= first + width:
                reach += 1
            if reach - index > best:
                best, start = reach - index, max(0, first - width // 4)
    if start:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(flat), start + width)
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix) - start
    inside = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return Snippet(prefix + flat[start:end] + suffix, inside)


def page_snippet(text: str, terms: set[str], width: int = 200) -> Snippet:
    """The snippet of one result row: the window of most highlights that opens in
    the first stretch of :data:`SNIPPET_SCAN_CHARS` characters of ``text`` holding any.

    Each stretch (and one window past it, so that every window opening in it is
    counted and highlighted in full) is searched for the query's words on its
    own, cut at spaces so that no word is split into a false match; the next one
    is read only when a stretch holds no match. So a story mentioning the query
    once, deep in a long body, still shows that mention, and a body shorter than
    one stretch gets exactly :func:`make_snippet`'s window.
    """
    start = 0
    while len(text) - start > SNIPPET_SCAN_CHARS + width:
        opening = _space_from(text, start + SNIPPET_SCAN_CHARS)
        end = _space_from(text, opening + width)
        if end >= len(text):
            break
        spans = term_spans(text[start:end], terms)
        if spans and spans[0][0] + start < opening:
            moved = [(first + start, last + start) for first, last in spans]
            return make_snippet(text, moved, width, opening=opening)
        start = opening
    rest = term_spans(text[start:], terms)
    return make_snippet(text, [(first + start, last + start) for first, last in rest], width)


def _space_from(text: str, position: int) -> int:
    """The first whitespace at or after ``position`` (the text's length if none)."""
    space = _SPACE.search(text, position)
    return space.start() if space is not None else len(text)
