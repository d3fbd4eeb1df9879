"""Analysis of stored stories in two stages: quotes, then clusters.

Quotes are per story and need no order; the cluster assignment must follow
publication order and is most of the cost. The search index needs only the
quotes (its ``speaker`` field), so each stage keeps its own mark on the story
(``quoted`` and ``analysed``, each equal to the ``seq`` it was done for): a large
ingest quotes its whole backlog first, and the index then follows the quotes
while the clusterer works, instead of trailing the clusterer.

The analyser child of a large ingest quotes stories while the parent still
stores them (see :mod:`triage.core.analysis.worker`), and has nothing to do whenever it
has caught up with them. It then prepares the pure part of each quoted story's cluster assignment
(:meth:`Analyser.prepare_next`, :mod:`triage.core.clusters.prepare`) and keeps it in
memory, keyed by the story's ``seq``, for the cluster stage: the part of the
cluster stage that has to wait for the store stage gets shorter.

Both stages extract or read outside the write transaction, then check each batch
again inside it, so two processes analysing one desk (an ingest beside a
refresh, or the parallel analyser) never do one version of a story twice, and
editors' writes wait at most one small batch.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from triage.core.clusters import ClusterEngine, PreparedMemo
from triage.core.models import Quote
from triage.core.store import Quotes, Store

ANALYSE_BATCH = 50
"""Stories per analysis transaction."""

_LAST_CHAR = "\U0010ffff"
"""The highest character: a day followed by it sorts after every time of that day."""

PREPARE_BATCH = 20
"""Stories prepared ahead per step, so newly stored ones wait little for
their quotes."""


class Analyser:
    """Runs both stages over whatever a desk's store has pending."""

    def __init__(
        self,
        store: Store,
        quotes: Quotes,
        clusters: ClusterEngine,
        ahead: PreparedMemo | None = None,
    ) -> None:
        """``ahead``: where :meth:`prepare_next` keeps the stories it prepares for
        their assignment (None: this analyser prepares nothing ahead)."""
        self.store = store
        self.quotes = quotes
        self.clusters = clusters
        self.ahead = ahead
        self._unprepared: dict[str, int] = {}
        """Id -> seq of the stories this analyser quoted and has not prepared."""

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
        self._unprepared.clear()  # too late to prepare ahead
        done = 0
        while True:
            wanted = self._waiting("analysed", batch)
            if not wanted:
                return done
            self.quote_some(wanted)
            stories = self.store.get_stories(list(wanted))
            found = self._quotes_of(wanted)
            with self.store.write(), self.clusters.batch():
                current = self._current(wanted, "analysed < seq AND quoted = seq")
                for story in stories:
                    if current.get(story.id) != wanted[story.id]:
                        continue  # analysed meanwhile, or changed again: next round
                    memo, seq = self.ahead, wanted[story.id]
                    ahead = memo.take(story.id, seq) if memo is not None else None
                    self.clusters.assign(story, found[story.id], ahead)
                    self.store.conn.execute(
                        "UPDATE stories SET analysed = seq WHERE id = ?", (story.id,)
                    )
                    done += 1

    def quote_some(self, wanted: dict[str, int]) -> int:
        """Extract and store the quotes of those ``wanted`` (id -> seq) still unquoted."""
        todo = self._current(wanted, "quoted < seq") if wanted else {}
        if not todo:
            return 0
        from triage.core.quotes import extract_quotes  # loaded on use (see the package)

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
                if self.ahead is not None:
                    self._unprepared[story.id] = todo[story.id]
                done += 1
        return done

    def prepare_next(self, batch: int = PREPARE_BATCH) -> int:
        """Prepare the cluster assignment of up to ``batch`` stories this analyser has
        quoted (see :mod:`triage.core.clusters.prepare`): a follower does it while it
        waits for the parent to store more. Return how many it took up (0: nothing
        left, the memo is full, or this analyser prepares nothing ahead)."""
        if self.ahead is None or self.ahead.full or not self._unprepared:
            return 0
        todo = dict(itertools.islice(self._unprepared.items(), batch))
        for story_id in todo:
            del self._unprepared[story_id]
        stories = self.store.get_stories(list(todo))
        found = self._quotes_of(todo)
        # Quoted at these seqs before the reads above: the same seqs after them mean
        # the story and its quotes were not changed in between.
        current = self._current(todo, "analysed < seq AND quoted = seq")
        for story in stories:
            if current.get(story.id) == todo[story.id]:
                prepared = self.clusters.prepare(story, found[story.id])
                self.ahead.put(story.id, todo[story.id], prepared)
        return len(todo)

    def _quotes_of(self, wanted: dict[str, int]) -> dict[str, list[Quote]]:
        """The stored quotes of each of ``wanted``, by position."""
        found: dict[str, list[Quote]] = {sid: [] for sid in wanted}
        for stored in self.quotes.for_stories(list(wanted)):
            found[stored.story_id].append(stored.quote)
        return found

    def _waiting(self, mark: str, batch: int) -> dict[str, int]:
        """Id -> seq of the oldest ``batch`` stories whose ``mark`` is behind."""
        # An undated story's time is when it was first seen, to the second: ordered by
        # that day alone, the clusters do not depend on how long the fetch took.
        order = "CASE WHEN dated = 1 THEN published ELSE substr(published, 1, 10) END, id"
        bound = self._last_day(mark, batch)
        if bound is None:
            rows = self.store.conn.execute(
                f"SELECT id, seq FROM stories WHERE {mark} < seq ORDER BY {order} LIMIT ?",
                (batch,),
            ).fetchall()
        else:
            rows = self.store.conn.execute(
                f"SELECT id, seq FROM stories WHERE {mark} < seq AND published <= ? "
                f"ORDER BY {order} LIMIT ?",
                (bound, batch),
            ).fetchall()
        return {str(r[0]): int(r[1]) for r in rows}

    def _last_day(self, mark: str, batch: int) -> str | None:
        """An upper bound on ``published`` that keeps every one of the oldest ``batch``
        pending stories, or None to read them all (PostgreSQL, or fewer pending).

        Sorting every pending story for each batch read each one's row (its last
        columns sit behind the body), once per batch. A story's sort key lies between
        its day and its time, so none published on a later day than the ``batch``-th
        oldest by time can be among the first ``batch``: only stories up to the end of
        that day need sorting. Their times are read from the index of pending stories
        alone. Holds in SQLite's binary text order (not a PostgreSQL collation's).
        """
        if self.store.dialect != "sqlite":
            return None
        row = self.store.conn.execute(
            f"SELECT published FROM stories WHERE {mark} < seq ORDER BY published LIMIT 1 OFFSET ?",
            (batch - 1,),
        ).fetchone()
        if row is None:
            return None
        return str(row[0])[:10] + _LAST_CHAR  # every time on that day (or before) is below

    def _current(self, wanted: dict[str, int], condition: str) -> dict[str, int]:
        """Id -> seq of those of ``wanted`` that still meet ``condition``."""
        ids: Sequence[str] = list(wanted)
        rows = self.store.conn.execute(
            f"SELECT id, seq FROM stories WHERE {condition} AND id IN ({','.join('?' * len(ids))})",
            list(ids),
        )
        return {str(r[0]): int(r[1]) for r in rows}
