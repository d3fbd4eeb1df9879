"""The desk: one directory holding a store of record and its search index.

:class:`Desk` is the public face of the core. The CLI, the TUI, scripts and tests
all go through it. It gives each thread its own SQLite connection (SQLite
connections must not be shared across threads) and shares one search index,
whose writer is serialised.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from triage.core.analysis import ANALYSE_BATCH, Analyser
from triage.core.clusters import ClusterEngine
from triage.core.highlight import Snippet, make_snippet
from triage.core.models import IngestReport, Progress, Quote, Story
from triage.core.search import (
    AllBut,
    IndexBusy,
    IndexDocument,
    Scope,
    ShardedIndex,
    day_key,
    day_start,
    parse_query,
    query_terms,
    term_spans,
)
from triage.core.store import Store, chunks, iso
from triage.core.store_feeds import Feeds
from triage.core.store_quotes import Quotes
from triage.core.store_tags import Tags

INDEX_ENV = "TRIAGE_INDEX"
DB_NAME = "triage.sqlite3"
INDEX_DIR = "whoosh"
INDEX_BATCH = 300
INDEX_COMMIT = 1000
"""Stories per index commit. Whoosh keeps a writer's postings in memory up to 128 MB
(by its own estimate) and past that sorts them through temporary files; stories
written oldest first fill one or two shards per commit, so 1000 stay in memory
while 5000 spilled (10k reindex: 53 s of CPU against 68 s)."""


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
    clusters: ClusterEngine | None = None


class Desk:
    """A news desk on disk: stories, editor state, clusters, quotes and the index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.path.mkdir(parents=True, exist_ok=True)
        self.index = ShardedIndex(path / INDEX_DIR)
        self._local = _ThreadState()
        self._index_lock = threading.Lock()
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
    def clusters(self) -> ClusterEngine:
        """Story clusters (this thread's connection)."""
        if self._local.clusters is None:
            with self.store.write():
                self._local.clusters = ClusterEngine(self.store.conn)
        return self._local.clusters

    def close(self) -> None:
        """Close this thread's connection and the index handles."""
        if self._local.store is not None:
            self._local.store.close()
        self._local = _ThreadState()
        self.index.close()

    # -- ingest ------------------------------------------------------------------

    def ingest(
        self,
        sources: Sequence[str],
        *,
        full_text: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Read sources into the desk, then analyse and index what changed.

        See :mod:`triage.core.pipeline` for the stages; each source that fails adds
        one entry to the report's ``errors`` and the others go on.
        """
        from triage.core.pipeline import Pipeline

        return Pipeline(self, progress=progress).run(sources, full_text=full_text)

    def analyse_pending(self, batch: int = ANALYSE_BATCH) -> int:
        """Extract quotes and cluster every story changed since its last analysis
        (see :mod:`triage.core.analysis`); return how many were clustered."""
        return Analyser(self.store, self.quotes, self.clusters).run(batch)

    def pending_analysis(self) -> int:
        """How many stories wait for quotes and clusters."""
        return Analyser(self.store, self.quotes, self.clusters).pending()

    def pending_quotes(self) -> int:
        """How many stories wait for their quotes (the index waits for those)."""
        return Analyser(self.store, self.quotes, self.clusters).pending("quoted")

    def sync_index(
        self,
        progress: Progress | None = None,
        wait: bool = True,
        quoted_only: bool = False,
        limit: int | None = None,
    ) -> int:
        """Write every queued story to the search index, a batch per commit.

        With ``wait`` false, return 0 at once if another thread or process is
        already indexing (it drains the same queue), instead of queueing behind
        it: search-as-you-type then searches what is indexed. With
        ``quoted_only``, stories still waiting for quotes stay queued (their
        ``speaker`` field is not known yet): used while a parallel analyser runs.
        With ``limit``, write only the oldest ``limit`` queued stories.
        """
        if not self._index_lock.acquire(blocking=wait):
            return 0
        try:
            return self._drain_index_queue(progress, quoted_only, wait, limit)
        except IndexBusy:
            return 0
        finally:
            self._index_lock.release()

    def ensure_index(self) -> None:
        """Create a missing search index and queue every story for it (a new desk, or
        a deleted index). An ingest calls it before storing, before any analyser runs."""
        if not self.index.exists():
            self.index.create()
            self.store.queue_all_for_index()

    def _drain_index_queue(
        self,
        progress: Progress | None,
        quoted_only: bool = False,
        wait: bool = True,
        limit: int | None = None,
    ) -> int:
        """Write the index queue (the caller holds the index lock), oldest story first.

        The whole queue is read (ids, marks and dates: a few MB for a 100k
        reindex) and written in publication order, because where the live shard
        closes depends on the order (:mod:`triage.core.search.layout`). Stories
        are fetched :data:`INDEX_BATCH` at a time and committed every
        :data:`INDEX_COMMIT` (one Whoosh writer in between, see
        :meth:`ShardedIndex.writing`); queue entries are dropped only after their
        commit, so a crash leaves them queued.
        """
        self.ensure_index()
        written = 0
        total = self.store.pending_index_count()
        after = -1
        while True:
            rows = self.store.conn.execute(
                "SELECT q.rowid, q.story_id, q.seq, s.quoted < s.seq, s.published"
                " FROM index_queue q LEFT JOIN stories s ON s.id = q.story_id"
                " WHERE q.rowid > ?",
                (after,),
            ).fetchall()
            if not rows:
                return written
            after = max(int(r[0]) for r in rows)
            pending = sorted(
                (str(r[4] or ""), str(r[1]), int(r[2])) for r in rows if not (quoted_only and r[3])
            )[:limit]
            for part in chunks(pending, INDEX_COMMIT):
                with self.index.writing(wait) as batch:
                    for some in chunks(part, INDEX_BATCH):
                        docs, gone = self._documents([sid for _, sid, _ in some])
                        changed = [sid for _, sid, seq in some if seq > 1]
                        written += batch.add(docs, gone, relocated=changed)
                        if progress:
                            progress("index", written, total)
                self.store.mark_indexed([(sid, seq) for _, sid, seq in part])
            if limit is not None:
                return written

    def _documents(self, ids: list[str]) -> tuple[list[IndexDocument], list[str]]:
        """Index documents for the stories ``ids``, and the ids no longer stored."""
        stories = {s.id: s for s in self.store.get_stories(ids)}
        speakers = self._speakers(ids)
        docs = [
            IndexDocument(
                id=s.id,
                title=s.title,
                body=s.body,
                source=s.source,
                author=s.author,
                published=s.published,
                speakers=speakers.get(s.id, ()),
                feeds=s.feeds,
            )
            for s in stories.values()
        ]
        return docs, [sid for sid in ids if sid not in stories]

    def _speakers(self, story_ids: Sequence[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for quote in self.quotes.for_stories(story_ids):
            if quote.quote.speaker and quote.quote.speaker not in found.get(quote.story_id, []):
                found.setdefault(quote.story_id, []).append(quote.quote.speaker)
        return found

    def reindex(self, progress: Progress | None = None) -> int:
        """Rebuild the search index from the store; editor state is untouched."""
        with self._index_lock:
            self.index.create()
            self.store.queue_all_for_index()
        return self.sync_index(progress)

    def recluster(self) -> None:
        """Rebuild every cluster from scratch, in date order; corrections survive."""
        store = self.store

        def stories() -> Iterable[tuple[Story, Sequence[Quote]]]:
            for story in store.iter_stories():
                yield story, [q.quote for q in self.quotes.for_stories([story.id])]

        with store.write():
            self.clusters.rebuild(stories())

    # -- search ------------------------------------------------------------------

    def resolve_virtual(self, field: str, value: str) -> set[str] | AllBut | None:
        """Answer ``tag:`` and ``is:`` from the store of record."""
        if field == "tag":
            return self.tags.story_ids_with_tag(value)
        value = value.lower()
        if value in ("read", "unread"):
            read = self.store.read_ids()
            return read if value == "read" else AllBut(frozenset(read))
        if value in ("tagged",):
            rows = self.store.conn.execute("SELECT DISTINCT story_id FROM story_tags")
            return {str(r[0]) for r in rows}
        return None

    def resolve_dates(
        self, start: datetime | None, end: datetime | None, start_excl: bool, end_excl: bool
    ) -> set[str]:
        """Answer a ``published:`` range from the store's date index (naive times are UTC).

        Only the ids in the index shards holding the range's first and last UTC
        days are listed: the index matches the shards in between whole
        (``search.queries.for_span``), so a week's range on a busy desk costs two
        days of ids, not 25k. Stored times have whole seconds, so
        bounds with microseconds are rounded to the second that keeps the
        comparison exact.
        """
        clauses, args = [], []
        if start is not None:
            whole = start.replace(microsecond=0, tzinfo=UTC)
            if start.microsecond and not start_excl:
                whole += timedelta(seconds=1)
            clauses.append("published > ?" if start_excl else "published >= ?")
            args.append(iso(whole))
        if end is not None:
            whole = end.replace(microsecond=0, tzinfo=UTC)
            if end.microsecond and end_excl:
                whole += timedelta(seconds=1)
            clauses.append("published < ?" if end_excl else "published <= ?")
            args.append(iso(whole))
        edges: list[tuple[str, str]] = []
        first, last = self.index.spans_of(
            day_key(start) if start is not None else None, day_key(end) if end is not None else None
        )
        if first is not None and first.last is not None:  # before the next shard begins
            edges.append(("published < ?", iso(_midnight_after(first.last))))
        if last is not None and last.first is not None:  # from the last shard's first day
            edges.append(("published >= ?", iso(day_start(datetime.fromisoformat(last.first)))))
        open_edge = (first is not None and first.last is None) or (
            last is not None and last.first is None
        )
        if edges and not open_edge:  # an open-ended edge shard needs every id in range
            clauses.append(f"({' OR '.join(clause for clause, _ in edges)})")
            args.extend(arg for _, arg in edges)
        where = " AND ".join(clauses) or "1"
        rows = self.store.conn.execute(f"SELECT id FROM stories WHERE {where}", args)
        return {str(r[0]) for r in rows}

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
        if missing or self.store.pending_index_count():
            # A refresh indexing in another thread holds the lock for seconds; search
            # what is indexed now rather than stall search-as-you-type behind it.
            self.sync_index(wait=missing)
        q = parse_query(text, self.resolve_virtual, self.index.schema, self.resolve_dates)
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
            q = parse_query(query_text, self.resolve_virtual, self.index.schema)
        except Exception:
            return []
        return term_spans(text, query_terms(q))


def _midnight_after(day: str) -> datetime:
    """The first moment (UTC) after the day ``YYYY-MM-DD``."""
    return day_start(datetime.fromisoformat(day)) + timedelta(days=1)
