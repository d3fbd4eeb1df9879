"""The reader: one story's body with its quotations and search terms highlighted.

The body is shown paragraph by paragraph (one ``Static`` each, built from a
``rich.text.Text``), so jumping to a quote is a scroll to its paragraph. Quotes
take their speaker's colour; search terms are reversed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from triage.core.models import StoredQuote, Story
from triage.ui.messages import OpenLink, TagStories
from triage.ui.text import plain, relative_time, speaker_colour

TERM_STYLE = "reverse bold"
CHOSEN_STYLE = "underline bold"


def paragraphs(body: str) -> list[tuple[int, str]]:
    """Split a body on blank lines, keeping each paragraph's offset in the body."""
    found: list[tuple[int, str]] = []
    offset = 0
    for part in body.split("\n\n"):
        if part.strip():
            found.append((offset, part))
        offset += len(part) + 2
    return found


def styled_paragraph(offset: int, text: str, quotes: list[StoredQuote],
                     terms: list[tuple[int, int]], palette: dict[str, str],
                     chosen: str | None) -> Text:
    """One paragraph as literal text with quote and term spans styled."""
    line = plain(text)
    end = offset + len(text)
    for stored in quotes:
        quote = stored.quote
        if quote.end <= offset or quote.start >= end:
            continue
        colour = speaker_colour(quote.speaker, palette) if quote.speaker else "white"
        style = f"{colour} {CHOSEN_STYLE}" if stored.id == chosen else colour
        line.stylize(style, max(0, quote.start - offset), min(len(text), quote.end - offset))
    for start, stop in terms:
        if stop > offset and start < end:
            line.stylize(TERM_STYLE, max(0, start - offset), min(len(text), stop - offset))
    return line


class Reader(VerticalScroll):
    """The selected story, ready to read.

    Keys: ``j``/``k`` scroll, ``g``/``G`` top/bottom, ``o`` opens the link,
    ``t``/``T`` tag and untag the story, ``escape`` goes back to the list.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="down"),
        Binding("k", "scroll_up", "Up", show=False, id="up"),
        Binding("g", "scroll_home", "Top", show=False, id="first"),
        Binding("G", "scroll_end", "Bottom", show=False, id="last"),
        Binding("o", "open_link", "Browser", id="open_link"),
        Binding("t", "tag", "Tag", id="tag"),
        Binding("T", "untag", "Untag", id="untag"),
        Binding("escape", "back", "Back", id="back"),
    ]

    can_focus = True

    def __init__(self, clock: Callable[[], datetime], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.clock = clock
        self.story: Story | None = None
        self.quotes: list[StoredQuote] = []
        self.terms: list[tuple[int, int]] = []
        self.palette: dict[str, str] = {}
        self.chosen: str | None = None
        self._offsets: list[int] = []

    def on_mount(self) -> None:
        self.border_title = "Reader"

    def show(self, story: Story | None, quotes: list[StoredQuote],
             terms: list[tuple[int, int]], palette: dict[str, str]) -> None:
        """Show a story (None clears the reader)."""
        same = self.story is not None and story is not None and self.story.id == story.id
        self.story, self.quotes, self.terms, self.palette = story, quotes, terms, palette
        if not same:
            self.chosen = None
        self._render_story(keep_scroll=same)

    def _header(self, story: Story) -> Text:
        head = plain(story.title, "bold", one_line=True)
        head.append("\n")
        head.append_text(plain(story.source, "italic", one_line=True))
        head.append(f" · {story.published:%Y-%m-%d %H:%M} UTC"
                    f" ({relative_time(story.published, self.clock())})", style="dim")
        if story.author:
            head.append_text(plain(f" · {story.author}", "dim", one_line=True))
        if story.tags:
            head.append("\n")
            head.append_text(plain("tags: " + " ".join(story.tags), "italic", one_line=True))
        if story.url:
            head.append("\n")
            head.append_text(plain(story.url, "dim underline", one_line=True))
        return head

    def _render_story(self, keep_scroll: bool) -> None:
        y = self.scroll_y
        self.remove_children()
        story = self.story
        if story is None:
            self.border_subtitle = ""
            self.mount(Static(Text("Select a story to read it.", style="dim")))
            return
        self.border_subtitle = f"{len(self.quotes)} quotes" if self.quotes else ""
        widgets = [Static(self._header(story), classes="reader-head")]
        self._offsets = []
        own = [q for q in self.quotes if q.story_id == story.id]
        for offset, text in paragraphs(story.body):
            self._offsets.append(offset)
            widgets.append(Static(styled_paragraph(offset, text, own, self.terms, self.palette,
                                                   self.chosen), classes="para"))
        if story.note:
            widgets.append(Static(plain(story.note, "dim italic"), classes="para"))
        self.mount_all(widgets)
        if keep_scroll:
            self.call_after_refresh(self.scroll_to, y=y, animate=False)
        else:
            self.scroll_home(animate=False)

    def scroll_to_quote(self, quote: StoredQuote) -> None:
        """Emphasise a quote and bring its paragraph into view."""
        if self.story is None or quote.story_id != self.story.id:
            return
        self.chosen = quote.id
        self._render_story(keep_scroll=True)
        index = max((i for i, off in enumerate(self._offsets) if off <= quote.quote.start),
                    default=0)
        self.call_after_refresh(self._scroll_to_paragraph, index)

    def _scroll_to_paragraph(self, index: int) -> None:
        paras = list(self.query(".para"))
        if 0 <= index < len(paras):
            self.scroll_to_widget(paras[index], top=True, animate=False)

    def action_open_link(self) -> None:
        """Open the story's link in the browser."""
        if self.story is not None and self.story.url:
            self.post_message(OpenLink(self.story.url))

    def action_tag(self) -> None:
        """Tag the story being read."""
        if self.story is not None:
            self.post_message(TagStories([self.story.id]))

    def action_untag(self) -> None:
        """Remove a tag from the story being read."""
        if self.story is not None:
            self.post_message(TagStories([self.story.id], remove=True))

    def action_back(self) -> None:
        """Back to the story list."""
        self.screen.query_one("#stories").focus()
