"""The reader: one story's body with its quotations and search terms highlighted.

The whole story is one ``rich.text.Text`` in one ``Static`` (updating it is far
cheaper than mounting a widget per paragraph); jumping to a quote scrolls to the
wrapped line where it starts. Quotes take their speaker's colour; search terms
are reversed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from triage.core.models import StoredQuote, Story
from triage.ui.messages import MarkRead, OpenLink, StepStory, TagStories
from triage.ui.text import plain, relative_time, speaker_colour

TERM_STYLE = "reverse bold"
CHOSEN_STYLE = "underline bold"


def styled_body(
    body: str,
    quotes: list[StoredQuote],
    terms: list[tuple[int, int]],
    palette: dict[str, str],
    chosen: str | None,
) -> Text:
    """The body as literal text, quotes in their speaker's colour, terms reversed.

    Offsets of quotes and terms index ``body`` and :func:`plain` keeps lengths, so
    spans land exactly (paragraph breaks are the body's own blank lines).
    """
    text = Text(end="")
    text.append_text(plain(body))
    for stored in quotes:
        quote = stored.quote
        colour = speaker_colour(quote.speaker, palette) if quote.speaker else "white"
        style = f"{colour} {CHOSEN_STYLE}" if stored.id == chosen else colour
        text.stylize(style, quote.start, quote.end)
    for start, stop in terms:
        text.stylize(TERM_STYLE, start, stop)
    return text


class Reader(VerticalScroll):
    """The selected story, ready to read.

    Keys: ``j``/``k`` scroll, ``g``/``G`` top/bottom, ``o`` opens the link,
    ``t``/``T`` tag and untag the story, ``n``/``p`` read the next/previous story,
    ``N`` the next unread, ``U`` marks it unread again, ``escape`` goes back to the list.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Down", show=False, id="down"),
        Binding("k", "scroll_up", "Up", show=False, id="up"),
        Binding("g", "scroll_home", "Top", show=False, id="first"),
        Binding("G", "scroll_end", "Bottom", show=False, id="last"),
        Binding("o", "open_link", "Browser", id="open_link"),
        Binding("t", "tag", "Tag", id="tag"),
        Binding("T", "untag", "Untag", id="untag"),
        Binding("n", "step(1)", "Next", id="next_story"),
        Binding("p", "step(-1)", "Previous", id="previous_story"),
        Binding("N", "step(1, True)", "Next unread", id="next_unread"),
        Binding("U", "mark_unread", "Mark unread", id="mark_unread"),
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
        self._page = Text()
        self._body_at = 0

    def compose(self) -> ComposeResult:
        yield Static(id="reader-page")

    def on_mount(self) -> None:
        self.border_title = "Reader"

    def show(
        self,
        story: Story | None,
        quotes: list[StoredQuote],
        terms: list[tuple[int, int]],
        palette: dict[str, str],
    ) -> None:
        """Show a story (None clears the reader)."""
        same = self.story is not None and story is not None and self.story.id == story.id
        self.story, self.quotes, self.terms, self.palette = story, quotes, terms, palette
        if not same:
            self.chosen = None
        self._render_story(keep_scroll=same)

    def _header(self, story: Story) -> Text:
        head = Text(end="")
        head.append_text(plain(story.title, "bold", one_line=True))
        head.append("\n")
        head.append_text(plain(story.source, "italic", one_line=True))
        when = (
            f"{story.published:%Y-%m-%d %H:%M} UTC ({relative_time(story.published, self.clock())})"
        )
        # an undated story's time is when triage fetched it, never a publication time
        head.append(f" · {when}" if story.dated else f" · undated, fetched {when}", style="dim")
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
        story = self.story
        page = self.query_one("#reader-page", Static)
        if story is None:
            self.border_subtitle = ""
            self._body_at = 0
            page.update(Text("Select a story to read it.", style="dim"))
            return
        self.border_subtitle = f"{len(self.quotes)} quotes" if self.quotes else ""
        own = [q for q in self.quotes if q.story_id == story.id]
        text = self._header(story)
        text.append("\n\n")
        self._body_at = len(text)
        text.append_text(styled_body(story.body, own, self.terms, self.palette, self.chosen))
        if story.note:
            text.append("\n\n")
            text.append_text(plain(story.note, "dim italic"))
        self._page = text
        page.update(text)
        if not keep_scroll:
            self.scroll_home(animate=False)

    def line_of(self, offset: int) -> int:
        """The wrapped line (0-based) where a body offset is shown."""
        width = max(10, self.scrollable_content_region.width)
        prefix = self._page[: self._body_at + offset]
        return max(0, len(prefix.wrap(self.app.console, width)) - 1)

    def scroll_to_quote(self, quote: StoredQuote) -> None:
        """Emphasise a quote and bring it into view (two lines of context above)."""
        if self.story is None or quote.story_id != self.story.id:
            return
        self.chosen = quote.id
        self._render_story(keep_scroll=True)
        line = self.line_of(quote.quote.start)
        self.call_after_refresh(self.scroll_to, y=max(0, line - 2), animate=False)

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

    def action_step(self, step: int, unread: bool = False) -> None:
        """Read the next or previous story of the list (or the next unread one)."""
        self.post_message(StepStory(step, unread))

    def action_mark_unread(self) -> None:
        """Mark the story being read unread again."""
        if self.story is not None:
            self.post_message(MarkRead([self.story.id], False))

    def action_back(self) -> None:
        """Back to the story list."""
        self.screen.set_focus(self.screen.query_one("#stories"))
