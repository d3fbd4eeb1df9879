"""Read article files (.txt, .md, .html) as stories.

The title is, in order: a front-matter ``title:``, a Markdown ``#`` heading, an HTML
page's ``og:title`` / ``<h1>`` / ``<title>`` (without the site's name), then the first
line that reads like a headline (see :mod:`triage.core.ingest.titles`). An optional
front-matter block can give what a feed would have (date, outlet, author, link); an
HTML page's metadata comes from its ``<meta>`` tags and its body from the article
extractor, so it starts with the article rather than the site's menus.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from triage.core.errors import ParseError
from triage.core.fulltext import extract_article
from triage.core.ingest.feeds import Entry, parse_iso_time
from triage.core.ingest.titles import html_title, is_navigation, markdown_heading, text_title
from triage.core.links import web_url
from triage.core.textclean import clean_line, clean_text, html_document_text, looks_like_html


def decode_text_file(data: bytes) -> str:
    """Decode an article file: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_article_text(text: str, markdown: bool = False) -> tuple[str, str]:
    """Split a plain-text article into ``(title, body)``.

    A Markdown file's ``#`` heading is its title; otherwise the first line that reads
    like a headline (navigation lines above it are dropped with it). When only a
    lede-length line opens the text, the title is its opening words and the lede
    stays in the body. The body keeps its paragraphs.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    heading = markdown_heading(lines) if markdown else None
    if heading is not None:
        title, index = heading
        above = [line for line in lines[:index] if line.strip()]
        rest = [*above, *lines[index + 1 :]]
    else:
        found = text_title(lines)
        if found is None:
            return "", unwrap_paragraphs(clean_text(text))
        title, start = found
        rest = lines[start:]
    while rest and (
        not rest[0].strip() or is_navigation(rest[0].strip()) or _repeats(rest[0], title)
    ):
        rest.pop(0)  # site furniture (a player, the headline again) above the article
    return clean_line(title), unwrap_paragraphs(clean_text("\n".join(rest)))


_REPEAT_MIN_CHARS = 20
"""A line this long that ends the title repeats it ("X" under "False: X")."""


def _repeats(line: str, title: str) -> bool:
    """Whether a line under the headline is the headline again (whole or its tail)."""
    said, heading = " ".join(line.split()).casefold(), " ".join(title.split()).casefold()
    return said == heading or (len(said) >= _REPEAT_MIN_CHARS and heading.endswith(said))


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
        title, body, fields = _html_article(text)
    else:
        fields, text = split_front_matter(text)
        title, body = parse_article_text(text, markdown=suffix in (".md", ".markdown"))
        if clean_line(fields.get("title")) and title != clean_line(fields.get("title")):
            body = unwrap_paragraphs(clean_text(text))  # the first line is text, not a title
    title = clean_line(fields.get("title")) or title
    if not title and not body:
        raise ParseError("empty article file")
    mtime = datetime.fromtimestamp(int(path.stat().st_mtime), UTC) if path.exists() else None
    return Entry(
        title=title or clean_line(path.stem),
        # only a web address identifies a file's story beside the feeds' (the file's
        # own URI otherwise): "url: javascript:…" in three files must not merge them
        link=web_url(fields.get("link")) or path.resolve().as_uri(),
        body=body,
        summary=body[:300],
        author=clean_line(fields.get("author")),
        published=parse_iso_time(fields.get("published")) or mtime,
        source=clean_line(fields.get("source")) or clean_line(path.parent.name) or "files",
    )


def _html_article(markup: str) -> tuple[str, str, dict[str, str]]:
    """``(title, body, fields)`` of a saved web page.

    The body is the article extractor's text; a page too small for it to find an
    article (a hand-made snippet) keeps its visible prose instead.
    """
    _, visible, fields = html_document_text(markup)
    if "url" in fields:
        fields["link"] = fields.pop("url")
    title = html_title(markup, fields.get("source", ""), fields.get("link", ""))
    body = extract_article(markup, fields.get("link", ""), title) or visible
    if not title:
        lines = body.split("\n")
        found = text_title(lines)
        if found is not None:
            title = found[0]
            body = "\n".join(lines[found[1] :]).strip()
    elif body.startswith(title):
        body = body[len(title) :].lstrip()
    return title, body, fields
