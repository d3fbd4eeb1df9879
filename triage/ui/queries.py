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
from triage.core.export import render_export, write_atomically
from triage.core.links import web_url
from triage.core.models import StoredQuote, Story

EXPORT_LIMIT = 100_000
DEFAULT_SORT = "unread"
SORT_NAMES = {
    "unread": "unread first",
    "newest": "newest first",
    "oldest": "oldest first",
    "feed": "by feed",
    "biggest": "biggest story first",
}
"""Each order of the story list (:data:`triage.core.desk.SORTS`) as the editor reads it."""


@dataclass(frozen=True, slots=True)
class Page:
    """A page of the story list."""

    stories: list[Story]
    total: int
    sizes: dict[str, int]
    more: bool = False  # older days not read yet: ``total`` is a lower bound


def load_page(
    desk: Desk,
    query: str,
    unread_only: bool,
    limit: int,
    offset: int = 0,
    sort: str = DEFAULT_SORT,
) -> Page:
    """Stories ``offset`` to ``limit`` of the query in the editor's order (the desk
    sorts every match; see :meth:`Desk.story_page`).

    Raises:
        SearchError: For a query the desk cannot run.
    """
    page = desk.story_page(
        query, sort=sort, unread_only=unread_only, limit=max(0, limit - offset), offset=offset
    )
    stories = page.stories
    return Page(stories, page.total, desk.clusters.sizes([s.id for s in stories]), page.more)


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


CLUSTER_LIST_LIMIT = 200
"""Clusters the pane's list modes show: the biggest (or latest) of the query."""


def load_clusters(desk: Desk, query: str, unread_only: bool, by: str) -> list[Cluster]:
    """The query's clusters over every day, not only the loaded page's (see
    :meth:`Desk.cluster_list`).

    Raises:
        SearchError: For a query the desk cannot run.
    """
    return desk.cluster_list(query, by=by, unread_only=unread_only, limit=CLUSTER_LIST_LIMIT)


def desk_signature(desk: Desk, counts: tuple[int, int] | None = None) -> tuple[object, ...]:
    """A cheap fingerprint of what another process may change (stories, reads, tags).

    ``counts``: the desk's story and unread counts when the caller has just read them
    (each is a count over the whole desk: not read twice).
    """
    stories, unread = counts or (desk.store.count(), desk.store.unread_count())
    return (
        stories,
        unread,
        tuple(desk.tags.all_tags()),
        tuple(desk.tags.saved_searches()),
        len(desk.editors.assignments("me")) if desk.editor else 0,
    )


def export_search(
    desk: Desk, query: str, unread_only: bool, fmt: str, path: Path, sort: str = DEFAULT_SORT
) -> int:
    """Write every story of the current search to ``path``; returns how many.

    Raises:
        OSError: When the file cannot be written.
        SearchError: For a query the desk cannot run.
    """
    stories = load_page(desk, query, unread_only, EXPORT_LIMIT, sort=sort).stories
    work = desk.story_work([s.id for s in stories])
    write_atomically(path, render_export(stories, fmt, title=query.strip(), work=work))
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
    """Open a link with the system browser (may block: call it from a worker).

    Only an ``http(s)`` link is handed on (see :func:`web_url`): a story's link is
    whatever its feed said, and ``file:``, ``javascript:`` or a link starting with
    ``-`` (an option to the browser command) must never reach the browser.

    Raises:
        UnsafeLink: When the link is not an http(s) URL.
    """
    safe = web_url(url)
    if safe is None:
        raise UnsafeLink("not an http(s) link; not opened")
    return webbrowser.open(safe)


class UnsafeLink(ValueError):
    """A story's link that triage will not hand to a browser."""
