"""Opening the app: choose the desk (or the demo desk) and hand it to the TUI."""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from platformdirs import user_data_dir

from triage.core.desk import Desk


def demo_desk_path() -> Path:
    """Where ``triage --demo`` keeps its desk: the user's data directory, not ./index."""
    return Path(user_data_dir("triage")) / "demo-desk"


DEMO_STAMP = "demo-corpus"
"""File in a demo desk naming the bundled corpus it was built from."""


def prepare_demo(path: Path, rebuild_stale: bool = False) -> Desk:
    """Open the demo desk, ingesting the bundled corpus (a no-op when already there).

    With ``rebuild_stale`` (the demo desk triage keeps itself, never a directory the
    editor named), a desk built from another version's corpus is built afresh: stories
    the corpus no longer has, or identifies differently, would show twice.
    """
    from triage.demo import demo_paths

    paths = demo_paths()
    fingerprint = hashlib.sha256()
    for source in paths:
        fingerprint.update(source.name.encode() + b"\0" + source.read_bytes())
    stamp = path / DEMO_STAMP
    current = fingerprint.hexdigest()
    if rebuild_stale and path.is_dir():
        kept = stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else ""
        if kept != current:
            shutil.rmtree(path)
    desk = Desk(path)
    desk.ingest([str(p) for p in paths])
    stamp.write_text(current + "\n", encoding="utf-8")
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
        if demo:
            desk = prepare_demo(path, rebuild_stale=not index)
        else:
            desk = Desk(path, location, editor_name(path, editor))
    except (ConfigError, CliError, EditorError) as exc:
        print(f"triage: {exc}", file=sys.stderr)
        return 2
    from triage.ui.app import TriageApp

    try:
        TriageApp(desk, config).run()
    finally:
        desk.close()
    return 0
