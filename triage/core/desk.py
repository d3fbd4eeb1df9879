"""The desk: a store of record and the search index derived from it.

:class:`Desk` is the public face of the core. The CLI, the TUI, scripts and tests
all go through it. Its directory holds the search index and, by default, the
store of record (a SQLite file); a team desk's store is a PostgreSQL database
instead (:mod:`triage.core.store.location`), and each terminal keeps its own
index. It gives each thread its own connection to the store (SQLite
connections must not be shared across threads) and its own view of the domain
packages over it, and shares one search index, whose writer is serialised. The
work itself is done by the packages: :mod:`triage.core.ingest` (sources in),
:mod:`triage.core.analysis` (quotes and clusters), :mod:`triage.core.search`
(the index and its queries).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_dir

# Ingest (feed parsing, HTTP), full text and the desk copy are imported where they are
# used: the app's first screen needs none of them, and loading them (httpx, feedparser)
# is a large share of a start.
if TYPE_CHECKING:
    from triage.core.fetch import FetchPolicy
    from triage.core.ingest import Pipeline
    from triage.core.store.copy import CopyReport
    from triage.core.store.postgres import Watcher

from triage.core.analysis import ANALYSE_BATCH, Analyser
from triage.core.analysis.worker import open_analyser
from triage.core.clusters import Cluster, ClusterEngine
from triage.core.export import ClusterMemberNote, ClusterNote, StoryWork
from triage.core.models import IngestReport, Progress, Quote, StoredQuote, Story
from triage.core.rules import RuleEngine, mentions_hidden
from triage.core.search import (
    INDEX_DIR,
    IndexWriter,
    Scope,
    ShardedIndex,
    Snippet,
    StoreFilters,
    matches_nothing,
    page_snippet,
    parse_query,
    query_terms,
    term_spans,
)
from triage.core.store import (
    DB_NAME,
    HIDDEN_TAG,
    PINNED_TAG,
    SORTS,
    Editors,
    Feeds,
    FetchProgress,
    Quotes,
    Store,
    Tags,
    is_postgres,
    normalize_editor,
    store_location,
    terminal_name,
)

INDEX_ENV = "TRIAGE_INDEX"
DESK_ENV = "TRIAGE_DESK"
EDITOR_ENV = "TRIAGE_EDITOR"

__all__ = [
    "DB_NAME",
    "DESK_ENV",
    "EDITOR_ENV",
    "INDEX_DIR",
    "SORTS",
    "Desk",
    "SearchPage",
    "SearchRow",
    "StoryPage",
    "locate_desk",
    "team_desk_dir",
]


def locate_desk(option: str | None = None) -> Path:
    """Where the desk is: ``--index DIR`` > ``$TRIAGE_INDEX`` > ``./index``."""
    chosen = option or os.environ.get(INDEX_ENV) or "index"
    return Path(chosen).expanduser()


def team_desk_dir(store: str) -> Path:
    """This terminal's own directory for a team desk's store (its local search
    index): one per store URL, in the user's data directory."""
    key = hashlib.sha256(store.encode("utf-8")).hexdigest()[:16]
    return Path(user_data_dir("triage")) / "team-desks" / key


@dataclass(frozen=True, slots=True)
class SearchRow:
    """One search result: the story and a snippet of why it matched."""

    story: Story
    score: float
    snippet: Snippet


@dataclass(frozen=True, slots=True)
class SearchPage:
    """A page of results and the total number of matches."""

    rows: list[SearchRow]
    total: int
    more: bool = False


@dataclass(frozen=True, slots=True)
class StoryPage:
    """A page of the story list in one order (see :meth:`Desk.story_page`)."""

    stories: list[Story]
    total: int
    more: bool = False  # older days not read yet: ``total`` is a lower bound


def narrowed(query: str, unread_only: bool) -> str:
    """The query the desk runs: the editor's words, narrowed to unread when asked."""
    query = query.strip()
    if not unread_only:
        return query
    return f"({query}) AND is:unread" if query else "is:unread"


class _ThreadState(threading.local):
    store: Store | None = None
    tags: Tags | None = None
    feeds: Feeds | None = None
    quotes: Quotes | None = None
    analyser: Analyser | None = None
    writer: IndexWriter | None = None


class Desk:
    """A news desk: stories, editor state, clusters, quotes and the index.

    ``path`` is the desk directory (its index, and its SQLite store unless
    ``store`` names another: a ``postgresql://`` URL makes it a team desk's
    terminal, see :mod:`triage.core.store.location`). ``editor`` is who works at
    it (:mod:`triage.core.store.editors`; empty: the default editor).

    Raises:
        EditorError: For an editor name that cannot be one.
    """

    def __init__(self, path: Path, store: str | None = None, editor: str = "") -> None:
        self.editor = normalize_editor(editor) if editor else ""
        self.path = path
        self.path.mkdir(parents=True, exist_ok=True)
        self.location = store_location(path, store)
        self.terminal = terminal_name(path) if is_postgres(self.location) else ""
        self.index = ShardedIndex(path / INDEX_DIR)
        self._local = _ThreadState()
        self._index_lock = threading.Lock()
        self.repaired: list[str] = []
        """What :meth:`repair_index` found and fixed in this session (for the CLI to say)."""
        if self.store.backend.new_terminal and self.index.exists():
            # a team desk that forgot this terminal (unseen for weeks) kept no queue
            # for it: its index missed changes
            self.store.queue_all_for_index()

    # -- per-thread components ---------------------------------------------------

    @property
    def store(self) -> Store:
        """This thread's connection to the store of record."""
        if self._local.store is None:
            self._local.store = Store(self.location, self.terminal, self.editor)
        return self._local.store

    @property
    def tags(self) -> Tags:
        """Tags and saved searches (this thread's connection)."""
        if self._local.tags is None:
            self._local.tags = Tags(self.store)
        return self._local.tags

    @property
    def editors(self) -> Editors:
        """Assignments, who tagged what, an editor's saved searches (this thread's)."""
        return Editors(self.store)

    @property
    def feeds(self) -> Feeds:
        """Subscriptions and their fetch state (this thread's connection)."""
        if self._local.feeds is None:
            self._local.feeds = Feeds(self.store)
        return self._local.feeds

    @property
    def quotes(self) -> Quotes:
        """Quotations (this thread's connection)."""
        if self._local.quotes is None:
            self._local.quotes = Quotes(self.store)
        return self._local.quotes

    @property
    def analyser(self) -> Analyser:
        """Quotes and clusters of pending stories (this thread's connection)."""
        if self._local.analyser is None:
            self._local.analyser = open_analyser(self.store)
        return self._local.analyser

    @property
    def clusters(self) -> ClusterEngine:
        """Story clusters (this thread's connection)."""
        return self.analyser.clusters

    @property
    def writer(self) -> IndexWriter:
        """The index writer (this thread's connection; one writer at a time)."""
        if self._local.writer is None:
            self._local.writer = IndexWriter(self.store, self.index, self._index_lock)
        return self._local.writer

    @property
    def rules(self) -> RuleEngine:
        """Rules on ingest and alerts (this thread's connection)."""
        return RuleEngine(self.store, self.index)

    @property
    def filters(self) -> StoreFilters:
        """The resolvers of ``tag:``, ``is:`` and ``published:`` in a query."""
        return StoreFilters(self.store, self.index)

    def close(self) -> None:
        """Close this thread's connection and the index handles."""
        if self._local.store is not None:
            self._local.store.close()
        self._local = _ThreadState()
        self.index.close()

    # -- ingest and analysis ---------------------------------------------------------

    def ingest(
        self,
        sources: Sequence[str],
        *,
        full_text: bool = False,
        progress: Progress | None = None,
        allow_private: bool = False,
    ) -> IngestReport:
        """Read sources into the desk, then analyse and index what changed.

        See :mod:`triage.core.ingest.pipeline` for the stages; each source that
        fails adds one entry to the report's ``errors`` and the others go on.
        """
        return self.pipeline(progress).run(
            sources, full_text=full_text, allow_private=allow_private
        )

    def pipeline(
        self, progress: Progress | None = None, policy: FetchPolicy | None = None
    ) -> Pipeline:
        """An ingest or refresh run over this desk (this thread's connection)."""
        from triage.core.ingest import Pipeline  # imported on use (see the imports)

        return Pipeline(self.path, self.store, self.writer, self.analyser, progress, policy)

    def analyse_pending(self, batch: int = ANALYSE_BATCH) -> int:
        """Extract quotes and cluster every story changed since its last analysis
        (see :mod:`triage.core.analysis`); return how many were clustered."""
        return self.analyser.run(batch)

    def pending_analysis(self) -> int:
        """How many stories wait for quotes and clusters."""
        return self.analyser.pending()

    def pending_quotes(self) -> int:
        """How many stories wait for their quotes (the index waits for those)."""
        return self.analyser.pending("quoted")

    def sync_index(
        self,
        progress: Progress | None = None,
        wait: bool = True,
        quoted_only: bool = False,
        limit: int | None = None,
    ) -> int:
        """Write every queued story to the search index (see :meth:`IndexWriter.sync`)."""
        return self.writer.sync(progress, wait, quoted_only, limit)

    def ensure_index(self) -> None:
        """Create a missing search index and queue every story for it."""
        self.writer.ensure()

    def reindex(self, progress: Progress | None = None) -> int:
        """Rebuild the search index from the store; editor state is untouched."""
        return self.writer.rebuild(progress)

    def repair_index(self) -> list[str]:
        """Re-index the days of index shards that vanished from disk; return what was
        repaired, one line each (empty when every shard is there).

        A deleted shard directory would otherwise drop its days from every search
        without a word; its stories are queued again and the next sync writes them
        to the shards that now cover those days.
        """
        gone = self.index.missing()
        if not gone:
            return []
        repaired = []
        for span in gone:
            count = self.store.queue_days_for_index(span.first, span.last)
            days = f"{span.first or 'the start'} to {span.last or 'now'}"
            repaired.append(
                f"index shard {span.key} was missing: re-indexing {count} stories of {days}"
            )
        self.index.forget(span.key for span in gone)
        self.repaired.extend(repaired)
        return repaired

    def recluster(self) -> None:
        """Rebuild every cluster from scratch, in date order; corrections survive."""
        store = self.store

        def stories() -> Iterable[tuple[Story, Sequence[Quote]]]:
            for story in store.iter_stories():
                yield story, [q.quote for q in self.quotes.for_stories([story.id])]

        with store.write():
            self.clusters.rebuild(stories())

    # -- search ------------------------------------------------------------------

    def search(
        self,
        text: str,
        *,
        limit: int | None = 50,
        sort: str = "relevance",
        snippets: bool = True,
        scope: Scope = "recent",
    ) -> SearchPage:
        """Search the desk with the query language; stories come from the store.

        By date, the newest matches come first and the search stops at ``limit``.
        By relevance, ``scope`` "recent" stops once the newest ~10k stories gave
        a page of hits, and "all" reads every day; ``more`` on the page says that
        older stories were not read (see :mod:`triage.core.search.shards`).

        Raises:
            SearchError: For a query that cannot be parsed, or an unreadable index.
        """
        missing = not self.index.exists()  # new desk, deleted index, or older schema
        if not missing:
            missing = bool(self.repair_index())
        if missing or self.store.pending_index_count():
            # A refresh indexing in another thread holds the lock for seconds; search
            # what is indexed now rather than stall search-as-you-type behind it.
            self.sync_index(wait=missing)
        filters = self.filters
        q = parse_query(text, filters.resolve_virtual, self.index.schema, filters.resolve_dates)
        results = self.index.search(q, limit=limit, sort=sort, scope=scope)
        stories = {s.id: s for s in self.store.get_stories([h.id for h in results.hits])}
        terms = query_terms(q) if snippets else set()
        rows = []
        for hit in results.hits:
            story = stories.get(hit.id)
            if story is None:
                continue
            snippet = page_snippet(story.body, terms) if snippets else Snippet("")
            rows.append(SearchRow(story=story, score=hit.score, snippet=snippet))
        return SearchPage(rows=rows, total=results.total, more=results.more)

    def story_page(
        self,
        text: str,
        *,
        sort: str = "unread",
        unread_only: bool = False,
        limit: int = 300,
        offset: int = 0,
    ) -> StoryPage:
        """Stories ``offset`` to ``offset + limit`` of a query in one of :data:`SORTS`.

        The order is made over every match, never over a loaded page: the store
        sorts the whole desk (an empty query) or the query's matches. ``newest``
        and ``unread`` on a query read the index newest first (unread, then read)
        and stop at the page (``more`` then says older days were not read); the
        other orders read every match.
        ``biggest`` puts the stories of the biggest clusters first, a cluster's
        members together.

        Raises:
            SearchError: For a query that cannot be parsed, or an unreadable index.
            ValueError: For an unknown ``sort``.
        """
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r} (choose from {', '.join(SORTS)})")
        text = text.strip()
        if text and matches_nothing(self._parse(text)):  # "the": narrowed, "is:unread"
            return StoryPage([], 0)
        # Pinned stories lead every order; hidden ones are left out unless asked for
        # (no clause at all while no story carries the tag: the common case).
        hidden = [] if mentions_hidden(text) else [HIDDEN_TAG]
        leave_out = [t for t in (PINNED_TAG, *hidden) if self.store.tagged_count([t])]
        pinned = self._pinned(text, unread_only, hidden) if PINNED_TAG in leave_out else []
        head = pinned[offset : offset + limit]
        rest = self._ordered_page(
            text,
            sort,
            unread_only,
            limit - len(head),
            max(0, offset - len(pinned)),
            leave_out,
        )
        return StoryPage(head + rest.stories, rest.total + len(pinned), rest.more)

    def _pinned(self, text: str, unread_only: bool, leave_out: Sequence[str]) -> list[Story]:
        """The pinned stories among a query's matches, newest first."""
        ids = self.tags.story_ids_with_tag(PINNED_TAG)
        for tag in leave_out:
            ids -= self.tags.story_ids_with_tag(tag)
        if ids and text:
            ids &= set(self.matching_ids(text))
        stories = [s for s in self.store.get_stories(sorted(ids)) if not (unread_only and s.read)]
        return sorted(stories, key=lambda s: (s.published, s.id), reverse=True)

    def _ordered_page(
        self,
        text: str,
        sort: str,
        unread_only: bool,
        limit: int,
        offset: int,
        leave_out: Sequence[str],
    ) -> StoryPage:
        """A page of :meth:`story_page` without the stories tagged ``leave_out``."""
        if limit <= 0:
            return StoryPage([], self._ordered_page(text, sort, unread_only, 1, 0, leave_out).total)
        store = self.store
        among: list[str] | None = None
        if text:
            text = " AND ".join([f"({text})", *(f"NOT tag:{tag}" for tag in leave_out)])
            query = narrowed(text, unread_only)
            if sort == "newest" or (sort == "unread" and unread_only):
                page = self.search(query, limit=offset + limit, sort="date", snippets=False)
                return StoryPage([r.story for r in page.rows[offset:]], page.total, page.more)
            if sort == "unread":
                return self._unread_first(text, limit, offset)
            among = self.matching_ids(query)
            total = len(among)
        else:
            total = (
                store.unread_count(leave_out)
                if unread_only
                else store.count() - store.tagged_count(leave_out)
            )
        ranked = self.clusters.tables.ids_by_size() if sort == "biggest" else ()
        ids = store.ordered_ids(
            "ranked" if sort == "biggest" else sort,
            limit,
            offset,
            among=among,
            unread_only=unread_only and among is None,
            ranked=ranked,
            leave_out=leave_out if among is None else (),
        )
        return StoryPage(store.get_stories(ids), total)

    def _unread_first(self, text: str, limit: int, offset: int) -> StoryPage:
        """A query's matches unread first, each part newest first, read as far as the
        page needs: two newest-first searches that stop early (see :meth:`story_page`)."""
        end = offset + limit
        unread = self.search(narrowed(text, True), limit=end, sort="date", snippets=False)
        stories = [r.story for r in unread.rows]
        if unread.more:  # the page is full before older days were read
            return StoryPage(stories[offset:end], unread.total, more=True)
        need = end - len(stories)
        read = self.search(f"({text}) AND is:read", limit=max(need, 1), sort="date", snippets=False)
        stories += [r.story for r in read.rows[: max(need, 0)]]
        return StoryPage(stories[offset:end], unread.total + read.total, read.more)

    def cluster_list(
        self, text: str, *, by: str = "size", unread_only: bool = False, limit: int = 200
    ) -> list[Cluster]:
        """The first ``limit`` clusters of a query's stories over every day (of the whole
        desk for an empty query), biggest first (``by="size"``) or latest first
        (``"recent"``): a cluster counts once any of its stories matches.

        Raises:
            SearchError: For a query that cannot be parsed, or an unreadable index.
        """
        query = narrowed(text, unread_only)
        among = self.matching_ids(query) if query else None
        return self.clusters.ranked(among, by, limit)

    def matching_ids(self, text: str) -> list[str]:
        """Every story matching a query, over every day (no page, no stories read).

        Raises:
            SearchError: For a query that cannot be parsed, or an unreadable index.
        """
        if not self.index.exists() or self.store.pending_index_count():
            self.sync_index(wait=not self.index.exists())
        return self.index.matching_ids(self._parse(text))

    def _parse(self, text: str) -> Any:
        """A query of the query language, its tags, read state and dates resolved.

        Raises:
            SearchError: For a query that cannot be parsed.
        """
        filters = self.filters
        return parse_query(text, filters.resolve_virtual, self.index.schema, filters.resolve_dates)

    def story_work(
        self, story_ids: Sequence[str], all_quotes: bool = False
    ) -> dict[str, StoryWork]:
        """Each story's cluster (size, origin, copies) and quotes, for rundowns.

        Only the quotes the editor tagged are kept unless ``all_quotes``; a story
        not clustered yet (analysis pending) has no cluster.
        """
        ids = list(dict.fromkeys(story_ids))
        clusters = self.clusters
        sizes = clusters.sizes(ids)
        notes: dict[str, ClusterNote] = {}
        for cluster in clusters.clusters(story_ids=[i for i in ids if sizes.get(i, 1) > 1]):
            members = tuple(
                ClusterMemberNote(m.story_id, m.source, m.title, m.relation, m.copy_of)
                for m in cluster.members
            )
            origin = next((m for m in members if m.id == cluster.origin), None)
            for m in members:
                notes[m.id] = ClusterNote(cluster.id, cluster.size, m.relation, origin, members)
        alone = [i for i in ids if sizes.get(i) == 1]
        if alone:
            own = clusters.tables.clusters_of(alone)
            for story in self.store.get_stories(alone):
                member = ClusterMemberNote(story.id, story.source, story.title, "origin")
                notes[story.id] = ClusterNote(own[story.id], 1, "origin", member, (member,))
        quotes: dict[str, list[StoredQuote]] = {}
        for quote in self.quotes.for_stories(ids):
            if all_quotes or quote.tags:
                quotes.setdefault(quote.story_id, []).append(quote)
        return {i: StoryWork(notes.get(i), tuple(quotes.get(i, ()))) for i in ids}

    def highlight_terms(self, text: str, query_text: str) -> list[tuple[int, int]]:
        """Spans of ``text`` matching the words of a query (for the reader pane)."""
        try:
            q = parse_query(query_text, self.filters.resolve_virtual, self.index.schema)
        except Exception:
            return []
        return term_spans(text, query_terms(q))

    # -- a team desk's terminals -------------------------------------------------

    def watch(
        self,
        changed: Callable[[str], None],
        fetching: Callable[[FetchProgress], None] | None = None,
    ) -> Watcher | None:
        """On a team desk, call ``changed(table)`` (from another thread) whenever an
        editor anywhere commits a tag, read mark, assignment, correction or story,
        and ``fetching(progress)`` as another terminal fetches the desk's feeds;
        None on a desk file, whose app looks for changes itself."""
        return self.store.backend.watch(changed, fetching)

    # -- moving a desk -----------------------------------------------------------

    def copy_into(self, other: Desk) -> CopyReport:
        """Copy this desk's store of record into an empty desk (on either engine),
        then build that desk's search index from it.

        Raises:
            CopyError: When ``other`` is not empty, or lacks a table or column.
        """
        from triage.core.fulltext import PageCache  # imported on use (see the imports)
        from triage.core.store.copy import CopyError, copy_store

        for desk in (self, other):  # the parts that create tables of their own
            _ = desk.analyser
            PageCache(desk.store)
        if other.store.count() or other.feeds.all() or other.tags.saved_searches():
            raise CopyError("the destination desk is not empty")
        report = copy_store(self.store, other.store)
        other.close()  # the parts read state on opening: open them afresh
        other.store.queue_all_for_index()
        other.sync_index()
        return report
