"""Sync against a real Fever API server (coldsweat on 127.0.0.1), feeds served by
pytest-httpserver: nothing leaves the loopback address, nothing is mocked."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from helpers import run_triage
from pytest_httpserver import HTTPServer

pytest.importorskip("coldsweat")

RUNNER = Path(__file__).with_name("coldsweat_server.py")
EMAIL = "editor@example.org"
PASSWORD = "correct horse"


def rss(count: int, prefix: str = "item") -> str:
    """A generated feed of ``count`` items (made-up text)."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    items = "".join(
        f"<item><title>{prefix} number {i}</title>"
        f"<link>http://127.0.0.1/{prefix}/{i}</link><guid>{prefix}-{i}</guid>"
        f"<pubDate>{format_datetime(start + timedelta(minutes=i))}</pubDate>"
        f"<description>&lt;p&gt;Body of {prefix} {i}, about the harbour.&lt;/p&gt;</description>"
        "</item>"
        for i in range(count)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Local wire</title>'
        f"<link>http://127.0.0.1/</link>{items}</channel></rss>"
    )


def coldsweat(db: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, str(RUNNER), str(db), *args],
        check=True,
        capture_output=True,
        timeout=300,
        cwd=db.parent,
    )


@dataclass
class Fever:
    url: str
    db: Path
    feed_url: str
    env: dict[str, str]
    index: Path

    def triage(self, *args: str, password: str = PASSWORD) -> subprocess.CompletedProcess[str]:
        env = {**self.env, "TRIAGE_SERVER_PASSWORD": password}
        return run_triage(*args, "--index", str(self.index), env=env)

    def api(self, *commands: str) -> dict[str, object]:
        import httpx

        key = __import__("hashlib").md5(f"{EMAIL}:{PASSWORD}".encode()).hexdigest()
        answer = httpx.post(f"{self.url}?api&{'&'.join(commands)}", data={"api_key": key})
        result: dict[str, object] = answer.json()
        return result


def start_fever(tmp_path: Path, feed_url: str) -> Iterator[Fever]:
    db = tmp_path / "coldsweat.db"
    coldsweat(db, "setup", EMAIL, PASSWORD, feed_url)
    coldsweat(db, "fetch")
    proc = subprocess.Popen(
        [sys.executable, str(RUNNER), str(db), "serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRIAGE_")}
        yield Fever(f"http://127.0.0.1:{port}/fever/", db, feed_url, env, tmp_path / "desk")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def fever(tmp_path: Path, httpserver: HTTPServer) -> Iterator[Fever]:
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(120), content_type="application/rss+xml"
    )
    yield from start_fever(tmp_path, httpserver.url_for("/feed.xml"))


def desk_stories(fever: Fever, query: str = "*") -> list[dict[str, object]]:
    out = fever.triage("search", query, "--limit", "100000", "--sort", "date", "--json")
    assert out.returncode == 0, out.stderr
    rows: list[dict[str, object]] = json.loads(out.stdout)
    return rows


def add_and_sync(fever: Fever) -> None:
    out = fever.triage("servers", "add", "fever", fever.url, "--user", EMAIL)
    assert out.returncode == 0, out.stderr
    assert PASSWORD not in out.stdout + out.stderr
    out = fever.triage("sync")
    assert out.returncode == 0, out.stderr


def test_subscriptions_and_items_arrive(fever: Fever) -> None:
    add_and_sync(fever)
    listed = json.loads(fever.triage("servers", "list", "--json").stdout)
    assert [f["url"] for f in listed[0]["feeds"]] == [fever.feed_url]
    assert listed[0]["items"] == 120
    stories = desk_stories(fever)
    assert len(stories) == 120
    assert len({s["url"] for s in stories}) == 120
    # the key is password-equivalent: nowhere in the desk
    key = __import__("hashlib").md5(f"{EMAIL}:{PASSWORD}".encode()).hexdigest()
    for path in fever.index.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert key.encode() not in data and PASSWORD.encode() not in data
    # a second sync repeats nothing
    out = fever.triage("sync", "--json")
    assert json.loads(out.stdout)["items"] == 0
    assert len(desk_stories(fever)) == 120


def test_a_story_from_a_direct_feed_and_the_server_is_one_story(fever: Fever) -> None:
    assert fever.triage("ingest", fever.feed_url).returncode == 0
    add_and_sync(fever)
    assert len(desk_stories(fever)) == 120


def _story_id(fever: Fever, number: int) -> str:
    for story in desk_stories(fever):
        if story["url"] == f"http://127.0.0.1/item/{number}":
            return str(story["id"])
    raise AssertionError(number)


def _item_id(fever: Fever, number: int) -> int:
    since = 0
    while True:
        items = fever.api("items", f"since_id={since}")["items"]
        assert isinstance(items, list) and items
        for item in items:
            if item["url"] == f"http://127.0.0.1/item/{number}":
                return int(item["id"])
        since = max(int(i["id"]) for i in items)


def _unread(fever: Fever) -> set[int]:
    text = str(fever.api("unread_item_ids")["unread_item_ids"])
    return {int(i) for i in text.split(",") if i}


def _saved(fever: Fever) -> set[int]:
    text = str(fever.api("saved_item_ids")["saved_item_ids"])
    return {int(i) for i in text.split(",") if i}


def test_read_in_triage_is_read_on_the_server(fever: Fever) -> None:
    add_and_sync(fever)
    item = _item_id(fever, 7)
    assert item in _unread(fever)
    assert fever.triage("read", _story_id(fever, 7)).returncode == 0
    assert fever.triage("tag", _story_id(fever, 8), "saved").returncode == 0
    out = fever.triage("sync", "--json")
    assert json.loads(out.stdout)["pushed"] == 2
    assert item not in _unread(fever)
    assert _item_id(fever, 8) in _saved(fever)
    # and back: unread in triage is unread on the server
    assert fever.triage("unread", _story_id(fever, 7)).returncode == 0
    assert fever.triage("sync").returncode == 0
    assert item in _unread(fever)


def test_saved_on_the_server_is_tagged_saved_in_triage(fever: Fever) -> None:
    add_and_sync(fever)
    coldsweat(fever.db, "read", "saved", str(_item_id(fever, 3)))
    coldsweat(fever.db, "read", "read", str(_item_id(fever, 4)))
    assert fever.triage("sync").returncode == 0
    saved = {s["url"] for s in desk_stories(fever, "tag:saved")}
    assert saved == {"http://127.0.0.1/item/3"}
    read = fever.triage("search", "is:read", "--json")
    if read.returncode == 0:
        assert {s["url"] for s in json.loads(read.stdout)} == {"http://127.0.0.1/item/4"}


def test_triage_wins_when_both_sides_changed(fever: Fever) -> None:
    add_and_sync(fever)
    item = _item_id(fever, 5)
    # the desk marks it read, the server marks it read and then a phone unreads it:
    # both sides changed since the last sync; the desk's mark wins
    assert fever.triage("read", _story_id(fever, 5)).returncode == 0
    coldsweat(fever.db, "read", "saved", str(item))
    assert fever.triage("untag", _story_id(fever, 5), "saved").returncode in (0, 1)
    assert fever.triage("sync").returncode == 0
    assert item not in _unread(fever)
    # the server's own change to another field (saved) still arrives
    assert "http://127.0.0.1/item/5" in {s["url"] for s in desk_stories(fever, "tag:saved")}


def test_wrong_credentials_one_line_exit_1(fever: Fever) -> None:
    add_and_sync(fever)
    before = desk_stories(fever)
    out = fever.triage("sync", password="wrong password")
    assert out.returncode == 1
    assert len(out.stderr.strip().splitlines()) == 1
    assert "refused" in out.stderr
    assert "wrong password" not in out.stderr
    assert desk_stories(fever) == before
    out = fever.triage("servers", "add", "fever", fever.url, "--user", EMAIL, password="nope")
    assert out.returncode == 1 and len(out.stderr.strip().splitlines()) == 1


def test_server_down_or_garbage_one_line(fever: Fever, httpserver: HTTPServer) -> None:
    add_and_sync(fever)
    httpserver.expect_request("/garbage").respond_with_data("<html>not json</html>")
    for url in (httpserver.url_for("/garbage"), "http://127.0.0.1:9/fever/"):
        out = fever.triage("servers", "add", "fever", url, "--user", EMAIL)
        assert out.returncode == 1
        assert len(out.stderr.strip().splitlines()) == 1, out.stderr
        assert "Traceback" not in out.stderr


def test_kill_during_sync_loses_nothing(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(600), content_type="application/rss+xml"
    )
    for fever in start_fever(tmp_path, httpserver.url_for("/feed.xml")):
        out = fever.triage("servers", "add", "fever", fever.url, "--user", EMAIL)
        assert out.returncode == 0, out.stderr
        for delay in (1.0, 2.5):
            proc = subprocess.Popen(
                [sys.executable, "-m", "triage", "sync", "--index", str(fever.index)],
                env={**fever.env, "TRIAGE_SERVER_PASSWORD": PASSWORD},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        stored_before = desk_stories(fever)
        marked = bool(stored_before)  # the killed syncs stored some batches: mark one read
        if marked:
            assert fever.triage("read", str(stored_before[0]["id"])).returncode == 0
        out = fever.triage("sync")
        assert out.returncode == 0, out.stderr
        stories = desk_stories(fever)
        assert len(stories) == 600
        assert len({s["url"] for s in stories}) == 600
        listed = json.loads(fever.triage("servers", "list", "--json").stdout)
        assert listed[0]["items"] == 600
        assert len(_unread(fever)) == 600 - (1 if marked else 0)


async def test_the_apps_refresh_syncs_the_server(
    fever: Fever, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R in the app syncs a server that has no feed of its own on the desk: with the
    password at hand its items arrive; without one the refresh says so in one line."""
    from tests.ui.conftest import make_app, screen_text, settle
    from triage.core.desk import Desk

    out = fever.triage("servers", "add", "fever", fever.url, "--user", EMAIL)
    assert out.returncode == 0, out.stderr
    monkeypatch.delenv("TRIAGE_SERVER_PASSWORD", raising=False)
    desk = Desk(fever.index)
    try:
        app = make_app(desk)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("R")  # no password, no keyring: nothing to sync with
            await settle(pilot)
            assert desk.store.count() == 0
            told = [n.message for n in app._notifications]
            assert any("1 feed error" in note for note in told), told
            monkeypatch.setenv("TRIAGE_SERVER_PASSWORD", PASSWORD)
            await pilot.press("R")
            await settle(pilot)
            assert desk.store.count() == 120
            told = [n.message for n in app._notifications]
            assert any("120 new" in note for note in told), told
            assert "120 stories" in screen_text(app)
    finally:
        desk.close()


async def test_the_feeds_view_shows_the_servers_and_their_feeds(fever: Fever) -> None:
    """F lists a server under the feeds: its address, account, feeds by title, items."""
    from tests.ui.conftest import make_app, screen_text, settle
    from triage.core.desk import Desk

    add_and_sync(fever)
    desk = Desk(fever.index)
    try:
        app = make_app(desk)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("F")
            await settle(pilot)
            shown = screen_text(app)
            assert f"fever server {fever.url}" in shown
            assert EMAIL in shown and "1 feed" in shown and "120 items" in shown
            assert "Local wire" in shown  # the server's feed, by its title
    finally:
        desk.close()
