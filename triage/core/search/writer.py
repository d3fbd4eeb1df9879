"""The index writer: drains the store's index queue into the sharded index.

The store of record queues every story whose text or speakers changed
(``index_queue``); this writer takes the queue in publication order, writes a
batch per Whoosh writer and one commit per :data:`INDEX_COMMIT` stories, and
drops queue entries only after their commit, so a crash leaves them queued.
It takes a :class:`~triage.core.store.Store` and a :class:`ShardedIndex`, never a
desk, so the analysis worker and the facade share it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from triage.core.models import Progress
from triage.core.search.schema import IndexDocument
from triage.core.search.shards import IndexBusy, ShardedIndex
from triage.core.store import Quotes, Store, chunks

INDEX_BATCH = 300
"""Stories fetched from the store per index batch."""

INDEX_COMMIT = 1000
"""Stories per index commit. Whoosh keeps a writer's postings in memory up to
128 MB (by its own estimate) and past that sorts them through temporary files;
stories written oldest first fill one or two shards per commit, so a thousand stay
in memory while several thousand would spill."""


class IndexWriter:
    """Writes one store's queued stories to its search index."""

    def __init__(
        self, store: Store, index: ShardedIndex, lock: threading.Lock | None = None
    ) -> None:
        """``lock`` serialises writers of one index among threads of this process
        (other processes wait on the index's own lock file)."""
        self.store = store
        self.index = index
        self.lock = lock or threading.Lock()

    def sync(
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
        ``speaker`` field is not known yet). With ``limit``, write only the
        oldest ``limit`` queued stories.
        """
        if not self.lock.acquire(blocking=wait):
            return 0
        try:
            return self._drain(progress, quoted_only, wait, limit)
        except IndexBusy:
            return 0
        finally:
            self.lock.release()

    def ensure(self) -> None:
        """Create a missing search index and queue every story for it (a new desk, or
        a deleted index). An ingest calls it before storing, before any analyser runs."""
        if not self.index.exists():
            self.index.create()
            self.store.queue_all_for_index()

    def rebuild(self, progress: Progress | None = None) -> int:
        """Rebuild the search index from the store; editor state is untouched."""
        with self.lock:
            self.index.create()
            self.store.queue_all_for_index()
        return self.sync(progress)

    def _drain(
        self,
        progress: Progress | None,
        quoted_only: bool = False,
        wait: bool = True,
        limit: int | None = None,
    ) -> int:
        """Write the queue (the caller holds the lock), oldest story first.

        The whole queue is read (ids, marks and dates: a few MB for a 100k
        reindex) and written in publication order, because where the live shard
        closes depends on the order (:mod:`triage.core.search.layout`).
        """
        self.ensure()
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
        for quote in Quotes(self.store).for_stories(story_ids):
            if quote.quote.speaker and quote.quote.speaker not in found.get(quote.story_id, []):
                found.setdefault(quote.story_id, []).append(quote.quote.speaker)
        return found
