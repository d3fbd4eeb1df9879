"""A team desk's app shows another editor's tag without being asked (LISTEN/NOTIFY):
polling is off here, so only the notification can bring it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.ui.conftest import make_app, settle
from triage.core.desk import Desk
from triage.demo import demo_paths
from triage.ui.screens.main import MainScreen
from triage.ui.widgets.story_list import StoryList


async def test_another_editors_tag_shows_in_an_open_app(tmp_path: Path, pg_url: str) -> None:
    ana = Desk(tmp_path / "ana", store=pg_url, editor="ana")
    ana.ingest([str(p) for p in demo_paths()])
    ben = Desk(tmp_path / "ben", store=pg_url, editor="ben")
    app = make_app(ben)  # poll_seconds=0: no polling
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            assert screen.watcher is not None and screen.watcher.ready.wait(30)
            listing = screen.query_one(StoryList)
            story = listing.stories[0].id
            assert "scoop" not in listing.stories[0].tags
            await asyncio.to_thread(ana.tags.tag_stories, [story], ["scoop"])
            for _ in range(300):  # a bound on a hung listener, not a latency figure
                await settle(pilot)
                shown = {s.id: s for s in screen.query_one(StoryList).stories}
                if "scoop" in shown[story].tags:
                    break
                await asyncio.sleep(0.1)
            assert "scoop" in shown[story].tags
    finally:
        ana.close()
        ben.close()


async def test_at_assigns_the_selected_story_and_assigned_me_lists_it(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        story = screen.query_one(StoryList).stories[0].id
        await pilot.press("at")
        await settle(pilot)
        await pilot.press(*"@Ben", "enter")
        await settle(pilot)
        assert [a.story_id for a in ui_desk.editors.assignments("ben")] == [story]
        ben = Desk(ui_desk.path, editor="ben")
        try:
            assert [row.story.id for row in ben.search("assigned:me").rows] == [story]
        finally:
            ben.close()
