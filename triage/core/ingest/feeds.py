"""Turn feed bytes (RSS, Atom, RDF, JSON Feed) into clean entries.

Parsing never touches the network or the store: it takes bytes and returns
:class:`ParsedFeed` / :class:`Entry` values whose text is already cleaned, or
raises :class:`ParseError` with a one-line reason. Article files are read by
:mod:`triage.core.ingest.articles`, subscription lists by :mod:`triage.core.ingest.opml`.
"""

from __future__ import annotations

import calendar
import io
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser

from triage.core.errors import ParseError
from triage.core.ingest.dates import parse_date_text
from triage.core.links import host_of
from triage.core.textclean import (
    clean_field,
    clean_line,
    clean_text,
    html_to_text,
)

# An internal DTD subset can declare entities that expand exponentially ("billion
# laughs") or name local files; no real feed needs one. feedparser only strips
# declarations that start a line, and expat's own amplification limit still lets
# a one-line bomb cost seconds and ~100 MB, so the subset is dropped up front.
_INTERNAL_SUBSET = re.compile(rb"(<!DOCTYPE[^\[>]*)\[.*?\]\s*>", re.S | re.I)


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
    host = host_of(url)
    return host.removeprefix("www.")


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


def _entry_date(raw: Mapping[str, Any], language: object) -> datetime | None:
    """The entry's date: feedparser's reading, else its raw string through the fallback."""
    for key in ("published", "updated", "created"):
        moment = _struct_to_datetime(raw.get(f"{key}_parsed"))
        if moment is None and raw.get(key):
            moment = parse_date_text(raw.get(key), language)
        if moment is not None:
            return moment
    return None


def _feedparser_entries(parsed: Any, outlet: str) -> list[Entry]:
    entries: list[Entry] = []
    language = parsed.feed.get("language") or ""
    for raw in parsed.entries:
        try:
            entry = _feedparser_entry(raw, outlet, language)
        except (TypeError, ValueError, OverflowError, AttributeError, KeyError):
            continue  # one bad field costs that entry, never the feed
        if entry is not None:
            entries.append(entry)
    return entries


def _feedparser_entry(raw: Mapping[str, Any], outlet: str, language: object) -> Entry | None:
    body, summary = _best_body(raw)
    published = _entry_date(raw, language)
    title = clean_line(raw.get("title"))
    if not title and not body:
        return None
    return Entry(
        title=title or clean_line(summary[:120]) or "(untitled)",
        link=clean_field(raw.get("link")),
        body=body,
        summary=summary,
        author=clean_line(raw.get("author")),
        published=published,
        guid=clean_field(raw.get("id")),
        source=outlet,
    )


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
    language = doc.get("language") or ""
    for item in doc["items"]:
        if not isinstance(item, dict):
            continue
        try:
            entry = _json_feed_entry(item, title, language)
        except (TypeError, ValueError, OverflowError, AttributeError, KeyError):
            continue  # one bad field costs that entry, never the feed
        if entry is not None:
            entries.append(entry)
    return ParsedFeed(title=title, link=link, entries=entries)


def _json_feed_entry(item: dict[str, Any], title: str, language: object) -> Entry | None:
    html_body = str(item.get("content_html") or "")
    text_body = str(item.get("content_text") or "")
    body = html_to_text(html_body) if html_body else clean_text(text_body)
    summary = clean_text(str(item.get("summary") or ""))
    authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
    if not isinstance(authors, list):
        authors = [authors]
    author = ", ".join(str(a.get("name", "")) for a in authors if isinstance(a, dict))
    published = parse_date_text(item.get("date_published"), language) or parse_date_text(
        item.get("date_modified"), language
    )
    if not (item.get("title") or body or summary or item.get("url")):
        return None
    return Entry(
        title=clean_line(str(item.get("title") or "")) or clean_line(body[:120]),
        link=clean_field(item.get("url")),
        body=body or summary,
        summary=summary,
        author=clean_line(author),
        published=published,
        guid=clean_field(item.get("id")),
        source=title,
    )


def parse_iso_time(value: object) -> datetime | None:
    """An ISO 8601 or RFC 2822 time as aware UTC, or None when unreadable."""
    if isinstance(value, datetime):  # YAML-ish front matter may already hold one
        value = value.isoformat()
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, OverflowError, IndexError):
            return parse_date_text(value)
    try:
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError, OSError):
        return None


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
