"""Saved searches: name the current query, and pick one to recall."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from triage.ui.text import plain


class SaveSearchPrompt(ModalScreen[str | None]):
    """Ask for a name for the current query; dismisses with it or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, query: str) -> None:
        super().__init__()
        self.search_query = query

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Save search", classes="dialog-title")
            yield Label(f"query: {self.search_query}", markup=False, classes="dialog-hint")
            yield Input(placeholder="name", id="save-name")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)


class SavedSearchPicker(ModalScreen[str | None]):
    """Pick a saved search; dismisses with its query, or None.

    Keys: ``1``–``9`` recall by position, ``enter`` the highlighted one,
    ``d`` deletes it (the main screen forgets it in the desk), ``escape`` closes.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="cancel"),
        Binding("d", "delete", "Delete", id="delete_search"),
        *[Binding(str(n), f"pick({n})", f"Recall {n}", show=False) for n in range(1, 10)],
    ]

    def __init__(self, searches: list[tuple[str, str]]) -> None:
        super().__init__()
        self.searches = searches
        self.deleted: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Saved searches", classes="dialog-title")
            options = []
            for index, (name, query) in enumerate(self.searches, 1):
                line = Text(end="")
                line.append(f"{index}. " if index < 10 else "   ", style="bold")
                line.append_text(plain(name, "bold", one_line=True))
                line.append_text(plain(f"  {query}", "dim", one_line=True))
                options.append(Option(line, id=name))
            if not options:
                options.append(Option(Text("No saved searches yet (s saves one)"), disabled=True))
            yield OptionList(*options, id="saved-list")
            yield Label("enter/1-9: recall · d: delete · esc: close", classes="dialog-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_pick((event.option_index or 0) + 1)

    def action_pick(self, number: int) -> None:
        """Recall the n-th saved search."""
        if 1 <= number <= len(self.searches):
            self.dismiss(self.searches[number - 1][1])

    def action_delete(self) -> None:
        """Forget the highlighted saved search."""
        listing = self.query_one(OptionList)
        if listing.highlighted is None or not self.searches:
            return
        name = self.searches.pop(listing.highlighted)[0]
        self.deleted.append(name)
        listing.remove_option(name)

    def action_cancel(self) -> None:
        """Close without recalling."""
        self.dismiss(None)
