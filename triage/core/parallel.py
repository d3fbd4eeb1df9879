"""Analyse in a second process while this one indexes: a large ingest uses both cores.

After the store stage, two jobs remain per story: analysis (quotes, then the
cluster assignment, which must follow publication order) and the Whoosh write.
Both are pure-Python CPU work of about the same size, so on one core they add up.
For a large backlog, :func:`analyse_and_index` starts a child process (or takes
the one an ingest started while it was still storing, :func:`start_follower`)
that runs :meth:`Desk.analyse_pending`, which quotes the whole backlog first (a
millisecond a story) and then clusters it. The parent waits for the quotes (the
index's ``speaker`` field needs them), indexes every quoted story while the
child clusters, then drains what is left. Clustering is the longest leg, so the
part of each assignment that needs no other story
(:mod:`triage.core.cluster_prepare`) is done ahead wherever a core is free: by a
follower, which would otherwise sit idle whenever it has quoted everything
stored so far (it keeps those in memory), and by the parent between its index
commits whenever the child would otherwise finish later
(:mod:`triage.core.parallel_share`, handed over through
:mod:`triage.core.cluster_shelf`). The clustering then only does the rest.

Both processes write the store through SQLite transactions (WAL, busy timeout)
and the analysis re-checks each batch inside its transaction, so they never step
on each other; if the child dies, whatever it did not finish is still pending and
the parent analyses it itself. A small backlog (a CLI refresh) is done
in-process: a child costs ~0.3 s to start. The app is the exception: its refresh
hands both analysis and indexing to a child whatever the size (``background``),
so the process that paints never runs them.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from triage.core.cluster_shelf import PreparedShelf, remove_shelf, shelf_path
from triage.core.models import Progress

if TYPE_CHECKING:
    from triage.core.analysis import Analyser
    from triage.core.desk import Desk

PARALLEL_MIN_STORIES = 400
"""Backlogs at least this large are analysed in a child process."""

FOLLOW_MIN_STORIES = 100
"""An ingest starts its follower once it has stored this many: the child's start
(~0.3 s) then hides behind the rest of the store stage (a 1k ingest: 7.4 -> 7.2 s,
against starting at 400)."""

PASS_SECONDS = 3.0
"""While the child analyses and this process has nothing to do, look again this often."""

INDEX_MIN = 100
"""Fewer queued stories than this wait for the end instead of a commit of their own."""

QUOTES_WAIT = 20.0
"""Longest wait for the child to quote the backlog before the first index pass."""

POLL_SECONDS = 0.1
"""How often the parent looks whether the quotes are done."""


STORED = b"stored\n"
"""What the parent tells a following child once the store stage is over."""


def _start_analyser(
    path: Path, follow: bool = False, index: bool = False
) -> subprocess.Popen[bytes]:
    """``python -m triage.core.parallel DESK [--follow] [--index]`` in a new process.

    A plain child process rather than :mod:`multiprocessing`: "spawn" re-imports
    the caller's main module (a script without a ``__main__`` guard would run
    again), and "fork" would copy the locks of the app's other threads.
    """
    shelved = None if index else _fresh_shelf(path)
    shelf = ["--shelf", str(shelved)] if shelved else []
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "triage.core.parallel",
            str(path),
            *(["--follow"] * follow),
            *(["--index"] * index),
            *shelf,
        ],
        stdin=subprocess.PIPE if follow else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _fresh_shelf(path: Path) -> Path | None:
    """An empty shelf where this process hands the child prepared stories (None if
    the temporary directory cannot hold one: the child then prepares alone)."""
    try:
        shelf = PreparedShelf.fresh(shelf_path(path))
    except (OSError, sqlite3.Error):
        return None
    shelf.close()
    return shelf.path


def start_follower(path: Path) -> subprocess.Popen[bytes]:
    """Start the analyser while a large ingest is still storing: it quotes stories
    as they are committed (quotes need no order, so that work hides behind the
    store stage) and clusters only once :func:`release` says every story is in."""
    return _start_analyser(path, follow=True)


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
    desk: Desk,
    progress: Progress | None = None,
    background: bool = False,
    follower: subprocess.Popen[bytes] | None = None,
) -> None:
    """Analyse and index whatever is pending, on two cores when the backlog is large.

    Args:
        desk: The desk.
        progress: Told of the index stage's progress.
        background: The caller paints a screen (the app): analyse *and index* any
            backlog in a child process, so this one stays free for keys. An index
            write holds the interpreter for ~8 ms a story in long stretches, and a
            key press waits for it (it also raised the app's peak memory during a
            refresh of 1k stories from 79 to 110 MB).
        follower: A child from :func:`start_follower`, already quoting this
            backlog; it is released and used whatever the backlog's size.
    """
    threshold = 1 if background else PARALLEL_MIN_STORIES
    child = follower
    if child is not None:
        release(child, stored=True)
    elif (os.cpu_count() or 1) > 1 and desk.pending_analysis() >= threshold:
        child = _start_analyser(desk.path, index=background)
    if child is not None:
        try:
            if background:
                child.wait()
            else:
                _await_quotes(desk, child)
                _index_and_share(desk, child, progress)
        finally:
            if child.poll() is None:  # this process is being stopped: leave the rest pending
                child.terminate()
            child.wait()
            remove_shelf(shelf_path(desk.path))
    desk.analyse_pending()  # a small backlog, or what a failed child left
    desk.sync_index(progress)


def _index_and_share(
    desk: Desk, child: subprocess.Popen[bytes], progress: Progress | None
) -> None:
    """While the child clusters: index what it has quoted, a commit at a time, and
    between commits prepare stories for it whenever it would otherwise finish
    later than this process (:mod:`triage.core.parallel_share`)."""
    from triage.core.desk import INDEX_COMMIT
    from triage.core.parallel_share import ClusterShare

    path = shelf_path(desk.path)
    shelf = PreparedShelf(path) if path.exists() else None
    share = ClusterShare(desk, shelf)
    try:
        while child.poll() is None:
            left = desk.store.pending_index_count()
            if share.child_is_later(left) and share.prepare_some():
                continue
            # A commit of a handful of stories costs nearly as much as one of
            # hundreds: small leftovers wait for the child (then the final pass).
            if left >= INDEX_MIN and share.index(INDEX_COMMIT):
                if progress:
                    done = share.index_pace.count
                    progress("index", done, done + desk.store.pending_index_count())
                continue
            if share.prepare_some():
                continue
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(PASS_SECONDS)
    finally:
        if shelf is not None:
            shelf.close()


def _await_quotes(desk: Desk, child: subprocess.Popen[bytes]) -> None:
    """Wait until the child has quoted the backlog (or ends, or too long passes), so
    the first index pass takes all of it: passes that each take a part commit more
    often, and a commit costs about as much for a few stories as for hundreds."""
    deadline = time.monotonic() + QUOTES_WAIT
    while child.poll() is None and time.monotonic() < deadline and desk.pending_quotes():
        time.sleep(POLL_SECONDS)


def main(argv: list[str]) -> int:
    """Child process: analyse everything pending in the desk at ``argv[0]``; with
    ``--follow``, first quote stories as the parent stores them (see
    :func:`start_follower`); with ``--index``, index them too (the app's refresh)."""
    from triage.core.analysis import Analyser
    from triage.core.cluster_prepare import PreparedMemo
    from triage.core.desk import Desk

    desk = Desk(Path(argv[0]))
    # This process writes only derived data (quotes, clusters, the analysed mark),
    # so its commits skip the fsync: in WAL mode a process crash still loses
    # nothing, and a power cut loses at most the last batches, which stay pending
    # and are analysed again. Editors' writes keep their own FULL connections.
    desk.store.conn.execute("PRAGMA synchronous=NORMAL")
    shelf = PreparedShelf(Path(argv[argv.index("--shelf") + 1])) if "--shelf" in argv else None
    try:
        follow = "--follow" in argv[1:]
        ahead = PreparedMemo() if follow else None
        analyser = Analyser(desk.store, desk.quotes, desk.clusters, ahead, shelf)
        if follow and not _follow(analyser):
            return 0  # the parent went away: the next run analyses the rest
        if "--index" in argv[1:]:
            while analyser.quote_next():
                pass
            desk.sync_index()  # searchable before the clusters are done
        analyser.run()  # what :meth:`Desk.analyse_pending` does, with what it prepared
        if "--index" in argv[1:]:
            desk.sync_index()
    finally:
        if shelf is not None:  # its parent may be gone (killed, or its ingest failed)
            shelf.close()
            remove_shelf(shelf.path)
        desk.close()
    return 0


def _follow(analyser: Analyser) -> bool:
    """Quote stories as they are stored until the parent speaks, and between
    batches prepare their cluster assignments (:meth:`Analyser.prepare_next`);
    return whether the parent said the store stage is over (False: its end of the
    pipe closed first)."""
    said: list[bytes] = []
    reader = threading.Thread(
        target=lambda: said.append(sys.stdin.buffer.readline()), daemon=True
    )
    reader.start()
    while reader.is_alive():
        if not analyser.quote_next() and not analyser.prepare_next():
            reader.join(POLL_SECONDS)
    return said == [STORED]


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
