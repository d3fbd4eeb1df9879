"""Stories as JSON objects, and rundowns an editor can paste (Markdown, JSON, CSV)."""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from triage.core.links import web_url
from triage.core.models import Quote, StoredQuote, Story
from triage.core.textclean import safe_text

EXPORT_FORMATS = ("md", "json", "csv")


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` all at once: a temporary file beside it,
    flushed to disk, then renamed over it. Killed mid-write or on a full disk,
    the previous file stays whole and no temporary file is left.

    Raises:
        OSError: When the file cannot be written (the old one is then untouched).
    """
    path = Path(path)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # the rename itself reaches the disk
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def iso_z(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as every JSON output prints times."""
    m = moment.astimezone(UTC)
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"


UNDATED_MARK = "~"
"""Put before the age of a story whose source gave no trustworthy date (its age is
then the time triage first saw it)."""


def relative_time(moment: datetime, now: datetime) -> str:
    """When, as an editor reads a list: ``14:05`` today, ``Tue`` within the week,
    ``12 Mar`` this year and ``12 Mar 2018`` before (in ``now``'s time zone), so
    a 2018 story never looks like this year's."""
    local = moment.astimezone(now.tzinfo) if now.tzinfo else moment
    if local.date() == now.date():
        return f"{local:%H:%M}"
    days = (now.date() - local.date()).days
    if 0 < days < 7:
        return f"{local:%a}"
    if local.year == now.year:
        return f"{local.day:02d} {local:%b}"
    return f"{local.day:02d} {local:%b} {local.year:04d}"


def story_age(story: Story, now: datetime) -> str:
    """The Age column for a story: :func:`relative_time`, marked when undated."""
    when = relative_time(story.published, now)
    return when if story.dated else f"{UNDATED_MARK}{when}"


def quote_json(quote: Quote) -> dict[str, object]:
    """A quotation's fields as every ``--json`` output prints them."""
    return {
        "text": quote.text,
        "start": quote.start,
        "end": quote.end,
        "speaker": quote.speaker,
        "speaker_start": quote.speaker_start,
        "speaker_end": quote.speaker_end,
        "role": quote.role,
        "cue": quote.cue,
        "confidence": round(quote.confidence, 3),
    }


def story_summary_json(story: Story) -> dict[str, object]:
    """The fields every story listing shares."""
    return {
        "id": story.id,
        "title": story.title,
        "source": story.source,
        "url": story.url,
        "published": iso_z(story.published),
        "dated": story.dated,
        "tags": list(story.tags),
        "read": story.read,
    }


def story_json(story: Story) -> dict[str, object]:
    """Everything about one story (``triage show --json``)."""
    return {
        **story_summary_json(story),
        "author": story.author,
        "summary": safe_text(story.summary),
        "body": safe_text(story.body),
        "feeds": list(story.feeds),
        "fetched": iso_z(story.fetched),
        "note": story.note,
    }


@dataclass(frozen=True, slots=True)
class ClusterMemberNote:
    """One other story of a story's cluster, as a rundown names it."""

    id: str
    source: str
    title: str
    relation: str  # origin, copy or related
    copy_of: str | None = None


@dataclass(frozen=True, slots=True)
class ClusterNote:
    """A story's cluster as a rundown carries it: size, origin and copies."""

    id: str
    size: int
    relation: str  # this story's: origin, copy or related
    origin: ClusterMemberNote | None
    members: tuple[ClusterMemberNote, ...]

    @property
    def copies(self) -> tuple[ClusterMemberNote, ...]:
        """The members that rewrite another (near-copies)."""
        return tuple(m for m in self.members if m.relation == "copy")


@dataclass(frozen=True, slots=True)
class StoryWork:
    """What the editor's work added to a story: its cluster and its tagged quotes."""

    cluster: ClusterNote | None = None
    quotes: tuple[StoredQuote, ...] = ()


def stored_quote_json(quote: StoredQuote) -> dict[str, object]:
    """A stored quote with its id, story and tags (``quotes --json``, ``show --json``)."""
    return {
        "id": quote.id,
        "story_id": quote.story_id,
        **quote_json(quote.quote),
        "tags": list(quote.tags),
    }


def cluster_note_json(note: ClusterNote) -> dict[str, object]:
    """A story's cluster in ``show --json`` and JSON rundowns."""

    def member(m: ClusterMemberNote) -> dict[str, object]:
        return {
            "id": m.id,
            "source": m.source,
            "title": m.title,
            "relation": m.relation,
            "copy_of": m.copy_of,
        }

    return {
        "id": note.id,
        "size": note.size,
        "relation": note.relation,
        "origin": member(note.origin) if note.origin else None,
        "copies": len(note.copies),
        "stories": [member(m) for m in note.members],
    }


def work_json(work: StoryWork) -> dict[str, object]:
    """The cluster and tagged quotes of a story, as JSON fields."""
    return {
        "cluster": cluster_note_json(work.cluster) if work.cluster else None,
        "tagged_quotes": [stored_quote_json(q) for q in work.quotes],
    }


def said(quote: StoredQuote) -> str:
    """“Quote,” Speaker, role (one line; the speaker unknown when not found)."""
    q = quote.quote
    who = q.speaker or "unknown speaker"
    if q.role:
        who += f", {q.role}"
    return " ".join(f"“{q.text}” — {who}".split())


def cluster_line(note: ClusterNote) -> str:
    """One line on a story's cluster: size, this story's part, the origin and copies."""
    parts = [f"cluster of {note.size}"]
    if note.relation == "origin":
        parts.append("this story is the origin")
    else:
        if note.relation == "copy":
            parts.append("this story is a near-copy")
        if note.origin is not None:
            parts.append(f"origin: {note.origin.source}, {note.origin.title}")
    copies = [c.source for c in note.copies if c is not note.origin]
    if copies and note.relation != "copy":
        parts.append(f"copies: {', '.join(copies)}")
    return "; ".join(parts)


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]()#!|~])")


SUMMARY_CHARS = 400
"""Characters of a story's summary (or body) a markdown rundown quotes."""


def _lead(text: str) -> str:
    """``text`` on one line, cut at a word before ``SUMMARY_CHARS`` and marked "…" when cut
    (a rundown never ends a story's lead mid-word)."""
    flat = " ".join(text.split())
    if len(flat) <= SUMMARY_CHARS:
        return flat
    cut = flat[: SUMMARY_CHARS - 1]
    if " " in cut[SUMMARY_CHARS // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def _markdown_escape(text: str) -> str:
    """Text that renders as itself in Markdown: HTML entities for ``< > &`` (no tag
    can open), a backslash before every character Markdown gives a meaning to."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False))


def _markdown_heading(story: Story) -> str:
    """``## [title](<url>)``, linked only when the URL is a safe http(s) one."""
    title = _markdown_escape(story.title)
    url = web_url(story.url)
    return f"## [{title}](<{url}>)" if url else f"## {title}"


CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, CSV injection)."""


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula (after
    any blanks, which some spreadsheets skip) gets a leading ``'`` (the OWASP
    advice); the CSV module quotes the rest."""
    text = str(value)
    risky = text.startswith(CSV_FORMULA_STARTS) or text.lstrip(" \n").startswith(CSV_FORMULA_STARTS)
    return f"'{text}" if risky else text


def render_export(
    stories: Sequence[Story],
    fmt: str,
    title: str = "",
    work: Mapping[str, StoryWork] | None = None,
) -> str:
    """Render stories as a rundown in ``md``, ``json`` or ``csv``.

    ``work`` (story id -> its cluster and tagged quotes) carries the editor's
    work into the rundown: each story's cluster (size, origin, copies) and the
    quotes tagged on it, with speakers.

    Raises:
        ValueError: For an unknown format.
    """
    done = work or {}
    empty = StoryWork()
    if fmt == "json":
        rows = [{**story_json(s), **work_json(done.get(s.id, empty))} for s in stories]
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            [
                "id",
                "title",
                "source",
                "url",
                "published",
                "tags",
                "read",
                "cluster",
                "cluster_size",
                "cluster_relation",
                "origin",
                "copies",
                "tagged_quotes",
            ]
        )
        for s in stories:
            w = done.get(s.id, empty)
            note = w.cluster
            row: list[object] = [
                s.id,
                s.title,
                s.source,
                s.url,
                iso_z(s.published),
                " ".join(s.tags),
                int(s.read),
                note.id if note else "",
                note.size if note else 1,
                note.relation if note else "",
                f"{note.origin.source}: {note.origin.title}" if note and note.origin else "",
                "; ".join(c.source for c in note.copies) if note else "",
                "\n".join(said(q) for q in w.quotes),
            ]
            writer.writerow([v if isinstance(v, int) else csv_cell(v) for v in row])
        return buffer.getvalue()
    if fmt == "md":
        heading = f"# Rundown: {_markdown_escape(title)}" if title else "# Rundown"
        count = f"{len(stories)} " + ("story" if len(stories) == 1 else "stories")
        lines = [heading, "", count, ""]
        for s in stories:
            w = done.get(s.id, empty)
            tags = " ".join(f"`{t.replace('`', '')}`" for t in s.tags)
            lines.append(_markdown_heading(s))
            meta = f"{_markdown_escape(s.source)} · {s.published:%Y-%m-%d %H:%M} UTC"
            lines.append(f"*{meta}*" + (f" · {tags}" if tags else ""))
            if w.cluster is not None and w.cluster.size > 1:
                lines.append(f"- {_markdown_escape(cluster_line(w.cluster))}")
            lines.append("")
            # a summary that is only the body's first characters (an article file's) was
            # cut mid-word: the body gives the same lead, cut between words
            text = s.body if not s.summary or s.body.startswith(s.summary) else s.summary
            summary = _lead(safe_text(text[: SUMMARY_CHARS * 4]))
            if summary:
                lines.extend([f"> {_markdown_escape(summary)}", ""])
            for q in w.quotes:
                qtags = " ".join(f"`{t.replace('`', '')}`" for t in q.tags)
                lines.append(f"- {_markdown_escape(said(q))} {qtags}".rstrip())
            if w.quotes:
                lines.append("")
        return "\n".join(lines)
    raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
