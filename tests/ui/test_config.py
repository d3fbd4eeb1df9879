"""The TOML config: defaults, the desk's file before the user's, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage import config as config_module
from triage.config import Config, ConfigError, load_config, parse_config


def test_defaults_turn_auto_refresh_off() -> None:
    assert parse_config("") == Config()
    assert Config().refresh_minutes == 0


def test_values_are_read() -> None:
    loaded = parse_config(
        'refresh_minutes = 10\ntheme = "nord"\n[keys]\nrefresh = "f5"\nexport = "ctrl+e"\n'
    )
    assert loaded.refresh_minutes == 10.0
    assert loaded.theme == "nord"
    assert loaded.keys == {"refresh": "f5", "export": "ctrl+e"}


@pytest.mark.parametrize(
    "text",
    [
        "refresh_minutes = -1",
        'refresh_minutes = "5"',
        "theme = 3",
        "[keys]\nrefresh = 5",
        "not toml =",
    ],
)
def test_bad_values_are_reported(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_config(text)


def test_the_desks_file_wins_over_the_users(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tmp_path / "user" / "config.toml"
    user.parent.mkdir()
    user.write_text("refresh_minutes = 30\n")
    monkeypatch.setattr(config_module, "user_config_path", lambda: user)
    desk = tmp_path / "desk"
    desk.mkdir()
    assert load_config(desk).refresh_minutes == 30
    (desk / "config.toml").write_text("refresh_minutes = 5\n")
    loaded = load_config(desk)
    assert loaded.refresh_minutes == 5 and loaded.source == desk / "config.toml"


def test_no_file_means_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config_module, "user_config_path", lambda: tmp_path / "none.toml")
    assert load_config(tmp_path) == Config()


def test_a_broken_desk_config_stops_the_app_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from triage.cli.app import run_app

    desk = tmp_path / "desk"
    desk.mkdir()
    (desk / "config.toml").write_text("refresh_minutes = 'often'\n")
    assert run_app(str(desk)) == 2
    assert "refresh_minutes" in capsys.readouterr().err
