"""A small, dependency-free article extractor, used when trafilatura is not installed.

It follows the idea behind readability-style extractors, simplified: parse the page
into a light tree (skipping scripts, styles, forms and elements whose class or id
names them as navigation, comments, cookie banners, sharing tools…), cut the
visible text into paragraphs at block elements and at ``<br><br>``, call a
paragraph *good* when it is long and mostly not link text, and pick the element
whose subtree holds the most good text minus everything else. The article is the
good paragraphs (and sub-headings) inside that element, in page order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from triage.core.textclean import defuse_markup

_SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "object",
        "embed",
        "head",
        "form",
        "button",
        "select",
        "textarea",
        "nav",
        "footer",
        "aside",
        "figure",
        "figcaption",
        "header",
        "menu",
        "dialog",
        "canvas",
        "video",
        "audio",
    }
)
_VOID_TAGS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "body",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "html",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
#: Words in a class or id that mark an element as page furniture, not article.
_BOILERPLATE_WORDS = frozenset(
    {
        "ad",
        "ads",
        "adslot",
        "advert",
        "advertisement",
        "banner",
        "breadcrumb",
        "breadcrumbs",
        "byline",
        "caption",
        "comment",
        "comments",
        "consent",
        "cookie",
        "cookies",
        "disqus",
        "footer",
        "gdpr",
        "masthead",
        "menu",
        "meta",
        "modal",
        "more",
        "nav",
        "navbar",
        "navigation",
        "newsletter",
        "outbrain",
        "popup",
        "promo",
        "recommended",
        "related",
        "reply",
        "share",
        "sharing",
        "sidebar",
        "social",
        "sponsor",
        "sponsored",
        "subscribe",
        "taboola",
        "tags",
        "teaser",
        "toolbar",
        "widget",
    }
)
_CLASS_SPLIT = re.compile(r"[\s_\-]+")
_SENTENCE_END = re.compile(r"[.!?…\"'”’»)]\s*$")
_WORD = re.compile(r"\w+")

GOOD_MIN_WORDS = 8
"""A paragraph shorter than this is not evidence of article text on its own."""
MAX_LINK_DENSITY = 0.35
"""Paragraphs with more link text than this share are navigation or teasers."""


@dataclass(eq=False)
class _Node:
    """An element that can hold paragraphs (only block elements get a node)."""

    tag: str
    parent: _Node | None
    good: int = 0
    other: int = 0

    def ancestors(self) -> list[_Node]:
        chain: list[_Node] = []
        node: _Node | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


@dataclass
class _Paragraph:
    node: _Node
    tag: str
    text_parts: list[str] = field(default_factory=list)
    link_chars: int = 0

    @property
    def text(self) -> str:
        return " ".join("".join(self.text_parts).split())


def _is_boilerplate(attrs: list[tuple[str, str | None]]) -> bool:
    for name, value in attrs:
        if name in ("class", "id", "role") and value:
            words = {w.lower() for w in _CLASS_SPLIT.split(value) if w}
            if words & _BOILERPLATE_WORDS:
                return True
        if name == "aria-hidden" and value == "true":
            return True
        if name == "hidden":
            return True
    return False


class _ParagraphParser(HTMLParser):
    """Cut a page into paragraphs, each attached to its nearest block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", None)
        self.paragraphs: list[_Paragraph] = []
        self._stack: list[tuple[str, _Node | None]] = []  # (tag, node opened by it)
        self._node = self.root
        self._skip: list[str] = []
        self._current: _Paragraph | None = None
        self._in_link = 0
        self._pending_br = False

    # -- paragraph boundaries ---------------------------------------------------------

    def _close_paragraph(self) -> None:
        if self._current is not None and self._current.text:
            self.paragraphs.append(self._current)
        self._current = None

    def _paragraph(self) -> _Paragraph:
        if self._current is None:
            tag = self._stack[-1][0] if self._stack else "#root"
            self._current = _Paragraph(self._node, tag)
        return self._current

    # -- parser callbacks -------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            if tag not in _VOID_TAGS:
                self._skip.append(tag)
            return
        if tag in _VOID_TAGS:
            if tag == "br":
                if self._pending_br:
                    self._close_paragraph()
                    self._pending_br = False
                else:
                    self._pending_br = True
                    if self._current is not None:
                        self._current.text_parts.append(" ")
            elif tag == "hr":
                self._close_paragraph()
            return
        if tag in _SKIP_TAGS or _is_boilerplate(attrs):
            self._close_paragraph()
            self._skip.append(tag)
            return
        if tag == "a":
            self._in_link += 1
        if tag in _BLOCK_TAGS:
            self._close_paragraph()
            node = _Node(tag, self._node)
            self._node = node
            self._stack.append((tag, node))
        else:
            self._stack.append((tag, None))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        if not any(open_tag == tag for open_tag, _ in self._stack):
            return  # a stray end tag
        while self._stack:
            open_tag, node = self._stack.pop()
            if node is not None:
                self._close_paragraph()
                self._node = node.parent or self.root
            elif open_tag == "a":
                self._in_link = max(0, self._in_link - 1)
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._skip or not data.strip():
            if data and self._current is not None and not self._skip:
                self._current.text_parts.append(" ")
            return
        self._pending_br = False
        paragraph = self._paragraph()
        paragraph.text_parts.append(data)
        if self._in_link:
            paragraph.link_chars += len(data.strip())


def _is_good(paragraph: _Paragraph, text: str) -> bool:
    words = len(_WORD.findall(text))
    density = paragraph.link_chars / max(1, len(text))
    return words >= GOOD_MIN_WORDS and density <= MAX_LINK_DENSITY


def _keep_inside(paragraph: _Paragraph, text: str) -> bool:
    """Whether a paragraph inside the chosen element belongs to the article."""
    if _is_good(paragraph, text):
        return True
    density = paragraph.link_chars / max(1, len(text))
    if density > MAX_LINK_DENSITY:
        return False
    if paragraph.tag in _HEADINGS:
        return True
    return len(_WORD.findall(text)) >= 4 and bool(_SENTENCE_END.search(text))


def extract_fallback(markup: str) -> str:
    """Return the main article text of an HTML page, paragraphs separated by blank lines.

    Returns an empty string when no element holds enough prose to be an article.
    """
    parser = _ParagraphParser()
    try:
        parser.feed(defuse_markup(markup))
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - HTMLParser is lenient
        pass
    parser._close_paragraph()
    texts = [p.text for p in parser.paragraphs]
    for paragraph, text in zip(parser.paragraphs, texts, strict=True):
        good = _is_good(paragraph, text)
        for node in paragraph.node.ancestors():
            if good:
                node.good += len(text)
            else:
                node.other += len(text)
    best: _Node | None = None
    best_score = 0
    seen: set[int] = set()
    for paragraph in parser.paragraphs:  # deepest first along each chain, so ties keep it
        for node in paragraph.node.ancestors():
            if id(node) in seen:
                continue
            seen.add(id(node))
            score = node.good - node.other
            if node.good and score > best_score:
                best, best_score = node, score
    if best is None:
        return ""
    kept = [
        text
        for paragraph, text in zip(parser.paragraphs, texts, strict=True)
        if best in paragraph.node.ancestors() and _keep_inside(paragraph, text)
    ]
    return "\n\n".join(kept)
