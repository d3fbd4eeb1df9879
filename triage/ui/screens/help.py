"""The help screen: every key, gathered from the bindings where they live."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def binding_rows(bindings: list[BindingType]) -> list[tuple[str, str]]:
    """(key, description) for each binding that has a description."""
    rows = []
    numbered = False
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        if binding.key.startswith(("alt+", "ctrl+")) and binding.key[-1].isdigit():
            if not numbered:  # alt+1 … alt+9: one line is enough
                rows.append(("alt+1…9", "Recall saved search 1–9 (also ctrl+1…9; or S)"))
                numbered = True
            continue
        rows.append((binding.key_display or binding.key, binding.description))
    return rows


class HelpScreen(ModalScreen[None]):
    """All keys by pane (``?``); ``escape`` or ``q`` closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="cancel"),
        Binding("q", "close", "Close", show=False),
        Binding("question_mark", "close", "Close", show=False),
    ]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="help"):
            for title, rows in self.sections:
                table = Table(
                    title=Text(title, style="bold"),
                    show_header=False,
                    box=None,
                    expand=True,
                    title_justify="left",
                )
                table.add_column(style="bold cyan", width=12, no_wrap=True)
                table.add_column(ratio=1)
                for key, description in rows:
                    table.add_row(Text(key), Text(description))
                yield Static(table)

    def action_close(self) -> None:
        """Back to the desk."""
        self.dismiss(None)
