"""Desk-wide keys: refresh, feed log, help, command palette, quit, key overrides."""

from __future__ import annotations

from pytest_httpserver import HTTPServer
from textual.command import CommandPalette
from textual.message import Message
from textual.widgets import Log

from tests.ui.conftest import make_app, screen_text, settle
from triage.config import Config
from triage.core.desk import Desk
from triage.ui import messages as m
from triage.ui.screens.feed_log import FeedLogScreen
from triage.ui.screens.help import HelpScreen
from triage.ui.screens.main import MainScreen
from triage.ui.widgets.status import StatusLine
from triage.ui.widgets.story_list import StoryList


async def test_R_refreshes_in_a_worker_keeping_the_selection(ui_desk: Desk) -> None:
    ui_desk.feeds.add("http://127.0.0.1:9/feed.xml", name="Dead feed")
    posted: list[Message] = []
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40), message_hook=posted.append) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        await settle(pilot)
        chosen = app.screen.query_one(StoryList).selected
        await pilot.press("R")
        await settle(pilot)
        finished = list({id(e): e for e in posted if isinstance(e, m.RefreshFinished)}.values())
        assert len(finished) == 1 and finished[0].report.errors
        assert any(isinstance(e, m.RefreshProgress) for e in posted)
        status = app.screen.query_one(StatusLine)
        assert status.last_refresh == app.clock()
        assert status.feed_errors == 1
        assert app.screen.query_one(StoryList).selected == chosen
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, FeedLogScreen)
        log = "\n".join(app.screen.query_one(Log).lines)
        assert "Dead feed" in log and "127.0.0.1:9" in log
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_question_mark_lists_every_key(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = {key for _, rows in app.screen.sections for key, _ in rows}
        for key in (
            "/",
            "1",
            "2",
            "3",
            "j",
            "k",
            "g",
            "G",
            "enter",
            "t",
            "T",
            "space",
            "u",
            "R",
            "e",
            "s",
            "S",
            "o",
            "y",
            "q",
            "?",
            "L",
            "a",
            "c",
            "ctrl+p",
            "tab",
            "alt+1…9",
        ):
            assert key in keys, key
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_command_palette_runs_triage_actions(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"unread only")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.unread_only


async def test_q_quits(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_refreshed_stories_are_listed_before_their_analysis_ends(
    ui_desk: Desk, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        "<rss version='2.0'><channel><title>Ferry News</title><item><title>Ferry strike"
        " ends</title><link>https://example.test/ferry</link><description>\u201cWe sail"
        " at dawn,\u201d said Imre Quillfeather.</description></item></channel></rss>",
        content_type="application/rss+xml",
    )
    ui_desk.feeds.add(httpserver.url_for("/feed.xml"))
    posted: list[Message] = []
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40), message_hook=posted.append) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        once = {id(e): e for e in posted}.values()  # the hook sees a bubbling message twice
        kinds = [type(e) for e in once if isinstance(e, m.StoriesFetched | m.RefreshFinished)]
        assert kinds == [m.StoriesFetched, m.RefreshFinished]
        fetched = next(e for e in posted if isinstance(e, m.StoriesFetched))
        assert fetched.report.added == 1
        assert "Ferry strike ends" in [s.title for s in app.screen.query_one(StoryList).stories]
        assert ui_desk.search("speaker:quillfeather").total == 1  # analysed and indexed after


async def test_key_overrides_from_config(ui_desk: Desk) -> None:
    ui_desk.feeds.add("http://127.0.0.1:9/feed.xml", name="Dead feed")
    posted: list[Message] = []
    app = make_app(ui_desk, Config(poll_seconds=0, keys={"refresh": "f5"}))
    async with app.run_test(size=(120, 40), message_hook=posted.append) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert any(isinstance(e, m.RefreshFinished) for e in posted)


async def test_saved_searches_with_markup_in_their_names_are_literal_in_the_palette(
    ui_desk: Desk,
) -> None:
    ui_desk.tags.save_search("[@click=app.quit]boom[/]", "strike [/]")
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"boom")
        await pilot.pause(0.3)
        await settle(pilot)
        assert "[@click=app.quit]boom[/]" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert app.screen.query_text == "strike [/]"  # type: ignore[attr-defined]
