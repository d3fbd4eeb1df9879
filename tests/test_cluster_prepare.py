"""The pure part of a cluster assignment, prepared ahead (triage.core.clusters.prepare)."""

from __future__ import annotations

import sqlite3

from test_clusters import desk as small_desk

from triage.core.clusters.config import ClusterConfig
from triage.core.clusters.engine import ClusterEngine
from triage.core.clusters.prepare import PreparedMemo, prepare
from triage.core.quotes.extract import extract_quotes

TABLES = ("cluster_story", "cluster_term", "cluster_df", "cluster_meta", "cluster_link")


def dump(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the clusterer's derived tables, in a comparable order (without
    the document-frequency cache's random epoch)."""
    rows = {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in TABLES}
    rows["cluster_meta"] = [r for r in rows["cluster_meta"] if r[0] != "df_epoch"]
    return {t: sorted(found, key=repr) for t, found in rows.items()}


def test_a_memo_gives_back_what_was_prepared_exactly() -> None:
    # lead_boost 1.3 is not exact in 4 bytes: the counts must then keep 8.
    for config in (ClusterConfig(), ClusterConfig(lead_boost=1.3)):
        memo = PreparedMemo()
        for item in small_desk():
            prepared = prepare(item, extract_quotes(item.body), config)
            memo.put(item.id, 7, prepared)
            assert memo.take(item.id, 7) == prepared
        assert memo.used == len(small_desk()) and len(memo) == 0


def test_a_memo_hands_out_only_the_version_it_prepared() -> None:
    memo = PreparedMemo()
    item = small_desk()[0]
    memo.put(item.id, 3, prepare(item, [], ClusterConfig()))
    assert item.id in memo
    assert memo.take(item.id, 4) is None  # the story changed since: computed again
    assert item.id not in memo and memo.used == 0


def test_a_full_memo_holds_no_more() -> None:
    memo = PreparedMemo(limit=2)
    for number, item in enumerate(small_desk()):
        memo.put(item.id, number, prepare(item, [], ClusterConfig()))
    assert len(memo) == 2 and memo.full
    assert [item.id in memo for item in small_desk()[:3]] == [True, True, False]


def test_prepared_assignments_are_the_plain_ones() -> None:
    plain, ahead = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    plain_engine, ahead_engine = ClusterEngine(plain), ClusterEngine(ahead)
    memo = PreparedMemo()
    stories = small_desk()
    for item in stories:  # prepared before any of them is assigned
        memo.put(item.id, 1, ahead_engine.prepare(item, extract_quotes(item.body)))
    for item in stories:
        quotes = extract_quotes(item.body)
        assert plain_engine.assign(item, quotes) == ahead_engine.assign(
            item, quotes, memo.take(item.id, 1)
        )
    assert memo.used == len(stories)
    assert dump(plain) == dump(ahead)
    assert any(dump(plain)["cluster_link"])  # the comparison covers shared text too
