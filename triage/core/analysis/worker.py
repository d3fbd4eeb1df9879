"""The analysis worker: one child process that analyses while this one indexes.

After the store stage two jobs remain per story: analysis (quotes, then the
cluster assignment, which must follow publication order) and the Whoosh write.
Both are pure-Python CPU work, so on one core they add up. For a large backlog,
:func:`analyse_and_index` runs the analysis in one child process (or takes the
one an ingest started while it was still storing, :func:`start_follower`) and
indexes in this one: the child quotes the whole backlog first (the index's
``speaker`` field needs the quotes), then clusters it, while this process writes
every quoted story to the index.

There is one channel between the two: the pipe on which the parent says that
the store stage is over. Everything else they share is the desk's own database,
whose durable marks (``quoted``, ``analysed``, ``index_queue``) are the job
queue. Both processes write it in SQLite transactions and the analysis re-checks
each batch inside its transaction, so they never step on each other; if the child
dies, whatever it did not finish is still pending and the parent does it itself.
A small backlog (a CLI refresh) is analysed in-process: a child costs ~0.3 s to
start. The app's refresh hands analysis *and* indexing to the child whatever the
size (``background``), so the process that paints never runs them.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from triage.core.analysis.analyser import Analyser
from triage.core.clusters import ClusterEngine, PreparedMemo
from triage.core.models import Progress
from triage.core.search import INDEX_DIR, IndexWriter, ShardedIndex
from triage.core.search.writer import INDEX_COMMIT
from triage.core.store import Quotes, Store, is_postgres, store_location, terminal_name

PARALLEL_MIN_STORIES = 400
"""Backlogs at least this large are analysed in a child process."""

FOLLOW_MIN_STORIES = 100
"""An ingest starts its follower once it has stored this many, so the child's
start (~0.3 s) hides behind the rest of the store stage."""

PASS_SECONDS = 3.0
"""While the child analyses and this process has nothing to index, look again this often."""

INDEX_MIN = 100
"""Fewer queued stories than this wait for the end instead of a commit of their own."""

QUOTES_WAIT = 20.0
"""Longest wait for the child to quote the backlog before the first index pass."""

POLL_SECONDS = 0.1
"""How often the parent looks whether the quotes are done."""

WORKER_CACHE_KB = 32_000
"""The worker's SQLite page cache, in KB."""

WORKER_CHECKPOINT = 10_000
"""WAL pages after which the worker's commits checkpoint (SQLite's default: 1,000)."""

STORED = b"stored\n"
"""What the parent tells a following child once the store stage is over."""


def open_analyser(store: Store, ahead: PreparedMemo | None = None) -> Analyser:
    """An analyser over ``store``'s quotes and clusters."""
    with store.write():  # the cluster tables are created on first use
        clusters = ClusterEngine(store.conn)
    return Analyser(store, Quotes(store), clusters, ahead)


def _start_worker(path: Path, follow: bool = False, index: bool = False) -> subprocess.Popen[bytes]:
    """``python -m triage.core.analysis DESK [--follow] [--index]`` (see :func:`main`).

    A plain child process rather than :mod:`multiprocessing`: "spawn" re-imports
    the caller's main module (a script without a ``__main__`` guard would run
    again), and "fork" would copy the locks of the app's other threads.
    """
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "triage.core.analysis",
            str(path),
            *(["--follow"] * follow),
            *(["--index"] * index),
        ],
        stdin=subprocess.PIPE if follow else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_follower(path: Path) -> subprocess.Popen[bytes]:
    """Start the worker while a large ingest is still storing: it quotes stories as
    they are committed (quotes need no order, so that work hides behind the store
    stage) and clusters only once :func:`release` says every story is in."""
    return _start_worker(path, follow=True)


def release(child: subprocess.Popen[bytes], stored: bool) -> None:
    """Tell a following child the store stage is over (``stored``: go on and
    cluster) or was abandoned (it stops; what it did not do stays pending)."""
    if child.stdin is None or child.stdin.closed:
        return
    with contextlib.suppress(OSError):  # the child is already gone
        if stored:
            child.stdin.write(STORED)
            child.stdin.flush()
        child.stdin.close()


def analyse_and_index(
    path: Path,
    analyser: Analyser,
    writer: IndexWriter,
    progress: Progress | None = None,
    background: bool = False,
    follower: subprocess.Popen[bytes] | None = None,
) -> None:
    """Analyse and index whatever is pending, on two cores when the backlog is large.

    Args:
        path: The desk directory (the child opens it itself).
        analyser: This process's analyser, for a small backlog and for whatever a
            failed child left.
        writer: This process's index writer.
        progress: Told of the index stage's progress.
        background: The caller paints a screen (the app): analyse *and index* any
            backlog in the child, so this process stays free for keys (an index
            write holds the interpreter for milliseconds a story in long
            stretches, and a key press waits for it).
        follower: A child from :func:`start_follower`, already quoting this
            backlog; it is released and used whatever the backlog's size.
    """
    threshold = 1 if background else PARALLEL_MIN_STORIES
    child = follower
    if child is not None:
        release(child, stored=True)
    elif (os.cpu_count() or 1) > 1 and analyser.pending() >= threshold:
        child = _start_worker(path, index=background)
    if child is not None:
        try:
            if background:
                child.wait()
            else:
                _await_quotes(analyser, child)
                _index_beside(writer, child, progress)
        finally:
            if child.poll() is None:  # this process is being stopped: leave the rest pending
                child.terminate()
            child.wait()
    analyser.run()  # a small backlog, or what a failed child left
    writer.sync(progress)


def _index_beside(
    writer: IndexWriter, child: subprocess.Popen[bytes], progress: Progress | None
) -> None:
    """While the child clusters, index what it has quoted, a commit at a time."""
    written = 0
    while child.poll() is None:
        left = writer.store.pending_index_count()
        # A commit of a handful of stories costs nearly as much as one of
        # hundreds: small leftovers wait for the child (then the final pass).
        if left >= INDEX_MIN:
            done = writer.sync(quoted_only=True, limit=INDEX_COMMIT)
            if done:
                written += done
                if progress:
                    progress("index", written, written + writer.store.pending_index_count())
                continue
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(PASS_SECONDS)


def _await_quotes(analyser: Analyser, child: subprocess.Popen[bytes]) -> None:
    """Wait until the child has quoted the backlog (or ends, or too long passes), so
    the first index pass takes all of it: passes that each take a part commit more
    often, and a commit costs about as much for a few stories as for hundreds."""
    deadline = time.monotonic() + QUOTES_WAIT
    while child.poll() is None and time.monotonic() < deadline and analyser.pending("quoted"):
        time.sleep(POLL_SECONDS)


def main(argv: list[str]) -> int:
    """Child process: analyse everything pending in the desk at ``argv[0]``; with
    ``--follow``, first quote stories as the parent stores them (see
    :func:`start_follower`); with ``--index``, index them too (the app's refresh)."""
    path = Path(argv[0])
    location = store_location(path)
    store = Store(location, terminal_name(path) if is_postgres(location) else "")
    # This process writes only derived data (quotes, clusters, the analysed mark),
    # so its commits skip the fsync: in WAL mode a process crash still loses
    # nothing, and a power cut loses at most the last batches, which stay pending
    # and are analysed again. Editors' writes keep their own FULL connections.
    store.conn.execute("PRAGMA synchronous=NORMAL")
    # Each cluster batch inserts postings and document frequencies all over their
    # indexes: a page cache that holds them (SQLite's default is 2 MB) spares the
    # reads, and checkpointing every WORKER_CHECKPOINT pages rather than 1,000 copies a
    # page rewritten by several batches into the database once.
    store.conn.execute(f"PRAGMA cache_size=-{WORKER_CACHE_KB}")
    store.conn.execute(f"PRAGMA wal_autocheckpoint={WORKER_CHECKPOINT}")
    index = ShardedIndex(path / INDEX_DIR)
    writer = IndexWriter(store, index)
    try:
        follow = "--follow" in argv[1:]
        analyser = open_analyser(store, PreparedMemo() if follow else None)
        if follow and not _follow(analyser):
            return 0  # the parent went away: the next run analyses the rest
        if "--index" in argv[1:]:
            while analyser.quote_next():
                pass
            writer.sync()  # searchable before the clusters are done
        analyser.run()
        if "--index" in argv[1:]:
            writer.sync()
    finally:
        store.close()
        index.close()
    return 0


def _follow(analyser: Analyser) -> bool:
    """Quote stories as they are stored until the parent speaks, and between
    batches prepare their cluster assignments (:meth:`Analyser.prepare_next`);
    return whether the parent said the store stage is over (False: its end of the
    pipe closed first)."""
    said: list[bytes] = []
    reader = threading.Thread(target=lambda: said.append(sys.stdin.buffer.readline()), daemon=True)
    reader.start()
    while reader.is_alive():
        if not analyser.quote_next() and not analyser.prepare_next():
            reader.join(POLL_SECONDS)
    return said == [STORED]
