"""The status line: counts, last refresh, feed errors, search errors and progress."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from triage.ui.text import plain, plural


class StatusLine(Horizontal):
    """One line telling the editor where the desk stands."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.counts: tuple[int, int] | None = None
        """The desk's stories and unread ones; None until first read (after the first
        screen), so the line never says "0 stories" of a full desk."""
        self.shown = (0, 0)
        self.shown_more = False
        self.last_refresh: datetime | None = None
        self.feed_errors = 0
        self.problem = ""
        self.alert = ""

    def compose(self) -> ComposeResult:
        yield Static(id="status-text")
        yield ProgressBar(total=None, show_eta=False, id="refresh-progress")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.render_status()

    def render_status(self) -> None:
        """Redraw the line from the current figures."""
        shown, total = self.shown
        plus = "+" if self.shown_more else ""
        line = Text(end="")
        if self.alert:  # first, so a narrow terminal still shows it
            line.append_text(plain(self.alert, "bold yellow", one_line=True))
            line.append(" · ")
        if self.counts is not None:
            stories, unread = self.counts
            line.append(f"{plural(stories, 'story', 'stories')} · {unread} unread · ")
        line.append(f"showing {shown} of {total}{plus}")
        when = f"{self.last_refresh:%H:%M}" if self.last_refresh else "never"
        line.append(f" · refreshed {when}")
        if self.feed_errors:
            line.append(
                f" · {plural(self.feed_errors, 'feed error', 'feed errors')} (L)", style="bold red"
            )
        if self.problem:
            line.append(" · ")
            line.append_text(plain(self.problem, "bold red", one_line=True))
        self.query_one("#status-text", Static).update(line)

    def set_counts(self, stories: int, unread: int, feed_errors: int) -> None:
        """Update the desk's totals."""
        self.counts, self.feed_errors = (stories, unread), feed_errors
        self.render_status()

    def set_shown(self, shown: int, total: int, more: bool = False) -> None:
        """Update how much of the current query is loaded (``more``: total is at least)."""
        self.shown, self.shown_more = (shown, total), more
        self.render_status()

    def set_problem(self, problem: str) -> None:
        """Show (or clear, with "") a search error."""
        self.problem = problem
        self.render_status()

    def set_alert(self, alert: str) -> None:
        """Show (or clear, with "") what the last refresh brought for the alerts."""
        self.alert = alert
        self.render_status()

    def progress(self, stage: str, done: int, total: int) -> None:
        """Show refresh progress (total 0 hides the bar)."""
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=max(total, 1), progress=done)
        bar.tooltip = stage

    def idle(self) -> None:
        """Hide the progress bar: a refresh that did not run (another terminal fetches)."""
        self.query_one(ProgressBar).display = False

    def finished(self, when: datetime) -> None:
        """Hide the progress bar and remember when the refresh ended."""
        self.query_one(ProgressBar).display = False
        self.last_refresh = when
        self.render_status()
