"""The story list's orders: made by the store over every story (or every match of a
query), so page after page continues one order; and kept per saved search."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from triage.core.desk import SORTS, Desk
from triage.core.models import Story
from triage.core.store import DB_NAME

EVERYTHING = "-tag:nosuchtag"  # a query (through the index) that matches every story


def paged(desk: Desk, query: str, sort: str, size: int = 4, unread_only: bool = False) -> list[str]:
    """Every story of the query, read a small page at a time."""
    ids: list[str] = []
    while True:
        page = desk.story_page(
            query, sort=sort, limit=size, offset=len(ids), unread_only=unread_only
        )
        ids += [s.id for s in page.stories]
        if len(page.stories) < size:
            return ids


def stories(desk: Desk, ids: list[str]) -> list[Story]:
    return desk.store.get_stories(ids)


@pytest.mark.parametrize("query", ["", EVERYTHING])
@pytest.mark.parametrize("sort", SORTS)
def test_pages_continue_one_order_over_the_whole_set(
    any_demo_desk: Desk, sort: str, query: str
) -> None:
    whole = [s.id for s in any_demo_desk.story_page(query, sort=sort, limit=1000).stories]
    assert len(whole) == any_demo_desk.store.count() == 34
    assert paged(any_demo_desk, query, sort) == whole
    assert any_demo_desk.story_page(query, sort=sort, limit=4).total == 34


@pytest.mark.parametrize("query", ["", EVERYTHING])
def test_each_order_holds(any_demo_desk: Desk, query: str) -> None:
    def listed(sort: str) -> list[Story]:
        return stories(any_demo_desk, paged(any_demo_desk, query, sort))

    newest = [s.published for s in listed("newest")]
    assert newest == sorted(newest, reverse=True)
    oldest = [s.published for s in listed("oldest")]
    assert oldest == sorted(oldest)
    by_feed = listed("feed")
    outlets = [s.source.casefold() for s in by_feed]
    assert outlets == sorted(outlets)
    assert len(set(outlets)) == 3

    biggest = listed("biggest")
    sizes = any_demo_desk.clusters.sizes([s.id for s in biggest])
    in_order = [sizes.get(s.id, 1) for s in biggest]
    assert in_order == sorted(in_order, reverse=True)
    assert in_order[0] >= 3, "the demo's biggest story leads"
    clusters = [
        any_demo_desk.clusters.cluster_of(s.id).id for s in biggest if sizes.get(s.id, 1) > 1
    ]
    runs = [c for i, c in enumerate(clusters) if i == 0 or clusters[i - 1] != c]
    assert len(runs) == len(set(runs)), "a cluster's members stay together"


@pytest.mark.parametrize("query", ["", EVERYTHING])
def test_unread_first_over_every_page_and_unread_only(any_demo_desk: Desk, query: str) -> None:
    newest = [s.id for s in any_demo_desk.story_page("", sort="newest", limit=100).stories]
    read = newest[:10]  # the newest ten read: unread first must reach past the first page
    any_demo_desk.store.set_read(read)
    order = paged(any_demo_desk, query, "unread")
    assert set(order[-10:]) == set(read) and set(order[:-10]) == set(newest[10:])
    for part in (order[:-10], order[-10:]):  # newest first within each part
        times = [s.published for s in stories(any_demo_desk, part)]
        assert times == sorted(times, reverse=True)
    for sort in SORTS:
        only = paged(any_demo_desk, query, sort, unread_only=True)
        assert set(only) == set(newest[10:])


def test_an_unknown_order_is_refused(any_demo_desk: Desk) -> None:
    with pytest.raises(ValueError, match="unknown sort"):
        any_demo_desk.story_page("", sort="random")


def test_a_saved_search_keeps_its_order(desk: Desk) -> None:
    desk.tags.save_search("lead", "tag:lead", "biggest")
    desk.tags.save_search("plain", "strike")
    assert desk.tags.search_sorts() == {"tag:lead": "biggest"}
    assert desk.tags.set_search_sort("strike", "oldest") == 1
    assert desk.tags.set_search_sort("not saved", "oldest") == 0
    assert desk.tags.search_sorts() == {"tag:lead": "biggest", "strike": "oldest"}
    assert desk.tags.saved_searches() == [("lead", "tag:lead"), ("plain", "strike")]


def test_a_desk_made_before_orders_gets_the_column(tmp_path: Path) -> None:
    path = tmp_path / "old"
    path.mkdir()
    conn = sqlite3.connect(path / DB_NAME)
    conn.execute(
        "CREATE TABLE saved_searches (name TEXT PRIMARY KEY, query TEXT NOT NULL,"
        " position INTEGER NOT NULL)"
    )
    conn.execute("INSERT INTO saved_searches VALUES ('mine', 'port', 1)")
    conn.commit()
    conn.close()
    desk = Desk(path)
    try:
        assert desk.tags.saved_searches() == [("mine", "port")]
        assert desk.tags.search_sorts() == {}
        desk.tags.set_search_sort("port", "feed")
        assert desk.tags.search_sorts() == {"port": "feed"}
    finally:
        desk.close()


def test_a_story_updated_after_indexing_is_listed_once(desk: Desk, tmp_path: Path) -> None:
    def feed(title: str) -> Path:
        path = tmp_path / "wire.xml"
        path.write_text(
            "<?xml version='1.0'?><rss version='2.0'><channel><title>Wire</title>"
            f"<item><guid>a-1</guid><title>{title}</title><link>https://w.example/1</link>"
            "<description>Harbour pilots strike.</description></item>"
            "<item><guid>a-2</guid><title>Ferry late</title><link>https://w.example/2</link>"
            "<description>The ferry was late.</description></item></channel></rss>",
            encoding="utf-8",
        )
        return path

    assert desk.ingest([str(feed("Pilots strike"))]).added == 2
    assert desk.ingest([str(feed("Pilots strike again"))]).updated == 1
    for sort in SORTS:
        for query in (EVERYTHING, "pilots"):
            page = desk.story_page(query, sort=sort, limit=10)
            ids = [s.id for s in page.stories]
            assert len(ids) == len(set(ids)) == page.total, (sort, query)
    assert [s.title for s in desk.story_page("pilots", sort="oldest").stories] == [
        "Pilots strike again"
    ]


def test_each_editors_saved_searches_keep_their_own_orders(
    tmp_path: Path, store_url: str | None
) -> None:
    """On either engine: a named editor's saved search remembers its order, apart from
    the default editor's and from a colleague's search of the same words."""

    def open_as(name: str) -> Desk:
        if store_url is None:
            return Desk(tmp_path / "desk", editor=name)
        return Desk(tmp_path / name, store=store_url, editor=name)

    ana, ben, default = open_as("ana"), open_as("ben"), open_as("")
    try:
        ana.tags.save_search("lead", "tag:lead", "biggest")
        ben.tags.save_search("lead", "tag:lead")
        default.tags.save_search("lead", "tag:lead", "oldest")
        assert ana.tags.search_sorts() == {"tag:lead": "biggest"}
        assert ben.tags.search_sorts() == {}
        assert ben.tags.set_search_sort("tag:lead", "feed") == 1
        assert ana.tags.search_sorts() == {"tag:lead": "biggest"}
        assert ben.tags.search_sorts() == {"tag:lead": "feed"}
        assert default.tags.search_sorts() == {"tag:lead": "oldest"}
        assert ana.tags.saved_searches() == [("lead", "tag:lead")]
    finally:
        for desk in (ana, ben, default):
            desk.close()


def test_the_cluster_list_ranks_every_match_not_a_page(demo_desk: Desk) -> None:
    every = demo_desk.clusters.clusters()
    biggest = max(every, key=lambda c: (c.size, max(m.published for m in c.members)))
    ranked = demo_desk.cluster_list("", by="size", limit=500)
    assert len(ranked) == len(every) and ranked[0].id == biggest.id and biggest.size > 1
    assert [c.size for c in ranked] == sorted((c.size for c in ranked), reverse=True)
    latest = demo_desk.cluster_list("", by="recent", limit=1)[0]
    newest = max(every, key=lambda c: max(m.published for m in c.members))
    assert latest.id == newest.id
    assert len(demo_desk.cluster_list("", limit=2)) == 2
    # a query that matches one member lists its whole cluster
    member = demo_desk.store.get_stories([biggest.members[-1].story_id])[0]
    word = max(member.title.split(), key=len).strip(",.:'’")
    found = demo_desk.cluster_list(f'title:"{word}"', limit=500)
    assert biggest.id in {c.id for c in found}
    assert next(c for c in found if c.id == biggest.id).size == biggest.size
    # unread only: a cluster every story of which is read drops out
    demo_desk.store.set_read([m.story_id for m in biggest.members])
    unread = demo_desk.cluster_list("", unread_only=True, limit=500)
    assert biggest.id not in {c.id for c in unread} and len(unread) == len(every) - 1
