"""Document frequencies for the clusterer, counted in memory and written in batches.

Every story counts its ~300 features into ``cluster_df`` and reads each one's df
back for its idf. Done in SQL per story, that was an eighth of the analysis time.
:class:`DocumentFrequencies` keeps the counts it has read or changed in a dict and
writes the changes as one upsert per distinct term when the batch ends: a batch
of 50 stories touches ~130 distinct terms per story, not ~300.

The dict is trusted only while nothing else has changed the table. Each flush
stores a fresh random *epoch* beside the counts, in the same transaction; the next
batch starts by reading it back. Another process's flush writes its own epoch,
and a rolled-back transaction takes ours with it, so in both cases the epoch in
the database is not the one remembered here and the dict is dropped.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from triage.core.store import Connection, chunks

_EPOCH_KEY = "df_epoch"

MAX_CACHED_TERMS = 400_000
"""Beyond this many remembered terms (~60 MB), the dict starts afresh."""

WHOLE_AFTER = 20
"""Reads of unknown terms after which the whole table is read into the dict at once
(if it holds at most ``MAX_CACHED_TERMS // 2`` terms): a long run then looks up no
term in SQL, while a short one (a refresh of a few stories) reads only its own."""


class DocumentFrequencies:
    """The ``cluster_df`` table behind a write-behind cache (see the module docstring).

    Outside :meth:`batch`, every call reads and writes through at once, so code
    that never opens a batch sees plain SQL behaviour.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._known: dict[str, int] = {}
        self._pending: dict[str, int] = {}
        self._epoch: int | None = None
        self._depth = 0
        self._whole = False
        """Whether the dict holds every term of the table (an absent term's df is 0)."""
        self._reads = 0
        """Reads of unknown terms since the dict was last emptied."""

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Keep counts in memory until the block ends, then write them.

        Open it inside the caller's transaction, so the write lands (or rolls back)
        with the stories it counts. An exception drops the dict: what it held may
        have been rolled back.
        """
        self._depth += 1
        try:
            if self._depth == 1:
                self._begin()
            yield
            if self._depth == 1:
                self._flush()
        except BaseException:
            self._forget_all()
            raise
        finally:
            self._depth -= 1

    def count_in(self, terms: Sequence[str]) -> dict[str, int]:
        """Count a new story's ``terms`` (each once) and return each one's df after it."""
        with self.batch():
            self._load(terms)
            known, pending = self._known, self._pending
            for term in terms:
                known[term] += 1
                pending[term] = pending.get(term, 0) + 1
            return {term: known[term] for term in terms}

    def add(self, terms: Iterable[str], delta: int) -> None:
        """Add ``delta`` to each term's df (a story taken out counts -1)."""
        batch = list(terms)
        with self.batch():
            self._load(batch)
            for term in batch:
                self._known[term] += delta
                self._pending[term] = self._pending.get(term, 0) + delta

    def get(self, terms: Iterable[str]) -> dict[str, int]:
        """Return df for each known term of ``terms`` (unknown ones are absent)."""
        batch = list(terms)
        with self.batch():
            self._load(batch)
            return {term: self._known[term] for term in batch if self._known[term] > 0}

    def clear(self) -> None:
        """Forget every count (a recluster starts from nothing)."""
        self._forget_all()
        self.conn.execute("DELETE FROM cluster_df")
        self._write_epoch()

    # ----- internals ------------------------------------------------------------------

    def _begin(self) -> None:
        """Drop the dict unless the table still holds exactly what our last flush left."""
        row = self.conn.execute(
            "SELECT value FROM cluster_meta WHERE key = ?", (_EPOCH_KEY,)
        ).fetchone()
        stored = int(row[0]) if row else None
        if stored is None or stored != self._epoch or len(self._known) > MAX_CACHED_TERMS:
            self._known.clear()
            self._whole = False
            self._reads = 0
        self._pending.clear()

    def _load(self, terms: Iterable[str]) -> None:
        """Read the df of every term of ``terms`` not yet in the dict (0 when absent)."""
        known = self._known
        missing = list({term for term in terms if term not in known})
        if not missing:
            return
        if self._whole:
            known.update(dict.fromkeys(missing, 0))
            return
        self._reads += 1
        if self._reads >= WHOLE_AFTER and self._read_whole():
            known.update(dict.fromkeys((t for t in missing if t not in known), 0))
            return
        for chunk in chunks(missing):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT term, df FROM cluster_df WHERE term IN ({marks})", chunk
            )
            self._known.update(dict.fromkeys(chunk, 0))
            self._known.update(rows.fetchall())

    def _read_whole(self) -> bool:
        """Read every term's df into the dict, unless the table is too large for it;
        return whether it did. Counts this process changed and has not written yet
        (``_pending``) are kept: the dict's value is the table's plus those."""
        row = self.conn.execute("SELECT count(*) FROM cluster_df").fetchone()
        if int(row[0]) + len(self._known) > MAX_CACHED_TERMS // 2:
            return False
        pending = self._pending
        for term, df in self.conn.execute("SELECT term, df FROM cluster_df"):
            self._known[term] = df + pending.get(term, 0)
        self._whole = True
        return True

    def _flush(self) -> None:
        """Write each changed term once, drop terms no story counts any more."""
        changes = [(term, delta) for term, delta in self._pending.items() if delta]
        self._pending.clear()
        if not changes:
            return
        self.conn.executemany(
            "INSERT INTO cluster_df (term, df) VALUES (?, ?) "
            "ON CONFLICT (term) DO UPDATE SET df = df + excluded.df",
            changes,
        )
        if any(delta < 0 for _, delta in changes):
            self.conn.execute("DELETE FROM cluster_df WHERE df <= 0")
        self._write_epoch()

    def _write_epoch(self) -> None:
        self._epoch = secrets.randbits(62)
        self.conn.execute(
            "INSERT OR REPLACE INTO cluster_meta VALUES (?, ?)", (_EPOCH_KEY, self._epoch)
        )

    def _forget_all(self) -> None:
        self._known.clear()
        self._pending.clear()
        self._epoch = None
        self._whole = False
        self._reads = 0
