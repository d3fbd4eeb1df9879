"""The story list: one page of the current query, in the editor's order (unread
first then newest unless ``O`` chose another).

Only a page (a few hundred rows) is ever in the table; when the cursor nears the
end the list asks for more. Rows are ``rich.text.Text`` cells, so a headline can
never be parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from triage.core.export import UNDATED_MARK
from triage.core.models import Story
from triage.ui.messages import (
    LoadMoreStories,
    LoadToEnd,
    MarkAllRead,
    MarkRead,
    MergePick,
    OpenLink,
    StoryOpened,
    StorySelected,
    TagStories,
    UnreadOnlyToggled,
)
from triage.ui.text import plain, story_age

LOAD_MORE_MARGIN = 25
AGE_WIDTH, OUTLET_WIDTH = 7, 12
"""Cells for "~23 Oct" (an undated story of this year) and for an outlet's name."""
AGE_WIDTH_WIDE = 12
"""Cells for "~12 Mar 2018", when the table is wide enough to show an older year whole."""
WIDE_TABLE = 70


def fit_age(story: Story, now: datetime, width: int) -> str:
    """The Age cell in ``width`` cells: an older year is shortened ("Oct '08"), never
    cut to a date that reads as this year's ("15 Oct" of 2008)."""
    age = story_age(story, now)
    if len(age) <= width:
        return age
    local = story.published.astimezone(now.tzinfo) if now.tzinfo else story.published
    mark = "" if story.dated else UNDATED_MARK
    for short in (f"{local:%b} '{local:%y}", f"{local:%b}'{local:%y}", f"{local.year:04d}"):
        if len(mark + short) <= width:
            return mark + short
    return mark + f"{local.year:04d}"


class StoryList(DataTable[Text]):
    """The stories of the current query.

    Keys: ``j``/``k`` or arrows move, ``g``/``G`` go to the first/last story,
    ``enter`` opens the reader (and marks the story read), ``space`` marks read and
    moves on, ``U`` marks unread, ``A`` marks every story of the search read,
    ``m`` then ``m`` merges a story into another's cluster, ``t``/``T`` tag and
    untag, ``o`` opens the link in the browser, ``u`` shows unread only.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="down"),
        Binding("k", "cursor_up", "Up", show=False, id="up"),
        Binding("g", "first", "First", show=False, id="first"),
        Binding("G", "last", "Last", show=False, id="last"),
        Binding("enter", "open", "Read", id="open"),
        Binding("space", "mark_read", "Read+next", id="mark_read"),
        Binding("U", "mark_unread", "Mark unread", show=False, id="mark_unread"),
        Binding(
            "A", "mark_all_read", "Mark search read (z undoes)", show=False, id="mark_all_read"
        ),
        Binding(
            "m",
            "merge_pick",
            "Move into another's cluster (m, then m there)",
            show=False,
            id="merge",
        ),
        Binding("t", "tag", "Tag", id="tag"),
        Binding("T", "untag", "Untag", id="untag"),
        Binding("o", "open_link", "Browser", id="open_link"),
        Binding("u", "toggle_unread", "Unread only", id="unread_only"),
    ]

    def __init__(self, clock: Callable[[], datetime], **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.clock = clock
        self.stories: list[Story] = []
        self.sizes: dict[str, int] = {}
        self.total = 0
        self.more = False  # the query has matches on older days not loaded yet
        self.unread_only = False
        self.age_width = AGE_WIDTH
        self.order = ""  # how the list is sorted, as the editor reads it ('' for the default)
        self._read_here: dict[str, bool] = {}
        self._widths: tuple[int, int, int] | None = None  # the columns' (age, outlet, story)

    def on_mount(self) -> None:
        self.border_title = "1 Stories"
        self._add_columns()

    def _column_widths(self) -> tuple[int, int, int]:
        """The (age, outlet, story) column widths the table's width calls for."""
        width = self.scrollable_content_region.width
        wide = width >= WIDE_TABLE
        outlet = OUTLET_WIDTH + (4 if wide else 0)
        age = AGE_WIDTH_WIDE if wide else AGE_WIDTH
        return age, outlet, max(10, width - age - outlet - 7)

    def _add_columns(self) -> None:
        self.clear(columns=True)
        self._widths = age, outlet, title_width = self._column_widths()
        self.age_width = age
        self.add_column("Age", width=age, key="age")
        self.add_column("Outlet", width=outlet, key="outlet")
        self.add_column("Story", width=title_width, key="title")

    @property
    def selected(self) -> Story | None:
        """The story under the cursor, if any."""
        if not self.stories or not 0 <= self.cursor_row < len(self.stories):
            return None
        return self.stories[self.cursor_row]

    def _row(self, story: Story, now: datetime) -> list[Text]:
        read = self._read_here.get(story.id, story.read)
        weight = "" if read else "bold"
        size = self.sizes.get(story.id, 1)
        title = Text(end="", no_wrap=True, overflow="ellipsis")
        if size > 1:
            title.append(f"×{size}", style="reverse")
            title.append(" ")
        for tag in story.tags:
            title.append_text(plain(f"#{tag}", "italic cyan", one_line=True))
            title.append(" ")
        title.append_text(plain(story.title, weight, one_line=True))
        return [
            Text(fit_age(story, now, self.age_width), style="dim", end=""),
            plain(story.source, weight, one_line=True),
            title,
        ]

    def show(
        self, stories: list[Story], sizes: dict[str, int], total: int, more: bool = False
    ) -> None:
        """Replace the rows, keeping the cursor on the same story and the scroll put."""
        keep = self.selected.id if self.selected else None
        scroll_y, row = self.scroll_y, self.cursor_row
        self.stories, self.sizes, self.total, self.more = stories, sizes, total, more
        self._read_here = {}
        self._fill()
        ids = [s.id for s in stories]
        if keep in ids:
            target = ids.index(keep)
            self.move_cursor(row=target, animate=False, scroll=False)
            self.call_after_refresh(self._restore_scroll, scroll_y + (target - row))
        elif stories:
            self.move_cursor(row=min(row, len(stories) - 1), animate=False)
        if self.selected and self.selected.id != keep:
            self.post_message(StorySelected(self.selected.id))

    def extend(
        self, stories: list[Story], sizes: dict[str, int], total: int, more: bool = False
    ) -> None:
        """Add the next page below the loaded rows (cursor and scroll stay put)."""
        known = {s.id for s in self.stories}
        fresh = [s for s in stories if s.id not in known]
        self.stories.extend(fresh)
        self.sizes.update(sizes)
        self.total, self.more = total, more
        now = self.clock()
        for story in fresh:
            self.add_row(*self._row(story, now), key=story.id)

    def _restore_scroll(self, y: float) -> None:
        self.scroll_to(y=y, animate=False, immediate=True)

    def _fill(self) -> None:
        now = self.clock()
        self.clear()
        for story in self.stories:
            self.add_row(*self._row(story, now), key=story.id)

    def on_resize(self) -> None:
        # Rows are rebuilt only when the columns change: the table grows in height as
        # its first page arrives, and rebuilding its 300 rows then would double the first
        # screen's work (the scrollbar's room is kept from the start, see the stylesheet).
        if self.columns and self._column_widths() != self._widths:
            keep = self.cursor_row  # clearing the columns resets the cursor
            self._add_columns()
            self._fill()
            if self.stories:
                self.move_cursor(row=min(keep, len(self.stories) - 1), animate=False)

    def set_read_here(self, story_id: str, read: bool) -> None:
        """Show a read mark at once (the store is updated by the main screen)."""
        self._read_here[story_id] = read
        if story_id in self.rows:
            index = self.get_row_index(story_id)
            for key, cell in zip(
                ("age", "outlet", "title"),
                self._row(self.stories[index], self.clock()),
                strict=True,
            ):
                self.update_cell(story_id, key, cell)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        story = self.selected
        if story is not None:
            self.post_message(StorySelected(story.id))
        near_end = self.cursor_row >= len(self.stories) - LOAD_MORE_MARGIN
        if (len(self.stories) < self.total or self.more) and near_end:
            self.post_message(LoadMoreStories())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()

    def action_first(self) -> None:
        """Go to the first story."""
        self.move_cursor(row=0)

    def action_last(self) -> None:
        """Go to the last story of the list, loading the pages not loaded yet."""
        self.move_cursor(row=max(0, len(self.stories) - 1))
        if len(self.stories) < self.total or self.more:
            self.post_message(LoadToEnd())

    def step(self, step: int, unread: bool = False) -> Story | None:
        """Move the cursor ``step`` rows (to the next unread one with ``unread``)."""
        row = self.cursor_row + step
        while 0 <= row < len(self.stories):
            story = self.stories[row]
            if not unread or not self._read_here.get(story.id, story.read):
                self.move_cursor(row=row)
                return story
            row += step
        return None

    def is_read(self, story: Story) -> bool:
        """Read as shown here (a mark made this session counts at once)."""
        return self._read_here.get(story.id, story.read)

    def action_mark_unread(self) -> None:
        """Mark the selected story unread again."""
        if self.selected is not None:
            self.set_read_here(self.selected.id, False)
            self.post_message(MarkRead([self.selected.id], False))

    def action_merge_pick(self) -> None:
        """Merge this story into another's cluster: m here, then m on the other story."""
        if self.selected is not None:
            self.post_message(MergePick(self.selected.id))

    def action_mark_all_read(self) -> None:
        """Mark every story of the current search read (undo with ``z``)."""
        self.post_message(MarkAllRead())

    def action_open(self) -> None:
        """Open the selected story in the reader."""
        if self.selected:
            self.post_message(StoryOpened(self.selected.id))

    def action_mark_read(self) -> None:
        """Mark the selected story read and move to the next one."""
        story = self.selected
        if story is None:
            return
        self.set_read_here(story.id, True)
        self.post_message(MarkRead([story.id], True))
        self.action_cursor_down()

    def action_tag(self) -> None:
        """Tag the selected story."""
        if self.selected:
            self.post_message(TagStories([self.selected.id]))

    def action_untag(self) -> None:
        """Remove a tag from the selected story."""
        if self.selected:
            self.post_message(TagStories([self.selected.id], remove=True))

    def action_open_link(self) -> None:
        """Open the selected story's link in the browser."""
        if self.selected and self.selected.url:
            self.post_message(OpenLink(self.selected.url))

    def action_toggle_unread(self) -> None:
        """Show only unread stories, or everything again."""
        self.unread_only = not self.unread_only
        self._subtitle()
        self.post_message(UnreadOnlyToggled(self.unread_only))

    def set_order(self, order: str) -> None:
        """Say under the list how it is sorted ('' for the default order)."""
        self.order = order
        self._subtitle()

    def _subtitle(self) -> None:
        parts = [self.order] if self.order else []
        if self.unread_only:
            parts.append("unread only")
        self.border_subtitle = " · ".join(parts)
