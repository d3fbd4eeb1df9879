"""Rules and alerts in the app (K): the rule editor, rules at refresh, hide and pin in the
story list, alerts in the status line, the bell and the desktop notification."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.ui.conftest import make_app, screen_text, settle
from triage.config import Config, ConfigError, parse_config
from triage.core.desk import Desk
from triage.ui.screens.main import MainScreen
from triage.ui.screens.rules import RuleEditor, RulesScreen
from triage.ui.widgets.status import StatusLine
from triage.ui.widgets.story_list import StoryList

RSS = (
    "<?xml version='1.0'?><rss version='2.0'><channel><title>Ferry News</title>"
    "<item><title>Ferry sails at dawn</title><link>https://ferry.example/1</link>"
    "<pubDate>Sat, 21 Nov 2026 09:00:00 GMT</pubDate>"
    "<description>The ferry sailed at dawn.</description></item>"
    "<item><title>Horoscope: Leo's week</title><link>https://ferry.example/2</link>"
    "<pubDate>Sat, 21 Nov 2026 08:00:00 GMT</pubDate>"
    "<description>The stars say rest.</description></item>"
    "<item><title>Old pier to close</title><link>https://ferry.example/3</link>"
    "<pubDate>Mon, 02 Nov 2026 08:00:00 GMT</pubDate>"
    "<description>The old pier closes in spring.</description></item></channel></rss>"
)


def listed(app: object) -> list[str]:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, MainScreen)
    return [s.title for s in screen.query_one(StoryList).stories]


async def test_K_adds_a_rule_after_trying_it(ui_desk: Desk) -> None:
    expected = ui_desk.rules.trial('source:"Daily Ledger"').total
    assert expected > 0
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        assert isinstance(app.screen, RulesScreen)
        assert "No rules yet" in screen_text(app)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, RuleEditor)
        await pilot.press(*'source:"Daily Ledger"')
        await pilot.pause(0.4)  # the try waits for typing to pause
        await settle(pilot)
        assert f"{expected} stories would match now" in screen_text(app)
        await pilot.press("enter", *"frob", "enter")  # to the actions, a wrong one
        await settle(pilot)
        assert isinstance(app.screen, RuleEditor)
        assert "Not saved: unknown action 'frob'" in screen_text(app)
        await pilot.press(*["backspace"] * 4, *"mark read, tag ledger", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RulesScreen)
        [rule] = ui_desk.rules.rows.all()
        assert (rule.query, rule.actions) == ('source:"Daily Ledger"', "tag ledger, mark read")
        assert "tag ledger, mark read" in screen_text(app)


async def test_rules_edit_and_delete_and_a_broken_query_is_not_saved(ui_desk: Desk) -> None:
    ui_desk.rules.add("title:ferry", "tag transport")
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, RuleEditor)
        assert "would match now" in screen_text(app)  # an edit tries the query at once
        await pilot.press("ctrl+a", "ctrl+k", *"published:[xyz to abc]")
        await pilot.pause(0.4)
        await settle(pilot)
        assert "This query cannot run" in screen_text(app)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert "Not saved" in screen_text(app)
        assert ui_desk.rules.rows.all()[0].query == "title:ferry"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")  # enter edits too
        await settle(pilot)
        await pilot.press("tab", "ctrl+a", "ctrl+k", *"pin", "enter")
        await settle(pilot)
        assert ui_desk.rules.rows.all()[0].actions == "pin"
        await pilot.press("d")
        await settle(pilot)
        assert ui_desk.rules.rows.all() == []
        assert "No rules yet" in screen_text(app)


async def test_space_marks_a_saved_search_as_an_alert(ui_desk: Desk) -> None:
    ui_desk.tags.save_search("ferries", "title:ferry")
    ui_desk.tags.save_search("stars", "horoscope")
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        await pilot.press("tab", "j", "space")
        await settle(pilot)
        assert ui_desk.rules.rows.alerts() == [("stars", "horoscope")]
        await pilot.press("space")
        await settle(pilot)
        assert ui_desk.rules.rows.alerts() == []


@pytest.fixture
def fake_notifier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``notify-send`` on the PATH that writes its arguments to a file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "notified.txt"
    script = bin_dir / "notify-send"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> "{log}"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return log


async def test_a_refresh_runs_the_rules_and_rings_the_alerts(
    ui_desk: Desk, httpserver: HTTPServer, fake_notifier: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/ferry.xml").respond_with_data(
        RSS, content_type="application/rss+xml"
    )
    ui_desk.feeds.add(httpserver.url_for("/ferry.xml"))
    ui_desk.rules.add("horoscope", "hide")
    ui_desk.rules.add("title:pier", "pin")
    ui_desk.tags.save_search("ferries", "title:ferry")
    ui_desk.tags.save_search("stars", "horoscope")
    ui_desk.rules.rows.set_alert("ferries", True)
    ui_desk.rules.rows.set_alert("stars", True)  # matches only a hidden story: quiet
    app = make_app(ui_desk)
    bells: list[bool] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(True))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        status = app.screen.query_one(StatusLine)
        assert status.alert == "alert: ferries 1 new"
        assert "alert: ferries 1 new" in screen_text(app)
        assert bells == [True]
        titles = listed(app)
        assert titles[0] == "Old pier to close"  # pinned, though the oldest
        assert "Ferry sails at dawn" in titles
        assert "Horoscope: Leo's week" not in titles
        await pilot.press("slash", *"is:hidden", "enter")
        await settle(pilot)
        assert listed(app) == ["Horoscope: Leo's week"]
    notified = fake_notifier.read_text().splitlines()
    assert notified[:3] == [
        "--app-name=triage",
        "triage alert: ferries 1 new",
        "Ferry sails at dawn",
    ]


async def test_alerts_degrade_to_the_status_line(
    ui_desk: Desk, httpserver: HTTPServer, fake_notifier: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/ferry.xml").respond_with_data(
        RSS, content_type="application/rss+xml"
    )
    ui_desk.feeds.add(httpserver.url_for("/ferry.xml"))
    ui_desk.tags.save_search("ferries", "title:ferry")
    ui_desk.rules.rows.set_alert("ferries", True)
    app = make_app(ui_desk, Config(poll_seconds=0, alert_bell=False, alert_desktop=False))
    bells: list[bool] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(True))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert app.screen.query_one(StatusLine).alert == "alert: ferries 1 new"
    assert bells == [] and not fake_notifier.exists()


async def test_a_rule_typed_whole_with_an_arrow_is_saved(ui_desk: Desk) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("K", "a", *"speaker:Peskov -> tag kremlin", "enter")
        await settle(pilot)
        await pilot.press("enter")  # the actions field is empty: the arrow says them
        await settle(pilot)
        assert isinstance(app.screen, RulesScreen)
        [rule] = ui_desk.rules.rows.all()
        assert (rule.query, rule.actions) == ("speaker:Peskov", "tag kremlin")


async def test_A_applies_a_rule_to_the_stories_already_listed(ui_desk: Desk) -> None:
    ui_desk.rules.add('source:"Daily Ledger"', "hide")
    ledger = ui_desk.rules.trial('source:"Daily Ledger"').total
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = len(listed(app))
        await pilot.press("K")
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        told = [n.message for n in app._notifications]
        assert f"Rule 1 applied to {ledger} stories" in told
        await pilot.press("escape")
        await settle(pilot)
        assert len(listed(app)) == before - ledger
        assert app.screen.query_one(StatusLine).shown == (before - ledger, before - ledger)
        await pilot.press("slash", *'source:"Daily Ledger"', "enter")  # searches leave them out
        await settle(pilot)
        assert listed(app) == []
        await pilot.press("escape")  # clear the search
        await settle(pilot)
        await pilot.press("slash", *'source:"Daily Ledger" is:hidden', "enter")
        await settle(pilot)
        assert len(listed(app)) == ledger


def test_alert_settings_in_config_toml() -> None:
    assert (Config().alert_bell, Config().alert_desktop) == (True, True)
    loaded = parse_config("[alerts]\nbell = false\ndesktop = false\n")
    assert (loaded.alert_bell, loaded.alert_desktop) == (False, False)
    for wrong in ("[alerts]\nbell = 'loud'\n", "[alerts]\nsound = true\n", "alerts = 1\n"):
        with pytest.raises(ConfigError, match=r"\[alerts\]"):
            parse_config(wrong)
