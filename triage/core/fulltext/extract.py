"""Turn a fetched article page into clean article text.

trafilatura does the extraction; it (and ``lxml_html_clean``, which it imports) is a
dependency of every install. An install where it cannot be imported is broken, so
:class:`ExtractorUnavailable` is raised rather than a weaker extractor used
silently. Its text is tidied: one paragraph per block with blank lines between, the
headline and short unpunctuated furniture at the edges removed, then
:func:`clean_text`.
"""

from __future__ import annotations

import codecs
import logging
import re
import threading
from collections.abc import Callable
from email.message import Message

from triage.core.errors import ExtractorUnavailable as ExtractorUnavailable
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


def word_count(text: str) -> int:
    """Number of words, the unit every threshold of the full-text feature uses."""
    return len(_WORD.findall(text))


def _load_trafilatura() -> Extractor:
    """Import trafilatura once (it is slow to import, so not at module load).

    Raises:
        ExtractorUnavailable: When the import fails, with the cause and the fix.
    """
    global _trafilatura
    with _lock:
        if _trafilatura is not None:
            return _trafilatura
        try:
            import trafilatura
        except ImportError as exc:
            raise ExtractorUnavailable(
                f"article text needs trafilatura, which cannot be imported ({exc}); "
                "the install is incomplete: reinstall triage with its dependencies "
                "(pip install trafilatura lxml_html_clean)"
            ) from exc

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
    if title:
        for index, line in enumerate(paragraphs[:3]):
            if _same_words(line, title):
                del paragraphs[: index + 1]
                break
    while paragraphs and _is_furniture(paragraphs[0]):
        paragraphs.pop(0)
    while paragraphs and _is_furniture(paragraphs[-1]):
        paragraphs.pop()
    return clean_text("\n\n".join(paragraphs))


def extract_article(markup: str, url: str = "", title: str = "") -> str:
    """A page's article text, tidied; empty when the page holds none.

    Raises:
        ExtractorUnavailable: When trafilatura cannot be imported (never a quieter,
            weaker extraction instead).
    """
    run = _load_trafilatura()
    try:
        raw = run(markup, url)
    except Exception:  # a parser bug on one odd page costs that page, not the ingest
        log.exception("trafilatura failed on %s", url or "a page")
        return ""
    return tidy(raw, title)
