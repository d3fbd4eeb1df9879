"""The help screen: every key, gathered from the bindings where they live."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def binding_rows(
    bindings: list[BindingType], keymap: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """(key, description) for each binding that has a description.

    A ``[keys]`` override (``keymap``: binding id -> keys) is shown instead of the
    default key, so the help tells the truth on a desk with its own keys. A run
    of numbered keys (``alt+1`` "Saved search 1" … ``alt+9``) is one row.
    """
    rows: list[tuple[str, str]] = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = binding.key.split(",")
        first = keys[0]
        if binding.description.endswith(f" {first[-1:]}") and first[-1:].isdigit():
            if first[-1] == "1":  # "Recall 1" … "Recall 9": one row for the run
                also = [k[:-1] + "1…9" for k in keys[1:] if k.endswith("1")]
                text = binding.description.removesuffix(" 1")
                rows.append(
                    (first[:-1] + "1…9", text + (f" (also {', '.join(also)})" if also else ""))
                )
            continue
        override = keymap.get(binding.id, "") if keymap and binding.id else ""
        rows.append((override or binding.key_display or binding.key, binding.description))
    return rows


class HelpScreen(ModalScreen[None]):
    """All keys by pane (``?``); ``escape`` or ``q`` closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="cancel"),
        Binding("q", "close", "Close", show=False),
        Binding("question_mark", "close", "Close", key_display="?", show=False),
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
