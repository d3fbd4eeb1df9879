"""The reader never shows an undated story's fetch time as its publication time."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import make_app, screen_text, settle
from triage.core.desk import Desk
from triage.ui.screens.main import MainScreen

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Quay Post</title>
<link>https://quay.example/</link>
<item><title>Harbour pilots vote on overtime</title><link>https://quay.example/pilots</link>
<description>Pilots meet on Friday.</description></item>
</channel></rss>"""


async def test_reader_says_an_undated_story_is_undated(ui_desk: Desk, tmp_path: Path) -> None:
    feed = tmp_path / "quay.xml"
    feed.write_text(RSS, encoding="utf-8")
    assert ui_desk.ingest([str(feed)]).added == 1
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.recall_query("pilots")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Quay Post · undated, fetched " in text
