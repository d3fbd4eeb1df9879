"""The export dialog: which format, and where the file goes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet

from triage.core.export import EXPORT_FORMATS


def default_export_name(fmt: str, now: datetime) -> str:
    """A file name in the current directory that will not collide within a minute."""
    return f"triage-export-{now:%Y%m%d-%H%M}.{fmt}"


class ExportScreen(ModalScreen[tuple[str, Path] | None]):
    """Choose a format and a path; dismisses with ``(fmt, path)`` or None.

    The format is picked in the radio set (``shift+tab`` to it, arrows, ``enter``)
    or by the suffix of the typed path (``.md``, ``.json``, ``.csv``), which wins.
    A directory gets a fresh file name inside it. Keys: ``enter`` in the path
    exports, ``escape`` cancels.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, now: datetime, count: int) -> None:
        super().__init__()
        self.now = now
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                f"Export the current search ({self.count} stories)",
                markup=False,
                classes="dialog-title",
            )
            with RadioSet(id="export-format"):
                for index, fmt in enumerate(EXPORT_FORMATS):
                    yield RadioButton(fmt, value=index == 0, id=f"fmt-{fmt}")
            yield Input(
                placeholder=f"path (default ./{default_export_name('md', self.now)})",
                id="export-path",
            )
            yield Label("enter: export · esc: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @property
    def fmt(self) -> str:
        """The chosen format (the path's suffix wins when it names one)."""
        radio = self.query_one(RadioSet)
        index = radio.pressed_index if radio.pressed_index >= 0 else 0
        return EXPORT_FORMATS[index]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        typed = event.value.strip()
        fmt = self.fmt
        if typed:
            path = Path(typed).expanduser()
            suffix = path.suffix.lstrip(".").lower()
            if suffix in EXPORT_FORMATS:
                fmt = suffix
            elif path.is_dir():
                path = path / default_export_name(fmt, self.now)
        else:
            path = Path(default_export_name(fmt, self.now))
        self.dismiss((fmt, path.absolute()))

    def action_cancel(self) -> None:
        """Close without exporting."""
        self.dismiss(None)
