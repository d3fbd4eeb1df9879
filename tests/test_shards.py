"""The index split by publication day: routing, newest-first early stop, scopes, moves."""

from __future__ import annotations

import fcntl
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from conftest import CliResult

from triage.core.desk import INDEX_DIR, Desk
from triage.core.search import SearchIndex, shards

DAYS = ("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04")


def write_dated(folder: Path, day: str, count: int, words: str = "harbour") -> None:
    """``count`` articles published on ``day`` (front matter), all mentioning ``words``."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"{day}-{number}.md").write_text(
            f"---\ndate: {day}T{10 + number:02d}:00:00Z\nsource: Coast Courier\n---\n"
            f"Harbour item {day} {number}\n\nThe {words} board met on {day}, item {number}.\n",
            encoding="utf-8",
        )


def dated_desk(desk: Desk, tmp_path: Path, per_day: int = 3) -> Desk:
    """Four days of ``per_day`` stories (one more, older-looking, on the first day),
    with shards closing at 3 stories: a shard per day, as on a busy desk."""
    desk.index.shard_stories = 3
    for day in DAYS:
        write_dated(tmp_path / "in" / day, day, per_day)
    write_dated(tmp_path / "in" / "old", DAYS[0], 1, words="lighthouse keeper")
    assert not desk.ingest([str(tmp_path / "in")]).errors
    return desk


def test_each_story_is_indexed_once_in_the_shard_of_its_day(desk: Desk, tmp_path: Path) -> None:
    dated_desk(desk, tmp_path)
    shards = sorted(p.name for p in (desk.path / INDEX_DIR).iterdir() if p.is_dir())
    assert shards == list(DAYS)
    assert desk.index.shard_keys() == list(reversed(DAYS))
    assert desk.index.doc_count() == desk.store.count() == 4 * 3 + 1
    assert desk.index.indexed_ids() == desk.store.all_ids()


def test_newest_first_stops_once_the_page_is_full(desk: Desk, tmp_path: Path) -> None:
    dated_desk(desk, tmp_path)
    page = desk.search("harbour", limit=3, sort="date", snippets=False)
    assert [r.story.published.strftime("%Y-%m-%d") for r in page.rows] == [DAYS[-1]] * 3
    assert page.more and page.total == 3  # only the newest day was read
    whole = desk.search("harbour", limit=None, sort="date", snippets=False)
    dates = [r.story.published for r in whole.rows]
    assert dates == sorted(dates, reverse=True) and len(dates) == 13
    assert not whole.more and whole.total == 13
    spans_days = desk.search("harbour", limit=5, sort="date", snippets=False)
    assert len(spans_days.rows) == 5 and spans_days.more  # two days read, two left


def test_relevance_stops_at_a_page_from_recent_days_unless_asked_for_the_archive(
    desk: Desk, tmp_path: Path
) -> None:
    dated_desk(desk, tmp_path)
    assert not desk.search("harbour", limit=3).more  # a small desk is read whole
    desk.index.recent_stories = 5  # as if the desk were large
    recent = desk.search("harbour", limit=3)
    assert recent.more and recent.total == 6  # two days gave 5+ stories and a page
    assert {r.story.published.strftime("%Y-%m-%d") for r in recent.rows} <= set(DAYS[-2:])
    archive = desk.search("harbour", limit=3, scope="all")
    assert not archive.more and archive.total == 13
    old = desk.search("lighthouse")  # rare: no page from the recent days, so all are read
    assert [r.story.title for r in old.rows] == [f"Harbour item {DAYS[0]} 0"]
    assert not old.more
    desk.tags.tag_stories([old.rows[0].story.id], ["archive-pick"])
    assert [r.story.id for r in desk.search("tag:archive-pick").rows] == [old.rows[0].story.id]


def test_a_story_whose_date_changes_moves_to_its_new_day(desk: Desk, tmp_path: Path) -> None:
    folder = tmp_path / "Coast Courier"
    write_dated(folder, DAYS[0], 1)
    desk.ingest([str(folder)])
    [story_id] = desk.store.all_ids()
    moved = folder / f"{DAYS[0]}-0.md"
    moved.write_text(
        moved.read_text(encoding="utf-8").replace(f"date: {DAYS[0]}", f"date: {DAYS[2]}")
        + "A correction was added.\n",
        encoding="utf-8",
    )
    desk.ingest([str(folder)])
    assert desk.store.all_ids() == {story_id}
    assert desk.index.doc_count() == 1
    [row] = desk.search("correction", scope="all").rows
    assert row.story.id == story_id
    assert desk.search("harbour", scope="all").total == 1  # no copy left on the old day


def test_an_index_of_the_older_single_directory_layout_is_rebuilt(
    desk: Desk, tmp_path: Path
) -> None:
    dated_desk(desk, tmp_path)
    desk.index.close()
    (desk.path / INDEX_DIR / "triage-schema-version").write_text("2\n")
    assert desk.search("lighthouse").total == 1
    assert desk.index.exists() and desk.index.doc_count() == 13


def test_cli_search_says_when_older_days_were_left_out(
    desk: Desk, tmp_path: Path, cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    dated_desk(desk, tmp_path)
    desk.close()
    monkeypatch.setattr(shards, "RECENT_STORIES", 5)
    recent = cli("search", "harbour", "--limit", "3", index_dir=desk.path)
    assert recent.status == 0
    assert "3 of 6+ matching" in recent.out
    assert "--all searches every day" in recent.err
    archive = cli("search", "harbour", "--limit", "3", "--all", "--json", index_dir=desk.path)
    assert len(archive.json()) == 3  # type: ignore[arg-type]
    assert "--all" not in archive.err


def test_search_does_not_wait_for_another_process_writing_the_index(
    desk: Desk, tmp_path: Path
) -> None:
    dated_desk(desk, tmp_path)
    write_dated(tmp_path / "late", DAYS[-1], 1, words="ferry captain")
    pipeline = desk.pipeline()
    pipeline.finish = lambda: None  # type: ignore[method-assign]
    pipeline.run([str(tmp_path / "late")])
    desk.analyse_pending()
    lock = desk.path / INDEX_DIR / shards.LOCK_NAME
    with lock.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as an ingest in another process
        assert desk.search("ferry").total == 0  # what is indexed, at once: no 60 s wait
        assert desk.search("harbour").total == 13
        with pytest.raises(shards.IndexBusy), desk.index.writing(wait=False):
            pass
        fcntl.flock(held, fcntl.LOCK_UN)
    assert desk.search("ferry").total == 1


def test_compact_merges_each_finished_day_into_one_segment(
    desk: Desk, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    dated_desk(desk, tmp_path)
    write_dated(tmp_path / "later", DAYS[0], 2, words="ferry")  # a second commit to day 0
    desk.ingest([str(tmp_path / "later")])
    first = desk.index.shard(DAYS[0])
    assert first.segment_count() == 2
    before = {r.story.id for r in desk.search("harbour", limit=None, scope="all").rows}
    desk.close()
    done = cli("compact", index_dir=desk.path)
    assert done.status == 0 and "compacted 1 index shard" in done.out
    reopened = Desk(desk.path)
    assert [reopened.index.shard(day).segment_count() for day in DAYS] == [1, 1, 1, 1]
    after = {r.story.id for r in reopened.search("harbour", limit=None, scope="all").rows}
    assert after == before and len(after) == 15
    assert reopened.index.compact(before=DAYS[1]) == 0  # nothing left to merge
    reopened.close()


def test_a_date_range_reads_only_its_own_days(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dated_desk(desk, tmp_path)
    read: list[str] = []
    real = SearchIndex.search

    def spy(self: SearchIndex, *args: object, **kwargs: object) -> object:
        read.append(self.path.name)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SearchIndex, "search", spy)
    inside = desk.search(f"harbour published:[{DAYS[1]} to {DAYS[2]}]", limit=None)
    assert sorted(read) == [DAYS[1], DAYS[2]]
    assert {r.story.published.strftime("%Y-%m-%d") for r in inside.rows} == {DAYS[1], DAYS[2]}
    assert inside.total == 6 and not inside.more
    read.clear()
    outside = desk.search(f"harbour NOT published:[{DAYS[1]} to {DAYS[2]}]", limit=None)
    assert sorted(read) == sorted(DAYS)  # a negated range bounds nothing
    assert outside.total == 7
    read.clear()
    since = desk.search(f"harbour published:>{DAYS[2]}", limit=None, sort="date")
    assert sorted(read) == [DAYS[2], DAYS[3]] and since.total == 6  # from 00:00 of day 2


def test_days_inside_a_range_match_whole_and_only_the_edges_are_listed(
    desk: Desk, tmp_path: Path
) -> None:
    dated_desk(desk, tmp_path)
    everything = f"published:[{DAYS[0]} to {DAYS[3]}]"
    assert desk.search(everything, limit=None).total == 13
    assert desk.search(f"harbour NOT {everything}", limit=None).total == 0
    assert desk.search(f"published:>={DAYS[1]}", limit=None).total == 9
    assert desk.search(f"published:<={DAYS[1]}", limit=None).total == 7
    assert desk.search(f"lighthouse OR published:[{DAYS[1]} to {DAYS[3]}]", limit=None).total == 10
    start, end = datetime(2026, 3, 1), datetime(2026, 3, 4, 23, 59, 59)
    listed = desk.filters.resolve_dates(start, end, False, False)
    days = {s.published.strftime("%Y-%m-%d") for s in desk.store.get_stories(sorted(listed))}
    assert days == {DAYS[0], DAYS[3]}  # the two edges; the days between match whole
