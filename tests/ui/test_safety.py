"""Hostile feed text is shown literally, and the core stays free of the UI toolkit."""

from __future__ import annotations

import hashlib
import pkgutil
import sqlite3
import subprocess
import sys
from datetime import timedelta

import pytest

import triage.core
from tests.ui.conftest import FROZEN_NOW, make_app, screen_text, settle
from triage.core.desk import Desk
from triage.core.models import Story
from triage.ui import queries
from triage.ui.widgets.reader import Reader
from triage.ui.widgets.status import StatusLine
from triage.ui.widgets.story_list import StoryList

HOSTILE_TITLE = "[@click=app.quit]CLICK ME[/]"
HOSTILE_BODY = (
    "Opening [bold red]x[/] and a stray [/] closer.\n\n"
    "\x1b[2JCleared? \x1b]8;;http://evil.example\x07link\x1b]8;;\x07 bell\x07\n\n"
    "\u201c[link=http://evil.example]Quote[/link] here,\u201d said [b]Mal Ice[/b]."
)


def _hostile_desk(desk: Desk) -> str:
    story = Story(
        id="hostile00001",
        title=HOSTILE_TITLE,
        url="http://evil.example/[/]",
        source="[red]Evil[/] Outlet",
        published=FROZEN_NOW - timedelta(minutes=1),
        body=HOSTILE_BODY,
        author="[@click=app.bell]x[/]",
    )
    desk.store.upsert_story(story, "hostile", hashlib.sha1(b"hostile").hexdigest())
    desk.tags.tag_stories([story.id], ["[b]"])
    desk.analyse_pending()
    desk.sync_index()
    return story.id


async def test_hostile_text_is_literal_and_clicking_it_does_nothing(desk: Desk) -> None:
    story_id = _hostile_desk(desk)
    app = make_app(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(StoryList)
        assert listing.selected is not None and listing.selected.id == story_id
        reader = app.screen.query_one(Reader)
        assert reader.story is not None
        shown = screen_text(app)
        assert HOSTILE_TITLE in shown
        assert "Opening [bold red]x[/] and a stray [/] closer." in shown
        assert "[red]Evil[/] Outl" in shown
        assert "\x1b" not in app.export_screenshot()
        await pilot.click(StoryList, offset=(30, 2))
        await pilot.click(Reader, offset=(5, 1))
        await pilot.click(Reader, offset=(10, 6))
        await settle(pilot)
        assert app.is_running
        app.screen.recall_query("CLICK")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("3", "y")
        await settle(pilot)
        assert app.is_running


def test_core_never_imports_textual() -> None:
    modules = [f"triage.core.{info.name}" for info in pkgutil.iter_modules(triage.core.__path__)]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(len(sys.modules)); assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


async def test_a_failing_desk_call_is_reported_not_fatal(
    ui_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise sqlite3.OperationalError("no such column: vector")

    monkeypatch.setattr(queries, "load_detail", broken)
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert app.is_running
        assert app.screen.query_one(StatusLine).problem == "loading the story failed"
        assert any("no such column" in n.message for n in app._notifications)
