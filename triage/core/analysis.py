"""Analysis of stored stories in two stages: quotes, then clusters.

Quotes are per story and need no order; the cluster assignment must follow
publication order and is most of the cost. The search index needs only the
quotes (its ``speaker`` field), so each stage keeps its own mark on the story
(``quoted`` and ``analysed``, each equal to the ``seq`` it was done for): a large
ingest quotes its whole backlog first, and the index then follows the quotes
while the clusterer works, instead of trailing the clusterer.

Both stages extract or read outside the write transaction, then check each batch
again inside it, so two processes analysing one desk (an ingest beside a
refresh, or the parallel analyser) never do one version of a story twice, and
editors' writes wait at most one small batch.
"""

from __future__ import annotations

from collections.abc import Sequence

from triage.core.clusters import ClusterEngine
from triage.core.models import Quote
from triage.core.quotes import extract_quotes
from triage.core.store import Store
from triage.core.store_quotes import Quotes

ANALYSE_BATCH = 50
"""Stories per analysis transaction."""


class Analyser:
    """Runs both stages over whatever a desk's store has pending."""

    def __init__(self, store: Store, quotes: Quotes, clusters: ClusterEngine) -> None:
        self.store = store
        self.quotes = quotes
        self.clusters = clusters

    def pending(self, mark: str = "analysed") -> int:
        """How many stories wait for a stage: ``analysed`` (clusters, the last) or
        ``quoted``."""
        if mark not in ("analysed", "quoted"):
            raise ValueError(f"no analysis stage is marked {mark!r}")
        row = self.store.conn.execute(f"SELECT count(*) FROM stories WHERE {mark} < seq")
        return int(row.fetchone()[0])

    def run(self, batch: int = ANALYSE_BATCH) -> int:
        """Quote every pending story, then cluster them in publication order."""
        while self.quote_next(batch):
            pass
        return self.cluster_pending(batch)

    def quote_next(self, batch: int = ANALYSE_BATCH) -> int:
        """Quote the oldest ``batch`` unquoted stories; return how many were done."""
        return self.quote_some(self._waiting("quoted", batch))

    def cluster_pending(self, batch: int = ANALYSE_BATCH) -> int:
        """Cluster every story changed since its last assignment, oldest first
        (a story whose quotes are missing is quoted on the way); return how many."""
        done = 0
        while True:
            wanted = self._waiting("analysed", batch)
            if not wanted:
                return done
            self.quote_some(wanted)
            stories = self.store.get_stories(list(wanted))
            found: dict[str, list[Quote]] = {sid: [] for sid in wanted}
            for stored in self.quotes.for_stories(list(wanted)):
                found[stored.story_id].append(stored.quote)
            with self.store.write(), self.clusters.batch():
                current = self._current(wanted, "analysed < seq AND quoted = seq")
                for story in stories:
                    if current.get(story.id) != wanted[story.id]:
                        continue  # analysed meanwhile, or changed again: next round
                    self.clusters.assign(story, found[story.id])
                    self.store.conn.execute(
                        "UPDATE stories SET analysed = seq WHERE id = ?", (story.id,)
                    )
                    done += 1

    def quote_some(self, wanted: dict[str, int]) -> int:
        """Extract and store the quotes of those ``wanted`` (id -> seq) still unquoted."""
        todo = self._current(wanted, "quoted < seq") if wanted else {}
        if not todo:
            return 0
        stories = self.store.get_stories(list(todo))
        extracted = {story.id: extract_quotes(story.body) for story in stories}
        done = 0
        with self.store.write() as conn:
            current = self._current(todo, "quoted < seq")
            for story in stories:
                if current.get(story.id) != todo[story.id]:
                    continue  # quoted meanwhile, or changed again
                quotes = extracted[story.id]
                self.quotes.replace(story.id, quotes)
                conn.execute("UPDATE stories SET quoted = seq WHERE id = ?", (story.id,))
                if any(q.speaker for q in quotes):
                    # Indexed before its quotes (a search while a refresh was
                    # analysing): index it again, now with its speakers.
                    conn.execute(
                        "INSERT OR IGNORE INTO index_queue (story_id, seq) VALUES (?, ?)",
                        (story.id, todo[story.id]),
                    )
                done += 1
        return done

    def _waiting(self, mark: str, batch: int) -> dict[str, int]:
        """Id -> seq of the oldest ``batch`` stories whose ``mark`` is behind."""
        rows = self.store.conn.execute(
            f"SELECT id, seq FROM stories WHERE {mark} < seq ORDER BY published, id LIMIT ?",
            (batch,),
        ).fetchall()
        return {str(r[0]): int(r[1]) for r in rows}

    def _current(self, wanted: dict[str, int], condition: str) -> dict[str, int]:
        """Id -> seq of those of ``wanted`` that still meet ``condition``."""
        ids: Sequence[str] = list(wanted)
        rows = self.store.conn.execute(
            f"SELECT id, seq FROM stories WHERE {condition} AND id IN"
            f" ({','.join('?' * len(ids))})",
            list(ids),
        )
        return {str(r[0]): int(r[1]) for r in rows}
