"""The parent's share of a large ingest's clustering: prepare what the child will
reach last, whenever the child would otherwise finish after the parent.

The analyser child clusters in publication order, ~10 ms a story on a 10k desk,
and only it can (each assignment depends on every earlier one). The parent's
own work after the store stage is the index write, ~5 ms a story, so at 10k the
parent used to finish its index pass at 73 s and wait 53 s for the child. A
third of an assignment depends on the story alone
(:mod:`triage.core.cluster_prepare`): the parent does that part for the stories
furthest ahead of the child and shelves it (:mod:`triage.core.cluster_shelf`),
so the child does less when it gets there.

:class:`ClusterShare` keeps the two finishing together: between index commits
the parent compares when the child would finish (its stories left, at the pace
it reports, cheaper for those already prepared) with when the parent would
(its index queue, at its own measured pace), and prepares a batch only while
the child is the later one. At 1k the index write is the longer leg, so the
parent prepares only near its end; at 10k it prepares most of the stories.
"""

from __future__ import annotations

import time

from triage.core.cluster_shelf import Pace, PreparedShelf
from triage.core.desk import Desk
from triage.core.models import Quote

SHARE_BATCH = 200
"""Stories prepared per step (~0.7 s), between which the parent looks again."""

NEAR = 100
"""The child's next stories, which it may be preparing itself right now: left to it."""

ASSIGN_PRIOR = 0.009
"""Seconds per assignment the child is taken to need until it reports its pace."""


class ClusterShare:
    """What the parent prepares for the child, and when."""

    def __init__(self, desk: Desk, shelf: PreparedShelf | None) -> None:
        """``shelf``: where the child looks for prepared stories (None: there is
        none, and this process only indexes)."""
        self.desk = desk
        self.shelf = shelf
        self.prepare_pace = Pace(prior=0.0035)
        self.index_pace = Pace(prior=0.0055)
        self.prepared = 0
        """Stories this process prepared (a test and a measure)."""
        self._exhausted = shelf is None

    def index(self, limit: int) -> int:
        """One index commit of up to ``limit`` quoted stories, timed for the balance."""
        start = time.perf_counter()
        written = self.desk.sync_index(quoted_only=True, limit=limit)
        if written:
            self.index_pace.add(time.perf_counter() - start, written)
        return written

    def child_is_later(self, index_left: int) -> bool:
        """Whether the child would finish after this process's ``index_left`` stories
        to index plus one more batch to prepare (so preparing that batch pays)."""
        if self._exhausted or self.shelf is None:
            return False
        left = self._child_left()
        held = len(self.shelf.held() & left.keys())
        plain = self.shelf.child_pace("plain", ASSIGN_PRIOR).per_story
        saved = max(plain - self.prepare_pace.per_story, 0.0)
        ahead = self.shelf.child_pace("ahead", saved).per_story
        child = (len(left) - held) * plain + held * ahead
        mine = (index_left * self.index_pace.per_story
                + SHARE_BATCH * self.prepare_pace.per_story)
        return child > mine

    def prepare_some(self, batch: int = SHARE_BATCH) -> int:
        """Prepare up to ``batch`` of the stories the child will reach last, among
        those neither shelved nor claimed and not among its next :data:`NEAR`;
        return how many (0: none is left to prepare)."""
        if self._exhausted or self.shelf is None:
            return 0
        left = self._child_left()
        held = self.shelf.held()
        order = list(left)  # the child's order: oldest first
        todo = {sid: left[sid] for sid in reversed(order[NEAR:]) if sid not in held}
        todo = dict(list(todo.items())[:batch])
        if not todo:
            self._exhausted = True
            return 0
        start = time.perf_counter()
        stories = self.desk.store.get_stories(list(todo))
        quotes: dict[str, list[Quote]] = {sid: [] for sid in todo}
        for stored in self.desk.quotes.for_stories(list(todo)):
            quotes[stored.story_id].append(stored.quote)
        # Quoted at these seqs before the reads: the same seqs now mean the story
        # and its quotes did not change in between.
        current = self._child_left()
        shelved = self.shelf.put(
            (story.id, todo[story.id], self.desk.clusters.prepare(story, quotes[story.id]))
            for story in stories
            if current.get(story.id) == todo[story.id]
        )
        self.prepare_pace.add(time.perf_counter() - start, len(stories))
        self.prepared += shelved
        return len(todo)

    def _child_left(self) -> dict[str, int]:
        """Id -> seq of the quoted stories the child has yet to cluster, in its order."""
        rows = self.desk.store.conn.execute(
            "SELECT id, seq FROM stories WHERE analysed < seq AND quoted = seq"
            " ORDER BY published, id"
        )
        return {str(r[0]): int(r[1]) for r in rows}
