"""The store of record on PostgreSQL (a team desk): the connection and its dialect.

The core writes its SQL once, in the SQLite dialect it was born with. This module
is where the PostgreSQL engine differs, and nowhere else does: :func:`translate`
rewrites a statement once (the result is cached per statement text) and
:class:`PgConnection` runs it through psycopg 3 with server-side prepared
statements (psycopg prepares a statement the fifth time it runs).

What is translated, and why it is enough:

- placeholders ``?`` become ``%s`` (and a literal ``%`` is doubled);
- ``INSERT OR IGNORE`` becomes ``ON CONFLICT DO NOTHING``; ``INSERT OR REPLACE``
  becomes ``ON CONFLICT (primary key) DO UPDATE`` of the other columns, read from
  the catalog (a table with a ``rowid`` column takes a new one, as SQLite's
  delete-and-insert does: the index queue is read in ``rowid`` order);
- in ``DO UPDATE SET x = x + excluded.x`` the bare ``x`` is qualified with its
  table (PostgreSQL calls it ambiguous);
- ``LIKE`` becomes ``ILIKE`` (SQLite's ``LIKE`` ignores ASCII case);
- in DDL, ``INTEGER`` is 64-bit ``BIGINT`` (SQLite's integers are), ``REAL`` is
  ``DOUBLE PRECISION``, ``BLOB`` is ``BYTEA``, ``TEXT`` sorts bytewise
  (``COLLATE "C"``, as SQLite's ``BINARY``: stored times and ids are compared as
  text), ``AUTOINCREMENT`` keys are ``BIGSERIAL`` and ``WITHOUT ROWID`` goes;
- ``x''`` blob literals are ``bytea``; ``user`` (reserved) is quoted;
- ``PRAGMA table_info(t)`` lists the columns from the catalog (the schema's
  upgrades ask it); other ``PRAGMA`` statements do nothing (the engine's settings
  are the server's).

Python's ``bool`` is sent as an integer, as SQLite stores it. Write transactions
take one transaction-scoped advisory lock, so writers queue as they do on SQLite
(:mod:`triage.core.store.writer_lock`): the store's read-then-write steps (an
upsert by identity, the clusterer's counters) rely on one writer at a time. An
editor's mark (``Store.write(alone=False)``) skips it: row locks suffice.

Also here: the per-terminal index queues (``index_queue`` is a view of this
terminal's rows of ``index_queue_all``, see :mod:`triage.core.store.migrations`),
the one-fetcher lock and the ``LISTEN`` thread (:class:`Watcher`).
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.adapt import Dumper
from psycopg_pool import ConnectionPool

from triage.core.store.connection import Cursor, Parameters
from triage.core.store.fetching import FINISHED, FetchProgress

WRITERS_LOCK = 0x7472_6961_6765_0001
"""The advisory lock key every write transaction takes (``triage`` + 1)."""

TERMINAL_TTL = timedelta(days=30)
"""A team desk forgets a terminal (and its index queue) unseen for this long; if it
comes back, it rebuilds its index."""

ENGINE_TABLES = frozenset({"index_queue_all", "desk_terminals"})
"""Tables only this engine has (the per-terminal index queues): never copied."""

KEYS = {"index_queue": ("terminal", "story_id")}
"""Conflict targets of views, which the catalog gives no primary key."""

FETCHER_LOCK = 0x7472_6961_6765_0002
"""The session advisory lock the one fetcher of a team desk holds while it fetches."""

CHANNEL = "triage_desk"
"""The NOTIFY channel of a desk's changes; the payload names the table that changed."""

FETCH_CHANNEL = "triage_fetch"
"""The NOTIFY channel of the desk's fetcher's progress (see :mod:`.fetching`)."""

ANNOUNCE_EVERY = 0.25
"""Seconds between two progress notifications of one stage (a stage's first and
last are always sent)."""

POOL_MAX = 20
"""Connections one process may hold to one desk (a desk opens one per thread)."""


# -- the dialect -------------------------------------------------------------------

_TABLE_INFO = re.compile(r"\s*PRAGMA\s+table_info\s*\(\s*(\w+)\s*\)", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DDL = re.compile(r"\s*(CREATE\s+TABLE|ALTER\s+TABLE)", re.IGNORECASE)
_INDEX = re.compile(r"\s*CREATE\s+(UNIQUE\s+)?INDEX", re.IGNORECASE)
_INSERT_OR = re.compile(
    r'\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+"?(\w+)"?\s*(\(([^)]*)\))?', re.IGNORECASE
)
_UPSERT = re.compile(r"INSERT\s+INTO\s+(\w+).*?DO\s+UPDATE\s+SET\s", re.IGNORECASE | re.DOTALL)
_SELF_ADD = re.compile(r"(?<![.\w])(\w+)(\s*=\s*)\1(\s*[-+])")
_TYPES = (
    (re.compile(r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b"), "BIGSERIAL PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    (re.compile(r"\bTEXT\b"), 'TEXT COLLATE "C"'),
    (re.compile(r"\)\s*WITHOUT ROWID\s*$"), ")"),
)

Columns = Callable[[str], tuple[tuple[str, ...], tuple[str, ...]]]
"""Table name -> (primary key columns, all columns), from the catalog."""


def _lex(sql: str) -> str:
    """Rewrite the token-level differences, leaving string literals alone."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "'":
            j = i + 1
            while True:
                j = sql.find("'", j)
                if j == -1:
                    j = n
                    break
                if sql.startswith("''", j):
                    j += 2
                    continue
                j += 1
                break
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        elif c == '"':
            j = sql.find('"', i + 1)
            j = n if j == -1 else j + 1
            out.append(sql[i:j])
            i = j
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j == -1 else j
        elif c == "?":
            out.append("%s")
            i += 1
        elif c == "%":
            out.append("%%")
            i += 1
        elif c in "xX" and sql.startswith("'", i + 1):
            j = sql.find("'", i + 2)
            j = n if j == -1 else j
            out.append(f"'\\x{sql[i + 2 : j]}'::bytea")
            i = j + 1
        elif c.isalpha() or c == "_":
            match = _WORD.match(sql, i)
            assert match is not None
            word = match.group()
            lower = word.lower()
            out.append('"user"' if lower == "user" else "ILIKE" if lower == "like" else word)
            i = match.end()
        elif c.isdigit():
            j = i
            while j < n and (sql[j].isalnum() or sql[j] in "._"):
                j += 1
            out.append(sql[i:j])
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def translate(sql: str, columns: Columns) -> str | None:
    """The PostgreSQL form of one SQLite-dialect statement (None: nothing to run)."""
    head = sql.lstrip()[:16].upper()
    if head.startswith("PRAGMA"):
        info = _TABLE_INFO.match(sql)
        if info:  # the columns of a table, as SQLite lists them (the name second)
            return (
                "SELECT ordinal_position - 1 AS cid, column_name AS name, data_type AS type"
                " FROM information_schema.columns WHERE table_schema = current_schema()"
                f" AND table_name = '{info.group(1)}' ORDER BY ordinal_position"
            )
        return None
    if head.startswith("BEGIN"):
        return "BEGIN"
    text = _lex(sql).strip().rstrip(";")
    if _DDL.match(text):
        for pattern, replacement in _TYPES:
            text = pattern.sub(replacement, text)
    elif _INDEX.match(text):
        text = re.sub(r"\s+COLLATE\s+NOCASE", "", text, flags=re.IGNORECASE)
    insert = _INSERT_OR.match(text)
    if insert:
        table = insert.group(2)
        text = "INSERT INTO " + text[text.upper().index(" INTO ") + 6 :].lstrip()
        if insert.group(1).upper() == "IGNORE":
            text += " ON CONFLICT DO NOTHING"
        else:
            key, every = columns(table)
            listed = (
                [c.strip().strip('"') for c in insert.group(4).split(",")]
                if insert.group(3)
                else [c for c in every if c != "rowid"]
            )
            sets = [f'"{c}" = EXCLUDED."{c}"' for c in listed if c not in key]
            if "rowid" in every and "rowid" not in listed:
                sets.append("rowid = DEFAULT")
            target = ", ".join(f'"{c}"' for c in key)
            action = f"DO UPDATE SET {', '.join(sets)}" if sets else "DO NOTHING"
            if key:  # a table without a key has nothing to replace
                text += f" ON CONFLICT ({target}) {action}"
    upsert = _UPSERT.search(text)
    if upsert:
        table = upsert.group(1)
        head_part, tail = text[: upsert.end()], text[upsert.end() :]
        text = head_part + _SELF_ADD.sub(rf"\1\2{table}.\1\3", tail)
    return text


# -- the connection ----------------------------------------------------------------


class _BoolAsInteger(Dumper):
    """Send ``True``/``False`` as 1/0: the store keeps flags in integer columns."""

    oid = psycopg.adapters.types["int8"].oid

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


@lru_cache(maxsize=64)
def _row_class(names: tuple[str, ...]) -> type[tuple[Any, ...]]:
    """A tuple type whose items can also be read by column name, like ``sqlite3.Row``."""
    index = {name: position for position, name in enumerate(names)}

    class Row(tuple[Any, ...]):
        __slots__ = ()

        def __getitem__(self, key: Any) -> Any:
            if isinstance(key, str):
                return tuple.__getitem__(self, index[key])
            return tuple.__getitem__(self, key)

        def keys(self) -> list[str]:
            return list(names)

    return Row


def _rows(cursor: Any) -> Callable[[Sequence[Any]], Any]:
    """psycopg row factory giving :func:`_row_class` rows."""
    if cursor.description is None:
        return tuple
    row = _row_class(tuple(c.name for c in cursor.description))
    return row


class _NoRows:
    """The result of a statement that has nothing to do on PostgreSQL (a PRAGMA)."""

    rowcount = 0

    def fetchone(self) -> Any:
        return None

    def fetchall(self) -> list[Any]:
        return []

    def __iter__(self) -> Iterator[Any]:
        return iter(())


class PgConnection:
    """A psycopg connection that takes the core's SQLite-dialect statements."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw
        self.total_changes = 0
        self._columns: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._translated: dict[str, str | None] = {}

    def _table_columns(self, table: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if table not in self._columns:
            rows: list[Any] = self.raw.execute(
                "SELECT a.attname, coalesce(a.attnum = ANY(i.indkey), false)"
                " FROM pg_attribute a LEFT JOIN pg_index i"
                " ON i.indrelid = a.attrelid AND i.indisprimary"
                " WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped"
                " ORDER BY a.attnum",
                (table,),
            ).fetchall()
            key = KEYS.get(table) or tuple(str(r[0]) for r in rows if r[1])
            self._columns[table] = (key, tuple(str(r[0]) for r in rows))
        return self._columns[table]

    def translate(self, sql: str) -> str | None:
        if sql not in self._translated:
            self._translated[sql] = translate(sql, self._table_columns)
        return self._translated[sql]

    def execute(self, sql: str, parameters: Parameters = (), /) -> Cursor:
        """Run one statement (SQLite dialect) and return its cursor."""
        query = self.translate(sql)
        if query is None:
            return _NoRows()
        cursor = self.raw.cursor(row_factory=_rows)
        cursor.execute(query, tuple(parameters))
        if cursor.rowcount > 0 and _changes_rows(query):
            self.total_changes += cursor.rowcount
        return cursor

    def executemany(self, sql: str, parameters: Iterable[Parameters], /) -> Cursor:
        """Run one statement for each set of parameters."""
        query = self.translate(sql)
        if query is None:
            return _NoRows()
        batch = [tuple(p) for p in parameters]
        cursor = self.raw.cursor(row_factory=_rows)
        if batch:
            cursor.executemany(query, batch)
            if cursor.rowcount > 0:
                self.total_changes += cursor.rowcount
        return cursor

    def forget_tables(self) -> None:
        """Drop cached column lists (after a migration changed a table)."""
        self._columns.clear()
        self._translated.clear()


def _iso(moment: datetime) -> str:
    """A time as the store writes them (``database.iso``, which imports this module)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _changes_rows(query: str) -> bool:
    return query.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE")


# -- pools and the backend ---------------------------------------------------------

_pools: dict[str, ConnectionPool[psycopg.Connection[Any]]] = {}
_pools_lock = threading.Lock()


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.adapters.register_dumper(bool, _BoolAsInteger)


def pool_for(url: str) -> ConnectionPool[psycopg.Connection[Any]]:
    """This process's pool of connections to one database (opened on first use)."""
    with _pools_lock:
        pool = _pools.get(url)
        if pool is None:
            pool = ConnectionPool(
                url,
                min_size=1,
                max_size=POOL_MAX,
                kwargs={"autocommit": True},
                configure=_configure,
                open=False,
                name="triage-desk",
            )
            pool.open(wait=True, timeout=10.0)
            _pools[url] = pool
        return pool


def close_pools() -> None:
    """Close every pool of this process (tests, and a clean exit)."""
    with _pools_lock:
        for pool in _pools.values():
            pool.close()
        _pools.clear()


class PostgresBackend:
    """One connection (from the process's pool) to a PostgreSQL store of record."""

    dialect = "postgresql"

    def __init__(self, url: str, terminal: str = "", editor: str = "") -> None:
        self.location = url
        self.terminal = terminal
        self.editor = editor
        self._fetching: psycopg.Connection[Any] | None = None
        self._announced: tuple[str, float] = ("", 0.0)
        self.new_terminal = False
        self._pool = pool_for(url)
        self._raw = self._pool.getconn(timeout=30.0)
        self._raw.execute("SELECT set_config('triage.terminal', %s, false)", (terminal,))
        self.conn = PgConnection(self._raw)

    def opened(self) -> None:
        """Note this terminal as seen (inside the opening transaction); forget the
        terminals unseen for :data:`TERMINAL_TTL`, and their queues."""
        now = datetime.now(UTC)
        cutoff = _iso(now - TERMINAL_TTL)
        self._raw.execute(
            "DELETE FROM index_queue_all WHERE terminal IN"
            " (SELECT name FROM desk_terminals WHERE seen < %s)",
            (cutoff,),
        )
        self._raw.execute("DELETE FROM desk_terminals WHERE seen < %s", (cutoff,))
        if not self.terminal:  # a script's store, no index of its own to keep up
            return
        row = self._raw.execute(
            "INSERT INTO desk_terminals (name, seen) VALUES (%s, %s) ON CONFLICT (name)"
            " DO UPDATE SET seen = EXCLUDED.seen RETURNING (xmax = 0)",
            (self.terminal, _iso(now)),
        ).fetchone()
        self.new_terminal = bool(row and row[0])

    @contextmanager
    def own_queue(self) -> Iterator[None]:
        """Within a write transaction: what is queued now is for this terminal only
        (its own index rebuild), not for every terminal of the desk."""
        self._raw.execute("SELECT set_config('triage.local_queue', 'on', true)")
        try:
            yield
        finally:
            self._raw.execute("SELECT set_config('triage.local_queue', 'off', true)")

    @contextmanager
    def transaction(self, alone: bool = True) -> Iterator[PgConnection]:
        """A write transaction; writers of the desk queue on one advisory lock,
        except an editor's mark (``alone`` off), which row locks keep consistent."""
        self._raw.execute("BEGIN")
        try:
            if alone:
                self._raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITERS_LOCK,))
            yield self.conn
        except BaseException:
            self._raw.execute("ROLLBACK")
            raise
        else:
            self._raw.execute("COMMIT")

    def schema_changed(self) -> None:
        """Forget what was read from the catalog."""
        self.conn.forget_tables()

    @contextmanager
    def fetcher(self) -> Iterator[bool]:
        """Try to become the desk's one fetcher: yields whether this terminal is it.

        The lock is a session advisory lock on a connection of its own (not one of
        the pool's, which other threads reuse), so the server releases it when the
        fetch ends or the process dies, ``kill -9`` included.
        """
        with psycopg.connect(self.location, autocommit=True) as own:
            row = own.execute("SELECT pg_try_advisory_lock(%s)", (FETCHER_LOCK,)).fetchone()
            elected = bool(row and row[0])
            if elected:
                self._fetching = own
            try:
                yield elected
            finally:
                if elected:
                    self.announce_fetch(self.editor, FINISHED, 0, 0)
                    self._fetching = None
                    own.execute("SELECT pg_advisory_unlock(%s)", (FETCHER_LOCK,))

    def announce_fetch(self, editor: str, stage: str, done: int, total: int) -> None:
        """While this terminal is the desk's fetcher, tell the other terminals how far
        it has come (a stage's first and last steps always, a notification every
        :data:`ANNOUNCE_EVERY` seconds between); otherwise nothing."""
        own = self._fetching
        if own is None:
            return
        now = time.monotonic()
        edge = stage != self._announced[0] or done >= total or stage == FINISHED
        if not edge and now - self._announced[1] < ANNOUNCE_EVERY:
            return
        self._announced = (stage, now)
        progress = FetchProgress(self.terminal, editor, stage, done, total)
        with contextlib.suppress(psycopg.Error):  # progress is a courtesy, never a failure
            own.execute("SELECT pg_notify(%s, %s)", (FETCH_CHANNEL, progress.encode()))

    def watch(
        self,
        changed: Callable[[str], None],
        fetching: Callable[[FetchProgress], None] | None = None,
    ) -> Watcher:
        """Call ``changed(table)`` from a thread of its own whenever another session
        commits a change an editor would see (see :data:`NOTIFYING`), and
        ``fetching(progress)`` as another terminal's fetch goes on."""
        return Watcher(self.location, changed, fetching, self.terminal)

    def tables(self) -> dict[str, list[str]]:
        """Every table of the store (its schema on the search path) and its columns."""
        rows = self._raw.execute(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c"
            " JOIN information_schema.tables t"
            " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
            " WHERE c.table_schema = current_schema()"
            " AND (t.table_type = 'BASE TABLE' OR t.table_name = 'index_queue')"
            " ORDER BY c.table_name, c.ordinal_position"
        ).fetchall()
        found: dict[str, list[str]] = {}
        for table, column in rows:
            if table in ENGINE_TABLES or (table == "index_queue" and column == "terminal"):
                continue
            found.setdefault(str(table), []).append(str(column))
        return found

    def stream(self, sql: str, batch: int = 1000) -> Iterator[Sequence[Any]]:
        """The rows of a query through a server-side cursor (a desk may not fit in memory)."""
        query = self.conn.translate(sql)
        assert query is not None
        with self._raw.transaction(), self._raw.cursor(name="triage_stream") as cursor:
            cursor.itersize = batch
            cursor.execute(query)
            yield from cursor

    def copied(self, table: str) -> None:
        """Move the table's serial counters past the rows copied in with their values."""
        for (column,) in self._raw.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema ="
            " current_schema() AND table_name = %s AND column_default LIKE 'nextval(%%'",
            (table,),
        ).fetchall():
            self._raw.execute(
                f'SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max("{column}"), 0) + 1,'
                f' false) FROM "{table}"',
                (table, column),
            )

    def close(self) -> None:
        """Give the connection back to the pool."""
        self._pool.putconn(self._raw)


NOTIFYING = (
    "stories",
    "story_tags",
    "story_state",
    "editor_state",
    "assignments",
    "cluster_correction",
    "quote_tags",
    "saved_searches",
    "editor_searches",
)
"""Tables whose changes every open app of a team desk is told about (one
notification per changing statement; identical ones in a transaction fold)."""


class Watcher:
    """A thread that ``LISTEN``s on a desk's channel and reports each change.

    It holds a connection of its own (a listening session must stay open), waits
    for notifications a second at a time so that :meth:`stop` is prompt, and
    reconnects after a dropped connection.
    """

    def __init__(
        self,
        url: str,
        changed: Callable[[str], None],
        fetching: Callable[[FetchProgress], None] | None = None,
        terminal: str = "",
    ) -> None:
        self.url = url
        self.changed = changed
        self.fetching = fetching
        self.terminal = terminal
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="triage-desk-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    if self.fetching is not None:
                        conn.execute(f"LISTEN {FETCH_CHANNEL}")
                    self.ready.set()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            if note.channel == CHANNEL:
                                self.changed(note.payload)
                            else:
                                self._fetch_note(note.payload)
            except psycopg.OperationalError:
                self._stop.wait(1.0)  # the server went away: listen again when it is back

    def _fetch_note(self, payload: str) -> None:
        progress = FetchProgress.decode(payload)
        if progress is not None and progress.terminal != self.terminal and self.fetching:
            self.fetching(progress)

    def stop(self) -> None:
        """Stop listening (returns within about a second)."""
        self._stop.set()
        self._thread.join(timeout=5.0)
