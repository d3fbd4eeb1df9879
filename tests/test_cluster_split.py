"""Tests for cutting a cluster that has grown into two events (triage.core.clusters.split)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from triage.core.clusters.engine import ClusterConfig, ClusterEngine
from triage.core.clusters.split import bisect, split_cut, split_due
from triage.core.models import Story

T0 = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)

TOPIC = (
    "The bridge was closed to traffic and engineers began an inspection, the council said.",
    "Drivers faced long detours while the bridge stays closed for repairs.",
    "Council engineers said the repairs to the bridge would take several weeks.",
    "Commuters were diverted after the bridge closure, and buses ran on new routes.",
)
HARLOW = (
    "Inspectors found deep cracks in two steel girders of the Harlow Street bridge.",
    "City engineer Petra Olsvik said the Harlow Street girders could not carry traffic.",
    "Marlow Ridge traffic now runs over the Quarry Lane crossing past the old tannery.",
    "Petra Olsvik told the Marlow Ridge council the Harlow Street girders need new steel plates.",
    "The Marlow Ridge emergency reserve will pay for the Harlow Street girder work.",
)
FENWICK = (
    "A barge struck a concrete pier of the Fenwick Causeway in Oskerby during a storm.",
    "Harbour master Ingrid Tamsen said divers would examine every pier of the Fenwick Causeway.",
    "Northsound Lines ferries added sailings across the Oskerby sound while the causeway is shut.",
    "Ingrid Tamsen said the barge left a deep gash in the Fenwick Causeway pier.",
    "Oskerby cyclists use a temporary pontoon beside the Fenwick Causeway.",
)


def event_story(story_id: str, details: tuple[str, ...], number: int, hours: float) -> Story:
    """A report of one event: a topic sentence any bridge closure has, then four of the
    event's own details (each report picks a different four)."""
    picked = [details[(number + k) % len(details)] for k in range(4)]
    body = " ".join([TOPIC[number % len(TOPIC)], *picked])
    return Story(
        id=story_id,
        title=picked[0][:60],
        url=f"https://outlet{number}.example/{story_id}",
        source=f"Outlet {number}",
        published=T0 + timedelta(hours=hours),
        body=body,
    )


def two_events() -> list[Story]:
    """Eight reports of two bridge closures, arriving interleaved."""
    stories = []
    for n in range(4):
        stories.append(event_story(f"harlow-{n}", HARLOW, n, 2 * n))
        stories.append(event_story(f"fenwick-{n}", FENWICK, n, 2 * n + 1))
    return stories


def loose() -> ClusterConfig:
    """A configuration that joins anything on the topic, so both events share a cluster
    until the split check cuts it."""
    return ClusterConfig(
        threshold=0.01,
        small_desk_margin=0.0,
        review=0,
        name_conflict_factor=1.0,
        min_shared_words=0,
        number_boost=None,
        same_source_copy=0.0,
        short_bar=0.0,
    )


def groups(engine: ClusterEngine) -> set[frozenset[str]]:
    return {frozenset(m.story_id for m in c.members) for c in engine.clusters()}


def run(config: ClusterConfig, stories: list[Story]) -> ClusterEngine:
    engine = ClusterEngine(sqlite3.connect(":memory:"), config)
    for item in stories:
        engine.assign(item, ())
    return engine


def test_bisect_finds_two_blocks_and_ignores_an_outlier_as_seed() -> None:
    high, low = 0.6, 0.1
    block = [0, 0, 0, 1, 1, 1]
    matrix = [[high if a == b else low for b in block] for a in block]
    outlier = [0.01] * 6
    matrix = [[*row, outlier[i]] for i, row in enumerate(matrix)] + [[*outlier, 0.0]]
    left, right = bisect(matrix)
    assert {tuple(left), tuple(right)} == {(0, 1, 2, 6), (3, 4, 5)} or {
        tuple(left),
        tuple(right),
    } == {(0, 1, 2), (3, 4, 5, 6)}


def test_split_cut_needs_a_clear_gap_and_big_enough_groups() -> None:
    block = [0, 0, 0, 0, 1, 1, 1, 1]

    def clear(i: int, j: int) -> float:
        return 0.6 if block[i] == block[j] else 0.1

    def blurred(i: int, j: int) -> float:
        return 0.6 if block[i] == block[j] else 0.4

    assert split_cut(8, clear, min_group=4, max_ratio=0.55) == [4, 5, 6, 7]
    assert split_cut(8, blurred, min_group=4, max_ratio=0.55) is None
    assert split_cut(8, clear, min_group=5, max_ratio=0.55) is None


def test_split_cut_weighs_both_groups_cohesion() -> None:
    # A tight event beside a loosely written one: across is low against the two
    # groups together (0.2 / 0.55), though not against the looser alone (0.2 / 0.3).
    block = [0, 0, 0, 0, 1, 1, 1, 1]

    def uneven(i: int, j: int) -> float:
        if block[i] != block[j]:
            return 0.2
        return 0.8 if block[i] == 0 else 0.3

    assert split_cut(8, uneven, min_group=4, max_ratio=0.55) == [4, 5, 6, 7]


def test_split_sizes_grow_geometrically() -> None:
    due = [s for s in range(100) if split_due(s, 8, 1.25, 80)]
    assert due[:4] == [8, 10, 12, 15]
    assert max(due) <= 80
    assert not any(split_due(s, 0, 1.25, 80) for s in range(100))


def test_a_cluster_of_two_events_is_cut_when_it_grows() -> None:
    stories = two_events()
    merged = run(replace(loose(), split_from=0), stories)
    assert len(groups(merged)) == 1  # the loose settings join both events
    engine = run(loose(), stories)
    harlow = frozenset(s.id for s in stories if s.id.startswith("harlow"))
    fenwick = frozenset(s.id for s in stories if s.id.startswith("fenwick"))
    assert groups(engine) == {harlow, fenwick}
    rebuilt = run(loose(), [])
    rebuilt.rebuild((s, ()) for s in stories)
    assert groups(rebuilt) == groups(engine)


def test_a_cluster_the_editor_corrected_is_never_cut() -> None:
    stories = two_events()
    engine = run(loose(), stories[:7])
    engine.split("fenwick-2")
    engine.merge("fenwick-2", "harlow-0")  # the editor says: one story after all
    assert len(groups(engine)) == 1
    item = stories[7]
    engine.assign(item, ())
    assert len(groups(engine)) == 1


def test_no_cut_across_a_shared_quotation() -> None:
    stories = two_events()
    for keeps, expected in ((True, 1), (False, 2)):
        engine = run(replace(loose(), split_keeps_quotes=keeps), stories[:7])
        assert len(groups(engine)) == 1
        # as if the two had been found to quote the same words
        engine.tables.add_links("fenwick-1", [("harlow-0", "quote", "the same words")])
        engine.assign(stories[7], ())
        assert len(groups(engine)) == expected
