"""The editor's settings, read from a TOML file.

The desk's own ``config.toml`` wins, so a desk shared by a team carries its
settings; otherwise the user's config directory (via platformdirs) is used. A
missing file means defaults; a broken file is reported, never silently ignored.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from platformdirs import user_config_dir

CONFIG_NAME = "config.toml"
DEFAULT_THEME = "textual-dark"


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Config:
    """What the editor can change without touching code.

    Attributes:
        refresh_minutes: Refresh feeds every this many minutes; 0 turns it off.
        poll_seconds: How often to look for changes made elsewhere (the CLI);
            0 turns polling off (it still happens when the app regains focus).
        theme: A Textual theme name.
        keys: Key overrides, action name -> key(s), e.g. ``refresh = "f5"``.
        store: The store of record when none is named on the command line, e.g.
            ``"postgresql://desk.example/newsroom"`` (a team desk); empty: the
            desk directory's own SQLite file.
        editor: Who this terminal runs as on a shared desk (``--as`` wins); empty:
            the default editor.
        alert_bell: Ring the terminal bell when a refresh brings an alert's new
            matches (``[alerts] bell``; the status line always says so).
        alert_desktop: Also send a desktop notification (``[alerts] desktop``),
            where ``notify-send`` is on the PATH.
        source: The file these settings came from, if any.
    """

    refresh_minutes: float = 0.0
    poll_seconds: float = 30.0
    theme: str = DEFAULT_THEME
    keys: dict[str, str] = field(default_factory=dict)
    store: str = ""
    editor: str = ""
    alert_bell: bool = True
    alert_desktop: bool = True
    source: Path | None = None


def user_config_path() -> Path:
    """The per-user config file (used when the desk has none)."""
    return Path(user_config_dir("triage")) / CONFIG_NAME


def find_config(desk_path: Path | None) -> Path | None:
    """The config file that applies: the desk's, else the user's, else None."""
    candidates = [desk_path / CONFIG_NAME] if desk_path is not None else []
    candidates.append(user_config_path())
    return next((path for path in candidates if path.is_file()), None)


def _number(table: dict[str, object], key: str, default: float, origin: str) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{origin}: {key} must be a number >= 0, not {value!r}")
    return float(value)


def parse_config(text: str, origin: str = "config") -> Config:
    """Read settings from TOML text.

    Raises:
        ConfigError: For invalid TOML or a value of the wrong type.
    """
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: {exc}") from exc
    theme = table.get("theme", DEFAULT_THEME)
    if not isinstance(theme, str):
        raise ConfigError(f"{origin}: theme must be a string")
    keys = table.get("keys", {})
    if not isinstance(keys, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keys.items()
    ):
        raise ConfigError(f"{origin}: [keys] must map action names to key strings")
    store = table.get("store", "")
    if not isinstance(store, str):
        raise ConfigError(f"{origin}: store must be a string (a postgresql:// URL)")
    editor = table.get("editor", "")
    if not isinstance(editor, str):
        raise ConfigError(f"{origin}: editor must be a string (a name)")
    alerts = table.get("alerts", {})
    if not isinstance(alerts, dict) or not all(
        k in ("bell", "desktop") and isinstance(v, bool) for k, v in alerts.items()
    ):
        raise ConfigError(f"{origin}: [alerts] takes bell = true/false and desktop = true/false")
    return Config(
        refresh_minutes=_number(table, "refresh_minutes", 0.0, origin),
        poll_seconds=_number(table, "poll_seconds", 30.0, origin),
        theme=theme,
        keys=dict(keys),
        store=store.strip(),
        editor=editor.strip(),
        alert_bell=alerts.get("bell", True),
        alert_desktop=alerts.get("desktop", True),
    )


def load_config(desk_path: Path | None = None) -> Config:
    """Load the config that applies to a desk (defaults when there is none).

    Raises:
        ConfigError: When the file exists but cannot be used.
    """
    path = find_config(desk_path)
    if path is None:
        return Config()
    loaded = parse_config(path.read_text(encoding="utf-8"), origin=str(path))
    return replace(loaded, source=path)
