"""What the screens ask of the desk, as plain functions run in worker threads.

Nothing here touches a widget: each function takes the desk and returns data, so
the main screen can call it from a thread worker and post the result back.
"""

from __future__ import annotations

import webbrowser
from dataclasses import dataclass
from pathlib import Path

from triage.core.clusters import Cluster
from triage.core.desk import Desk
from triage.core.export import render_export
from triage.core.models import StoredQuote, Story
from triage.core.rules import mentions_hidden
from triage.core.store import HIDDEN_TAG, PINNED_TAG

EXPORT_LIMIT = 100_000


def effective_query(query: str, unread_only: bool, hide: bool = False) -> str:
    """The query the desk runs: the editor's words, narrowed to unread when asked, and
    with ``hide`` without hidden stories unless the words ask for them (``is:hidden``)."""
    query = query.strip()
    parts = [f"({query})"] if query else []
    if unread_only:
        parts.append("is:unread")
    if hide and query and not mentions_hidden(query):
        parts.append("NOT is:hidden")
    return " AND ".join(parts)


@dataclass(frozen=True, slots=True)
class Page:
    """A page of the story list."""

    stories: list[Story]
    total: int
    sizes: dict[str, int]
    more: bool = False  # older days not read yet: ``total`` is a lower bound


def load_page(desk: Desk, query: str, unread_only: bool, limit: int, offset: int = 0) -> Page:
    """Stories ``offset`` to ``limit`` of the query, unread first then newest.

    Raises:
        SearchError: For a query the desk cannot run.
    """
    if not query.strip():
        ids = _pinned_then_latest(desk, unread_only, limit, offset)
        stories = desk.store.get_stories(ids)
        store = desk.store
        total = (
            store.unread_count([HIDDEN_TAG])
            if unread_only
            else store.count() - store.tagged_count([HIDDEN_TAG])
        )
        more = False
    else:
        hide = desk.store.tagged_count([HIDDEN_TAG]) > 0  # no clause while none is hidden
        page = desk.search(
            effective_query(query, unread_only, hide), limit=limit, sort="date", snippets=False
        )
        stories = sorted(
            (row.story for row in page.rows[offset:]),
            key=lambda s: (PINNED_TAG not in s.tags, s.read),
        )
        total, more = page.total, page.more
    return Page(stories, total, desk.clusters.sizes([s.id for s in stories]), more)


def _pinned_then_latest(desk: Desk, unread_only: bool, limit: int, offset: int) -> list[str]:
    """Ids ``offset`` to ``limit`` of the default list: pinned stories first (newest
    first), then the rest unread first; hidden stories in neither."""
    hidden = desk.tags.story_ids_with_tag(HIDDEN_TAG)
    marked = desk.store.get_stories(sorted(desk.tags.story_ids_with_tag(PINNED_TAG) - hidden))
    marked.sort(key=lambda s: (s.published, s.id), reverse=True)
    pinned = [s.id for s in marked if not (unread_only and s.read)]
    head = pinned[offset:limit]
    rest_offset = max(0, offset - len(pinned))
    rest_limit = max(0, limit - max(offset, len(pinned)))
    leave_out = [HIDDEN_TAG, PINNED_TAG] if (hidden or pinned) else []
    rest = (
        desk.store.latest_ids(
            rest_limit, offset=rest_offset, unread_only=unread_only, leave_out=leave_out
        )
        if rest_limit
        else []
    )
    return head + rest


@dataclass(frozen=True, slots=True)
class Detail:
    """Everything the reader, clusters and quotes panes show for one story."""

    story: Story
    cluster: Cluster | None
    quotes: list[StoredQuote]
    terms: list[tuple[int, int]]
    sources: dict[str, str]


def load_detail(desk: Desk, story_id: str, query: str, whole_cluster: bool) -> Detail | None:
    """The story, its cluster, its (or its cluster's) quotes and the query's term spans."""
    story = desk.store.get_story(story_id)
    if story is None:
        return None
    try:
        cluster: Cluster | None = desk.clusters.cluster_of(story.id)
    except KeyError:
        cluster = None
    ids = [story.id]
    sources = {story.id: story.source}
    if cluster is not None:
        sources.update({m.story_id: m.source for m in cluster.members})
        if whole_cluster:
            ids += [m.story_id for m in cluster.members if m.story_id != story.id]
    quotes = desk.quotes.for_stories(ids)
    terms = desk.highlight_terms(story.body, query) if query.strip() else []
    return Detail(story, cluster, quotes, terms, sources)


def load_clusters(desk: Desk, story_ids: list[str]) -> list[Cluster]:
    """The clusters of the loaded stories (never the whole desk)."""
    return desk.clusters.clusters(story_ids=story_ids)


def desk_signature(desk: Desk) -> tuple[object, ...]:
    """A cheap fingerprint of what another process may change (stories, reads, tags)."""
    return (
        desk.store.count(),
        desk.store.unread_count(),
        tuple(desk.tags.all_tags()),
        tuple(desk.tags.saved_searches()),
    )


def export_search(desk: Desk, query: str, unread_only: bool, fmt: str, path: Path) -> int:
    """Write every story of the current search to ``path``; returns how many.

    Raises:
        OSError: When the file cannot be written.
        SearchError: For a query the desk cannot run.
    """
    stories = load_page(desk, query, unread_only, EXPORT_LIMIT).stories
    path.write_text(render_export(stories, fmt, title=query.strip()), encoding="utf-8")
    return len(stories)


def mark_all_read(
    desk: Desk, story_ids: list[str] | None, query: str, unread_only: bool
) -> list[str]:
    """Mark ``story_ids`` (or every story of the search) read; returns those that were unread.

    Raises:
        SearchError: For a query the desk cannot run.
    """
    if story_ids is None:
        stories = load_page(desk, query, unread_only, EXPORT_LIMIT).stories
    else:
        stories = desk.store.get_stories(story_ids)
    changed = [s.id for s in stories if not s.read]
    if changed:
        desk.store.set_read(changed, True)
    return changed


def open_in_browser(url: str) -> bool:
    """Open a link with the system browser (may block: call it from a worker)."""
    return webbrowser.open(url)
