"""Turn raw inputs (feed bytes, article files, OPML) into clean entries.

Parsing never touches the network or the store: it takes bytes and returns
:class:`ParsedFeed` / :class:`Entry` values whose text is already cleaned, or
raises :class:`ParseError` with a one-line reason.
"""

from __future__ import annotations

import calendar
import io
import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser

from triage.core.textclean import (
    clean_line,
    clean_text,
    html_document_text,
    html_to_text,
    looks_like_html,
    strip_controls,
)

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".rdf", ".json", ".feed"})
OPML_SUFFIXES = frozenset({".opml"})


# An internal DTD subset can declare entities that expand exponentially ("billion
# laughs") or name local files; no real feed needs one. feedparser only strips
# declarations that start a line, and expat's own amplification limit still lets
# a one-line bomb cost seconds and ~100 MB, so the subset is dropped up front.
_INTERNAL_SUBSET = re.compile(rb"(<!DOCTYPE[^\[>]*)\[.*?\]\s*>", re.S | re.I)


class ParseError(Exception):
    """An input that cannot be read as what it claims to be; the message is one line."""


@dataclass(slots=True)
class Entry:
    """One story as read from a feed or a file, before identity is decided."""

    title: str
    link: str
    body: str
    summary: str = ""
    author: str = ""
    published: datetime | None = None
    guid: str = ""
    source: str = ""


@dataclass(slots=True)
class ParsedFeed:
    """A feed's own metadata and its entries."""

    title: str
    link: str
    entries: list[Entry] = field(default_factory=list)


def domain_of(url: str) -> str:
    """The host of ``url`` without a leading ``www.``, used as a fallback outlet name."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def clean_field(value: object) -> str:
    """A link or GUID as text without escape sequences, controls or bidi overrides.

    They are shown to editors (``triage show``, exports) but are not prose, so
    they get no whitespace folding; only what could drive a terminal is removed.
    """
    return strip_controls(str(value or "")).strip() if value else ""


def _struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _best_body(entry: Mapping[str, Any]) -> tuple[str, str]:
    """Return ``(body, summary)`` as clean text, taking the fullest content given."""
    summary_raw = str(entry.get("summary") or "")
    contents = [str(c.get("value") or "") for c in entry.get("content") or []]
    body_raw = max(contents, key=len) if contents else ""
    summary = html_to_text(summary_raw)
    body = html_to_text(body_raw) if body_raw else ""
    if len(body) < len(summary):
        body = summary
    return body, summary


def _feedparser_entries(parsed: Any, outlet: str) -> list[Entry]:
    entries: list[Entry] = []
    for raw in parsed.entries:
        body, summary = _best_body(raw)
        published = (
            _struct_to_datetime(raw.get("published_parsed"))
            or _struct_to_datetime(raw.get("updated_parsed"))
            or _struct_to_datetime(raw.get("created_parsed"))
        )
        title = clean_line(raw.get("title"))
        if not title and not body:
            continue
        entries.append(
            Entry(
                title=title or clean_line(summary[:120]) or "(untitled)",
                link=clean_field(raw.get("link")),
                body=body,
                summary=summary,
                author=clean_line(raw.get("author")),
                published=published,
                guid=clean_field(raw.get("id")),
                source=outlet,
            )
        )
    return entries


def _parse_json_feed(data: bytes, location: str) -> ParsedFeed:
    try:
        doc = json.loads(data.decode("utf-8-sig", errors="replace"))
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON Feed: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise ParseError("not a JSON Feed: no 'items' list")
    link = str(doc.get("home_page_url") or "")
    title = clean_line(str(doc.get("title") or "")) or domain_of(link or location)
    entries: list[Entry] = []
    for item in doc["items"]:
        if not isinstance(item, dict):
            continue
        html_body = str(item.get("content_html") or "")
        text_body = str(item.get("content_text") or "")
        body = html_to_text(html_body) if html_body else clean_text(text_body)
        summary = clean_text(str(item.get("summary") or ""))
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        author = ", ".join(str(a.get("name", "")) for a in authors if isinstance(a, dict))
        published = _parse_iso(item.get("date_published")) or _parse_iso(item.get("date_modified"))
        if not (item.get("title") or body or summary or item.get("url")):
            continue
        entries.append(
            Entry(
                title=clean_line(str(item.get("title") or "")) or clean_line(body[:120]),
                link=clean_field(item.get("url")),
                body=body or summary,
                summary=summary,
                author=clean_line(author),
                published=published,
                guid=clean_field(item.get("id")),
                source=title,
            )
        )
    return ParsedFeed(title=title, link=link, entries=entries)


def _parse_iso(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_feed(
    data: bytes, location: str, content_type: str = "", declared_name: str = ""
) -> ParsedFeed:
    """Parse feed bytes (RSS, Atom, RDF or JSON Feed) into clean entries.

    Args:
        data: The raw bytes as served or read from disk.
        location: The feed's URL or path, used to resolve relative links and as the
            fallback outlet name.
        content_type: The HTTP Content-Type header, when there was one: feedparser
            uses its charset to decode.
        declared_name: An outlet name given by the editor, preferred over the
            feed's own title.

    Raises:
        ParseError: When the bytes are not a feed at all (HTML page, broken XML with
            no readable entries, empty body).
    """
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ParseError("empty response")
    if stripped[:1] in (b"{", b"[") or "json" in content_type.lower():
        feed = _parse_json_feed(data, location)
        if declared_name:
            feed.title = declared_name
            for entry in feed.entries:
                entry.source = declared_name
        return feed
    if b"<!ENTITY" in data:
        data = _INTERNAL_SUBSET.sub(rb"\1>", data, count=1)
    headers = {"content-location": location}
    if content_type:
        headers["content-type"] = content_type
    # feedparser's HTML sanitiser and URI resolver rescan the text for every
    # unclosed comment (100 KB took a minute); we reduce all HTML to plain text
    # ourselves (textclean), so both passes are useless here and are turned off.
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    link = str(parsed.feed.get("link") or "")
    if not parsed.entries:
        if not parsed.get("version"):
            kind = "an HTML page" if b"<html" in stripped[:2000].lower() else "a feed"
            reason = f": {_bozo_reason(parsed)}" if parsed.get("bozo") and kind == "a feed" else ""
            raise ParseError(
                f"not a feed (looks like {kind}){reason}"
                if kind != "a feed"
                else f"unreadable feed{reason}"
            )
        if _is_malformed(parsed):
            raise ParseError(f"unreadable feed: {_bozo_reason(parsed)}")
        return ParsedFeed(title=clean_line(parsed.feed.get("title")), link=link)
    title = declared_name or clean_line(parsed.feed.get("title")) or domain_of(link or location)
    entries = _feedparser_entries(parsed, title)
    if not entries and _is_malformed(parsed):
        raise ParseError(f"unreadable feed: {_bozo_reason(parsed)}")
    return ParsedFeed(title=title, link=link, entries=entries)


def _is_malformed(parsed: Any) -> bool:
    """Whether feedparser hit broken XML (not a mere charset or content-type warning).

    Broken XML with no readable entry must be an error: returning an empty feed
    would record a success and hide the breakage from the editor.
    """
    exc = parsed.get("bozo_exception")
    return bool(parsed.get("bozo")) and not isinstance(exc, feedparser.ThingsNobodyCaresAboutButMe)


def _bozo_reason(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    return clean_line(str(exc)) if exc else "malformed XML"


def decode_text_file(data: bytes) -> str:
    """Decode an article file: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_article_text(text: str, markdown: bool = False) -> tuple[str, str]:
    """Split a plain-text article into ``(title, body)``.

    The first non-empty line is the title (a Markdown heading's ``#`` marks are
    removed); the rest is the body. The body keeps its paragraphs.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for index, line in enumerate(lines):
        if line.strip():
            title = line.strip()
            if markdown:
                title = title.lstrip("#").strip()
            return clean_line(title), unwrap_paragraphs(clean_text("\n".join(lines[index + 1 :])))
    return "", ""


_LIST_OR_HEADING = re.compile(r"^\s*(?:[-*•#>]|\d+[.)])\s")


def unwrap_paragraphs(text: str) -> str:
    """Normalise plain text to paragraphs separated by one blank line.

    Text that uses blank lines between paragraphs is hard-wrapped: its single
    line breaks are joined with a space (list items and headings keep theirs).
    Text without any blank line uses one line per paragraph, so each line break
    becomes a paragraph break. Either way a quotation that wraps across lines stays
    one run of text.
    """
    if "\n\n" not in text:
        return text.replace("\n", "\n\n")
    paragraphs = []
    for block in text.split("\n\n"):
        lines = block.split("\n")
        joined = lines[0]
        for line in lines[1:]:
            joined += ("\n" if _LIST_OR_HEADING.match(line) else " ") + line
        paragraphs.append(joined)
    return "\n\n".join(paragraphs)


_FRONT_MATTER_KEYS = {
    "title": "title",
    "date": "published",
    "published": "published",
    "source": "source",
    "outlet": "source",
    "author": "author",
    "by": "author",
    "url": "link",
    "link": "link",
}


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Read an optional ``---`` block of ``key: value`` lines at the top of an article.

    Editors who save articles by hand can record what a feed would have given
    (``date``, ``source``, ``author``, ``url``, ``title``); unknown keys are ignored.
    Returns the recognised fields and the text after the block.
    """
    stripped = text.lstrip("\ufeff")
    if not stripped.startswith("---"):
        return {}, text
    lines = stripped.split("\n")
    if lines[0].strip() != "---":
        return {}, text
    fields: dict[str, str] = {}
    for index, line in enumerate(lines[1:40], 1):
        if line.strip() == "---":
            return fields, "\n".join(lines[index + 1 :])
        key, sep, value = line.partition(":")
        name = _FRONT_MATTER_KEYS.get(key.strip().lower())
        if sep and name:
            fields[name] = value.strip().strip("\"'")
    return {}, text


def parse_article_file(path: Path, data: bytes) -> Entry:
    """Read an article file (.txt, .md or .html) as one story.

    The outlet is the folder's name and the date the file's modification time,
    unless a front-matter block (see :func:`split_front_matter`) says otherwise.

    Raises:
        ParseError: When the file holds no text.
    """
    text = decode_text_file(data)
    suffix = path.suffix.lower()
    fields: dict[str, str] = {}
    if suffix in (".html", ".htm") or (suffix not in (".txt", ".md") and looks_like_html(text)):
        title, body, fields = html_document_text(text)
        if "url" in fields:
            fields["link"] = fields.pop("url")
    else:
        fields, text = split_front_matter(text)
        title, body = parse_article_text(text, markdown=suffix in (".md", ".markdown"))
    title = clean_line(fields.get("title")) or title
    if not title and not body:
        raise ParseError("empty article file")
    mtime = datetime.fromtimestamp(int(path.stat().st_mtime), UTC) if path.exists() else None
    return Entry(
        title=title or clean_line(path.stem),
        link=fields.get("link") or path.resolve().as_uri(),
        body=body,
        summary=body[:300],
        author=clean_line(fields.get("author")),
        published=_parse_iso(fields.get("published")) or mtime,
        source=clean_line(fields.get("source")) or clean_line(path.parent.name) or "files",
    )


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One subscription listed in an OPML file."""

    url: str
    name: str = ""
    category: str = ""


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """Return every feed outline (``xmlUrl``) of an OPML document, nested ones included.

    Raises:
        ParseError: When the document is not well-formed XML or lists no feeds.
    """
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        raise ParseError("OPML with a DOCTYPE or entities is refused")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ParseError(f"invalid OPML: {exc}") from None
    feeds: list[OpmlFeed] = []

    def walk(node: ET.Element, category: str) -> None:
        for child in node.findall("outline"):
            url = (child.get("xmlUrl") or child.get("xmlurl") or "").strip()
            name = clean_line(child.get("title") or child.get("text") or "")
            if url:
                feeds.append(OpmlFeed(url=url, name=name, category=category))
            else:
                walk(child, name or category)

    body = root.find("body")
    walk(body if body is not None else root, "")
    return feeds


def render_opml(feeds: list[OpmlFeed], title: str = "triage subscriptions") -> str:
    """Serialise subscriptions as an OPML 2.0 document."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for feed in feeds:
        attrs = {"type": "rss", "text": feed.name or feed.url, "xmlUrl": feed.url}
        if feed.name:
            attrs["title"] = feed.name
        if feed.category:
            attrs["category"] = feed.category
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
