"""The feeds view (F): titles, unread counts, fetch state, enter lists a feed's stories, edits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from textual.pilot import Pilot

from tests.ui.conftest import make_app, screen_text, settle
from triage.core.desk import Desk
from triage.ui.screens.feeds import FeedPrompt, FeedsScreen
from triage.ui.screens.main import MainScreen
from triage.ui.widgets.story_list import StoryList

RSS = (
    "<?xml version='1.0'?><rss version='2.0'><channel><title>Ferry News</title>"
    "<item><title>Ferry sails at dawn</title><link>https://ferry.example/1</link>"
    "<description>It sailed.</description></item>"
    "<item><title>Ferry fares frozen</title><link>https://ferry.example/2</link>"
    "<description>Fares stay.</description></item></channel></rss>"
)


async def test_F_lists_feeds_and_enter_shows_a_feeds_stories(
    ui_desk: Desk, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/ferry.xml").respond_with_data(
        RSS, content_type="application/rss+xml"
    )
    url = httpserver.url_for("/ferry.xml")
    ui_desk.feeds.add(url, name="Ferry News")
    ui_desk.feeds.add("http://127.0.0.1:9/dead.xml", name="Dead Wire")
    ui_desk.feeds.record_failure("http://127.0.0.1:9/dead.xml", "connection refused")
    assert ui_desk.ingest([url]).added == 2
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FeedsScreen)
        by_title = {row.title: row for row in screen.rows}
        assert by_title["Ferry News"].unread == 2
        assert by_title["Dead Wire"].unread == 0
        text = screen_text(app)
        assert "connection refused" in text and "Ferry News" in text
        assert "Feeds · 2 feeds · 1 failing · 2 unread" in text
        assert url not in text, "feeds show titles, not URLs"
        await pilot.press("j", "k", "enter")  # Dead Wire sorts first
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("F", "j", "enter")
        await pilot.pause(0.4)
        await settle(pilot)
        titles = {s.title for s in app.screen.query_one(StoryList).stories}
        assert titles == {"Ferry sails at dawn", "Ferry fares frozen"}


async def test_A_in_the_feeds_view_marks_the_feed_read_and_z_undoes(
    ui_desk: Desk, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/ferry.xml").respond_with_data(
        RSS, content_type="application/rss+xml"
    )
    url = httpserver.url_for("/ferry.xml")
    assert ui_desk.ingest([url]).added == 2
    everything = ui_desk.store.get_stories(list(ui_desk.store.all_ids()))
    ferry = {s.id for s in everything if url in s.feeds}
    assert len(ferry) == 2
    unread_before = ui_desk.store.unread_count()
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await _feeds_open(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert ui_desk.store.read_ids(list(ferry)) == ferry
        assert ui_desk.store.unread_count() == unread_before - 2, "only the feed's stories"
        await pilot.press("z")
        await settle(pilot)
        assert ui_desk.store.read_ids(list(ferry)) == set()


async def test_R_in_the_feeds_view_refreshes_and_the_feed_takes_its_title(
    ui_desk: Desk, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/ferry.xml").respond_with_data(
        RSS, content_type="application/rss+xml"
    )
    url = httpserver.url_for("/ferry.xml")
    ui_desk.feeds.add(url)
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await _feeds_open(pilot)
        assert "Ferry News" not in screen_text(app)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        for _ in range(100):  # the refresh runs in a worker, its analysis after it
            if not app.screen.refreshing:
                break
            await pilot.pause(0.1)
        await settle(pilot)
        assert ui_desk.feeds.get(url).name == "Ferry News"  # type: ignore[union-attr]
        await pilot.press("F")
        await settle(pilot)
        assert "Ferry News" in screen_text(app)


async def test_feeds_view_adds_renames_and_removes(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        await pilot.press("a")
        assert isinstance(app.screen, FeedPrompt)
        await pilot.press(*"not-a-url", "enter")
        await settle(pilot)
        assert ui_desk.feeds.all() == []
        await pilot.press("a", *"https://wire.example/rss", "enter")
        await settle(pilot)
        assert [f.url for f in ui_desk.feeds.all()] == ["https://wire.example/rss"]
        await pilot.press("r", "ctrl+a", "ctrl+k", *"Wire Desk", "enter")
        await settle(pilot)
        assert ui_desk.feeds.all()[0].name == "Wire Desk"
        assert [r.title for r in app.screen.rows] == ["Wire Desk"]  # type: ignore[attr-defined]
        await pilot.press("d")
        await settle(pilot)
        assert ui_desk.feeds.all() == []
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_feeds_view_tags_imports_and_exports_opml(ui_desk: Desk, tmp_path: Path) -> None:
    ui_desk.feeds.add("https://wire.example/rss", name="Northern Wire")
    listing = tmp_path / "theirs.opml"
    listing.write_text(
        "<?xml version='1.0'?><opml version='2.0'><head><title>x</title></head><body>"
        "<outline text='Local' title='Local'>"
        "<outline type='rss' text='Ferry &lt;b&gt;News' xmlUrl='https://ferry.example/rss'/>"
        "</outline></body></opml>",
        encoding="utf-8",
    )
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await _feeds_open(pilot)
        await pilot.press("t", *"wires, National", "enter")
        await settle(pilot)
        assert ui_desk.feeds.all()[0].tags == ("national", "wires")
        assert "#national" in screen_text(app)
        await pilot.press("t", "ctrl+a", "ctrl+k", "enter")  # an empty line clears them
        await settle(pilot)
        assert ui_desk.feeds.all()[0].tags == ()
        await pilot.press("i", *str(tmp_path / "missing.opml"), "enter")
        await settle(pilot)
        assert len(ui_desk.feeds.all()) == 1, "a file that cannot be read changes nothing"
        await pilot.press("i", *str(listing), "enter")
        await settle(pilot)
        by_url = {f.url: f for f in ui_desk.feeds.all()}
        assert by_url["https://ferry.example/rss"].name == "Ferry <b>News"
        assert "Ferry <b>News" in screen_text(app), "a title renders literally"
        out = tmp_path / "ours.opml"
        await pilot.press("x", "ctrl+a", "ctrl+k", *str(out), "enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedsScreen)
        written = out.read_text(encoding="utf-8")
        assert "https://ferry.example/rss" in written and "https://wire.example/rss" in written
        assert isinstance(app.screen, FeedsScreen)
    fresh = Desk(tmp_path / "other")
    try:
        from triage.core.ingest import parse_opml

        assert {f.url for f in parse_opml(out.read_bytes())} == set(by_url)
    finally:
        fresh.close()


async def _feeds_open(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("F")
    await settle(pilot)


def test_feeds_view_snapshot(snap_compare: Any, ui_desk: Desk) -> None:
    ui_desk.feeds.add("https://harbour.example/rss", name="Harbour Gazette")
    ui_desk.feeds.add("https://wire.example/rss", name="Northern Wire")
    ui_desk.feeds.record_failure("https://wire.example/rss", "HTTP 503 Service Unavailable")
    assert snap_compare(make_app(ui_desk), terminal_size=(120, 40), run_before=_feeds_open)
