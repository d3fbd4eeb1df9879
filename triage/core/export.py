"""Stories as JSON objects, and rundowns an editor can paste (Markdown, JSON, CSV)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime

from triage.core.models import Quote, Story

EXPORT_FORMATS = ("md", "json", "csv")


def iso_z(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as every JSON output prints times."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def relative_time(moment: datetime, now: datetime) -> str:
    """Age as an editor reads it: ``now``, ``12m``, ``5h``, ``3d``, or a date."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)}d"
    return moment.strftime("%d %b")


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
        "tags": list(story.tags),
        "read": story.read,
    }


def story_json(story: Story) -> dict[str, object]:
    """Everything about one story (``triage show --json``)."""
    return {
        **story_summary_json(story),
        "author": story.author,
        "summary": story.summary,
        "body": story.body,
        "feeds": list(story.feeds),
        "fetched": iso_z(story.fetched),
        "note": story.note,
    }


def _markdown_escape(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]").replace("*", "\\*").replace("_", "\\_")


def render_export(stories: Sequence[Story], fmt: str, title: str = "") -> str:
    """Render stories as a rundown in ``md``, ``json`` or ``csv``.

    Raises:
        ValueError: For an unknown format.
    """
    if fmt == "json":
        return json.dumps([story_json(s) for s in stories], ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["id", "title", "source", "url", "published", "tags", "read"])
        for s in stories:
            writer.writerow(
                [s.id, s.title, s.source, s.url, iso_z(s.published), " ".join(s.tags), int(s.read)]
            )
        return buffer.getvalue()
    if fmt == "md":
        heading = f"# Rundown: {title}" if title else "# Rundown"
        lines = [heading, "", f"{len(stories)} stories", ""]
        for s in stories:
            tags = " ".join(f"`{t}`" for t in s.tags)
            lines.append(f"## [{_markdown_escape(s.title)}]({s.url})")
            meta = f"{_markdown_escape(s.source)} · {s.published:%Y-%m-%d %H:%M} UTC"
            lines.append(f"*{meta}*" + (f" · {tags}" if tags else ""))
            lines.append("")
            summary = (s.summary or s.body)[:400].replace("\n", " ")
            if summary:
                lines.extend([f"> {_markdown_escape(summary)}", ""])
        return "\n".join(lines)
    raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
