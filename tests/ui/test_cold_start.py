"""What the app does before its first screen, and what it leaves for later.

The first screen needs the store, the index and the clusters; the ingest path
(feed parsing, HTTP, article extraction, quote extraction) loads when a refresh or
a command needs it. The footer and the story list do their layout work once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from triage.core.desk import Desk
from triage.ui.widgets.footer import KeyFooter
from triage.ui.widgets.story_list import StoryList

from .conftest import make_app, settle

DEFERRED = (
    "httpx",
    "feedparser",
    "trafilatura",
    "ftfy",
    "triage.core.ingest",
    "triage.core.fetch",
    "triage.core.fulltext",
    "triage.core.sync.engine",
    "triage.core.quotes.extract",
)
"""Modules the first screen must not load (each was loaded at start once)."""

SHOW_FIRST_SCREEN = textwrap.dedent(
    """
    import asyncio, json, sys
    from pathlib import Path

    import triage.cli  # the command line's start, which opens the app
    from triage.config import Config
    from triage.core.desk import Desk
    from triage.ui.app import TriageApp
    from triage.ui.widgets.story_list import StoryList
    from textual.worker import WorkerState

    async def main() -> None:
        app = TriageApp(Desk(Path(sys.argv[1])), Config(poll_seconds=0, refresh_minutes=0))
        async with app.run_test() as pilot:
            busy = (WorkerState.PENDING, WorkerState.RUNNING)
            for _ in range(3000):  # up to a minute on a loaded machine
                await pilot.pause(0.02)
                if app.screen.query_one(StoryList).row_count and not [
                    w for w in app.workers if w.state in busy
                ]:
                    break
            rows = app.screen.query_one(StoryList).row_count
        print(json.dumps({"rows": rows, "loaded": sorted(sys.modules)}))

    asyncio.run(main())
    """
)


def test_the_first_screen_leaves_the_ingest_path_unloaded(demo_template: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SHOW_FIRST_SCREEN, str(demo_template)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["rows"] > 0  # the list was filled: the screen really was shown
    loaded = set(shown["loaded"])
    assert [name for name in DEFERRED if name in loaded] == []
    assert "triage.core.sync.state" in loaded  # the status line counts feed servers


def test_the_deferred_parts_load_when_used(ui_desk: Desk, tmp_path: Path) -> None:
    from triage.core.quotes import extract_quotes
    from triage.core.sync import Servers, sync_servers

    assert callable(sync_servers) and Servers(ui_desk.store).all() == []
    assert extract_quotes('"We will rebuild," the mayor said.')
    try:
        from triage.core.sync import no_such_name  # noqa: F401
    except ImportError:
        pass
    else:
        raise AssertionError("a name the package lacks must not import")


async def test_the_footer_follows_focus_and_keeps_unchanged_keys(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)

        def described() -> set[str]:
            return {str(getattr(key, "description", "")) for key in footer.children}

        assert "Read+next" in described()  # the story list's keys
        keys = list(footer.children)
        app.screen.refresh_bindings()  # the same keys: nothing to rebuild
        await settle(pilot)
        assert all(a is b for a, b in zip(footer.children, keys, strict=True))
        assert len(footer.children) == len(keys)
        await pilot.press("2")  # the clusters pane: other keys
        await settle(pilot)
        assert "Tag cluster" in described()
        assert "Read+next" not in described()


async def test_a_resize_that_keeps_the_columns_keeps_the_rows(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(StoryList)
        rows = dict(table.rows)
        width = table.columns["title"].width
        assert rows
        await pilot.resize_terminal(140, 50)  # taller only: the same columns
        await settle(pilot)
        assert all(table.rows[key] is row for key, row in rows.items())
        await pilot.resize_terminal(180, 50)  # wider: the story column grows
        await settle(pilot)
        assert table.columns["title"].width > width
        assert [str(key.value) for key in table.rows] == [s.id for s in table.stories]


async def test_the_status_line_claims_no_counts_before_it_has_read_them() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    from triage.ui.widgets.status import StatusLine

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield StatusLine()

    async with Bare().run_test() as pilot:
        status = pilot.app.query_one(StatusLine)
        status.set_shown(34, 34)

        def line() -> str:
            return str(status.query_one("#status-text", Static).render())

        assert line().startswith("showing 34 of 34")  # not "0 stories" of a full desk
        status.set_counts(34, 12, 0)
        assert line().startswith("34 stories · 12 unread · showing 34 of 34")
