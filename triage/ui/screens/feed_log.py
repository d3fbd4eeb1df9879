"""The feed log: which feeds fail and why, and what the last refresh reported."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Log

from triage.core.models import Feed, SourceError
from triage.ui.text import clean


def log_lines(feeds: list[Feed], last_errors: list[SourceError]) -> list[str]:
    """Plain lines for the log (``Log`` never interprets markup)."""
    lines = [f"{len(feeds)} feeds failing"]
    for feed in feeds:
        ok = f"{feed.last_success:%Y-%m-%d %H:%M}" if feed.last_success else "never"
        lines.append(
            f"✗ {clean(feed.name or feed.url, False)} — {feed.failures} failures, last success {ok}"
        )
        lines.append(f"    {clean(feed.url, False)}")
        lines.append(f"    {clean(feed.last_error, False)}")
    if last_errors:
        lines.append("")
        lines.append("Last refresh:")
        lines.extend(f"✗ {clean(e.source, False)}: {clean(e.error, False)}" for e in last_errors)
    return lines


class FeedLogScreen(ModalScreen[None]):
    """Per-feed errors (``L``); ``escape`` or ``q`` closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="cancel"),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, feeds: list[Feed], last_errors: list[SourceError]) -> None:
        super().__init__()
        self.lines = log_lines(feeds, last_errors)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(Text("Feed errors", style="bold"))
            yield Log(id="feed-log", highlight=False)

    def on_mount(self) -> None:
        self.query_one(Log).write_lines(self.lines)

    def action_close(self) -> None:
        """Back to the desk."""
        self.dismiss(None)
