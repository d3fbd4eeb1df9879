"""The Whoosh index on disk: one batched writer, cached searchers."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import sorting
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from triage.core.search.queries import id_column, may_match
from triage.core.search.schema import (
    LOCK_WAIT_SECONDS,
    SCHEMA_VERSION,
    Hit,
    IndexDocument,
    IndexUnavailable,
    Results,
    SearchError,
    build_schema,
    postings_codec,
)

WRITER_LIMIT_MB = 32
"""Postings a Whoosh writer holds in memory (by its own estimate) before it sorts
them out to a temporary run file; Whoosh's default is 128. Indexing runs beside
the analysis worker and is not the ingest's critical path: a writer that spills a
few runs per commit costs the indexing process ~6% more CPU and ~17 MB less at its
peak (ADR 0010)."""


class IndexBatch:
    """Adds documents through an open Whoosh writer (see :meth:`SearchIndex.writing`)."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer
        self.touched = False

    def add(self, documents: Iterable[IndexDocument], delete_ids: Iterable[str] = ()) -> int:
        """Replace the given stories' documents; return how many were added.

        Deletes every id first, then adds the documents: far cheaper than
        ``update_document``, which opens a searcher per call.
        """
        docs = list(documents)
        to_delete = {d.id for d in docs} | set(delete_ids)
        if not docs and not to_delete:
            return 0
        self.touched = True
        writer = self._writer
        for story_id in to_delete:
            writer.delete_by_term("id", story_id)
        for doc in docs:
            writer.add_document(
                id=doc.id,
                title=doc.title,
                body=doc.body,
                source=doc.source,
                author=doc.author,
                speaker=" ; ".join(doc.speakers),
                feed=" ".join(doc.feeds) or None,
                published=doc.published.replace(tzinfo=None),
            )
        return len(docs)


class SearchIndex:
    """A Whoosh index in a directory, written in batches by one writer.

    Searchers are cached and refreshed after a commit (ours or another process's),
    so repeated queries do not reopen segment files.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.schema = build_schema()
        self._index: Any = None
        self._searcher: Any = None
        self._lock = threading.RLock()

    # -- opening -----------------------------------------------------------------

    @property
    def version_file(self) -> Path:
        return self.path / "triage-schema-version"

    def exists(self) -> bool:
        """Whether an index of the current schema version is on disk."""
        try:
            version = int(self.version_file.read_text().strip())
        except (OSError, ValueError):
            return False
        if version != SCHEMA_VERSION:
            return False
        try:
            return bool(whoosh_index.exists_in(str(self.path)))
        except Exception:  # present but corrupt: opening it reports why
            return True

    def create(self) -> None:
        """Create an empty index, replacing whatever is in the directory."""
        with self._lock:
            self.close()
            self.path.mkdir(parents=True, exist_ok=True)
            for stale in self.path.iterdir():
                if stale.is_file():
                    stale.unlink()
            self._index = whoosh_index.create_in(str(self.path), self.schema)
            self.version_file.write_text(f"{SCHEMA_VERSION}\n")

    def _open(self) -> Any:
        if self._index is None:
            if not self.exists():
                raise IndexUnavailable(
                    f"no search index of version {SCHEMA_VERSION} at {self.path}; "
                    "run `triage reindex`"
                )
            try:
                self._index = whoosh_index.open_dir(str(self.path), schema=self.schema)
            except Exception as exc:
                raise self._unreadable(exc) from None
        return self._index

    def _unmapped(self) -> Any:
        """The index opened for a writer: its segment files read through the file.

        On an index opened the usual way, each segment reader copies its segment's
        whole term and posting files out of the memory map into a buffer of its own
        (Whoosh's ``BufferFile``). A writer opens one over every segment of its shard
        (to delete a story's old document, and to merge at commit), so indexing held
        the shard's files in memory once more: ~85 MB at the peak of the real-text
        ingest. Searchers keep the mapped index (:meth:`_open`), where reads are fastest.
        """
        return FileStorage(str(self.path), supports_mmap=False).open_index(schema=self.schema)

    def _unreadable(self, exc: BaseException) -> IndexUnavailable:
        """Forget the handles of a damaged index and say, in one line, how to fix it.

        A truncated or deleted segment file (a disk filling up, a stray ``rm``)
        surfaces from Whoosh as EOFError, struct.error, FileNotFoundError and the
        like, at open, search or write time; the store of record is unaffected.
        """
        self.close()
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return IndexUnavailable(
            f"search index at {self.path} is unreadable ({reason}); run `triage reindex`"
        )

    def close(self) -> None:
        """Release the cached searcher and index handles."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = None
            self._index = None

    def searcher(self) -> Any:
        """A current searcher, reopened if the index changed since the last call.

        Whoosh's ``Searcher.refresh()`` is not used: it reuses the reader of any
        segment whose id is unchanged, and so misses deletions committed to that
        segment since (a story moved to another day stayed findable on its old
        one), and it adds back segments that a merge removed.
        """
        with self._lock:
            try:
                if self._searcher is not None and self._searcher.up_to_date():
                    return self._searcher
                # The old searcher is dropped, not closed: another thread may still
                # be reading it, and its files close with its last reference.
                self._searcher = self._open().searcher()
            except IndexUnavailable:
                raise
            except Exception as exc:
                raise self._unreadable(exc) from None
            return self._searcher

    # -- writing -----------------------------------------------------------------

    @contextlib.contextmanager
    def writing(self) -> Iterator[IndexBatch]:
        """One Whoosh writer for several batches, committed once when the block ends.

        A Whoosh commit writes a segment and merges the small ones, so its cost
        grows with the index: committing every few hundred stories made indexing
        far slower than one writer with one commit.
        Nothing is committed if the block raises. The writer lock is awaited for at
        most :data:`LOCK_WAIT_SECONDS`.

        Raises:
            SearchError: When another writer holds the lock for too long.
        """
        with self._lock:
            self._open()
            try:
                writer = self._unmapped().writer(
                    timeout=LOCK_WAIT_SECONDS,
                    delay=0.1,
                    codec=postings_codec(),
                    limitmb=WRITER_LIMIT_MB,
                )
            except LockError:
                raise SearchError("search index is locked by another writer") from None
            except Exception as exc:
                raise self._unreadable(exc) from None
            batch = IndexBatch(writer)
            try:
                yield batch
                if batch.touched:
                    writer.commit()
                else:
                    writer.cancel()
            except BaseException as exc:
                with contextlib.suppress(Exception):
                    writer.cancel()
                if isinstance(exc, Exception) and not isinstance(exc, SearchError):
                    raise self._unreadable(exc) from None
                raise

    # -- reading -----------------------------------------------------------------

    def doc_count(self) -> int:
        """Number of live documents in the index."""
        return int(self.searcher().doc_count())

    def search(
        self,
        q: Any,
        *,
        limit: int | None = 50,
        sort: str = "relevance",
    ) -> Results:
        """Run a parsed query; ``sort`` is ``relevance`` or ``date`` (newest first).

        Args:
            q: A query from :func:`parse_query`.
            limit: Most hits to return (None for all).
            sort: ``relevance`` or ``date``.
        """
        searcher = self.searcher()
        if not may_match(q, searcher.reader()):
            return Results(hits=[], total=0)  # a required word is not in this shard
        # optimize=False: score every match in one pass. Whoosh's block-quality
        # skipping saves scoring but then cannot count, and len(results) re-runs the
        # query to count it; one full pass is cheaper than skip + recount.
        kwargs: dict[str, Any] = {"limit": limit, "optimize": False}
        if sort == "date":
            kwargs["sortedby"] = sorting.FieldFacet("published", reverse=True)
        try:
            collector = searcher.collector(**kwargs)
            # Whoosh also "replaces" the matcher tree as the page fills, dropping
            # sub-matchers that cannot reach the page's lowest score: the page stays
            # right but the count loses their documents (1 of 317 where 446 match).
            # The total is shown to editors, so it must be exact: no replacing.
            if hasattr(collector, "replace"):
                collector.replace = 0
            searcher.search_with_collector(q, collector)
            results = collector.results()
        except Exception as exc:
            raise SearchError(f"search failed: {exc}") from None
        ids = id_column(searcher)
        hits = [Hit(id=ids[hit.docnum], score=float(hit.score or 0.0)) for hit in results]
        return Results(hits=hits, total=len(results))

    def matching_ids(self, q: Any) -> list[str]:
        """Every story id matching a parsed query, unscored and unordered.

        For orders the store makes (oldest, by feed, by cluster size), where a
        score or a sort would be thrown away: listing the matches costs a small
        part of a scored search over the same documents.
        """
        searcher = self.searcher()
        if not searcher.doc_count() or not may_match(q, searcher.reader()):
            return []  # an empty index's reader has no columns
        try:
            ids = id_column(searcher)
            return [ids[docnum] for docnum in searcher.docs_for_query(q)]
        except Exception as exc:
            raise SearchError(f"search failed: {exc}") from None

    def newest(self) -> datetime | None:
        """The latest publication time of a live document (None when empty)."""
        reader = self.searcher().reader()
        if not reader.doc_count():
            return None  # an empty index's reader has no columns
        column = reader.column_reader("published", translate=True)
        return max((column[doc] for doc in reader.all_doc_ids()), default=None)

    def routing_stats(self) -> tuple[int, datetime | None]:
        """Live documents and the latest publication time, for a writer's routing.

        Read through a reader of the unmapped index, closed at once: the cached
        searcher (:meth:`searcher`) would copy every segment's term and posting files
        into memory and keep them for as long as it lives (see :meth:`_unmapped`).
        """
        with self._lock:
            self._open()
            try:
                reader = self._unmapped().reader()
            except Exception as exc:
                raise self._unreadable(exc) from None
            try:
                count = int(reader.doc_count())
                if not count:
                    return 0, None  # an empty index's reader has no columns
                column = reader.column_reader("published", translate=True)
                return count, max((column[doc] for doc in reader.all_doc_ids()), default=None)
            finally:
                reader.close()

    def segment_count(self) -> int:
        """How many segments the index has (each costs a matcher per query)."""
        return len(self._open()._segments())

    def compact(self) -> None:
        """Merge every segment into one (Whoosh's ``optimize``): a rewrite of the index."""
        with self._lock:
            try:
                self._open().writer(codec=postings_codec()).commit(optimize=True)
            except LockError:
                raise SearchError("search index is locked by another writer") from None
            self.close()

    def find_ids(self, ids: Iterable[str]) -> list[str]:
        """Which of ``ids`` have a document in this index."""
        if not self.exists():
            return []
        searcher = self.searcher()
        return [i for i in ids if searcher.document_number(id=i) is not None]

    def indexed_ids(self) -> set[str]:
        """Every story id the index holds (for consistency checks)."""
        return set(id_column(self.searcher()).values())
