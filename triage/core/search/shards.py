"""The search index split by publication time: newest-first search stops early.

One Whoosh index holding every story costs time in proportion to the whole desk:
on 100k stories a common two-term query scores ~50k postings, and a commit merges
segments of the whole index. Editors live in the last days, so the index is
several :class:`~triage.core.search.index.SearchIndex` ("shards") under one
directory, each covering a run of days and closed at a size
(:mod:`triage.core.search.layout`: a day each on a busy desk, a month on a quiet
one):

* a story is written once, to the shard of its day; a commit touches only the
  shards of the stories in it, so its cost follows the batch, not the desk;
* a search sorted by date walks the shards newest first and stops once the page is
  full (older shards cannot hold newer stories), so the story list costs the same
  on a 100k desk as on a 10k one; the total is then a lower bound (``more``);
* a search by relevance reads shards newest first too, and in the *recent* scope
  stops once it has read at least :data:`RECENT_STORIES` stories and found a
  page of hits (every shard is read for a rare word, a tag, or a small desk); with
  ``scope="all"`` (the archive) it reads every one.

One lock file for the whole directory keeps one writer per desk across processes;
each shard's own Whoosh lock is then never contended.
"""

from __future__ import annotations

import contextlib
import fcntl
import heapq
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from triage.core.models import Progress
from triage.core.search.index import IndexBatch, SearchIndex
from triage.core.search.layout import SHARD_STORIES, Router, Span, covering, spans
from triage.core.search.queries import day_bounds, for_span
from triage.core.search.schema import (
    LOCK_WAIT_SECONDS,
    SCHEMA_VERSION,
    Hit,
    IndexDocument,
    Results,
    SearchError,
    build_schema,
    day_key,
)

Scope = Literal["recent", "all"]


class IndexBusy(SearchError):
    """Another process holds the index writer (only raised when asked not to wait)."""


INDEX_DIR = "whoosh"
"""The search index's folder inside a desk directory."""


RECENT_STORIES = 10_000
"""Relevance search reads at least this many of the newest stories before it may stop.

Sized so that a first page stays within the keystroke budget on two cores (see
``benchmarks/run.py``); a smaller desk is searched whole.
"""

LOCK_NAME = "MAIN_WRITELOCK"
VERSION_NAME = "triage-schema-version"
MANIFEST_NAME = "triage-shards"
"""Every shard ever created, one name a line: a shard directory that vanished
(deleted by hand, lost to a disk error) is then noticed instead of its days
silently dropping out of search (see :meth:`ShardedIndex.missing`)."""


def _is_shard_name(name: str) -> bool:
    return len(name) == 10 and name[4] == "-" and name[7] == "-" and name.replace("-", "").isdigit()


class ShardBatch:
    """Routes documents to the writers of their shards (see :meth:`ShardedIndex.writing`)."""

    def __init__(self, index: ShardedIndex, stack: contextlib.ExitStack) -> None:
        self._index = index
        self._stack = stack
        self._writers: dict[str, IndexBatch] = {}
        self._router: Router | None = None

    def _route(self, published: datetime) -> str:
        if self._router is None:
            tomorrow = day_key(datetime.now(UTC) + timedelta(days=1))
            self._router = Router(
                self._index.shard_keys(), self._index.stats, tomorrow, self._index.shard_stories
            )
        return self._router.route(day_key(published))

    def _writer(self, key: str) -> IndexBatch:
        if key not in self._writers:
            shard = self._index.shard(key, create=True)
            self._writers[key] = self._stack.enter_context(shard.writing())
        return self._writers[key]

    def add(
        self,
        documents: Iterable[IndexDocument],
        delete_ids: Iterable[str] = (),
        relocated: Iterable[str] = (),
    ) -> int:
        """Replace the given stories' documents; return how many were added.

        Args:
            documents: New versions; each replaces the story's document in its shard.
            delete_ids: Stories gone from the store, wherever they are indexed.
            relocated: Stories that may have been indexed under another day before
                (changed since first stored): older copies are looked for in every
                shard. New stories skip that search, so bulk ingest stays cheap.

        Documents are routed oldest first: where the live shard closes depends
        on the order (see :mod:`triage.core.search.layout`).
        """
        docs = sorted(documents, key=lambda doc: doc.published)
        by_shard: dict[str, list[IndexDocument]] = {}
        for doc in docs:
            by_shard.setdefault(self._route(doc.published), []).append(doc)
        anywhere = set(delete_ids) | set(relocated)
        if anywhere:
            for key in self._index.shard_keys():
                shard = self._index.shard(key)
                present = shard.find_ids(anywhere)
                if present:
                    self._writer(key).add((), present)
        for key, shard_docs in sorted(by_shard.items()):
            self._writer(key).add(shard_docs)
        return len(docs)


class ShardedIndex:
    """The search index: one Whoosh index per run of publication days, in one directory."""

    def __init__(
        self, path: Path, recent_stories: int | None = None, shard_stories: int | None = None
    ) -> None:
        self.path = path
        self.schema = build_schema()
        self.recent_stories = recent_stories or RECENT_STORIES
        self.shard_stories = shard_stories or SHARD_STORIES
        self._shards: dict[str, SearchIndex] = {}
        self._lock = threading.RLock()

    # -- layout ------------------------------------------------------------------

    @property
    def version_file(self) -> Path:
        return self.path / VERSION_NAME

    def exists(self) -> bool:
        """Whether an index of the current layout and schema version is on disk."""
        try:
            return int(self.version_file.read_text().strip()) == SCHEMA_VERSION
        except (OSError, ValueError):
            return False

    def create(self) -> None:
        """Create an empty index, replacing whatever is in the directory."""
        with self._lock:
            self.close()
            self.path.mkdir(parents=True, exist_ok=True)
            # the manifest first: a reader must never see it list shards being removed
            self.manifest_file.unlink(missing_ok=True)
            for stale in self.path.iterdir():
                if stale.name == LOCK_NAME:
                    continue  # another process may hold it; it carries no data
                if stale.is_dir():
                    shutil.rmtree(stale)
                else:
                    stale.unlink()
            self.version_file.write_text(f"{SCHEMA_VERSION}\n")

    def shard_keys(self) -> list[str]:
        """Shard names (each its first day) on disk, newest first (another process
        may add some)."""
        try:
            names = [p.name for p in self.path.iterdir() if _is_shard_name(p.name)]
        except OSError:
            return []
        return sorted(names, reverse=True)

    def spans(self) -> list[Span]:
        """The days each shard covers, newest first."""
        return spans(self.shard_keys())[::-1]

    def spans_of(self, *days: str | None) -> list[Span | None]:
        """For each day, the span of the shard that holds (or would hold) its stories
        (None for a day of None, or without shards), from one listing of the shards."""
        keys = sorted(self.shard_keys())
        by_key = {span.key: span for span in spans(keys)}
        found: list[Span | None] = []
        for day in days:
            key = covering(keys, day) if day is not None else None
            found.append(by_key[key] if key is not None else None)
        return found

    def stats(self, key: str) -> tuple[int, str | None]:
        """A shard's live documents and its newest story's day (for routing)."""
        shard = self.shard(key)
        if not shard.path.exists():
            return 0, None
        count, newest = shard.routing_stats()
        return count, day_key(newest) if newest else None

    def shard(self, key: str, create: bool = False) -> SearchIndex:
        """The index of one shard; with ``create``, one not on disk yet starts empty.

        A damaged day is never recreated here (that would drop its stories from
        search without a word); using it raises, and ``triage reindex`` rebuilds.
        """
        with self._lock:
            found = self._shards.get(key)
            if found is None:
                found = self._shards[key] = SearchIndex(self.path / key)
            if create and not found.path.exists():
                found.create()
                self._remember([key])
            return found

    # -- the manifest: which shards should exist ------------------------------------

    @property
    def manifest_file(self) -> Path:
        return self.path / MANIFEST_NAME

    def _manifest(self) -> set[str] | None:
        try:
            lines = self.manifest_file.read_text(encoding="ascii").split()
        except (OSError, UnicodeDecodeError):
            return None
        return {line for line in lines if _is_shard_name(line)}

    def _write_manifest(self, keys: Iterable[str]) -> None:
        temporary = self.manifest_file.with_suffix(".part")
        temporary.write_text("".join(f"{k}\n" for k in sorted(set(keys))), encoding="ascii")
        temporary.replace(self.manifest_file)

    def _remember(self, keys: Iterable[str]) -> None:
        with contextlib.suppress(OSError):
            self._write_manifest((self._manifest() or set(self.shard_keys())) | set(keys))

    def missing(self) -> list[Span]:
        """The shards the manifest lists that are gone from disk, with the days each
        covered (so the store can re-index those days). A desk indexed before the
        manifest existed gets one now, from what is on disk."""
        if not self.exists():
            return []
        listed = self._manifest()
        on_disk = set(self.shard_keys())
        if listed is None:
            self._remember(on_disk)
            return []
        gone = listed - on_disk
        if not gone:
            return []
        return [span for span in spans(sorted(listed)) if span.key in gone]

    def forget(self, keys: Iterable[str]) -> None:
        """Drop shards from the manifest (their days were queued for re-indexing)."""
        listed = self._manifest() or set()
        with contextlib.suppress(OSError):
            self._write_manifest(listed - set(keys))

    def close(self) -> None:
        """Release every shard's searcher and index handles."""
        with self._lock:
            for shard in self._shards.values():
                shard.close()
            self._shards.clear()

    # -- writing -----------------------------------------------------------------

    @contextlib.contextmanager
    def _desk_lock(self, wait: bool) -> Iterator[None]:
        """One writer per desk across processes: flock on one file, awaited, never stolen.

        The kernel drops a flock when its holder dies, so a lock file left by a
        killed process blocks nothing.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        with (self.path / LOCK_NAME).open("a") as handle:
            deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait else 0.0)
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if not wait:
                        raise IndexBusy("another process is writing the search index") from None
                    if time.monotonic() > deadline:
                        raise SearchError("search index is locked by another writer") from None
                    time.sleep(0.1)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def writing(self, wait: bool = True) -> Iterator[ShardBatch]:
        """Writers for several batches, each touched shard committed when the block ends.

        Nothing is committed if the block raises. Shards commit one after another,
        so a crash between two leaves some written and the queue entries of all;
        the next run rewrites them (each write replaces the story's document).

        Raises:
            IndexBusy: Without ``wait``, when another process is writing.
            SearchError: When another writer holds the desk's lock for too long.
        """
        with self._lock, self._desk_lock(wait), contextlib.ExitStack() as stack:
            yield ShardBatch(self, stack)

    def compact(self, before: str | None = None, progress: Progress | None = None) -> int:
        """Merge each finished shard's segments into one; return how many changed.

        Every commit adds a segment, and a query builds a matcher per segment, so a
        day written by many small refreshes answers slower than the same day in
        one segment. Merging rewrites the shard, so it is a maintenance step, not part
        of an ingest: ``triage compact``, e.g. nightly. A shard holding stories of
        today (UTC), which is still growing, is left alone unless ``before`` (a
        day) says otherwise: only shards whose newest story is older are merged.
        """
        limit = before or day_key(datetime.now(UTC))
        keys = self.shard_keys()
        compacted = 0
        with self._lock, self._desk_lock(wait=True):
            for done, key in enumerate(keys, 1):
                shard = self.shard(key)
                newest = self.stats(key)[1]
                if newest is not None and newest < limit and shard.segment_count() > 1:
                    shard.compact()
                    compacted += 1
                if progress:
                    progress("compact", done, len(keys))
        return compacted

    # -- reading -----------------------------------------------------------------

    def doc_count(self) -> int:
        """Number of live documents over all shards."""
        return sum(self.shard(key).doc_count() for key in self.shard_keys())

    def indexed_ids(self) -> set[str]:
        """Every story id the index holds (for consistency checks)."""
        found: set[str] = set()
        for key in self.shard_keys():
            found |= self.shard(key).indexed_ids()
        return found

    def search(
        self,
        q: Any,
        *,
        limit: int | None = 50,
        sort: str = "relevance",
        scope: Scope = "recent",
    ) -> Results:
        """Run a parsed query; ``sort`` is ``relevance`` or ``date`` (newest first).

        By date, shards are read newest first until the page is full, whatever the
        scope: that is exact for the page, and ``more`` says the total only counts
        the shards read. By relevance, shards are read newest first too and their
        best hits merged; in the recent scope the reading stops once it has
        covered ``recent_stories`` stories *and* found a page of hits, so a common
        word costs what it costs on a 10k desk while a rare one, a tag or an old
        story's name still reaches every day. ``more`` says older days were left.
        """
        first, last = day_bounds(q)  # a published: range needs only its own days
        wanted = [span for span in self.spans() if span.overlaps(first, last)]
        if sort == "date":
            return self._newest_first(q, wanted, limit)
        hits: list[Hit] = []
        total = covered = 0
        more = False
        for read, span in enumerate(wanted, 1):
            shard = self.shard(span.key)
            found = shard.search(for_span(q, span), limit=limit, sort="relevance")
            hits.extend(found.hits)
            total += found.total
            covered += shard.doc_count()
            enough = limit is not None and len(hits) >= limit
            if scope == "recent" and enough and covered >= self.recent_stories:
                more = read < len(wanted)
                break
        best = (
            sorted(hits, key=lambda h: -h.score)
            if limit is None
            else heapq.nlargest(limit, hits, key=lambda h: h.score)
        )
        return Results(hits=best, total=total, more=more)

    def matching_ids(self, q: Any) -> list[str]:
        """Every story id matching a parsed query, over every day it can match
        (unscored, unordered; see :meth:`SearchIndex.matching_ids`)."""
        first, last = day_bounds(q)
        found: list[str] = []
        for span in self.spans():
            if span.overlaps(first, last):
                found += self.shard(span.key).matching_ids(for_span(q, span))
        return found

    def _newest_first(self, q: Any, wanted: list[Span], limit: int | None) -> Results:
        hits: list[Hit] = []
        total = 0
        for read, span in enumerate(wanted, 1):
            page = None if limit is None else limit - len(hits)
            found = self.shard(span.key).search(for_span(q, span), limit=page, sort="date")
            hits.extend(found.hits)
            total += found.total
            if limit is not None and len(hits) >= limit:
                return Results(hits=hits, total=total, more=read < len(wanted))
        return Results(hits=hits, total=total)
