"""What the core may ask of a store's connection, whichever engine is behind it.

The store of record runs on SQLite (a desk on one machine) or PostgreSQL (a team
desk). The packages that keep their own tables (clusters, the page cache, feed
servers) write their SQL once, in the SQLite dialect, against these protocols:
:class:`sqlite3.Connection` satisfies them as it is, and the PostgreSQL backend's
connection (:mod:`triage.core.store.postgres`) translates the few dialect bits.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

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


SCHEMES = ("postgresql://", "postgres://")
"""Store locations that name a PostgreSQL database (libpq connection URLs)."""


def is_postgres(location: object) -> bool:
    """Whether a store location names a PostgreSQL database rather than a file."""
    return isinstance(location, str) and location.startswith(SCHEMES)


def is_database_error(exc: BaseException) -> bool:
    """Whether a store's engine raised ``exc`` for a failed statement or connection.

    psycopg is imported only by a team desk (its import costs most of a second on
    a busy machine, which every SQLite desk's start would pay): if it was never
    imported, none of its errors can be in flight.
    """
    if isinstance(exc, sqlite3.DatabaseError):
        return True
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(exc, psycopg.Error)
