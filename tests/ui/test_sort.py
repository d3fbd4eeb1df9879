"""O cycles the story list's order (made by the desk over every match, not by sorting
the loaded page); a saved search keeps the order it was left in."""

from __future__ import annotations

from tests.ui.conftest import make_app, screen_text, settle
from triage.core.desk import Desk
from triage.ui import queries
from triage.ui.screens.main import MainScreen
from triage.ui.widgets.story_list import StoryList


def main(app: object) -> MainScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, MainScreen)
    return screen


def listed(app: object) -> list[str]:
    return [s.id for s in main(app).query_one(StoryList).stories]


async def test_O_cycles_every_order_and_the_list_follows_the_desk(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert main(app).sort == "unread"
        for sort in ("newest", "oldest", "feed", "biggest", "unread"):
            await pilot.press("O")
            await settle(pilot)
            assert main(app).sort == sort
            expected = ui_desk.story_page("", sort=sort, limit=1000).stories
            assert listed(app) == [s.id for s in expected]
            shown = screen_text(app)
            if sort != "unread":
                assert queries.SORT_NAMES[sort] in shown
            assert main(app).query_one(StoryList).cursor_row == 0
        assert "biggest story first" not in screen_text(app)


async def test_biggest_story_leads_and_a_query_keeps_the_order(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(4):
            await pilot.press("O")
        await settle(pilot)
        stories = main(app).query_one(StoryList)
        assert stories.sizes.get(stories.stories[0].id, 1) >= 3
        main(app).recall_query("-tag:nosuchtag")
        await settle(pilot)
        assert main(app).sort == "biggest"
        assert stories.sizes.get(stories.stories[0].id, 1) >= 3


async def test_a_saved_search_keeps_its_order(ui_desk: Desk) -> None:
    ui_desk.tags.save_search("harbour", "harbour")
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("alt+1")
        await settle(pilot)
        await pilot.press("O", "O")  # oldest first, kept for the saved search
        await settle(pilot)
        assert ui_desk.tags.search_sorts() == {"harbour": "oldest"}
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("O")  # an unsaved view changes order freely
        await settle(pilot)
        assert main(app).sort == "feed"
        await pilot.press("alt+1")
        await settle(pilot)
        assert main(app).sort == "oldest"
        expected = ui_desk.story_page("harbour", sort="oldest", limit=1000).stories
        assert listed(app) == [s.id for s in expected] and expected
        assert "oldest first" in screen_text(app)
    # a search saved while sorted keeps that order from the start
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main(app).recall_query("strike")
        await settle(pilot)
        await pilot.press("O", "O", "O", "O", "s", *"strikes", "enter")
        await settle(pilot)
        assert ui_desk.tags.search_sorts()["strike"] == "biggest"


async def test_the_palette_picks_an_order_by_name(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"sort: by feed")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert main(app).sort == "feed"
        expected = ui_desk.story_page("", sort="feed", limit=1000).stories
        assert listed(app) == [s.id for s in expected]
