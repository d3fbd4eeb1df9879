"""The story list marks a story whose source gave no trustworthy date."""

from __future__ import annotations

from pathlib import Path

from triage.core.desk import Desk
from triage.core.export import UNDATED_MARK
from triage.ui.widgets.story_list import StoryList

from .conftest import make_app, settle

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Mark test</title>
<link>https://example.org/</link>
<item><title>Dated one</title><link>https://example.org/a</link>
<pubDate>Mon, 24 Sep 2018 10:00:00 +0000</pubDate></item>
<item><title>Undated one</title><link>https://example.org/b</link></item>
</channel></rss>"""


async def test_story_list_marks_undated_stories(desk: Desk, tmp_path: Path) -> None:
    feed = tmp_path / "mixed.xml"
    feed.write_text(FEED)
    desk.ingest([str(feed)])
    app = make_app(desk)
    async with app.run_test() as pilot:
        await settle(pilot)
        table = app.screen.query_one(StoryList)
        ages = {s.title: table._row(s, app.clock())[0].plain for s in table.stories}
    assert ages["Undated one"].startswith(UNDATED_MARK)
    assert not ages["Dated one"].startswith(UNDATED_MARK)


async def test_an_older_year_is_never_cut_to_read_as_this_years(desk: Desk, tmp_path: Path) -> None:
    feed = tmp_path / "mixed.xml"
    feed.write_text(FEED)
    desk.ingest([str(feed)])
    app = make_app(desk)
    async with app.run_test(size=(120, 40)) as pilot:  # the list is narrower than 70 cells
        await settle(pilot)
        table = app.screen.query_one(StoryList)
        assert table.age_width < len("24 Sep 2018")
        rows = {s.title: table.get_row(s.id)[0].plain for s in table.stories}
        assert rows["Dated one"] == "Sep '18"
        await pilot.resize_terminal(200, 40)  # wide enough for the whole date
        await settle(pilot)
        rows = {s.title: table.get_row(s.id)[0].plain for s in table.stories}
        assert rows["Dated one"] == "24 Sep 2018"
