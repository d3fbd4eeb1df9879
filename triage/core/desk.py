"""The desk: one directory holding a store of record and its search index.

:class:`Desk` is the public face of the core. The CLI, the TUI, scripts and tests
all go through it. It gives each thread its own SQLite connection (SQLite
connections must not be shared across threads) and its own view of the domain
packages over it, and shares one search index, whose writer is serialised. The
work itself is done by the packages: :mod:`triage.core.ingest` (sources in),
:mod:`triage.core.analysis` (quotes and clusters), :mod:`triage.core.search`
(the index and its queries).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from triage.core.analysis import ANALYSE_BATCH, Analyser
from triage.core.analysis.worker import open_analyser
from triage.core.clusters import ClusterEngine
from triage.core.fetch import FetchPolicy
from triage.core.ingest import Pipeline
from triage.core.models import IngestReport, Progress, Quote, Story
from triage.core.search import (
    INDEX_DIR,
    IndexWriter,
    Scope,
    ShardedIndex,
    Snippet,
    StoreFilters,
    make_snippet,
    parse_query,
    query_terms,
    term_spans,
)
from triage.core.store import DB_NAME, Feeds, Quotes, Store, Tags

INDEX_ENV = "TRIAGE_INDEX"

__all__ = ["DB_NAME", "INDEX_DIR", "Desk", "SearchPage", "SearchRow", "locate_desk"]


def locate_desk(option: str | None = None) -> Path:
    """Where the desk is: ``--index DIR`` > ``$TRIAGE_INDEX`` > ``./index``."""
    chosen = option or os.environ.get(INDEX_ENV) or "index"
    return Path(chosen).expanduser()


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


class _ThreadState(threading.local):
    store: Store | None = None
    tags: Tags | None = None
    feeds: Feeds | None = None
    quotes: Quotes | None = None
    analyser: Analyser | None = None
    writer: IndexWriter | None = None


class Desk:
    """A news desk on disk: stories, editor state, clusters, quotes and the index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.path.mkdir(parents=True, exist_ok=True)
        self.index = ShardedIndex(path / INDEX_DIR)
        self._local = _ThreadState()
        self._index_lock = threading.Lock()
        self.repaired: list[str] = []
        """What :meth:`repair_index` found and fixed in this session (for the CLI to say)."""
        _ = self.store  # create the schema now, in the opening thread

    # -- per-thread components ---------------------------------------------------

    @property
    def store(self) -> Store:
        """This thread's connection to the store of record."""
        if self._local.store is None:
            self._local.store = Store(self.path / DB_NAME)
        return self._local.store

    @property
    def tags(self) -> Tags:
        """Tags and saved searches (this thread's connection)."""
        if self._local.tags is None:
            self._local.tags = Tags(self.store)
        return self._local.tags

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
            snippet = (
                make_snippet(story.body, term_spans(story.body, terms)) if snippets else Snippet("")
            )
            rows.append(SearchRow(story=story, score=hit.score, snippet=snippet))
        return SearchPage(rows=rows, total=results.total, more=results.more)

    def highlight_terms(self, text: str, query_text: str) -> list[tuple[int, int]]:
        """Spans of ``text`` matching the words of a query (for the reader pane)."""
        try:
            q = parse_query(query_text, self.filters.resolve_virtual, self.index.schema)
        except Exception:
            return []
        return term_spans(text, query_terms(q))
