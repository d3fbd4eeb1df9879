"""Make untrusted feed and article text safe and tidy, once, at ingest.

Everything a feed says is hostile until cleaned: feedparser's loose parser turns
``&#27;`` into a raw ESC, and neither Rich nor Textual strips escape sequences, so a
title could clear the screen or rename the terminal window. We remove whole
escape sequences (not just the ESC byte, which would leave ``[2J`` behind), other
control characters, and bidi overrides that can disguise text, then normalise
whitespace. Rich markup in the text is left as literal characters on purpose: the
renderers never interpret it (they build ``Text``/``Content`` objects).
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

# CSI: ESC [ params intermediates final; 8-bit CSI is U+009B.
_CSI = r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
# OSC / DCS / SOS / PM / APC: ESC ] ... terminated by BEL or ST (ESC \ or U+009C).
_STRING_SEQ = r"(?:\x1b[\]PX^_]|[\x90\x9d\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
# Any other two-byte escape (ESC followed by one char), e.g. ESC c (full reset).
_ESC_OTHER = r"\x1b[ -~]?"
_ESCAPES = re.compile(f"{_STRING_SEQ}|{_CSI}|{_ESC_OTHER}")

# C0 controls except \t and \n, DEL, C1 controls; bidi embeddings/overrides/isolates;
# zero-width characters that only serve to hide things; BOM.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe]"
)
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")

# UTF-8 read as Windows-1252 or Latin-1 ("â€º" for "›", "Ã©" for "é"): a lead byte's
# character followed by a continuation byte's. Clean text almost never has the pair, so
# the repair (ftfy, which decides what the text was meant to be) runs only where it does.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]"
)

MAX_TEXT_CHARS = 400_000
"""Longest body kept, in characters: bounds memory and per-story work downstream."""


def strip_controls(text: str) -> str:
    """Remove escape sequences, control characters and bidi overrides.

    Newlines and tabs survive; carriage returns become newlines first so that
    Windows line endings do not glue lines together.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPES.sub("", text)
    return _CONTROLS.sub("", text)


def has_controls(text: str) -> bool:
    """Whether ``text`` holds anything :func:`strip_controls` would remove (or CR)."""
    return _CONTROLS.search(text) is not None


def safe_text(text: str | None) -> str:
    """``text`` with escape sequences, controls and bidi overrides removed, and
    nothing else changed (the cheap pass for text that is normally clean already:
    stored strings as they are read back, lines printed to a terminal)."""
    if not text:
        return ""
    return strip_controls(text) if has_controls(text) else text


def safe_line(text: object) -> str:
    """One line safe for a terminal: :func:`safe_text` with every run of
    whitespace (newlines too) folded to one space. No entity decoding: use it on
    text that is not HTML (names an editor typed, error messages, stored fields)."""
    if text is None:
        return ""
    return " ".join(safe_text(str(text)).split())


def clean_field(value: object) -> str:
    """A link, GUID or other token: :func:`safe_text` without line breaks or tabs.

    Not prose, so no whitespace folding and no entity decoding; only what could
    drive a terminal (or split a line) is removed.
    """
    if value is None or value == "":
        return ""
    text = safe_text(str(value))
    return text.replace("\n", "").replace("\t", "").strip()[:8192]


def repair_mojibake(text: str) -> str:
    """``text`` with UTF-8 that was decoded as Windows-1252 or Latin-1 decoded right
    (a feed that double-encodes its titles shows "National â€º Crime"), else as it is."""
    if _MOJIBAKE.search(text) is None:
        return text
    import ftfy  # loaded at the first repair: most text never needs it, and the app starts faster

    return strip_controls(ftfy.fix_encoding(text))  # the repair may decode a control


def _decoded(text: str) -> str:
    """``text`` without controls, its mojibake repaired, in NFC.

    Repaired before the controls go (a C1 byte may be part of a garbled character)
    and again after them and the composition (a control, or a letter written as a
    base and a combining accent, may have hidden a garbled character), so that
    cleaning the result again changes nothing.
    """
    text = unicodedata.normalize("NFC", strip_controls(repair_mojibake(text)))
    return unicodedata.normalize("NFC", repair_mojibake(text))


def clean_line(text: str | None) -> str:
    """Clean a one-line field (title, author, outlet): no newlines, single spaces."""
    if not text:
        return ""
    text = safe_unescape(text) if "&" in text else text
    text = _decoded(text)
    return " ".join(text.split())[:1000]


def clean_text(text: str | None) -> str:
    """Clean a multi-paragraph body: paragraphs separated by one blank line.

    Lines inside a paragraph are kept (single newlines), runs of spaces folded,
    and the text capped at :data:`MAX_TEXT_CHARS`.
    """
    if not text:
        return ""
    text = _decoded(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return text[:MAX_TEXT_CHARS]


_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 "
    "h5 h6 header hr li main nav ol p pre section table tr td th ul".split()
)
_SKIP_TAGS = frozenset("script style noscript template svg iframe object head button form".split())


_META_NAMES = {
    "article:published_time": "published",
    "og:published_time": "published",
    "date": "published",
    "dc.date": "published",
    "pubdate": "published",
    "og:site_name": "source",
    "author": "author",
    "article:author": "author",
    "og:url": "url",
}


class _TextExtractor(HTMLParser):
    """Collect visible text from HTML, breaking paragraphs at block elements."""

    def __init__(self, skip_layout: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self.h1 = ""
        self.meta: dict[str, str] = {}
        self._skip_depth = 0
        self._in_title = False
        self._in_h1 = False
        self._skip_tags = _SKIP_TAGS | ({"nav", "footer", "aside"} if skip_layout else set())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = dict(attrs)
            name = (values.get("property") or values.get("name") or "").lower()
            if name in _META_NAMES and values.get("content"):
                self.meta.setdefault(_META_NAMES[name], str(values["content"]))
            return
        if tag in self._skip_tags:
            self._skip_depth += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "h1":
            self._in_h1 = True
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag not in ("br", "td", "th") else "\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr", "p"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._skip_tags:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "title":
            self._in_title = False
        elif tag == "h1":
            self._in_h1 = False
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        if self._skip_depth:
            return
        if self._in_h1:
            self.h1 += data
        self.parts.append(data)


# A numeric character reference of 8+ significant digits is past U+10FFFF, so it
# means U+FFFD; html.unescape would instead try int() on it, which raises for
# thousands of digits (Python's integer-string limit).
_HUGE_CHARREF = re.compile(r"&#0*[1-9][0-9]{7,};?")
# A "<" that does not open a tag closed before the next "<", or an opening comment
# never closed: CPython's HTMLParser rescans the rest of the input for each of them,
# so 30 KB of "<a " took 25 s and a megabyte would hang ingest. As text they are
# what a browser shows anyway.
_STRAY_LT = re.compile(r"<!--|<(?![A-Za-z/!?][^<>]*>)")


def safe_unescape(text: str) -> str:
    """``html.unescape`` that cannot raise on absurdly long numeric references."""
    return html.unescape(_HUGE_CHARREF.sub("\ufffd", text))


def defuse_markup(markup: str) -> str:
    """Escape the ``<`` that would make HTMLParser take quadratic time (see above)."""
    last_comment_end = markup.rfind("-->")

    def escape(match: re.Match[str]) -> str:
        if match.group() == "<!--" and match.start() < last_comment_end:
            return "<!--"
        return "&lt;" + match.group()[1:]

    return _STRAY_LT.sub(escape, _HUGE_CHARREF.sub("\ufffd", markup))


def _extract(markup: str, skip_layout: bool) -> _TextExtractor:
    parser = _TextExtractor(skip_layout)
    try:
        parser.feed(defuse_markup(markup[: MAX_TEXT_CHARS * 4]))
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - HTMLParser is lenient
        pass
    return parser


def looks_like_html(text: str) -> bool:
    """Guess whether a feed field holds HTML rather than plain text."""
    return bool(
        re.search(r"</?(p|br|div|span|a|em|strong|i|b|ul|li|h\d|img|blockquote)\b", text, re.I)
    )


_LITERAL_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
"""An HTML comment written out as text (a ``&lt;!--`` in the markup): a publisher's
escaped style sheet or template note, never prose (one cut short runs to the end)."""


def html_to_text(markup: str | None) -> str:
    """Turn an HTML fragment into clean text with paragraph breaks and decoded entities.

    Scripts, styles and other invisible elements are dropped, and so are comments
    that the markup escaped into visible text. Inline elements join their
    neighbours; block elements start a new paragraph.
    """
    if not markup:
        return ""
    if not looks_like_html(markup) and "&" not in markup:
        text = markup
    else:
        text = "".join(_extract(markup, skip_layout=False).parts)
    if "<!--" in text:
        text = _LITERAL_COMMENT.sub("\n\n", text)
    return clean_text(text)


def html_document_text(markup: str) -> tuple[str, str, dict[str, str]]:
    """Return ``(title, body, meta)`` of a whole HTML page.

    The title comes from the first ``<h1>`` (``<title>`` usually carries the site's
    name too) or else ``<title>``; navigation, site headers and footers are skipped
    so the body is the page's visible prose. ``meta`` holds what the page's
    ``<meta>`` tags say of ``published``, ``source``, ``author`` and ``url``.
    """
    parser = _extract(markup, skip_layout=True)
    title = clean_line(parser.h1) or clean_line(parser.title)
    body = clean_text("".join(parser.parts))
    if title and body.startswith(title):
        body = body[len(title) :].lstrip()
    return title, body, {key: clean_line(value) for key, value in parser.meta.items()}
