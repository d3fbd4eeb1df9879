"""How the CLI prints: Rich tables for people, JSON objects for scripts.

Every piece of feed or article text is wrapped in ``rich.text.Text`` before it
reaches Rich, so markup-looking content (``[bold]``, ``[link=…]``) is printed
literally and never interpreted.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from triage.core.clusters import Cluster
from triage.core.desk import SearchPage, SearchRow
from triage.core.errors import ParseError
from triage.core.export import (
    ClusterNote,
    cluster_line,
    iso_z,
    quote_json,
    relative_time,
    story_age,
    story_summary_json,
)
from triage.core.models import AlertHit, Feed, IngestReport, StoredQuote, Story
from triage.core.rules import Rule, Trial
from triage.core.search import Snippet
from triage.core.store import Assignment, RuleRow, TagMark
from triage.core.textclean import safe_line, safe_text, strip_controls

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def progress_printer() -> Callable[[str, int, int], None] | None:
    """A progress callback that redraws one status line on a terminal's stderr."""
    if not sys.stderr.isatty():
        return None

    def show(stage: str, done: int, total: int) -> None:
        end = "\n" if done >= total and stage == "index" else ""
        sys.stderr.write(f"\r\x1b[2K{stage}: {done}/{total}{end}")
        sys.stderr.flush()

    return show


def ingest_summary(report: IngestReport) -> None:
    """One line: what the run added, updated, left unchanged, and how many sources failed."""
    line = (
        f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}"
        + (f", not modified {report.not_modified}" if report.not_modified else "")
        + (f", {len(report.errors)} failed" if report.errors else "")
        + (f"; rules acted on {report.ruled}" if report.ruled else "")
    )
    console.print(Text(line))


def rules(found: Sequence[Rule | tuple[RuleRow, str]], as_json: bool) -> None:
    """``triage rules list``: number, query and actions of each rule, in the order they run."""
    listed = []
    for item in found:
        if isinstance(item, Rule):
            listed.append({"id": item.id, "query": item.query, "actions": item.actions.text()})
        else:
            row, reason = item
            listed.append(
                {"id": row.id, "query": row.query, "actions": row.actions, "error": reason}
            )
    if as_json:
        print(json.dumps(listed, ensure_ascii=False, indent=2))
        return
    if not listed:
        console.print(Text("no rules (triage rules add 'QUERY -> tag NAME' adds one)"))
        return
    table = Table(box=None, pad_edge=False)
    for column in ("#", "query", "actions"):
        table.add_column(column, overflow="fold")
    for entry in listed:
        actions = Text(str(entry["actions"]))
        if "error" in entry:
            actions.append(f"  ({entry['error']})", style="red")
        table.add_row(Text(str(entry["id"])), Text(str(entry["query"])), actions)
    console.print(table)


def trial(found: Trial, as_json: bool) -> None:
    """``triage rules try``: how many stories the query matches now, and the newest few."""
    if as_json:
        shown = {"total": found.total, "stories": [story_summary_json(s) for s in found.sample]}
        print(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    console.print(Text(f"{found.total} {'story' if found.total == 1 else 'stories'} would match"))
    for story in found.sample:
        line = Text(f"  {story.id[:10]}  ", style="dim")
        line.append(Text(story.title or "(untitled)"))
        line.append(Text(f"  {story.source}", style="dim"))
        console.print(line, overflow="ellipsis", no_wrap=True)


def alerts(hits: Sequence[tuple[AlertHit, Sequence[Story]]]) -> None:
    """``triage fetch --alerts``: each alert's new stories (nothing when none matched)."""
    for hit, stories in hits:
        count = f"{len(stories)} new {'story' if len(stories) == 1 else 'stories'}"
        console.print(Text(f"alert {hit.name}: {count}  ({hit.query})", style="bold"))
        for story in stories:
            line = Text(f"  {story.id[:10]}  ", style="dim")
            line.append(Text(story.title or "(untitled)"))
            line.append(Text(f"  {story.source}  {story.url}", style="dim"))
            console.print(line, overflow="fold")


def age(moment: datetime) -> str:
    """How long ago, as the story list shows it."""
    return relative_time(moment, datetime.now(UTC))


def snippet_text(snippet: Snippet) -> Text:
    """A snippet with its highlights as styled spans (never as markup)."""
    text = Text(safe_text(snippet.text), style="dim")
    for start, end in snippet.spans:
        text.stylize("bold yellow", start, end)
    return text


def search_row_json(row: SearchRow) -> dict[str, object]:
    """A search result as printed by ``triage search --json``."""
    return {
        **story_summary_json(row.story),
        "score": round(row.score, 4),
        "snippet": safe_text(row.snippet.text),
        "highlights": [list(span) for span in row.snippet.spans],
    }


def search_table(page: SearchPage, query: str) -> None:
    """Results as a table: id, age, outlet, title with snippet, tags."""
    table = Table(show_header=True, header_style="bold", expand=True, show_lines=False)
    table.add_column("id", no_wrap=True, style="cyan")
    table.add_column("age", no_wrap=True)
    table.add_column("source", max_width=20)
    table.add_column("story", ratio=1)
    table.add_column("tags", max_width=20)
    for row in page.rows:
        story_cell = Text(row.story.title, style="" if row.story.read else "bold")
        if row.snippet.text:
            story_cell.append("\n")
            story_cell.append_text(snippet_text(row.snippet))
        table.add_row(
            Text(row.story.id),
            Text(story_age(row.story, datetime.now(UTC))),
            Text(row.story.source),
            story_cell,
            Text(" ".join(row.story.tags), style="magenta"),
        )
    console.print(table)
    shown = len(page.rows)
    total = f"{page.total}+" if page.more else str(page.total)
    console.print(Text(f"{shown} of {total} matching {query or '*'!r}", style="dim"))


def story(story: Story, quotes: Sequence[StoredQuote], cluster: ClusterNote | None = None) -> None:
    """One story for reading: headline, metadata, its cluster, body with quotes underlined."""
    console.print(Text(story.title, style="bold"))
    meta = f"{story.source} · {iso_z(story.published)} · {story.url} · id {story.id}"
    console.print(Text(meta, style="dim"))
    if cluster is not None and cluster.size > 1:
        console.print(Text(f"{cluster_line(cluster)} · cluster {cluster.id}", style="cyan"))
    if story.tags:
        console.print(Text("tags: " + " ".join(story.tags), style="magenta"))
    if story.note:
        console.print(Text(f"note: {story.note}", style="yellow"))
    body = Text(safe_text(story.body))
    for quote in quotes:
        body.stylize("italic green", quote.quote.start, quote.quote.end)
    console.print()
    console.print(body)


def editors_lines(marks: Sequence[TagMark], assigned: Sequence[Assignment]) -> list[Text]:
    """Who tagged a story and who it is assigned to (only what a named editor did:
    the default editor's own tags say nothing more than ``tags:``)."""
    lines = []
    by = [f"{m.tag} by @{m.tagged_by} {iso_z(m.added)}" for m in marks if m.tagged_by]
    if by:
        lines.append(Text("tagged: " + "; ".join(by), style="magenta"))
    if assigned:
        who = ", ".join(f"@{a.editor} (by @{a.assigned_by or '-'})" for a in assigned)
        lines.append(Text("assigned to: " + who, style="cyan"))
    return lines


def feed_json(feed: Feed) -> dict[str, object]:
    """A subscription as printed by ``triage feeds list --json``."""
    return {
        "url": feed.url,
        "name": feed.name,
        "tags": list(feed.tags),
        "full_text": feed.full_text,
        "etag": feed.etag,
        "last_modified": feed.last_modified,
        "last_success": iso_z(feed.last_success) if feed.last_success else None,
        "last_error": feed.last_error or None,
        "failures": feed.failures,
        "item_count": feed.item_count,
    }


def feeds_table(feeds: Sequence[Feed]) -> None:
    """Subscriptions with their state; failing feeds show their last error in red."""
    table = Table(show_header=True, header_style="bold", expand=True)
    for column in ("feed", "items", "last success", "state"):
        table.add_column(column)
    for feed in feeds:
        state = Text(feed.last_error, style="red") if feed.last_error else Text("ok", style="green")
        if feed.failures > 1:
            state.append(f" ({feed.failures} failures, backing off)", style="red")
        name = Text(feed.name or feed.url)
        if feed.name:
            name.append(f"\n{feed.url}", style="dim")
        table.add_row(
            name,
            Text(str(feed.item_count)),
            Text(age(feed.last_success) if feed.last_success else "never"),
            state,
        )
    console.print(table)


def cluster_json(cluster: Cluster) -> dict[str, object]:
    """A cluster as printed by ``triage clusters --json``."""
    return {
        "id": cluster.id,
        "title": cluster.title,
        "size": cluster.size,
        "origin": cluster.origin,
        "stories": [
            {
                "id": m.story_id,
                "title": m.title,
                "source": m.source,
                "url": m.url,
                "published": iso_z(m.published),
                "relation": m.relation,
                "copy_of": m.copy_of,
            }
            for m in cluster.members
        ],
        "shared": [
            {"text": s.text, "stories": list(s.story_ids), "kind": s.kind} for s in cluster.shared
        ],
    }


def _one_line(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clusters_table(clusters: Sequence[Cluster]) -> None:
    """Clusters with their members, one line each; the origin and copies marked.

    ★ marks the origin, ↳ a copy (rewrite) of another member, · a related report;
    up to three shared quotes or passages follow in green.
    """
    for cluster in clusters:
        size = f"  ({cluster.size})"
        head = Text(f"{cluster.id}  ", style="cyan")
        # the title gives way so the size always shows, whatever the terminal's width
        room = max(20, min(90, console.width - len(head) - len(size)))
        head.append(_one_line(cluster.title, room), style="bold")
        head.append(size, style="dim")
        console.print(head, no_wrap=True, overflow="ellipsis")
        for member in cluster.members:
            mark = {"origin": "★", "copy": "↳", "related": "·"}[member.relation]
            line = Text(f"  {mark} {member.story_id} ")
            line.append(f"{member.source} {age(member.published)} ", style="dim")
            line.append(_one_line(member.title, 70))
            if member.copy_of:
                line.append(f"  (copy of {member.copy_of})", style="yellow")
            console.print(line, no_wrap=True, overflow="ellipsis")
        for shared in cluster.shared[:3]:
            quote = Text(f"    “{_one_line(shared.text, 110)}”", style="green")
            console.print(quote, no_wrap=True, overflow="ellipsis")


SPEAKER_WIDTH = 24
"""Widest the speaker column gets: a long role is cut, never the quote."""
STORY_WIDTH = 16


def quotes_table(quotes: Sequence[StoredQuote], stories: dict[str, Story]) -> None:
    """Quotes, speaker first, with their story.

    The quote column wraps and takes what the other columns leave; speaker,
    role and source are cut to one line each with an ellipsis, so a long role
    never squeezes the quote to "…" at 80 columns or when piped.
    """
    table = Table(show_header=True, header_style="bold", expand=True)
    table.add_column("id", no_wrap=True)
    table.add_column("speaker", max_width=SPEAKER_WIDTH, overflow="ellipsis")
    table.add_column("quote", ratio=1, overflow="fold", min_width=20)
    table.add_column("story", max_width=STORY_WIDTH, no_wrap=True, overflow="ellipsis")
    for quote in quotes:
        owner = stories.get(quote.story_id)
        speaker = Text(
            _one_line(quote.quote.speaker or "?", SPEAKER_WIDTH), style="bold", no_wrap=True
        )
        if quote.quote.role:
            speaker.append(f"\n{_one_line(quote.quote.role, SPEAKER_WIDTH)}", style="dim")
        text = Text(f"“{quote.quote.text}”")
        if quote.tags:
            text.append("  " + " ".join(quote.tags), style="magenta")
        table.add_row(
            Text(quote.id, style="cyan"),
            speaker,
            text,
            Text(owner.source if owner else quote.story_id, style="dim"),
        )
    console.print(table)


@contextmanager
def tolerate_closed_pipe() -> Iterator[None]:
    """Stop quietly when the reader of stdout goes away (``triage quotes | head``).

    Python raises BrokenPipeError on the next write, and again when it flushes
    stdout at exit; pointing stdout at the null device after the first one
    keeps the second from printing a traceback.
    """
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def quotes_from_files(paths: Sequence[str], as_json: bool) -> int:
    """``triage quotes --file``: extract from files' full text, without touching a desk."""
    from triage.core.ingest import read_file  # loaded for this command, not every one
    from triage.core.ingest.articles import decode_text_file
    from triage.core.quotes import extract_quotes

    status = 0
    found: list[dict[str, object]] = []
    for name in paths:
        try:
            # the same sanitiser as an ingested article's text: the file is hostile too
            text = strip_controls(decode_text_file(read_file(Path(name))))
        except ParseError as exc:
            err_console.print(Text(f"triage: error: {safe_line(name)}: {safe_line(exc)}"))
            status = 1
            continue
        shown = safe_line(name)
        found.extend({"file": shown, **quote_json(q)} for q in extract_quotes(text))
    if as_json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        for item in found:
            line = Text(f"{item['speaker'] or '?'}: ", style="bold")
            line.append(f"“{item['text']}”")
            line.append(f"  {item['file']}", style="dim")
            console.print(line)
    return status
