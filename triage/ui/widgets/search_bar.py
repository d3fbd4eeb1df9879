"""The search bar: live query as you type; Enter keeps it, Esc clears it."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    """The query input (the Whoosh query language of ``triage search``).

    Keys: ``enter`` keeps the query and goes to the stories, ``escape`` clears it.
    ``/`` comes back with the kept query selected, so typing starts a new one.
    Typing runs the search after a short pause (debounced by the main screen).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_search", "Clear search", id="clear_search"),
    ]

    class Cleared(Message):
        """The editor cleared the search with Esc."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            placeholder='/ search: words, "phrases", source:x, tag:x, is:unread, published:[…]',
            select_on_focus=False,
            **kwargs,  # type: ignore[arg-type]
        )

    def start_query(self) -> None:
        """Focus with the kept query selected: typing replaces it, arrows keep it."""
        self.focus()
        self.select_all()

    def action_clear_search(self) -> None:
        """Clear the query and show every story again."""
        self.value = ""
        self.post_message(self.Cleared())
