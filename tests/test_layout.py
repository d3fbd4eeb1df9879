"""Index shards that close by size on a day boundary: routing, spans, and search over them."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from test_shards import write_dated

from triage.core.desk import INDEX_DIR, Desk
from triage.core.search import IndexDocument, SearchIndex
from triage.core.search import writer as writer_module
from triage.core.search.layout import Router, Span, spans

TOMORROW = "2026-03-31"


def on_disk(shards: dict[str, tuple[int, str | None]]) -> Router:
    """A router over shards with the given (count, newest day), closing at 5 stories."""
    return Router(list(shards), lambda key: shards[key], TOMORROW, shard_stories=5)


def days(first: str, count: int) -> list[str]:
    start = date.fromisoformat(first)
    return [(start + timedelta(days=n)).isoformat() for n in range(count)]


def test_a_quiet_desk_keeps_one_shard_and_a_busy_one_closes_at_each_new_day() -> None:
    quiet = on_disk({})
    assert {quiet.route(day) for day in days("2026-03-01", 4)} == {"2026-03-01"}
    busy = on_disk({})
    routed = [busy.route(day) for day in days("2026-03-01", 3) for _ in range(6)]
    assert routed == ["2026-03-01"] * 6 + ["2026-03-02"] * 6 + ["2026-03-03"] * 6


def test_the_live_shard_closes_only_after_its_newest_day() -> None:
    router = on_disk({"2026-03-01": (5, "2026-03-04")})
    assert router.route("2026-03-04") == "2026-03-01"  # its own newest day: no cut
    assert router.route("2026-03-02") == "2026-03-01"  # a late story of an earlier day
    assert router.route("2026-03-05") == "2026-03-05"  # full, and a later day: next shard
    assert router.route("2026-03-03") == "2026-03-01"  # still the shard of its day


def test_older_stories_join_the_oldest_shard_and_closed_shards_stay_closed() -> None:
    router = on_disk({"2026-03-10": (9, "2026-03-11"), "2026-03-12": (1, "2026-03-12")})
    assert router.route("2025-12-24") == "2026-03-10"  # the oldest reaches back
    assert router.route("2026-03-11") == "2026-03-10"  # over the size, but not live
    assert router.route("2026-03-13") == "2026-03-12"  # live and small: joins
    assert router.keys == ["2026-03-10", "2026-03-12"]


def test_a_future_date_gets_its_own_shard_and_the_live_one_still_closes() -> None:
    router = on_disk({"2026-03-01": (5, "2026-03-20")})
    assert router.route("2027-01-01") == "2027-01-01"  # a wrong clock, years ahead
    assert router.route("2027-06-01") == "2027-01-01"  # later future days join it
    assert router.route("2026-03-21") == "2026-03-21"  # the live shard still closes
    assert [s.key for s in spans(router.keys)] == ["2026-03-01", "2026-03-21", "2027-01-01"]


def test_an_empty_shard_is_joined_not_cut() -> None:
    router = on_disk({"2026-03-05": (0, None)})
    assert router.route("2026-03-01") == "2026-03-05"
    assert router.keys == ["2026-03-05"]


def test_spans_partition_time_between_the_shard_names() -> None:
    oldest, middle, newest = spans(["2026-03-09", "2026-03-01", "2026-03-05"])
    assert oldest == Span("2026-03-01", None, "2026-03-04")
    assert middle == Span("2026-03-05", "2026-03-05", "2026-03-08")
    assert newest == Span("2026-03-09", "2026-03-09", None)
    assert middle.overlaps("2026-03-08", None) and not middle.overlaps("2026-03-09", None)
    assert oldest.overlaps(None, "2020-01-01")  # reaches back without limit
    assert middle.inside("2026-03-04", "2026-03-09")
    assert not middle.inside("2026-03-05", "2026-03-09")  # holds the first day: an edge
    assert not newest.inside("2026-03-01", "2027-01-01")  # open-ended: always an edge
    assert newest.inside("2026-03-01", None)


def test_a_shuffled_bulk_ingest_cuts_shards_in_date_order(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk.index.shard_stories = 5
    monkeypatch.setattr(writer_module, "INDEX_BATCH", 3)  # the queue is read in several batches
    for day in days("2026-03-01", 6):
        write_dated(tmp_path / "in" / day, day, 2)
    files = sorted((tmp_path / "in").rglob("*.md"))
    random.Random(7).shuffle(files)  # arrival order is not publication order
    for number, path in enumerate(files):
        path.rename(tmp_path / "in" / f"{number:02d}-{path.name}")
    assert not desk.ingest([str(tmp_path / "in")]).errors
    assert desk.index.shard_keys() == ["2026-03-04", "2026-03-01"]  # 6 and 6 stories
    assert desk.index.doc_count() == 12
    listed = desk.search("harbour", limit=None, sort="date", snippets=False)
    dates = [r.story.published for r in listed.rows]
    assert dates == sorted(dates, reverse=True) and len(dates) == 12


def test_a_date_range_cutting_through_shards_finds_exactly_its_days(
    desk: Desk, tmp_path: Path
) -> None:
    desk.index.shard_stories = 5
    for day in days("2026-03-01", 9):
        write_dated(tmp_path / "in" / day, day, 2)
    assert not desk.ingest([str(tmp_path / "in")]).errors
    assert desk.index.shard_keys() == ["2026-03-07", "2026-03-04", "2026-03-01"]
    for first, last in [
        ("03-02", "03-08"),
        ("03-03", "03-04"),
        ("03-05", "03-05"),
        ("03-01", "03-09"),
        ("03-06", "03-07"),
    ]:
        found = desk.search(f"published:[2026-{first} to 2026-{last}]", limit=None)
        seen = {r.story.published.strftime("%m-%d") for r in found.rows}
        wanted = {d[5:] for d in days("2026-03-01", 9) if first <= d[5:] <= last}
        assert seen == wanted and found.total == 2 * len(wanted), (first, last)
    assert desk.search("published:<=2026-03-02", limit=None).total == 4
    assert desk.search("published:>=2026-03-08", limit=None).total == 4


def test_a_desk_indexed_one_shard_per_day_keeps_working(desk: Desk, tmp_path: Path) -> None:
    desk.index.shard_stories = 1  # as earlier versions did: a shard per day
    for day in days("2026-03-01", 3):
        write_dated(tmp_path / "old" / day, day, 2)
    desk.ingest([str(tmp_path / "old")])
    assert len(desk.index.shard_keys()) == 3
    desk.index.shard_stories = 100  # now the default: the last day's shard stays live
    for day in days("2026-03-03", 3):
        write_dated(tmp_path / "new" / day, day, 1, words="harbour pilot")
    desk.ingest([str(tmp_path / "new")])
    assert desk.index.shard_keys() == ["2026-03-03", "2026-03-02", "2026-03-01"]
    assert desk.search("pilot", limit=None).total == 3
    assert desk.search("published:[2026-03-02 to 2026-03-04]", limit=None).total == 6
    assert (desk.path / INDEX_DIR / "2026-03-03").is_dir()


def test_newest_is_the_latest_publication_time_of_a_live_document(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "shard")
    index.create()
    assert index.newest() is None
    docs = [
        IndexDocument(
            id=f"s{n}",
            title="t",
            body="b",
            source="",
            author="",
            published=datetime(2026, 3, n, 9, tzinfo=UTC),
        )
        for n in (2, 7, 4)
    ]
    with index.writing() as batch:
        batch.add(docs)
    assert index.newest() == datetime(2026, 3, 7, 9)
    with index.writing() as batch:
        batch.add([], ["s7"])  # a deleted document no longer counts
    assert index.newest() == datetime(2026, 3, 4, 9)
