"""Prepared assignments handed across processes (triage.core.cluster_shelf) and the
parent's share of a large ingest's clustering (triage.core.parallel_share)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_cluster_prepare import dump
from test_clusters import desk as small_desk

from triage.core import parallel_share
from triage.core.analysis import Analyser
from triage.core.cluster_config import ClusterConfig
from triage.core.cluster_prepare import from_bytes, prepare, to_bytes
from triage.core.cluster_shelf import PreparedShelf, remove_shelf, shelf_path
from triage.core.desk import Desk
from triage.core.parallel_share import ClusterShare
from triage.core.quotes import extract_quotes
from triage.demo import demo_paths


@pytest.fixture
def shelf(tmp_path: Path) -> Iterator[PreparedShelf]:
    opened = PreparedShelf.fresh(tmp_path / "shelf.sqlite3")
    yield opened
    opened.close()


def test_prepared_parts_cross_as_bytes_exactly() -> None:
    # lead_boost 1.3 is not exact in 4 bytes: the counts must then keep 8.
    for config in (ClusterConfig(), ClusterConfig(lead_boost=1.3)):
        for item in small_desk():
            prepared = prepare(item, extract_quotes(item.body), config)
            assert from_bytes(to_bytes(9, prepared)) == (9, prepared)


def test_a_shelf_hands_out_each_story_once_and_only_for_its_version(
    shelf: PreparedShelf,
) -> None:
    first, second, third = small_desk()[:3]
    parts = {s.id: prepare(s, [], ClusterConfig()) for s in (first, second)}
    shelf.put([(first.id, 1, parts[first.id]), (second.id, 1, parts[second.id])])
    shelf.claim([(third.id, 4)])
    assert shelf.held() == {first.id, second.id, third.id}

    taken = shelf.take({first.id: 1, second.id: 2, third.id: 4})
    assert taken == {first.id: parts[first.id]}  # second changed since; third is a claim
    assert shelf.held() == {third.id}  # both handed out or dropped; the claim stays
    assert shelf.take({first.id: 1}) == {}


def test_the_childs_pace_reaches_the_parent(shelf: PreparedShelf) -> None:
    assert shelf.pace() == {}
    shelf.record_pace((40, 0.011), (12, 0.007))
    other = PreparedShelf(shelf.path)
    assert other.pace() == {"plain_n": 40, "plain_s": 0.011, "ahead_n": 12, "ahead_s": 0.007}
    other.close()


def test_a_shelf_is_per_process_and_desk_and_removed_whole(tmp_path: Path) -> None:
    path = shelf_path(tmp_path / "desk")
    assert path != shelf_path(tmp_path / "other") and path != shelf_path(tmp_path / "desk", 1)
    PreparedShelf.fresh(path).close()
    assert path.exists()
    remove_shelf(path)
    assert not list(path.parent.glob(path.name + "*"))


def stored_and_quoted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A desk of the demo corpus, stored and quoted but not clustered."""
    from triage.core import pipeline

    monkeypatch.setattr(pipeline, "analyse_and_index", lambda *args, **kwargs: None)
    desk = Desk(tmp_path / "stored")
    desk.ingest([str(p) for p in demo_paths()])
    analyser = Analyser(desk.store, desk.quotes, desk.clusters)
    while analyser.quote_next():
        pass
    desk.close()
    return tmp_path / "stored"


def tables(desk: Desk) -> dict[str, list[tuple[object, ...]]]:
    """The desk's cluster tables as plain tuples (see ``dump``)."""
    conn = desk.store.conn
    factory, conn.row_factory = conn.row_factory, None
    try:
        return dump(conn)
    finally:
        conn.row_factory = factory


def test_what_the_parent_prepares_is_what_the_child_would_have_computed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = stored_and_quoted(tmp_path, monkeypatch)
    shutil.copytree(source, tmp_path / "shared")
    plain, shared = Desk(source), Desk(tmp_path / "shared")
    shelf = PreparedShelf.fresh(tmp_path / "shelf.sqlite3")
    try:
        total = plain.pending_analysis()
        monkeypatch.setattr(parallel_share, "NEAR", 5)
        share = ClusterShare(shared, shelf)
        while share.prepare_some(batch=7):
            pass
        assert share.prepared == total - 5  # all but the child's next five
        order = list(share._child_left())
        assert shelf.held() == set(order[5:])  # the ones the child reaches last

        Analyser(plain.store, plain.quotes, plain.clusters).run()
        Analyser(shared.store, shared.quotes, shared.clusters, shelf=shelf).run()
        assert tables(shared) == tables(plain)
        assert shelf.held() == set()  # every shelved story was taken
        assert shelf.pace()["ahead_n"] == total - 5
    finally:
        shelf.close()
        plain.close()
        shared.close()


def test_the_parent_prepares_only_while_the_child_would_finish_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = Desk(stored_and_quoted(tmp_path, monkeypatch))
    shelf = PreparedShelf.fresh(tmp_path / "shelf.sqlite3")
    try:
        share = ClusterShare(desk, shelf)
        assert desk.pending_analysis() < parallel_share.NEAR
        assert share.prepare_some() == 0  # all among the child's next ones: left to it
        share = ClusterShare(desk, shelf)
        # 34 stories at the assumed ~9 ms (0.3 s) for the child: less than one
        # batch of preparing would cost this process.
        assert not share.child_is_later(index_left=0)
        shelf.record_pace((100, 0.5), (0, 0.0))  # the child turns out slow: 17 s
        assert share.child_is_later(index_left=1000)  # against ~5.5 s of index writes
        assert not share.child_is_later(index_left=10_000)  # against ~55 s
        shelf.put(
            (story.id, 1, prepare(story, [], ClusterConfig()))
            for story in desk.store.get_stories(list(share._child_left()))
        )
        shelf.record_pace((100, 0.5), (100, 0.001))  # ...but the rest is prepared
        assert not share.child_is_later(index_left=1000)
    finally:
        shelf.close()
        desk.close()
