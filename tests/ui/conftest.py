"""Fixtures for the app tests: a demo desk copied per test, a frozen clock, settle()."""

from __future__ import annotations

import asyncio
import html
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerState

from triage.config import Config
from triage.core.desk import Desk
from triage.demo import demo_paths
from triage.ui.app import TriageApp

FROZEN_NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def frozen_clock() -> datetime:
    """ "Now" for every UI test, so relative times never drift."""
    return FROZEN_NOW


def make_app(desk: Desk, config: Config | None = None) -> TriageApp:
    """The app on a desk, with polling and auto-refresh off and the clock frozen."""
    return TriageApp(desk, config or Config(poll_seconds=0), clock=frozen_clock)


async def settle(pilot: Pilot[None], rounds: int = 3) -> None:
    """Let workers finish and their messages be handled.

    Waits until no worker is pending or running for ``rounds`` consecutive checks
    (a finished worker's message may start another worker).
    """
    quiet = 0
    for _ in range(1000):
        await pilot.pause()
        busy = [
            w for w in pilot.app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)
        ]
        quiet = 0 if busy else quiet + 1
        if quiet >= rounds:
            return
        if busy:
            await asyncio.sleep(0.01)


def screen_text(app: App[None]) -> str:
    """What the terminal shows, as plain text (from the SVG screenshot)."""
    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r"<text[^>]*>(.*?)</text>", svg))).replace("\xa0", " ")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus ingested once per run; tests get a copy."""
    path = tmp_path_factory.mktemp("ui-demo") / "desk"
    desk = Desk(path)
    report = desk.ingest([str(p) for p in demo_paths()])
    assert not report.errors, report.errors
    desk.close()
    return path


@pytest.fixture
def ui_desk(demo_template: Path, tmp_path: Path) -> Iterator[Desk]:
    """A private copy of the demo desk."""
    path = tmp_path / "desk"
    shutil.copytree(demo_template, path)
    desk = Desk(path)
    yield desk
    desk.close()
