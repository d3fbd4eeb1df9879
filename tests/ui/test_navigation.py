"""Moving around the desk: panes, cursor keys, search, reader, unread-only, paging."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from textual.message import Message

from tests.ui.conftest import FROZEN_NOW, make_app, settle
from triage.core.desk import Desk
from triage.core.models import Story
from triage.ui import messages as m
from triage.ui.screens.main import PAGE_SIZE, MainScreen
from triage.ui.widgets.cluster_pane import ClusterPane
from triage.ui.widgets.quote_pane import QuotePane
from triage.ui.widgets.reader import Reader
from triage.ui.widgets.search_bar import SearchBar
from triage.ui.widgets.status import StatusLine
from triage.ui.widgets.story_list import StoryList


def stories_of(app: object) -> StoryList:
    return app.screen.query_one(StoryList)  # type: ignore[attr-defined, no-any-return]


async def test_opens_on_the_newest_unread_story_with_reader_and_panes_filled(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listing = stories_of(app)
        assert listing.has_focus
        assert [s.id for s in listing.stories] == ui_desk.store.latest_ids(PAGE_SIZE)
        first = listing.selected
        assert first is not None
        assert app.screen.query_one(Reader).story.id == first.id  # type: ignore[union-attr]
        assert app.screen.query_one(ClusterPane).cluster is not None
        status = app.screen.query_one(StatusLine)
        assert status.counts == (ui_desk.store.count(), ui_desk.store.unread_count())


async def test_j_k_arrows_g_G_move_the_story_cursor(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listing = stories_of(app)
        ids = [s.id for s in listing.stories]
        await pilot.press("j", "j", "down")
        await settle(pilot)
        assert listing.selected.id == ids[3]  # type: ignore[union-attr]
        assert app.screen.selected_id == ids[3]  # type: ignore[attr-defined]
        assert app.screen.query_one(Reader).story.id == ids[3]  # type: ignore[union-attr]
        await pilot.press("k", "up")
        assert listing.cursor_row == 1
        await pilot.press("G")
        assert listing.cursor_row == len(ids) - 1
        await pilot.press("g")
        assert listing.cursor_row == 0


async def test_tab_shift_tab_and_digits_switch_panes(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("2")
        assert screen.query_one(ClusterPane).has_focus
        await pilot.press("3")
        assert screen.query_one(QuotePane).has_focus
        await pilot.press("1")
        assert stories_of(app).has_focus
        await pilot.press("tab")
        assert screen.query_one(ClusterPane).has_focus
        await pilot.press("shift+tab")
        assert stories_of(app).has_focus


async def test_pane_keys_move_inside_clusters_and_quotes(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        quotes = app.screen.query_one(QuotePane)
        assert len(quotes.quotes) >= 2
        await pilot.press("3", "j")
        await settle(pilot)
        assert quotes.highlighted == 1
        reader = app.screen.query_one(Reader)
        assert reader.chosen == quotes.quotes[1].id
        await pilot.press("G")
        assert quotes.highlighted == len(quotes.quotes) - 1
        await pilot.press("g", "enter")
        await settle(pilot)
        assert reader.chosen == quotes.quotes[0].id
        clusters = app.screen.query_one(ClusterPane)
        await pilot.press("2", "G", "k", "g")
        assert clusters.highlighted is not None


async def test_search_is_live_enter_keeps_escape_clears(ui_desk: Desk) -> None:
    posted: list[Message] = []
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40), message_hook=posted.append) as pilot:
        await settle(pilot)
        everything = len(stories_of(app).stories)
        await pilot.press("slash")
        assert app.screen.query_one(SearchBar).has_focus
        await pilot.press(*"strike")
        await pilot.pause(0.4)
        await settle(pilot)
        found = stories_of(app).stories
        expected = {r.story.id for r in ui_desk.search("strike", limit=None).rows}
        assert found and {s.id for s in found} == expected
        assert any(isinstance(e, m.StoriesLoaded) and e.query == "strike" for e in posted)
        assert app.screen.query_one(Reader).terms, "search terms are highlighted"
        await pilot.press("enter")
        await settle(pilot)
        assert stories_of(app).has_focus
        assert app.screen.query_one(SearchBar).value == "strike"
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert app.screen.query_one(SearchBar).value == ""
        assert len(stories_of(app).stories) == everything


async def test_a_bad_query_is_reported_in_the_status_line(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.recall_query('published:[not a date to "')  # type: ignore[attr-defined]
        await settle(pilot)
        status = app.screen.query_one(StatusLine)
        if status.problem:
            assert status.problem.startswith("search:")
        assert app.is_running


async def test_enter_opens_the_reader_and_escape_goes_back(ui_desk: Desk) -> None:
    posted: list[Message] = []
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40), message_hook=posted.append) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        reader = app.screen.query_one(Reader)
        assert reader.has_focus
        assert any(isinstance(e, m.StoryOpened) for e in posted)
        assert reader.story.id == stories_of(app).selected.id  # type: ignore[union-attr]
        await pilot.press("j", "G", "g", "escape")
        assert stories_of(app).has_focus


async def test_u_shows_unread_only(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = stories_of(app).stories[0].id
        ui_desk.store.set_read([first])
        await pilot.press("u")
        await settle(pilot)
        shown = [s.id for s in stories_of(app).stories]
        assert first not in shown
        assert len(shown) == ui_desk.store.unread_count()
        await pilot.press("u")
        await settle(pilot)
        assert first in [s.id for s in stories_of(app).stories]


def _fill(desk: Desk, count: int, per_day: int = 0) -> None:
    """``count`` stories a minute apart, or ``per_day`` on each day back from today."""
    with desk.store.write():
        for n in range(count):
            back = (
                timedelta(days=n // per_day, minutes=n % per_day)
                if per_day
                else timedelta(minutes=n)
            )
            story = Story(
                id=f"bulk{n:06d}",
                title=f"Bulk story {n}",
                url=f"https://bulk.example/{n}",
                source="Bulk Wire",
                published=FROZEN_NOW - back,
                body="Body.",
            )
            digest = hashlib.sha1(str(n).encode()).hexdigest()
            desk.store.upsert_story(story, f"bulk:{n}", digest)


async def test_only_a_page_is_loaded_and_more_arrive_near_the_end(desk: Desk) -> None:
    _fill(desk, PAGE_SIZE * 2 + 50)
    app = make_app(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listing = stories_of(app)
        assert len(listing.stories) == PAGE_SIZE
        assert listing.total == PAGE_SIZE * 2 + 50
        await pilot.press("G")
        await settle(pilot)
        assert len(listing.stories) == PAGE_SIZE * 2 + 50, "G loads every page"
        assert listing.cursor_row == PAGE_SIZE * 2 + 49, "G is the true end of the list"
        assert isinstance(app.screen, MainScreen)


async def test_a_search_reads_older_days_only_as_the_editor_scrolls(desk: Desk) -> None:
    _fill(desk, PAGE_SIZE * 2, per_day=PAGE_SIZE // 3)  # six days
    desk.index.shard_stories = PAGE_SIZE // 3  # a shard per day, as on a busy desk
    app = make_app(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"bulk", "enter")
        await pilot.pause(0.4)
        await settle(pilot)
        listing = stories_of(app)
        assert len(listing.stories) == PAGE_SIZE and listing.more
        assert listing.total == PAGE_SIZE  # the three newest days fill the page exactly
        status = app.screen.query_one(StatusLine)
        assert status.shown == (PAGE_SIZE, PAGE_SIZE) and status.shown_more
        await pilot.press("G")
        await settle(pilot)
        assert len(listing.stories) == PAGE_SIZE * 2 and not listing.more
        assert listing.total == PAGE_SIZE * 2 and not status.shown_more


async def test_narrow_terminal_gives_the_focused_pane_the_room(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("-narrow")
        assert not screen.query_one(Reader).display or not screen.query_one(Reader).region
        await pilot.press("2")
        await settle(pilot)
        assert screen.has_class("-focus-clusters")
        assert screen.query_one(ClusterPane).region.height > stories_of(app).region.height
        await pilot.press("1", "enter")
        await settle(pilot)
        assert screen.has_class("-reading")
        assert screen.query_one(Reader).region.height >= 15
        await pilot.press("escape")
        await settle(pilot)
        assert not screen.has_class("-reading")


async def test_moving_on_before_a_story_settles_loads_only_the_one_it_stops_on(
    ui_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from triage.ui import queries
    from triage.ui.screens import main

    loaded: list[str] = []
    real_load = queries.load_detail

    def counting_load(desk: Desk, story_id: str, *args: object) -> object:
        loaded.append(story_id)
        return real_load(desk, story_id, *args)  # type: ignore[arg-type]

    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listing = stories_of(app)
        ids = [s.id for s in listing.stories]
        monkeypatch.setattr(queries, "load_detail", counting_load)
        monkeypatch.setattr(main, "DETAIL_SETTLE", 0.5, raising=False)  # keys come faster
        await pilot.press("j", "j", "j", "j")
        await settle(pilot)
        assert loaded == [ids[4]], "stories passed over are never loaded or painted"
        assert app.screen.query_one(Reader).story.id == ids[4]  # type: ignore[union-attr]
