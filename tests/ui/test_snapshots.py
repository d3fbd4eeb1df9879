"""What the editor sees, at 120x40 and at 80x24, on the demo corpus with a frozen clock."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.ui.conftest import make_app, settle
from triage.core.desk import Desk


async def _ready(pilot: Pilot[None]) -> None:
    await settle(pilot)


async def _reading_a_quote(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("j", "j", "3", "j")
    await settle(pilot)


def test_main_screen_wide(snap_compare: Any, ui_desk: Desk) -> None:
    assert snap_compare(make_app(ui_desk), terminal_size=(120, 40), run_before=_ready)


def test_main_screen_narrow(snap_compare: Any, ui_desk: Desk) -> None:
    assert snap_compare(make_app(ui_desk), terminal_size=(80, 24), run_before=_ready)


def test_quote_chosen_wide(snap_compare: Any, ui_desk: Desk) -> None:
    assert snap_compare(make_app(ui_desk), terminal_size=(120, 40), run_before=_reading_a_quote)
