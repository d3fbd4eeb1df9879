"""At 80×24 the empty feeds and alerts tables still say, whole, how to fill them."""

from __future__ import annotations

from tests.ui.conftest import make_app, screen_text, settle
from triage.core.desk import Desk


async def test_empty_feeds_and_alerts_hints_are_whole_at_80_columns(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert "a adds, i imports" in screen_text(app)
        await pilot.press("escape", "K")
        await settle(pilot)
        assert "None yet: s on the desk saves one" in screen_text(app)
