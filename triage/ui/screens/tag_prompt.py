"""The tag prompt: several tags at once, completing from the desk's existing tags."""

from __future__ import annotations

import re
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label

SEPARATORS = re.compile(r"[\s,]+")


def split_tags(text: str) -> list[str]:
    """Tags typed space- or comma-separated, in order, without repeats."""
    return list(dict.fromkeys(t for t in SEPARATORS.split(text) if t))


class LastWordSuggester(Suggester):
    """Completes the word being typed from known tags (earlier words stay as typed)."""

    def __init__(self, tags: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.tags = tags

    async def get_suggestion(self, value: str) -> str | None:
        match = re.search(r"[^\s,]+$", value)
        if match is None:
            return None
        word = match.group(0).lower()
        for tag in self.tags:
            if tag.startswith(word) and tag != word:
                return value[: match.start()] + tag
        return None


class TagPrompt(ModalScreen[list[str] | None]):
    """Ask for tags to add (or remove); dismisses with the list, or None on Esc.

    Keys: ``right`` accepts the completion, ``enter`` applies, ``escape`` cancels.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(
        self, title: str, tags: list[str], noun: str = "tags", empty: str = "no tags yet"
    ) -> None:
        super().__init__()
        self.prompt_title = title
        self.tags = tags
        self.noun, self.empty = noun, empty

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.prompt_title, markup=False, classes="dialog-title")
            yield Input(
                placeholder=f"{self.noun}, space or comma separated (→ completes)",
                suggester=LastWordSuggester(self.tags),
                id="tag-input",
            )
            known = ", ".join(self.tags[:12]) or self.empty
            yield Label(f"known: {known}", markup=False, classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(split_tags(event.value) or None)

    def action_cancel(self) -> None:
        """Close without tagging."""
        self.dismiss(None)
