"""The editor's loop: new queries, Esc, reading marks read, n/p/N, U, bulk mark read and undo."""

from __future__ import annotations

from textual import events

from tests.ui.conftest import make_app, screen_text, settle
from triage.config import Config
from triage.core.desk import Desk
from triage.ui.screens.main import MainScreen
from triage.ui.widgets.cluster_pane import ClusterPane
from triage.ui.widgets.quote_pane import QuotePane, shorten
from triage.ui.widgets.reader import Reader
from triage.ui.widgets.search_bar import SearchBar
from triage.ui.widgets.story_list import StoryList


def main(app: object) -> MainScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, MainScreen)
    return screen


async def test_slash_starts_a_new_query_with_the_old_one_selected(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main(app).recall_query("strike")
        await settle(pilot)
        await pilot.press("slash", *"port")
        await pilot.pause(0.4)
        await settle(pilot)
        assert main(app).query_one(SearchBar).value == "port"
        assert main(app).query_text == "port"
        await pilot.press("enter", "slash", "end", *" harbour")
        assert main(app).query_one(SearchBar).value == "port harbour", "arrows keep the query"


async def test_escape_clears_the_search_from_a_pane(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        everything = len(main(app).query_one(StoryList).stories)
        main(app).recall_query("strike")
        await settle(pilot)
        await pilot.press("2", "escape")
        await settle(pilot)
        assert main(app).query_one(SearchBar).value == "" and main(app).query_text == ""
        assert len(main(app).query_one(StoryList).stories) == everything
        assert main(app).query_one(StoryList).has_focus


async def test_reading_marks_read_and_n_p_N_U_walk_the_list(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listing = main(app).query_one(StoryList)
        ids = [s.id for s in listing.stories]
        reader = main(app).query_one(Reader)
        await pilot.press("enter")
        await settle(pilot)
        assert reader.has_focus and reader.story is not None and reader.story.id == ids[0]
        assert ui_desk.store.get_story(ids[0]).read  # type: ignore[union-attr]
        await pilot.press("n")
        await settle(pilot)
        assert reader.story.id == ids[1] and reader.has_focus
        assert ui_desk.store.get_story(ids[1]).read  # type: ignore[union-attr]
        await pilot.press("p")
        await settle(pilot)
        assert reader.story.id == ids[0]
        await pilot.press("N")  # ids[1] is read now: the next unread is ids[2]
        await settle(pilot)
        assert reader.story.id == ids[2]
        await pilot.press("U")
        await settle(pilot)
        assert not ui_desk.store.get_story(ids[2]).read  # type: ignore[union-attr]
        await pilot.press("escape", "U")
        await settle(pilot)
        assert listing.has_focus


async def test_A_marks_the_search_read_and_z_undoes_it(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main(app).recall_query("strike")
        await settle(pilot)
        found = {r.story.id for r in ui_desk.search("strike", limit=None).rows}
        unread_before = ui_desk.store.unread_count()
        await pilot.press("A")
        await settle(pilot)
        assert all(ui_desk.store.get_story(i).read for i in found)  # type: ignore[union-attr]
        assert ui_desk.store.unread_count() == unread_before - len(found)
        await pilot.press("z")
        await settle(pilot)
        assert ui_desk.store.unread_count() == unread_before
        await pilot.press("z")
        await settle(pilot)
        assert ui_desk.store.unread_count() == unread_before


async def test_A_in_the_clusters_pane_marks_the_cluster_read(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        cluster = main(app).query_one(ClusterPane).cluster
        assert cluster is not None
        await pilot.press("2", "A")
        await settle(pilot)
        members = [m.story_id for m in cluster.members]
        assert all(ui_desk.store.get_story(i).read for i in members)  # type: ignore[union-attr]


async def test_the_cluster_pane_keeps_its_heading_in_view(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sizes = ui_desk.clusters.sizes(ui_desk.store.latest_ids(500))
        biggest = max(sizes, key=lambda k: sizes[k])
        cluster = ui_desk.clusters.cluster_of(biggest)
        last = cluster.members[-1].story_id
        listing = main(app).query_one(StoryList)
        await pilot.press(*"j" * [s.id for s in listing.stories].index(last))
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        pane = main(app).query_one(ClusterPane)
        assert pane.scroll_y == 0
        text = screen_text(app)
        assert main(app).selected_id == last, "the story cursor stays put when the layout changes"
        assert f"{cluster.size} stories:" in text


async def test_a_glance_at_the_cluster_pane_shows_its_heading_and_origin(
    ui_desk: Desk,
) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:  # the pane is a few rows high here
        await settle(pilot)
        for _ in range(4):  # biggest story first: its members lead the list
            await pilot.press("O")
        await settle(pilot)
        listing = main(app).query_one(StoryList)
        cluster = ui_desk.clusters.cluster_of(listing.stories[0].id)
        assert cluster.size >= 3
        last = [s.id for s in listing.stories].index(cluster.members[-1].story_id)
        await pilot.press(*"j" * last)
        await settle(pilot)
        pane = main(app).query_one(ClusterPane)
        assert listing.has_focus and pane.scroll_y == 0
        assert f"{cluster.size} stories:" in screen_text(app)
        await pilot.press("2")  # in the pane, the cursor's member comes into view
        await settle(pilot)
        assert pane.highlighted is not None
        option = pane.get_option_at_index(pane.highlighted)
        assert option.id == f"m:{cluster.members[-1].story_id}"


def test_shorten_marks_a_cut_quote_with_an_ellipsis() -> None:
    words = " ".join(["word"] * 100)
    assert shorten("short one", 50) == "short one"
    cut = shorten(words, 50)
    assert cut.endswith("…") and len(cut) <= 50 and not cut.endswith(" …")


async def test_long_quotes_in_the_pane_end_with_an_ellipsis(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = main(app).query_one(QuotePane)
        budget = pane._budget()
        assert budget >= 80
        assert shorten("x " * budget, budget).endswith("…")


async def test_alt_digit_recalls_a_saved_search(ui_desk: Desk) -> None:
    ui_desk.tags.save_search("port", "strike")
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("alt+1")
        await settle(pilot)
        assert main(app).query_text == "strike"


async def test_alt_digit_as_tmux_and_xterm_send_it_recalls_a_saved_search(
    ui_desk: Desk,
) -> None:
    from textual._xterm_parser import XTermParser

    def typed(data: str) -> list[events.Key]:
        """The key events Textual makes of what the terminal sends."""
        parser = XTermParser()
        found = [*parser.feed(data), *parser.feed("")]
        return [e for e in found if isinstance(e, events.Key)]

    ui_desk.tags.save_search("port", "strike")
    ui_desk.tags.save_search("water", "water")
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for event in typed("\x1b2"):  # alt+2 as xterm and tmux send it: ESC then 2
            app.post_message(event)
        await settle(pilot)
        assert main(app).query_text == "water"
        await pilot.press("slash")
        for event in typed("£5"):  # in the search bar the same character is text
            app.post_message(event)
        await settle(pilot)
        assert main(app).query_one(SearchBar).value == "£5"


async def test_R_without_feeds_says_how_to_add_one(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert not main(app).refreshing
        told = [n.message for n in app._notifications]
        assert any("triage feeds add URL" in text for text in told), told


async def test_an_unknown_action_under_keys_is_warned_about(ui_desk: Desk) -> None:
    app = make_app(ui_desk, Config(poll_seconds=0, keys={"refresh": "f5", "refersh": "f6"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        told = [n.message for n in app._notifications]
        assert any("Unknown action under [keys]: refersh" in text for text in told), told
        assert not any("refresh," in text for text in told)


async def test_m_m_merges_a_story_into_another_cluster_and_x_splits_it_out(
    ui_desk: Desk,
) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listing = main(app).query_one(StoryList)
        ids = [s.id for s in listing.stories]
        first, second = (
            ids[0],
            next(
                i
                for i in ids[1:]
                if ui_desk.clusters.cluster_of(i).id != ui_desk.clusters.cluster_of(ids[0]).id
            ),
        )
        await pilot.press("m")
        await pilot.press(*"j" * ids.index(second), "m")
        await settle(pilot)
        assert ui_desk.clusters.cluster_of(first).id == ui_desk.clusters.cluster_of(second).id
        pane = main(app).query_one(ClusterPane)
        assert pane.cluster is not None and first in {m.story_id for m in pane.cluster.members}
        await pilot.press("2")
        index = next(
            i for i in range(pane.option_count) if pane.get_option_at_index(i).id == f"m:{first}"
        )
        pane.highlighted = index
        await pilot.press("x")
        await settle(pilot)
        assert ui_desk.clusters.cluster_of(first).id != ui_desk.clusters.cluster_of(second).id
        assert first not in {m.story_id for m in pane.cluster.members}  # type: ignore[union-attr]


async def test_m_moves_the_story_alone_its_old_cluster_mates_stay(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listing = main(app).query_one(StoryList)
        ids = [s.id for s in listing.stories]
        sizes = ui_desk.clusters.sizes(ids)
        mover = max(ids, key=lambda i: sizes.get(i, 1))
        mates = {m.story_id for m in ui_desk.clusters.cluster_of(mover).members} - {mover}
        assert len(mates) >= 2
        target = next(i for i in ids if i != mover and i not in mates)
        await pilot.press(*"j" * ids.index(mover), "m", "g", *"j" * ids.index(target), "m")
        await settle(pilot)
        moved = ui_desk.clusters.cluster_of(mover)
        assert moved.id == ui_desk.clusters.cluster_of(target).id
        assert not mates & {m.story_id for m in moved.members}
        left = {ui_desk.clusters.cluster_of(i).id for i in mates}
        assert len(left) == 1, "the old cluster keeps its other members together"


async def test_escape_cancels_a_merge(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m", "escape")
        assert main(app).merge_from is None
