"""``o`` hands only http(s) links to the browser, never one that parses as an option."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest

from tests.ui.conftest import make_app, screen_text, settle
from triage.core.desk import Desk
from triage.core.models import Story

HOSTILE = [
    "--renderer-cmd-prefix=/tmp/x.sh",
    "file:///etc/passwd",
    "javascript:alert(1)\x1b]52;c;cHduZWQ=\x07",
    "  -new-window http://example.org/",
    "http:///no-host",
    "data:text/html,<script>alert(1)</script>",
]


def _desk_with_link(path: Path, url: str) -> Desk:
    desk = Desk(path)
    story = Story(
        id="link0",
        title="Harbour link story",
        url=url,
        source="Links",
        published=Story.__dataclass_fields__["fetched"].default_factory(),  # type: ignore[misc]
        body="The harbour reopened on Monday.",
    )
    desk.store.upsert_story(story, "url:test-link", "hash")
    desk.sync_index()
    return desk


@pytest.mark.parametrize("url", HOSTILE, ids=range(len(HOSTILE)))
async def test_o_refuses_links_that_are_not_http(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda u, *a, **k: opened.append(u) or True)
    desk = _desk_with_link(tmp_path / "desk", url)
    try:
        app = make_app(desk)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("o")
            await settle(pilot)
            assert opened == []
            text = screen_text(app)
            assert "Harbour link story" in text
            told = [n.message for n in app._notifications]
            assert any("not an http(s) link" in note for note in told), told
    finally:
        desk.close()


async def test_o_opens_an_http_link_percent_encoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda u, *a, **k: opened.append(u) or True)
    desk = _desk_with_link(tmp_path / "desk", 'HTTPS://example.org/a"<x>(y)')
    try:
        app = make_app(desk)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("o")
            await settle(pilot)
    finally:
        desk.close()
    assert opened == ["https://example.org/a%22%3Cx%3E%28y%29"]


@pytest.mark.parametrize(
    "keys", [("q", "e"), ("q", "e", "e"), ("q", "F"), ("q", "r"), ("q", "slash")]
)
async def test_keys_pressed_while_quitting_raise_nothing(
    ui_desk: Desk, keys: tuple[str, ...]
) -> None:
    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
    assert app._exception is None
    assert app.return_code in (0, None)


async def test_no_action_runs_once_the_app_is_quitting(ui_desk: Desk) -> None:
    from triage.ui.screens.export import ExportScreen

    app = make_app(ui_desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        app.exit()  # what `q` does; an `e` typed right behind it must do nothing
        assert await app.run_action("export", screen) is False
        assert not isinstance(app.screen, ExportScreen)
    assert app._exception is None
