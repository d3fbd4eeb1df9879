"""Read article files (.txt, .md, .html) as stories.

A plain-text article's first non-empty line is its title and the rest its body; an
optional front-matter block can give what a feed would have (date, outlet,
author, link). An HTML page's title comes from its ``<h1>`` and its metadata from
its ``<meta>`` tags.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from triage.core.errors import ParseError
from triage.core.ingest.feeds import Entry, parse_iso_time
from triage.core.textclean import clean_line, clean_text, html_document_text, looks_like_html


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
        published=parse_iso_time(fields.get("published")) or mtime,
        source=clean_line(fields.get("source")) or clean_line(path.parent.name) or "files",
    )
