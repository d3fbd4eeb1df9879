"""Editor actions (tag, untag, mark read) and cluster assignment on a built desk."""

from __future__ import annotations

import random
import time

from _stats import Samples
from corpus import CorpusWriter

from triage.core.desk import Desk
from triage.core.models import Story
from triage.core.quotes.extract import extract_quotes

EDIT_TAG = "bench-edit"


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def time_edits(desk: Desk, repeats: int, seed: int = 3) -> dict[str, Samples]:
    """Milliseconds for tag, untag and mark read, each followed by the search that shows it.

    ``tag`` is the write alone; ``tag+search`` adds the ``tag:`` query that must
    already list the story (it raises if it does not, so a stale answer can never
    look fast).
    """
    rng = random.Random(seed)
    ids = sorted(desk.store.all_ids())
    found: dict[str, Samples] = {}
    for _ in range(repeats):
        story_id = rng.choice(ids)
        start = time.perf_counter()
        desk.tags.tag_stories([story_id], [EDIT_TAG])
        found.setdefault("tag", Samples()).add(_ms(start))
        hits = desk.search(f"tag:{EDIT_TAG}", limit=50, snippets=False)
        found.setdefault("tag+search", Samples()).add(_ms(start))
        if story_id not in {row.story.id for row in hits.rows}:
            raise AssertionError("a new tag was not visible to search")
        start = time.perf_counter()
        desk.tags.untag_stories([story_id], [EDIT_TAG])
        found.setdefault("untag", Samples()).add(_ms(start))
        start = time.perf_counter()
        desk.store.set_read([story_id], True)
        found.setdefault("read", Samples()).add(_ms(start))
        page = desk.search("is:read", limit=None, snippets=False)
        found.setdefault("read+search", Samples()).add(_ms(start))
        if story_id not in {row.story.id for row in page.rows}:
            raise AssertionError("a read mark was not visible to search")
        desk.store.set_read([story_id], False)
    return found


def fresh_stories(desk: Desk, count: int, seed: int = 11) -> list[Story]:
    """New stories dated inside the desk's time span, never stored."""
    newest = desk.store.get_stories(desk.store.latest_ids(1))[0].published
    writer = CorpusWriter(seed=seed, end=newest)
    made = writer.stories(count, days=2)
    return [
        Story(
            id=f"fresh{index:05d}",
            title=s.title,
            url=s.link,
            source=s.outlet,
            published=s.published,
            body=s.body,
            author=s.author,
            guid=s.guid,
        )
        for index, s in enumerate(made)
    ]


def time_assign(desk: Desk, count: int) -> Samples:
    """Milliseconds for ``desk.clusters.assign`` of fresh stories (quotes extracted first).

    Each assignment runs in a transaction that is rolled back, so the cached desk is
    unchanged and every story meets the same desk.
    """
    samples = Samples()
    engine = desk.clusters
    conn = desk.store.conn
    for story in fresh_stories(desk, count):
        quotes = extract_quotes(story.body)
        conn.execute("BEGIN IMMEDIATE")
        try:
            start = time.perf_counter()
            engine.assign(story, quotes)
            samples.add(_ms(start))
        finally:
            conn.execute("ROLLBACK")
    return samples
