"""What an editor does to the desk from the app: read marks, tags, copy, export, saved searches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.message import Message

from tests.ui.conftest import make_app, settle
from triage.core.desk import Desk
from triage.ui import messages as m
from triage.ui import queries
from triage.ui.screens import main as main_screen
from triage.ui.screens.export import ExportScreen
from triage.ui.screens.saved import SavedSearchPicker, SaveSearchPrompt
from triage.ui.screens.tag_prompt import TagPrompt
from triage.ui.widgets.cluster_pane import ClusterPane
from triage.ui.widgets.quote_pane import QuotePane
from triage.ui.widgets.search_bar import SearchBar
from triage.ui.widgets.story_list import StoryList


def listing(app: object) -> StoryList:
    return app.screen.query_one(StoryList)  # type: ignore[attr-defined, no-any-return]


async def test_space_marks_read_in_the_store_and_moves_on(ui_desk: Desk) -> None:
    posted: list[Message] = []
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40), message_hook=posted.append) as pilot:
        await settle(pilot)
        first = listing(app).selected.id  # type: ignore[union-attr]
        unread = ui_desk.store.unread_count()
        await pilot.press("space")
        await settle(pilot)
        assert first in ui_desk.store.read_ids([first])
        assert ui_desk.store.unread_count() == unread - 1
        assert listing(app).cursor_row == 1
        assert any(isinstance(e, m.MarkRead) and e.story_ids == [first] for e in posted)


async def test_t_tags_the_story_with_several_tags_and_T_removes_one(ui_desk: Desk) -> None:
    ui_desk.tags.tag_stories([ui_desk.store.latest_ids(5)[4]], ["politics"])
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        story = listing(app).selected.id  # type: ignore[union-attr]
        await pilot.press("t")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, TagPrompt)
        await pilot.press(*"urgent, pol")
        await settle(pilot)
        await pilot.press("right")  # accept the completion from existing tags
        assert prompt.query_one("#tag-input").value == "urgent, politics"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert ui_desk.store.get_story(story).tags == ("politics", "urgent")  # type: ignore[union-attr]
        assert "urgent" in listing(app).selected.tags  # type: ignore[union-attr]
        await pilot.press("T", *"urgent", "enter")
        await settle(pilot)
        assert ui_desk.store.get_story(story).tags == ("politics",)  # type: ignore[union-attr]
        await pilot.press("t", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, TagPrompt)


async def test_t_in_the_clusters_pane_tags_every_member(ui_desk: Desk) -> None:
    sizes = ui_desk.clusters.sizes(ui_desk.store.latest_ids(100))
    big = max(sizes, key=lambda k: sizes[k])
    assert sizes[big] > 1, "the demo corpus has a multi-story cluster"
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ids = [s.id for s in listing(app).stories]
        listing(app).move_cursor(row=ids.index(big))
        await settle(pilot)
        pane = app.screen.query_one(ClusterPane)
        assert pane.get_option_at_index(pane.highlighted or 0).id == f"m:{big}"
        await pilot.press("2", "t", *"rail", "enter")
        await settle(pilot)
        members = [mb.story_id for mb in ui_desk.clusters.cluster_of(big).members]
        assert all("rail" in s.tags for s in ui_desk.store.get_stories(members))


async def test_cluster_list_toggle_cycles_size_and_recency(ui_desk: Desk) -> None:
    posted: list[Message] = []
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40), message_hook=posted.append) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(ClusterPane)
        await pilot.press("2", "a")
        await settle(pilot)
        assert pane.mode == "size"
        assert any(isinstance(e, m.ClustersLoaded) for e in posted)
        sizes = [c.size for c in pane.all_clusters]
        assert pane.option_count == len(sizes) and max(sizes) > 1
        first = pane.get_option_at_index(0).id or ""
        biggest = max(pane.all_clusters, key=lambda c: c.size)
        assert first == f"c:{biggest.origin}"
        await pilot.press("a")
        assert pane.mode == "recent"
        await pilot.press("enter")
        await settle(pilot)
        assert pane.mode == "story"
        await pilot.press("a", "a", "a")
        assert pane.mode == "story"


async def test_quote_keys_tag_copy_and_cluster_scope(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(QuotePane)
        await pilot.press("3")
        quote = pane.selected
        assert quote is not None
        await pilot.press("t", *"keyquote", "enter")
        await settle(pilot)
        assert ui_desk.quotes.get(quote.id).tags == ("keyquote",)  # type: ignore[union-attr]
        await pilot.press("T", *"keyquote", "enter")
        await settle(pilot)
        assert ui_desk.quotes.get(quote.id).tags == ()  # type: ignore[union-attr]
        await pilot.press("y")
        await settle(pilot)
        outlet = ui_desk.store.get_story(quote.story_id).source  # type: ignore[union-attr]
        text = quote.quote.text.rstrip(".,")
        assert app.clipboard.startswith(f"“{text}")
        assert app.clipboard.endswith(
            f"{quote.quote.speaker}, {quote.quote.role}, said ({outlet})"
            if quote.quote.role
            else f"{quote.quote.speaker} said ({outlet})"
        )
        await pilot.press("c")
        await settle(pilot)
        assert pane.whole_cluster and pane.border_subtitle == "whole cluster"


async def test_e_exports_the_current_search_where_the_editor_says(
    ui_desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.recall_query("strike")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        await pilot.press(*"out.json", "enter")
        await settle(pilot)
        written = tmp_path / "out.json"
        assert written.is_file()
        expected = len(ui_desk.search("strike", limit=None).rows)
        rows = json.loads(written.read_text())
        assert len(rows) == expected
        assert all("cluster" in row and "tagged_quotes" in row for row in rows)
        notes = [n.message for n in app._notifications]
        assert any(str(written) in note for note in notes)
        await pilot.press("e", "enter")  # default: markdown in the current directory
        await settle(pilot)
        assert list(tmp_path.glob("triage-export-*.md"))


async def test_s_saves_S_and_ctrl_digit_recall(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert not isinstance(app.screen, SaveSearchPrompt), "nothing to save yet"
        app.screen.recall_query("strike")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, SaveSearchPrompt)
        await pilot.press(*"port", "enter")
        await settle(pilot)
        assert ui_desk.tags.saved_searches() == [("port", "strike")]
        await pilot.press("slash", "escape")
        await settle(pilot)
        assert app.screen.query_one(SearchBar).value == ""
        await pilot.press("S")
        assert isinstance(app.screen, SavedSearchPicker)
        await pilot.press("1")
        await settle(pilot)
        assert app.screen.query_one(SearchBar).value == "strike"
        assert app.screen.query_text == "strike"  # type: ignore[attr-defined]
        app.screen.recall_query("")  # type: ignore[attr-defined]
        await pilot.press("ctrl+1")
        await settle(pilot)
        assert app.screen.query_text == "strike"  # type: ignore[attr-defined]
        await pilot.press("S", "d", "escape")
        await settle(pilot)
        assert ui_desk.tags.saved_searches() == []


async def test_o_opens_the_link_in_a_worker(ui_desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []

    def fake_browser(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(queries, "open_in_browser", fake_browser)
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert opened == [listing(app).selected.url]  # type: ignore[union-attr]


async def test_a_tag_set_elsewhere_shows_after_a_poll(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        story = listing(app).selected.id  # type: ignore[union-attr]
        other = Desk(ui_desk.path)  # another process's view of the same desk
        other.tags.tag_stories([story], ["from-cli"])
        other.close()
        app.screen.poll()  # type: ignore[attr-defined]
        await settle(pilot)
        assert "from-cli" in listing(app).selected.tags  # type: ignore[union-attr]


async def test_the_cluster_list_covers_the_query_not_the_loaded_page(
    ui_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_screen, "PAGE_SIZE", 1)  # a page a story: the screen loads a few
    biggest = max(ui_desk.clusters.clusters(), key=lambda c: c.size)
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        loaded = [s.id for s in app.screen.query_one(StoryList).stories]
        in_page = ui_desk.clusters.clusters(story_ids=loaded)
        pane = app.screen.query_one(ClusterPane)
        await pilot.press("2", "a")
        await settle(pilot)
        assert pane.option_count == len(ui_desk.clusters.clusters()) > len(in_page)
        assert pane.get_option_at_index(0).id == f"c:{biggest.origin}"
