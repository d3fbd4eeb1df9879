"""The store of record on SQLite (a desk on one machine): its connection and writers.

The database is one file in WAL mode, opened in autocommit mode so that the store
decides where transactions begin: a write transaction starts with ``BEGIN
IMMEDIATE`` after a turn in the writers' queue (:mod:`triage.core.store.writer_lock`),
so concurrent writers (a CLI ingest, the open app, a CLI tag) queue instead of
failing with "database is locked"; SQLite's busy timeout stays as the backstop.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from triage.core.store.fetching import FetchProgress
from triage.core.store.writer_lock import WriterTurnstile

BUSY_TIMEOUT_SECONDS = 60.0


def connect(path: Path) -> sqlite3.Connection:
    """Open the desk database in autocommit mode with WAL and a long busy timeout."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
    return conn


class SqliteBackend:
    """One connection to a desk's SQLite file, and its place in the writers' queue."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.location = str(path)
        self.conn = connect(path)
        self._turnstile = WriterTurnstile(path)

    @contextmanager
    def transaction(self, alone: bool = True) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``), after this writer's turn
        (SQLite has one writer at a time whatever ``alone`` says)."""
        with self._turnstile.turn():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")

    new_terminal = False
    """A SQLite desk has one index, beside its file."""

    def opened(self) -> None:
        """Nothing to note on opening a desk file."""

    @contextmanager
    def own_queue(self) -> Iterator[None]:
        """The index queue is the desk's own already."""
        yield

    def schema_changed(self) -> None:
        """Nothing is cached about the schema on SQLite."""

    @contextmanager
    def fetcher(self) -> Iterator[bool]:
        """A desk file has one machine's terminals: each may fetch, as before."""
        yield True

    def announce_fetch(self, editor: str, stage: str, done: int, total: int) -> None:
        """Nothing to announce: a desk file's terminals each fetch for themselves."""

    def watch(
        self,
        changed: Callable[[str], None],
        fetching: Callable[[FetchProgress], None] | None = None,
    ) -> None:
        """No notifications on SQLite: the app looks for changes itself (polling)."""
        return None

    def tables(self) -> dict[str, list[str]]:
        """Every table of the store and its columns (SQLite's own tables left out)."""
        names = [
            str(r[0])
            for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: [str(c[1]) for c in self.conn.execute(f'PRAGMA table_info("{name}")')]
            for name in names
        }

    def stream(self, sql: str, batch: int = 1000) -> Iterator[Sequence[Any]]:
        """The rows of a query, read as they are used (a desk may not fit in memory)."""
        cursor = self.conn.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield from rows

    def copied(self, table: str) -> None:
        """Nothing to do after rows were copied in (AUTOINCREMENT follows by itself)."""

    def close(self) -> None:
        """Close the connection and the turnstile's file."""
        self.conn.close()
        self._turnstile.close()
