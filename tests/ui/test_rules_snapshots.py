"""What the rule editor and the rules screen (K) look like, at 120x40 and 80x24, on the
demo corpus with a frozen clock."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.ui.conftest import make_app, settle
from triage.core.desk import Desk


async def _editing_a_rule(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("K")
    await settle(pilot)
    await pilot.press("a", *'source:"Daily Ledger" title:lottery')
    await pilot.press("ctrl+t")
    await settle(pilot)
    await pilot.press("enter", *"mark read, tag luck")
    await settle(pilot)


async def _rules_listed(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("K")
    await settle(pilot)


def _with_rules(desk: Desk) -> Desk:
    desk.rules.add('source:"Daily Ledger" title:horoscope', "mark read")
    desk.rules.add("speaker:Peskov", "tag kremlin, pin")
    desk.tags.save_search("storm", "storm OR wind")
    desk.tags.save_search("ferries", "title:ferry")
    desk.rules.rows.set_alert("storm", True)
    return desk


def test_rule_editor_wide(snap_compare: Any, ui_desk: Desk) -> None:
    assert snap_compare(make_app(ui_desk), terminal_size=(120, 40), run_before=_editing_a_rule)


def test_rule_editor_narrow(snap_compare: Any, ui_desk: Desk) -> None:
    assert snap_compare(make_app(ui_desk), terminal_size=(80, 24), run_before=_editing_a_rule)


def test_rules_screen_wide(snap_compare: Any, ui_desk: Desk) -> None:
    app = make_app(_with_rules(ui_desk))
    assert snap_compare(app, terminal_size=(120, 40), run_before=_rules_listed)


def test_rules_screen_narrow(snap_compare: Any, ui_desk: Desk) -> None:
    app = make_app(_with_rules(ui_desk))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_rules_listed)
