"""What the core may ask of a store's connection, whichever engine is behind it.

The store of record runs on SQLite (a desk on one machine) or PostgreSQL (a team
desk). The packages that keep their own tables (clusters, the page cache, feed
servers) write their SQL once, in the SQLite dialect, against these protocols:
:class:`sqlite3.Connection` satisfies them as it is, and the PostgreSQL backend's
connection (:mod:`triage.core.store.postgres`) translates the few dialect bits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

import psycopg

Row = Any
"""A result row: indexable by position and by column name (``sqlite3.Row`` or the
PostgreSQL backend's equivalent)."""

Parameters = Sequence[Any]


class Cursor(Protocol):
    """The part of a DB-API cursor the core uses."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The part of a connection the core uses (``total_changes`` as in sqlite3)."""

    @property
    def total_changes(self) -> int: ...

    def execute(self, sql: str, parameters: Parameters = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Parameters], /) -> Cursor: ...


DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError, psycopg.Error)
"""What a store's engine raises for a failed statement or connection (psycopg's
pool timeout is a ``psycopg.Error`` too)."""
