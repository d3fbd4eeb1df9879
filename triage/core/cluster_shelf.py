"""Prepared cluster assignments handed from one process to another.

In a large ingest the analyser child clusters in publication order, and that is
the critical path: the parent finishes its index pass well before (at 10k
stories it sat idle for the last 53 s of a 126 s run). The pure third of each
assignment (:mod:`triage.core.cluster_prepare`) needs no other story, so the
parent prepares stories the child has not reached yet and puts them on this
shelf; the child takes them off as it reaches them and does only the rest.

The shelf is a scratch SQLite database in the system's temporary directory, one
per parent process and desk, never part of the desk: it holds nothing that
cannot be computed again, and an entry is used only for the ``seq`` it was
prepared for. The child deletes it when it exits (whether or not its parent is
still there), and the parent once the child has gone. The child also notes here
which stories it prepared itself (*claims*, without data), so the parent does not
prepare them twice, and how long its assignments take, so the parent can tell how
far behind it is.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from triage.core.cluster_prepare import Prepared, from_bytes, to_bytes

RECENT_WEIGHT = 0.02
"""Weight of the newest story in a :class:`Pace` (~the last 50 count): an
assignment gets dearer as the desk grows, so an all-time mean would flatter."""

MIN_EVENTS = 20
"""Stories timed before a measured pace replaces the prior guess."""


@dataclass(slots=True)
class Pace:
    """Seconds per story lately (a running mean that follows the recent ones), with a
    guess (``prior``) until :data:`MIN_EVENTS` stories have been timed. The child
    keeps one per kind of assignment and reports it here; the parent keeps its own
    for preparing and indexing, and reads the child's back."""

    prior: float = 0.0
    count: int = 0
    mean: float = 0.0

    def add(self, seconds: float, stories: int = 1) -> None:
        """Count ``stories`` that took ``seconds`` in all."""
        if stories <= 0:
            return
        self.count += stories
        weight = min(1.0, max(RECENT_WEIGHT * stories, stories / self.count))
        self.mean += weight * (seconds / stories - self.mean)

    @property
    def per_story(self) -> float:
        return self.mean if self.count >= MIN_EVENTS else self.prior

    @property
    def reading(self) -> tuple[int, float]:
        """(stories timed, recent seconds per story): what the child records."""
        return self.count, self.mean


_SCHEMA = """
CREATE TABLE IF NOT EXISTS prepared (story_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, data BLOB);
CREATE TABLE IF NOT EXISTS pace (key TEXT PRIMARY KEY, value REAL NOT NULL);
"""


def shelf_path(desk_path: Path, owner: int | None = None) -> Path:
    """Where the process ``owner`` (default: this one) shelves for the desk at
    ``desk_path``: the parent computes it, and passes it to its child."""
    digest = hashlib.sha1(str(desk_path.resolve()).encode()).hexdigest()[:12]
    name = f"triage-prepared-{digest}-{owner or os.getpid()}.sqlite3"
    return Path(tempfile.gettempdir()) / name


def remove_shelf(path: Path) -> None:
    """Delete a shelf and its WAL files (missing ones are fine)."""
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


class PreparedShelf:
    """One process's connection to a shelf."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(str(path), timeout=60.0, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=OFF")  # scratch: a crash loses nothing
        self.conn.executescript(_SCHEMA)

    @classmethod
    def fresh(cls, path: Path) -> PreparedShelf:
        """Open an empty shelf at ``path`` (anything left there by a crashed run
        whose process id this one reuses is dropped)."""
        remove_shelf(path)
        return cls(path)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def put(self, items: Iterable[tuple[str, int, Prepared]]) -> int:
        """Shelve prepared stories (id, seq, prepared part); return how many."""
        rows = [(sid, seq, to_bytes(seq, prepared)) for sid, seq, prepared in items]
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany(
                "INSERT OR REPLACE INTO prepared (story_id, seq, data) VALUES (?, ?, ?)", rows
            )
        return len(rows)

    def claim(self, items: Iterable[tuple[str, int]]) -> None:
        """Note stories (id, seq) the child prepared itself and holds in memory."""
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany(
                "INSERT OR IGNORE INTO prepared (story_id, seq, data) VALUES (?, ?, NULL)",
                list(items),
            )

    def take(self, wanted: dict[str, int]) -> dict[str, Prepared]:
        """Take the shelved part of each of ``wanted`` (id -> seq) that was prepared
        for that seq (entries for another seq are dropped too: they are stale)."""
        if not wanted:
            return {}
        ids = list(wanted)
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT story_id, data FROM prepared WHERE data IS NOT NULL AND story_id IN ({marks})",
            ids,
        ).fetchall()
        found: dict[str, Prepared] = {}
        for story_id, data in rows:
            seq, prepared = from_bytes(data)
            if seq == wanted[story_id]:
                found[story_id] = prepared
        if rows:
            with self.conn:
                self.conn.execute("BEGIN IMMEDIATE")
                self.conn.execute(
                    f"DELETE FROM prepared WHERE data IS NOT NULL AND story_id IN ({marks})", ids
                )
        return found

    def held(self) -> set[str]:
        """Ids on the shelf or claimed by the child (the parent skips them)."""
        return {str(r[0]) for r in self.conn.execute("SELECT story_id FROM prepared")}

    def record_pace(self, plain: tuple[int, float], ahead: tuple[int, float]) -> None:
        """The child's assignments so far: (count, recent seconds per story) of
        those it prepared itself when it reached them, and of those prepared ahead."""
        values = {"plain_n": plain[0], "plain_s": plain[1], "ahead_n": ahead[0],
                  "ahead_s": ahead[1]}
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany(
                "INSERT OR REPLACE INTO pace (key, value) VALUES (?, ?)", values.items()
            )

    def pace(self) -> dict[str, float]:
        """What :meth:`record_pace` last wrote (empty before the first batch)."""
        return {str(k): float(v) for k, v in self.conn.execute("SELECT key, value FROM pace")}

    def child_pace(self, kind: str, prior: float) -> Pace:
        """The child's reported :class:`Pace` of ``kind`` (``plain`` or ``ahead``)."""
        found = self.pace()
        return Pace(prior, int(found.get(f"{kind}_n", 0)), found.get(f"{kind}_s", 0.0))
