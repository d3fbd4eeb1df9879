"""Opening the app: choose the desk (or the demo desk) and hand it to the TUI."""

from __future__ import annotations

import sys
from pathlib import Path

from platformdirs import user_data_dir

from triage.core.desk import Desk


def demo_desk_path() -> Path:
    """Where ``triage --demo`` keeps its desk: the user's data directory, not ./index."""
    return Path(user_data_dir("triage")) / "demo-desk"


def prepare_demo(path: Path) -> Desk:
    """Open the demo desk, ingesting the bundled corpus (a no-op when already there)."""
    from triage.demo import demo_paths

    desk = Desk(path)
    desk.ingest([str(p) for p in demo_paths()])
    return desk


def run_app(
    index: str | None, demo: bool = False, store: str | None = None, editor: str | None = None
) -> int:
    """Open the TUI on a desk; returns the process exit status.

    A broken config file is reported on stderr (status 2) rather than ignored, so
    the editor knows why their settings did not apply.
    """
    from triage.cli.commands import CliError, desk_location, editor_name
    from triage.config import ConfigError, load_config
    from triage.core.store import EditorError

    location: str | None = None
    try:
        if demo:
            path = Path(index) if index else demo_desk_path()
        else:
            path, location = desk_location(index, store)
        config = load_config(path)
        desk = prepare_demo(path) if demo else Desk(path, location, editor_name(path, editor))
    except (ConfigError, CliError, EditorError) as exc:
        print(f"triage: {exc}", file=sys.stderr)
        return 2
    from triage.ui.app import TriageApp

    try:
        TriageApp(desk, config).run()
    finally:
        desk.close()
    return 0
