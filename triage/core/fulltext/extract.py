"""Turn a fetched article page into clean article text.

trafilatura does the extraction when it is installed (it is the ``fulltext``
extra): on the project's own test pages it matches or beats the built-in
extractor on every layout (see ``benchmarks/fulltext.py``). Without it, the
dependency-free :func:`~triage.core.fulltext.fallback.extract_fallback` is used and
a warning says so once per process. Either way the text is tidied the same way:
one paragraph per block with blank lines between, the headline and short
unpunctuated furniture at the edges removed, then :func:`clean_text`.
"""

from __future__ import annotations

import codecs
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message

from triage.core.fulltext.fallback import extract_fallback
from triage.core.textclean import clean_text

log = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…\"'”’»)]\s*$")
EDGE_MAX_WORDS = 6
"""Lines this short without sentence punctuation at the top or bottom are furniture."""

Extractor = Callable[[str, str], str]
_lock = threading.Lock()
_trafilatura: Extractor | None = None
_loaded = False


@dataclass(frozen=True, slots=True)
class Extraction:
    """The article text of one page and which extractor produced it."""

    text: str
    method: str


def word_count(text: str) -> int:
    """Number of words, the unit every threshold of the full-text feature uses."""
    return len(_WORD.findall(text))


def _load_trafilatura() -> Extractor | None:
    """Import trafilatura once (it is slow to import); warn once when it is missing."""
    global _trafilatura, _loaded
    with _lock:
        if _loaded:
            return _trafilatura
        _loaded = True
        try:
            import trafilatura
        except ImportError:
            log.warning(
                "trafilatura is not installed: full text uses the simple built-in extractor "
                "(install the 'fulltext' extra for better results)"
            )
            return None

        def run(markup: str, url: str) -> str:
            result = trafilatura.extract(
                markup,
                url=url or None,
                output_format="txt",
                include_comments=False,
                include_tables=False,
                include_images=False,
                include_links=False,
                deduplicate=False,
            )
            return str(result or "")

        _trafilatura = run
        return _trafilatura


def trafilatura_available() -> bool:
    """Whether the preferred extractor can be used in this process."""
    return _load_trafilatura() is not None


def is_html(content_type: str) -> bool:
    """Whether a response's Content-Type can hold an article page."""
    return content_type.split(";", 1)[0].strip().lower() in _HTML_TYPES


def decode_html(content: bytes, content_type: str = "") -> str:
    """Decode a page: the header's charset, else a ``<meta>`` charset, else UTF-8/cp1252."""
    candidates: list[str] = []
    if content_type:
        message = Message()
        message["content-type"] = content_type
        charset = message.get_param("charset")
        if isinstance(charset, str):
            candidates.append(charset)
    found = _META_CHARSET.search(content[:4096])
    if found:
        candidates.append(found.group(1).decode("ascii", "replace"))
    for name in candidates:
        try:
            codecs.lookup(name)
        except LookupError:
            continue
        return content.decode(name, errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _same_words(a: str, b: str) -> bool:
    return [w.lower() for w in _WORD.findall(a)] == [w.lower() for w in _WORD.findall(b)]


def _is_furniture(line: str) -> bool:
    return word_count(line) <= EDGE_MAX_WORDS and not _SENTENCE_END.search(line)


def tidy(text: str, title: str = "") -> str:
    """Paragraphs from an extractor's lines, without the headline or edge furniture."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    paragraphs = [line for line in lines if line]
    if paragraphs and title and _same_words(paragraphs[0], title):
        paragraphs.pop(0)
    while paragraphs and _is_furniture(paragraphs[0]):
        paragraphs.pop(0)
    while paragraphs and _is_furniture(paragraphs[-1]):
        paragraphs.pop()
    return clean_text("\n\n".join(paragraphs))


def extract_with(method: str, markup: str, url: str = "", title: str = "") -> str:
    """Run one named extractor (``"trafilatura"`` or ``"fallback"``) and tidy its text.

    Used by :func:`extract_article` and by the benchmark to compare the two.
    """
    if method == "trafilatura":
        run = _load_trafilatura()
        if run is None:
            return ""
        try:
            raw = run(markup, url)
        except Exception:  # a parser bug on one odd page must not stop an ingest
            log.exception("trafilatura failed on %s", url or "a page")
            return ""
    else:
        raw = extract_fallback(markup)
    return tidy(raw, title)


def extract_article(markup: str, url: str = "", title: str = "") -> Extraction:
    """Extract a page's article text, with trafilatura when it can, else the fallback.

    Returns an :class:`Extraction` whose ``text`` is empty when neither extractor
    found any article text.
    """
    if trafilatura_available():
        text = extract_with("trafilatura", markup, url, title)
        if text:
            return Extraction(text, "trafilatura")
    return Extraction(extract_with("fallback", markup, url, title), "fallback")
