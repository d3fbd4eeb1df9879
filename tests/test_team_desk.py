"""A team desk: the store of record on PostgreSQL, chosen by URL, env or config, and
``triage desk copy`` between the engines with everything in the desk.

Every test here runs against a real PostgreSQL server the tests start themselves
(tests/pgserver.py); they skip when PostgreSQL is not installed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from triage.cli import main
from triage.core.desk import Desk
from triage.core.store import Store
from triage.demo import demo_paths


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def dump(location: Path | str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a store, sorted (the engines' own columns left out)."""
    store = Store(location)
    try:
        tables = store.backend.tables()
        found = {}
        for table, columns in tables.items():
            names = ", ".join(f'"{c}"' for c in columns if c != "rowid")
            rows = store.conn.execute(f'SELECT {names} FROM "{table}"').fetchall()
            found[table] = sorted((tuple(r) for r in rows), key=repr)
        return found
    finally:
        store.close()


def groups(desk: Desk) -> set[tuple[str, ...]]:
    """The desk's clusters, as sets of story ids."""
    return {tuple(sorted(m.story_id for m in c.members)) for c in desk.clusters.clusters()}


def edit(desk: Desk) -> dict[str, Any]:
    """Leave a mark of every kind an editor leaves; return what to look for."""
    ids = desk.store.latest_ids(4)
    desk.tags.tag_stories(ids[:2], ["lead"])
    desk.store.set_read(ids[1:3])
    desk.tags.save_search("energy", "wind OR solar")
    desk.feeds.add("https://feeds.example/world.xml", name="World", tags=["wire"])
    quote = desk.quotes.for_stories(desk.store.latest_ids(40))[0]
    desk.tags.tag_quotes([quote.id], ["on-record"])
    first, second = ids[2], ids[3]
    with desk.store.write():
        desk.clusters.merge(first, second)
    return {"lead": sorted(ids[:2]), "read": sorted(ids[1:3]), "quote": quote.id}


def test_cli_commands_run_on_a_postgresql_store(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    here = ["--desk", pg_url, "--index", str(tmp_path / "a")]
    status, out, err = run(capsys, *here, "ingest", "--json", *map(str, demo_paths()))
    assert status == 0, err
    assert json.loads(out)["errors"] == [], (out, err)
    hits = json.loads(run(capsys, *here, "search", "--json", "--sort", "date", "--limit", "3")[1])
    story = hits[0]["id"]
    assert run(capsys, *here, "tag", story, "Lead")[0] == 0
    assert run(capsys, *here, "read", story)[0] == 0
    # another terminal (its own index directory) on the same store sees the marks
    there = ["--desk", pg_url, "--index", str(tmp_path / "b")]
    tagged = json.loads(run(capsys, *there, "search", "--json", "tag:lead")[1])
    assert [h["id"] for h in tagged] == [story]
    shown = json.loads(run(capsys, *there, "show", "--json", story)[1])
    assert shown["read"] is True and shown["tags"] == ["lead"]
    assert json.loads(run(capsys, *there, "quotes", "--json")[1])
    assert json.loads(run(capsys, *there, "clusters", "--json")[1])
    status, out, _ = run(capsys, *there, "export", "--format", "csv", "tag:lead")
    assert status == 0 and story in out
    # nothing of the store was written beside either index
    assert not (tmp_path / "a" / "triage.sqlite3").exists()
    assert not (tmp_path / "b" / "triage.sqlite3").exists()


def test_the_store_comes_from_env_or_config(
    tmp_path: Path,
    pg_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    article = tmp_path / "one.txt"
    article.write_text("Harbour reopens\n\nThe harbour reopened on Monday.\n", encoding="utf-8")
    configured = tmp_path / "configured"
    configured.mkdir()
    (configured / "config.toml").write_text(f'store = "{pg_url}"\n', encoding="utf-8")
    assert run(capsys, "--index", str(configured), "ingest", str(article))[0] == 0
    monkeypatch.setenv("TRIAGE_DESK", pg_url)
    monkeypatch.setenv("TRIAGE_INDEX", str(tmp_path / "from-env"))
    found = json.loads(run(capsys, "search", "--json", "harbour")[1])
    assert [h["title"] for h in found] == ["Harbour reopens"]
    assert not (configured / "triage.sqlite3").exists()


def test_a_broken_url_is_one_line_error(
    tmp_path: Path, pg_server: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_server.url("no_such_database")
    status, _, err = run(capsys, "--desk", url, "--index", str(tmp_path / "x"), "search", "a")
    assert status == 1
    assert err.startswith("triage: error: cannot open desk at postgresql://")
    assert len(err.strip().splitlines()) == 1


def test_desk_copy_moves_everything_both_ways(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    original = tmp_path / "original"
    desk = Desk(original)
    desk.ingest([str(p) for p in demo_paths()])
    marks = edit(desk)
    clusters_before = {
        tuple(sorted(m.story_id for m in c.members)) for c in desk.clusters.clusters()
    }
    desk.close()

    status, out, err = run(capsys, "desk", "copy", str(original), pg_url, "--json")
    assert status == 0, err
    assert json.loads(out)["rows"]["stories"] == 34

    # the team desk answers with everything the SQLite desk had
    there = ["--desk", pg_url, "--index", str(tmp_path / "terminal")]
    lead = json.loads(run(capsys, *there, "search", "--json", "tag:lead")[1])
    assert sorted(h["id"] for h in lead) == marks["lead"]
    read = json.loads(run(capsys, *there, "search", "--json", "--limit", "50", "is:read")[1])
    assert sorted(h["id"] for h in read) == marks["read"]
    quoted = json.loads(run(capsys, *there, "quotes", "--tag", "on-record", "--json")[1])
    assert [q["id"] for q in quoted] == [marks["quote"]]
    team = Desk(tmp_path / "terminal", store=pg_url)
    try:
        assert team.tags.saved_searches() == [("energy", "wind OR solar")]
        assert [f.name for f in team.feeds.all()] == ["World"]
        assert {
            tuple(sorted(m.story_id for m in c.members)) for c in team.clusters.clusters()
        } == clusters_before
    finally:
        team.close()

    # and back: a new SQLite desk holds exactly the rows of the first
    back = tmp_path / "back"
    assert run(capsys, "desk", "copy", pg_url, str(back))[0] == 0
    assert dump(back / "triage.sqlite3") == dump(original / "triage.sqlite3")
    searched = json.loads(run(capsys, "--index", str(back), "search", "--json", "tag:lead")[1])
    assert sorted(h["id"] for h in searched) == marks["lead"]


def test_desk_copy_refuses_a_desk_that_is_not_empty(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "one.txt"
    article.write_text("Harbour reopens\n\nThe harbour reopened on Monday.\n", encoding="utf-8")
    for where in (["--index", str(tmp_path / "a")], ["--desk", pg_url, "--index", str(tmp_path)]):
        assert run(capsys, *where, "ingest", str(article))[0] == 0
    status, _, err = run(capsys, "desk", "copy", str(tmp_path / "a"), pg_url)
    assert status == 1
    assert "not empty" in err
    status, _, err = run(capsys, "desk", "copy", str(tmp_path / "missing"), pg_url)
    assert status == 2


def test_each_terminal_builds_its_index_once_then_follows_the_desk(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    a = ["--desk", pg_url, "--index", str(tmp_path / "a")]
    b = ["--desk", pg_url, "--index", str(tmp_path / "b")]
    first, second = tmp_path / "harbour.txt", tmp_path / "bridge.txt"
    first.write_text("Harbour reopens\n\nThe harbour reopened on Monday.\n", encoding="utf-8")
    second.write_text("Bridge closes\n\nThe old bridge closed for repairs.\n", encoding="utf-8")

    def titles(where: list[str], words: str) -> list[str]:
        return [h["title"] for h in json.loads(run(capsys, *where, "search", "--json", words)[1])]

    assert run(capsys, *a, "ingest", str(first))[0] == 0
    assert titles(b, "harbour") == ["Harbour reopens"]  # a new terminal builds its index
    assert run(capsys, *a, "ingest", str(second))[0] == 0
    assert titles(b, "bridge") == ["Bridge closes"]  # and then follows what others store
    assert titles(a, "bridge") == ["Bridge closes"]

    # a terminal's own rebuild queues nothing for the others
    assert run(capsys, *b, "reindex")[0] == 0
    terminal_a = Desk(tmp_path / "a")  # the directory remembers its store
    try:
        assert terminal_a.store.pending_index_count() == 0
        assert terminal_a.location == pg_url
    finally:
        terminal_a.close()


def test_another_editors_changes_are_announced_to_a_watching_terminal(
    tmp_path: Path, pg_url: str
) -> None:
    ana = Desk(tmp_path / "a", store=pg_url, editor="ana")
    ben = Desk(tmp_path / "b", store=pg_url, editor="ben")
    heard: list[str] = []
    arrived = threading.Condition()

    def changed(table: str) -> None:
        with arrived:
            heard.append(table)
            arrived.notify_all()

    watcher = ben.watch(changed)
    assert watcher is not None
    try:
        assert watcher.ready.wait(30)
        ana.ingest([str(p) for p in demo_paths()[:2]])
        story = ana.store.latest_ids(1)[0]
        for act, table in (
            (lambda: ana.tags.tag_stories([story], ["lead"]), "story_tags"),
            (lambda: ana.editors.assign(story, "ben"), "assignments"),
            (lambda: ana.store.set_read([story]), "editor_state"),
        ):
            with arrived:
                heard.clear()
                act()
                # a bound on a hung listener, not a latency figure (the benchmark has those)
                assert arrived.wait_for(lambda t=table: t in heard, timeout=30), heard
        assert ben.store.read_ids([story]) == set()  # told of ana's mark, not given it
        assert Desk(tmp_path / "c").watch(changed) is None  # a desk file polls instead
    finally:
        watcher.stop()
        ana.close()
        ben.close()


HOLD = """
import sys, time
from pathlib import Path
from triage.core.desk import Desk
desk = Desk(Path(sys.argv[1]), store=sys.argv[2])
with desk.store.fetcher() as elected:
    print("elected" if elected else "not elected", flush=True)
    time.sleep(120)
"""


def test_one_fetcher_per_desk_and_a_killed_one_frees_the_desk(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "fetcher"), pg_url],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "elected"
        here = ["--desk", pg_url, "--index", str(tmp_path / "other")]
        status, out, _ = run(capsys, *here, "fetch")
        assert status == 0 and "another terminal is fetching" in out
        holder.kill()  # SIGKILL: the server drops its session and the lock with it
        holder.wait()
        status, out, _ = run(capsys, *here, "fetch", "--json")
        assert status == 0 and json.loads(out)["errors"] == []
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


async def test_the_app_says_another_terminal_fetches_without_an_error(
    tmp_path: Path, pg_url: str
) -> None:
    """R while another terminal holds the fetch: one notice, no feed error, no refresh time."""
    from tests.ui.conftest import make_app, settle
    from triage.ui.widgets.status import StatusLine

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "fetcher"), pg_url],
        stdout=subprocess.PIPE,
        text=True,
    )
    desk = Desk(tmp_path / "app", store=pg_url)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "elected"
        desk.feeds.add("http://127.0.0.1:9/feed.xml")
        app = make_app(desk)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("R")
            await settle(pilot)
            told = [n.message for n in app._notifications]
            assert any("Another terminal is fetching" in note for note in told), told
            assert not any("feed error" in note for note in told), told
            status = app.screen.query_one(StatusLine)
            assert status.last_refresh is None and status.feed_errors == 0
    finally:
        desk.close()
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_the_fetchers_progress_reaches_the_other_terminals_and_not_its_own(
    tmp_path: Path, pg_url: str
) -> None:
    """While one terminal fetches, every other one hears how far it has come, then
    that it finished; a payload that is not a fetcher's is dropped, not fatal."""
    import psycopg

    from triage.core.store import FetchProgress

    ana = Desk(tmp_path / "a", store=pg_url, editor="ana")
    ben = Desk(tmp_path / "b", store=pg_url, editor="ben")
    heard: dict[str, list[FetchProgress]] = {"ana": [], "ben": []}
    arrived = threading.Condition()

    def listener(name: str) -> Any:
        def fetching(progress: FetchProgress) -> None:
            with arrived:
                heard[name].append(progress)
                arrived.notify_all()

        return fetching

    watchers = [
        ana.watch(lambda table: None, listener("ana")),
        ben.watch(lambda table: None, listener("ben")),
    ]
    try:
        assert all(w is not None and w.ready.wait(30) for w in watchers)
        with psycopg.connect(pg_url, autocommit=True) as other:
            other.execute("SELECT pg_notify('triage_fetch', 'not a fetcher''s [payload')")
        with ana.store.fetcher() as elected:
            assert elected
            ana.store.announce_fetch("fetch", 3, 12)
            with arrived:  # a bound on a hung listener, not a latency figure
                assert arrived.wait_for(lambda: heard["ben"], timeout=30)
        with arrived:
            assert arrived.wait_for(lambda: heard["ben"][-1].finished, timeout=30)
        first = heard["ben"][0]
        assert (first.editor, first.stage, first.done, first.total) == ("ana", "fetch", 3, 12)
        assert heard["ana"] == []  # its own fetch is not news to the fetcher
        ben.store.announce_fetch("fetch", 1, 2)  # not the fetcher: says nothing
    finally:
        for watcher in watchers:
            if watcher is not None:
                watcher.stop()
        ana.close()
        ben.close()
    assert len(heard["ben"]) == 2


async def test_the_app_shows_another_terminals_fetch_in_its_status_line(
    tmp_path: Path, pg_url: str
) -> None:
    from textual.widgets import ProgressBar

    from tests.ui.conftest import make_app, settle
    from triage.ui.widgets.status import StatusLine

    fetcher = Desk(tmp_path / "fetcher", store=pg_url, editor="ana")
    desk = Desk(tmp_path / "app", store=pg_url, editor="ben")
    try:
        app = make_app(desk)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            bar = app.screen.query_one(StatusLine).query_one(ProgressBar)
            assert app.screen.watcher is not None and app.screen.watcher.ready.wait(30)
            with fetcher.store.fetcher() as elected:
                assert elected
                fetcher.store.announce_fetch("fetch", 5, 20)
                for _ in range(300):  # a bound on a hung listener, not a latency figure
                    await pilot.pause(0.05)
                    if bar.display and bar.progress == 5:
                        break
                assert bar.display and (bar.progress, bar.total) == (5, 20)
                assert "ana's terminal: fetch" in str(bar.tooltip)
            for _ in range(300):
                await pilot.pause(0.05)
                if not bar.display:
                    break
            assert not bar.display
    finally:
        desk.close()
        fetcher.close()
