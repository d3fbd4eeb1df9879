"""The quotes pane: who said what in the selected story (or its whole cluster).

Each line starts with the speaker, in the same colour the reader uses for their
words. Moving onto a quote scrolls the reader to it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from triage.core.models import StoredQuote
from triage.ui.messages import CopyQuote, QuoteScopeChanged, QuoteSelected, TagQuote
from triage.ui.text import plain, speaker_colour

QUOTE_LINES = 4


def shorten(text: str, budget: int) -> str:
    """``text`` cut at a word before ``budget`` characters, marked with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= budget:
        return text
    cut = text[: budget - 1]
    if " " in cut[budget // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


class QuotePane(OptionList):
    """The quotations of the selected story, speaker first.

    Keys: ``j``/``k`` move, ``g``/``G`` first/last, ``enter`` shows the quote in
    the reader, ``t``/``T`` tag or untag the quote, ``y`` copies it with its
    attribution, ``c`` switches between this story and its whole cluster.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="down"),
        Binding("k", "cursor_up", "Up", show=False, id="up"),
        Binding("g", "first", "First", show=False, id="first"),
        Binding("G", "last", "Last", show=False, id="last"),
        Binding("enter", "show_quote", "Show", id="open"),
        Binding("t", "tag", "Tag quote", id="tag"),
        Binding("T", "untag", "Untag quote", id="untag"),
        Binding("y", "copy", "Copy", id="copy_quote"),
        Binding("c", "toggle_scope", "Cluster quotes", id="quote_scope"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.quotes: list[StoredQuote] = []
        self.whole_cluster = False
        self.palette: dict[str, str] = {}
        self.sources: dict[str, str] = {}

    def on_mount(self) -> None:
        self._titles()

    def _titles(self) -> None:
        self.border_title = "3 Quotes"
        self.border_subtitle = "whole cluster" if self.whole_cluster else "this story"

    def show(
        self, quotes: list[StoredQuote], palette: dict[str, str], sources: dict[str, str]
    ) -> None:
        """List quotes; ``palette`` is shared with the reader so colours agree."""
        self.quotes, self.palette, self.sources = quotes, palette, sources
        self.clear_options()
        options = []
        for index, stored in enumerate(quotes):
            quote = stored.quote
            speaker = quote.speaker or "unattributed"
            colour = speaker_colour(speaker, palette) if quote.speaker else "dim"
            line = Text(end="")
            line.append_text(plain(speaker, f"bold {colour}", one_line=True))
            if quote.role:
                line.append_text(plain(f" ({quote.role})", "dim", one_line=True))
            if self.whole_cluster and stored.story_id in sources:
                line.append_text(plain(f" · {sources[stored.story_id]}", "dim", one_line=True))
            line.append(": ")
            line.append_text(plain(f"“{shorten(quote.text, self._budget())}”", one_line=True))
            if stored.tags:
                line.append_text(plain("  " + " ".join(stored.tags), "italic", one_line=True))
            options.append(Option(line, id=f"q:{index}"))
        if not options:
            options.append(Option(Text("No quotes", style="dim"), disabled=True))
        self.add_options(options)
        self.highlighted = 0 if quotes else None

    def _budget(self) -> int:
        """Characters of a quote shown in the pane (the reader shows all of it)."""
        return max(80, self.scrollable_content_region.width * QUOTE_LINES)

    @property
    def selected(self) -> StoredQuote | None:
        """The quote under the cursor, if any."""
        if self.highlighted is None or not 0 <= self.highlighted < len(self.quotes):
            return None
        return self.quotes[self.highlighted]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self.selected is not None and self.has_focus:
            self.post_message(QuoteSelected(self.selected))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_show_quote()

    def action_first(self) -> None:
        """Go to the first quote."""
        self.highlighted = 0 if self.quotes else None

    def action_last(self) -> None:
        """Go to the last quote."""
        self.highlighted = len(self.quotes) - 1 if self.quotes else None

    def action_show_quote(self) -> None:
        """Scroll the reader to the selected quote."""
        if self.selected is not None:
            self.post_message(QuoteSelected(self.selected))

    def action_tag(self) -> None:
        """Tag the selected quote."""
        if self.selected is not None:
            self.post_message(TagQuote([self.selected.id]))

    def action_untag(self) -> None:
        """Remove a tag from the selected quote."""
        if self.selected is not None:
            self.post_message(TagQuote([self.selected.id], remove=True))

    def action_copy(self) -> None:
        """Copy the selected quote with its attribution."""
        if self.selected is not None:
            self.post_message(CopyQuote(self.selected))

    def action_toggle_scope(self) -> None:
        """Show the quotes of the whole cluster, or of this story only."""
        self.whole_cluster = not self.whole_cluster
        self._titles()
        self.post_message(QuoteScopeChanged(self.whole_cluster))
