"""Find the spans of text that sit between quotation marks.

This is the first, purely typographic pass of quote extraction: it knows nothing
about speakers or cue verbs. It copes with the ways real copy breaks the rules --
straight and curly marks mixed in one quote, a missing opening or closing mark, a
quotation that runs over several paragraphs (each reopened with a fresh mark), and
single marks nested inside double ones -- because a wrong span here can never be
repaired by the attribution pass.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

OPEN_DOUBLE = "“„«"
CLOSE_DOUBLE = "”»"
STRAIGHT_DOUBLE = '"'
OPEN_SINGLE = "‘"
CLOSE_SINGLE = "’"
STRAIGHT_SINGLE = "'"

_PARAGRAPH_BREAK = re.compile(r"\n")
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
_MIN_WRAP = 1
_MAX_WRAP = 100
"""Line lengths (characters) of hard-wrapped text; one-line paragraphs run longer."""
_LINE_ENDS = ".?!:;”\"’'»)"
_DOUBLE_MARK = re.compile("[" + OPEN_DOUBLE + CLOSE_DOUBLE + STRAIGHT_DOUBLE + "]")
_SINGLE_OPENER = re.compile(r"(?:(?<=[\s(\[{—–\-:>*])|^)[‘'](?=\w)", re.MULTILINE)
_OPENER_CONTEXT = " \t\n([{—–-/:;,>*_"
_FILLER = "\x01"
_EDGE_JUNK = " \t\n*_" + _FILLER


@dataclass(frozen=True, slots=True)
class MarkedSpan:
    """A run of text between quotation marks.

    Attributes:
        start: Offset of the first character inside the marks (after trimming).
        end: Offset just past the last character inside the marks (after trimming).
        open_at: Offset of the opening mark, or None when the mark is missing.
        close_at: Offset of the closing mark, or None when the mark is missing.
        single: Whether the span uses single marks (more often scare quotes or titles).
    """

    start: int
    end: int
    open_at: int | None
    close_at: int | None
    single: bool = False

    @property
    def outer_start(self) -> int:
        """Offset where the quotation, marks included, begins."""
        return self.open_at if self.open_at is not None else self.start

    @property
    def outer_end(self) -> int:
        """Offset just past the quotation, marks included."""
        return self.close_at + 1 if self.close_at is not None else self.end


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into non-empty paragraphs as (start, end) pairs.

    Most copy puts each paragraph on one line, so a line is a paragraph. A block
    of hard-wrapped lines (a plain-text file wrapped at a fixed width) is one
    paragraph instead: a line break there falls mid-sentence, and ending a
    quotation at it would cut the quote in two.
    """
    bounds: list[tuple[int, int]] = []
    position = 0
    for match in _BLANK_LINE.finditer(text):
        _block_bounds(text, position, match.start(), bounds)
        position = match.end()
    _block_bounds(text, position, len(text), bounds)
    return bounds


def _block_bounds(text: str, start: int, end: int, bounds: list[tuple[int, int]]) -> None:
    """Append the paragraphs of the block between two blank lines."""
    lines: list[tuple[int, int]] = []
    position = start
    for match in _PARAGRAPH_BREAK.finditer(text, start, end):
        if text[position : match.start()].strip():
            lines.append((position, match.start()))
        position = match.end()
    if text[position:end].strip():
        lines.append((position, end))
    if len(lines) > 1 and _hard_wrapped(text, lines):
        bounds.append((lines[0][0], lines[-1][1]))
    else:
        bounds.extend(lines)


def _hard_wrapped(text: str, lines: list[tuple[int, int]]) -> bool:
    """Whether a block's lines were wrapped at a fixed width rather than written as paragraphs.

    Wrapped lines are of middling length and mostly stop mid-sentence; one-line
    paragraphs are usually long, or end with a full stop or closing mark.
    """
    body = lines[:-1]
    if any(not _MIN_WRAP <= end - start <= _MAX_WRAP for start, end in body):
        return False
    open_ended = sum(
        1
        for (start, end), (next_start, next_end) in zip(body, lines[1:], strict=True)
        if _breaks_mid_sentence(text[start:end], text[next_start:next_end])
    )
    return open_ended * 2 >= len(body)


def _breaks_mid_sentence(line: str, next_line: str) -> bool:
    """Whether the break after ``line`` falls inside a sentence.

    True after a comma or dash, or between a lower-case word and a lower-case one.
    Headlines end with a capitalised word, and list items start with one.
    """
    words, following = line.split(), next_line.split()
    if not words or not following:
        return False
    last = words[-1]
    if last[-1] in ",-–—":
        return True
    return last[-1] not in _LINE_ENDS and last[:1].islower() and not following[0][:1].isupper()


def _double_role(text: str, index: int, is_open: bool) -> str:
    """Classify a double mark as "open", "close" or "either" from its neighbours.

    Straight marks carry no direction, and curly ones are sometimes typed the wrong
    way round, so the characters on each side decide when they are unambiguous.
    """
    char = text[index]
    back = index - 2 if index > 0 and text[index - 1] == _FILLER else index - 1
    before = text[back] if back >= 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    space_before = before in _OPENER_CONTEXT or before in OPEN_SINGLE
    space_after = after.isspace() or after in ".,;:!?)]}—–-*_" or after in CLOSE_SINGLE
    if char == STRAIGHT_DOUBLE:
        if space_before and not space_after:
            return "open"
        if space_after and not space_before:
            return "close"
        return "either"
    if is_open and (space_after or index + 1 == len(text)) and not before.isspace():
        return "close"  # „…“, or a mark typed the wrong way round: glued to the words before
    if not is_open and before.isspace() and after.isalnum():
        return "open"
    return "open" if is_open else "close"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past whitespace and markdown emphasis at both edges."""
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    if end > start and text[end - 1] == ",":
        end -= 1
        while end > start and text[end - 1] in _EDGE_JUNK:
            end -= 1
    return start, end


def _scan_double(text: str, bounds: list[tuple[int, int]]) -> list[MarkedSpan]:
    """Pair double marks paragraph by paragraph, repairing missing marks."""
    spans: list[MarkedSpan] = []
    open_at: int | None = None
    reopen_pending = False
    for number, (para_start, para_end) in enumerate(bounds):
        last_close = para_start
        for mark in _DOUBLE_MARK.finditer(text, para_start, para_end):
            index = mark.start()
            char = text[index]
            role = _double_role(text, index, char in OPEN_DOUBLE)
            if role == "either":
                role = "close" if open_at is not None and not reopen_pending else "open"
            if role == "open":
                if reopen_pending:
                    reopen_pending = False  # the paragraph reopens the running quotation
                elif open_at is not None:
                    _add(spans, text, open_at + 1, index, open_at, None)
                    open_at = index
                else:
                    open_at = index
                continue
            reopen_pending = False
            if open_at is None:
                _add(spans, text, _missing_open_start(text, last_close, index), index, None, index)
            else:
                _add(spans, text, open_at + 1, index, open_at, index)
                open_at = None
            last_close = index + 1
        if open_at is not None:
            if _next_paragraph_reopens(text, bounds, number):
                reopen_pending = True
            else:
                _add(spans, text, open_at + 1, para_end, open_at, None)
                open_at = None
                reopen_pending = False
    return spans


def _next_paragraph_reopens(text: str, bounds: list[tuple[int, int]], number: int) -> bool:
    """Tell whether the paragraph after ``number`` starts with an opening double mark."""
    if number + 1 >= len(bounds):
        return False
    start, end = bounds[number + 1]
    stripped = text[start:end].lstrip(_EDGE_JUNK)
    return bool(stripped) and (stripped[0] in OPEN_DOUBLE or stripped[0] == STRAIGHT_DOUBLE)


def _missing_open_start(text: str, last_close: int, close_at: int) -> int:
    """Guess where a quotation with no opening mark began.

    Without an opening mark the best guess is the start of the paragraph, or the
    first sentence after the previous quotation in the same paragraph (whose tail
    is usually the attribution of that earlier quote).
    """
    if last_close == 0 or text[last_close - 1] == "\n":
        return last_close
    segment = text[last_close:close_at]
    boundary = re.search(r"[.!?]\s+", segment)
    return last_close + boundary.end() if boundary else last_close


def _add(
    spans: list[MarkedSpan],
    text: str,
    start: int,
    end: int,
    open_at: int | None,
    close_at: int | None,
    single: bool = False,
) -> None:
    """Append the trimmed span unless it is empty."""
    start, end = _trim(text, start, end)
    if end > start and any(ch.isalnum() for ch in text[start:end]):
        spans.append(MarkedSpan(start, end, open_at, close_at, single))


def _scan_single(
    text: str, bounds: list[tuple[int, int]], taken: list[MarkedSpan]
) -> list[MarkedSpan]:
    """Find single-quoted spans that lie outside every double-quoted one.

    Apostrophes look like closing single marks, so a span only counts when it opens
    at a word start and closes before a non-letter in the same paragraph.
    """
    spans: list[MarkedSpan] = []
    occupied_starts = [s.outer_start for s in taken]
    occupied_ends = [s.outer_end for s in taken]
    for para_start, para_end in bounds:
        resume = para_start
        for opener in _SINGLE_OPENER.finditer(text, para_start, para_end):
            index = opener.start()
            inside = bisect_right(occupied_starts, index) - 1
            if index < resume or (inside >= 0 and index < occupied_ends[inside]):
                continue
            close = _single_close(text, index + 1, para_end)
            if close is not None:
                _add(spans, text, index + 1, close, index, close, single=True)
                resume = close + 1
    return spans


def _single_close(text: str, start: int, para_end: int) -> int | None:
    """Return the offset of the single mark closing a span opened before ``start``."""
    for index in range(start, para_end):
        char = text[index]
        if char in OPEN_DOUBLE or char in CLOSE_DOUBLE or char == STRAIGHT_DOUBLE:
            return None
        if char in CLOSE_SINGLE or char == STRAIGHT_SINGLE:
            after = text[index + 1] if index + 1 < para_end else " "
            before = text[index - 1]
            if not after.isalnum() and not before.isspace() and before != "s":
                return index
    return None


def find_marked_spans(text: str) -> list[MarkedSpan]:
    """Return every quoted span in ``text``, in document order.

    Args:
        text: The article text.

    Returns:
        Spans between double marks (with missing marks repaired) followed, where
        they do not overlap, by spans between single marks.
    """
    if _FILLER in text:
        text = text.replace(_FILLER, " ")
    if "''" in text:
        # Some copy writes a double mark as two apostrophes; scan a same-length view
        # where each pair becomes a filler plus a straight double mark.
        text = text.replace("''", _FILLER + STRAIGHT_DOUBLE)
    bounds = paragraph_bounds(text)
    doubles = _scan_double(text, bounds)
    singles = _scan_single(text, bounds, doubles)
    return sorted(doubles + singles, key=lambda span: span.start)
