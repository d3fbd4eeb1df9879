"""Subscription lists: read and write OPML 2.0."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from triage.core.errors import ParseError
from triage.core.links import is_private_host, web_url
from triage.core.textclean import clean_line


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


PRIVATE_REFUSAL = "a loopback or private-network address (allow with --allow-private)"


def vet_opml(
    listed: list[OpmlFeed], allow_private: bool = False
) -> tuple[list[OpmlFeed], list[tuple[OpmlFeed, str]]]:
    """Split an OPML file's feeds into those to subscribe and those refused, with why.

    An OPML file is someone else's list: an address that is not plain http(s)
    (``file:``, a disguised host) is refused, and so, unless ``allow_private``, is
    one on loopback or a private network (a list must not make triage probe the
    editor's own machine or office network).
    """
    taken: list[OpmlFeed] = []
    refused: list[tuple[OpmlFeed, str]] = []
    for item in listed:
        if web_url(item.url) != item.url.strip():
            refused.append((item, "not a plain http(s) address"))
        elif not allow_private and is_private_host(item.url):
            refused.append((item, PRIVATE_REFUSAL))
        else:
            taken.append(item)
    return taken, refused


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
