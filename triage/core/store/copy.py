"""Moving a desk's store of record between engines (``triage desk copy SRC DST``).

Every table of the source is copied row by row into the destination, whichever
engine each is on: stories, editor state, feed state, quotes, clusters and their
corrections, feed-server state, the page cache. Tables are found in the source's
catalog rather than listed here, so a table a later version adds is copied too;
a column the destination lacks stops the copy rather than dropping data. Only
SQLite's implicit ``rowid`` (the index queue's order on PostgreSQL) is left to
the destination. The copy is one write transaction on the destination: a copy
that fails or is killed leaves it as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from triage.core.store.database import Store

BATCH = 1000
"""Rows per insert batch."""

ENGINE_COLUMNS = frozenset({"rowid"})
"""Columns one engine has only to stand in for the other's implicit ones."""


class CopyError(Exception):
    """A copy that would lose something; nothing was written."""


@dataclass
class CopyReport:
    """How many rows of each table were copied."""

    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def copy_store(source: Store, destination: Store) -> CopyReport:
    """Copy every row of ``source`` into ``destination`` (which must have every
    table of the source: opening a desk's parts creates them).

    Rows whose key the destination already holds (its own ``meta``, say) are
    replaced by the source's.

    Raises:
        CopyError: When the destination lacks a table or column of the source.
    """
    theirs = destination.backend.tables()
    ours = source.backend.tables()
    plan: list[tuple[str, list[str]]] = []
    for table, columns in ours.items():
        if table not in theirs:
            raise CopyError(f"the destination has no table {table!r}")
        missing = [c for c in columns if c not in theirs[table] and c not in ENGINE_COLUMNS]
        if missing:
            raise CopyError(f"the destination's {table} has no column {', '.join(missing)}")
        plan.append((table, [c for c in columns if c in theirs[table] and c not in ENGINE_COLUMNS]))
    report = CopyReport()
    with destination.write() as conn:
        for table, columns in plan:
            names = ", ".join(f'"{c}"' for c in columns)
            insert = (
                f'INSERT OR REPLACE INTO "{table}" ({names})'
                f" VALUES ({', '.join('?' * len(columns))})"
            )
            order = " ORDER BY rowid" if "rowid" in ours[table] else ""
            batch: list[tuple[object, ...]] = []
            count = 0
            for row in source.backend.stream(f'SELECT {names} FROM "{table}"{order}', BATCH):
                batch.append(tuple(row))
                if len(batch) >= BATCH:
                    conn.executemany(insert, batch)
                    count += len(batch)
                    batch = []
            if batch:
                conn.executemany(insert, batch)
                count += len(batch)
            destination.backend.copied(table)
            report.rows[table] = count
    return report
