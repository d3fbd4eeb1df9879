"""The Clusters and Quotes panes show each entry whole, scrollbar or not."""

from __future__ import annotations

from textual.geometry import Region

from tests.ui.conftest import make_app, settle
from triage.core.desk import Desk
from triage.ui.screens.main import MainScreen
from triage.ui.widgets.quote_pane import QuotePane


def pane_text(pane: QuotePane) -> str:
    """The pane's visible lines inside its border, as one line of words."""
    strips = pane.render_lines(Region(0, 0, pane.size.width, pane.size.height))
    lines = [strip.text.strip().strip("┃│").strip() for strip in strips[1:-1]]
    return " ".join(" ".join(line.split()) for line in lines)


async def test_a_quote_keeps_its_last_line_when_the_pane_scrolls(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.recall_query("sourdough")
        await settle(pilot)
        await pilot.press("3", "c")  # the whole cluster: each quote names its outlet too
        await settle(pilot)
        pane = screen.query_one(QuotePane)
        assert pane.virtual_size.height > pane.size.height, "the pane must scroll"
        first = pane.quotes[0]
        assert f"“{first.quote.text}”" in pane_text(pane)
