"""Rules on ingest and alerts, as rows: single short transactions in the store of record.

Rules live here rather than in ``config.toml`` because the app edits them while a
CLI ingest may be reading them: a transaction makes every edit atomic and durable
the moment it returns, and two editors (the app and ``triage rules add``) queue
instead of one overwriting the other's file. What a rule *means* (parsing its
actions, matching its query) is :mod:`triage.core.rules`; this module only keeps
the rows and the queue of stories the rules have not seen yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from triage.core.store.database import Store, chunks, iso


@dataclass(frozen=True, slots=True)
class RuleRow:
    """One stored rule: its number, query and actions (as the editor wrote them)."""

    id: int
    query: str
    actions: str


class Rules:
    """The desk's rules, the queue of stories waiting for them, and alert flags."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def all(self) -> list[RuleRow]:
        """Every rule, in the order it was added (the order they are applied in)."""
        rows = self.store.conn.execute("SELECT id, query, actions FROM rules ORDER BY id")
        return [RuleRow(int(r[0]), str(r[1]), str(r[2])) for r in rows]

    def get(self, rule_id: int) -> RuleRow | None:
        """One rule by number."""
        row = self.store.conn.execute(
            "SELECT id, query, actions FROM rules WHERE id = ?", (rule_id,)
        ).fetchone()
        return RuleRow(int(row[0]), str(row[1]), str(row[2])) if row else None

    def add(self, query: str, actions: str) -> int:
        """Store a rule; returns its number (numbers are never reused)."""
        with self.store.write() as conn:
            cursor = conn.execute(
                "INSERT INTO rules (query, actions, added) VALUES (?, ?, ?) RETURNING id",
                (query, actions, iso(datetime.now(UTC))),
            )
            return int(cursor.fetchone()[0])

    def update(self, rule_id: int, query: str, actions: str) -> bool:
        """Change a rule's query and actions; returns whether it existed."""
        with self.store.write() as conn:
            cursor = conn.execute(
                "UPDATE rules SET query = ?, actions = ? WHERE id = ?", (query, actions, rule_id)
            )
            return cursor.rowcount > 0

    def remove(self, rule_id: int) -> bool:
        """Delete a rule (what it did to stories stays); returns whether it existed."""
        with self.store.write() as conn:
            return conn.execute("DELETE FROM rules WHERE id = ?", (rule_id,)).rowcount > 0

    # -- the queue of new stories -----------------------------------------------------

    def waiting(self) -> list[str]:
        """Stories added since the rules last ran that are quoted and indexed.

        A story still waiting for its quotes or its index document stays queued: its
        ``speaker:`` field is not known yet, so a rule could miss it.
        """
        rows = self.store.conn.execute(
            "SELECT r.story_id FROM rule_queue r JOIN stories s ON s.id = r.story_id"
            " WHERE s.quoted >= s.seq"
            " AND NOT EXISTS (SELECT 1 FROM index_queue q WHERE q.story_id = r.story_id)"
            " ORDER BY s.published, s.id"
        )
        return [str(r[0]) for r in rows]

    def forget_gone(self) -> None:
        """Drop queue entries of stories no longer stored."""
        with self.store.write() as conn:
            conn.execute("DELETE FROM rule_queue WHERE story_id NOT IN (SELECT id FROM stories)")

    def claim(self, story_ids: Sequence[str]) -> list[str]:
        """Take stories off the queue (inside the caller's transaction, if any); returns
        those that were still on it, so two processes never both report a story new."""
        claimed: list[str] = []
        with self.store.write() as conn:
            for chunk in chunks(story_ids):
                marks = ",".join("?" * len(chunk))
                claimed.extend(
                    str(r[0])
                    for r in conn.execute(
                        f"SELECT story_id FROM rule_queue WHERE story_id IN ({marks})", chunk
                    )
                )
                conn.execute(f"DELETE FROM rule_queue WHERE story_id IN ({marks})", chunk)
        order = {sid: n for n, sid in enumerate(story_ids)}
        return sorted(claimed, key=order.__getitem__)

    # -- alerts ----------------------------------------------------------------------

    def set_alert(self, name: str, alert: bool) -> bool:
        """Mark a saved search as an alert (or not); returns whether it exists."""
        with self.store.write() as conn:
            cursor = conn.execute(
                "UPDATE saved_searches SET alert = ? WHERE name = ?", (int(alert), name)
            )
            return cursor.rowcount > 0

    def alerts(self) -> list[tuple[str, str]]:
        """Saved searches marked as alerts, as ``(name, query)``, in saved order."""
        rows = self.store.conn.execute(
            "SELECT name, query FROM saved_searches WHERE alert = 1 ORDER BY position"
        )
        return [(str(r[0]), str(r[1])) for r in rows]
