"""What the app does when a refresh brings new matches of an alert.

An alert is a saved search marked as one (``K`` in the app, ``triage alerts NAME``).
What the editor gets degrades in steps, each independent of the next:

* the status line always names the alerts and how many new stories each matched;
* the terminal bell rings, unless ``[alerts] bell = false`` in ``config.toml``
  (a terminal may show the bell as a flash, or not at all);
* a desktop notification goes through ``notify-send`` (libnotify) when it is on the
  PATH and ``[alerts] desktop`` is not false. Nothing else is tried: without
  ``notify-send`` (macOS, a server, a container) there is no desktop notification,
  and a ``notify-send`` that fails or hangs costs only that notification.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Sequence
from html import escape

from textual.app import App

from triage.core.desk import Desk
from triage.core.models import AlertHit, IngestReport
from triage.ui.context import DeskContext
from triage.ui.widgets.status import StatusLine

NOTIFIER = "notify-send"
NOTIFY_SECONDS = 5.0
TITLES_SHOWN = 3


def alert_line(hits: Sequence[AlertHit]) -> str:
    """``alert: stars 2 new, kremlin 1 new`` ('' when no alert matched)."""
    if not hits:
        return ""
    return "alert: " + ", ".join(f"{hit.name} {len(hit.story_ids)} new" for hit in hits)


def desktop_notifier() -> str | None:
    """The ``notify-send`` to run, or None when there is none on the PATH."""
    return shutil.which(NOTIFIER)


def notify_desktop(command: str, desk: Desk, hits: Sequence[AlertHit]) -> bool:
    """Send one desktop notification for the alerts; returns whether it was sent.

    The body names the first few new stories; notification servers read a little
    HTML in it, so titles (feed text, hostile) are escaped.
    """
    ids = [sid for hit in hits for sid in hit.story_ids][:TITLES_SHOWN]
    titles = [escape(story.title, quote=False) for story in desk.store.get_stories(ids)]
    try:
        done = subprocess.run(
            [command, "--app-name=triage", f"triage {alert_line(hits)}", "\n".join(titles)],
            capture_output=True,
            timeout=NOTIFY_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def announce(
    app: App[object],
    status: StatusLine,
    context: DeskContext,
    report: IngestReport,
    tell: Callable[[str, str], None],
) -> None:
    """Say what a finished refresh brought for the alerts, and which rules were skipped."""
    status.set_alert(alert_line(report.alerts))
    if report.rule_errors:
        more = f" (and {len(report.rule_errors) - 1} more; K lists the rules)"
        tell(report.rule_errors[0] + (more if len(report.rule_errors) > 1 else ""), "warning")
    if not report.alerts:
        return
    tell(alert_line(report.alerts) + " (S recalls a saved search)", "information")
    if context.config.alert_bell:
        app.bell()
    command = desktop_notifier() if context.config.alert_desktop else None
    if command is not None:
        hits = list(report.alerts)
        app.run_worker(
            lambda: notify_desktop(command, context.desk, hits),
            thread=True,
            group="alerts",
            exit_on_error=False,
        )
