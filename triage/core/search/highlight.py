"""Pick the part of a text worth showing, with its highlighted spans.

Highlights are returned as character spans, never as markup, so callers style them
with Rich ``Text`` spans and untrusted text is never parsed as markup.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Snippet:
    """A short excerpt and the spans inside it to emphasise."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()

    def to_json(self) -> dict[str, object]:
        """The excerpt and its spans, as printed by ``--json`` outputs."""
        return {"text": self.text, "highlights": [list(span) for span in self.spans]}


def make_snippet(text: str, spans: list[tuple[int, int]], width: int = 200) -> Snippet:
    """Return the window of about ``width`` characters holding the most highlights.

    Windows start and end on word boundaries and are marked with an ellipsis where
    they cut the text. With no highlights, the opening of the text is used.
    """
    flat = " ".join(text.split("\n"))
    if len(flat) <= width:
        return Snippet(flat, tuple(spans))
    start = 0
    if spans:
        # one pass with two pointers: a body repeating the query's word 100k times
        # (hostile, or a megabyte of "harbour") made the old per-span count
        # quadratic, minutes per search
        ordered = sorted(spans)
        best = ahead = 0
        for index, (first, _) in enumerate(ordered):
            ahead = max(ahead, index)
            while ahead < len(ordered) and ordered[ahead][1] <= first + width:
                ahead += 1
            if ahead - index > best:
                best, start = ahead - index, max(0, first - width // 4)
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
