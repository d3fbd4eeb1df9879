"""A fair queue for the desk's writers, in front of SQLite's busy timeout.

SQLite's busy handler is a sleep-and-retry loop whose naps grow to 100 ms. A
writer that commits and begins again within a few milliseconds (the analyser's
cluster batches hold the write lock most of the time during a large ingest)
nearly always wins the race, so a waiting writer can starve for seconds: the
indexer of a fresh desk waited that long to queue its first pass, and so could
an editor's tag (docs/decisions/0005). Every write transaction therefore
first takes an exclusive ``flock`` on a file beside the database. The kernel
wakes a blocked ``flock`` the moment the holder releases it, while the releasing
process is still reading its next batch outside the lock, so each writer waits
at most about one other transaction.

The kernel drops the lock with the process, so a writer killed at any instant
(``kill -9`` included) never leaves the desk locked. Where ``fcntl`` does not
exist, the turnstile does nothing and SQLite's busy timeout alone applies.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not a POSIX system
    fcntl = None  # type: ignore[assignment]


class WriterTurnstile:
    """One process's place in the queue of writers to one database file.

    Each instance holds its own open file, so two stores in one process (a desk
    gives each thread its own) queue against each other as well.
    """

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".writers")
        self._fd: int | None = None
        self._open_lock = threading.Lock()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Block until no other writer of this database holds the turnstile."""
        fd = self._descriptor()
        if fd is None:
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        """Close the lock file (releasing the turnstile if this instance holds it)."""
        with self._open_lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _descriptor(self) -> int | None:
        if fcntl is None:
            return None
        with self._open_lock:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            return self._fd
