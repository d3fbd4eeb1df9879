"""The main screen: search bar, Stories | Clusters | Quotes, the reader and the status line.

The screen owns the editor's view state (query, unread-only, page size, selection)
and does every desk call in a thread worker; widgets only post requests. Each
load carries a generation number so a slow, stale answer never overwrites a newer
one.
"""

from __future__ import annotations

import contextlib
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import get_current_worker

from triage.core.clusters import Cluster
from triage.core.models import IngestReport, SourceError
from triage.core.search import SearchError
from triage.core.store import EditorError, FetchProgress, TagError
from triage.core.sync import Servers
from triage.ui import alerts, queries
from triage.ui import messages as m
from triage.ui.context import DeskContext
from triage.ui.guard import guarded
from triage.ui.screens.export import ExportScreen
from triage.ui.screens.feed_log import FeedLogScreen
from triage.ui.screens.feeds import FeedsScreen, feed_query
from triage.ui.screens.rules import RulesScreen
from triage.ui.screens.saved import SavedSearchPicker, SaveSearchPrompt
from triage.ui.screens.tag_prompt import TagPrompt
from triage.ui.text import attribution, plural
from triage.ui.widgets.cluster_pane import ClusterPane
from triage.ui.widgets.footer import KeyFooter
from triage.ui.widgets.quote_pane import QuotePane
from triage.ui.widgets.reader import Reader
from triage.ui.widgets.search_bar import SearchBar
from triage.ui.widgets.status import StatusLine
from triage.ui.widgets.story_list import StoryList

if TYPE_CHECKING:
    from triage.core.store.postgres import Watcher

PAGE_SIZE = 300
UNDO_SECONDS = 8.0
SORT_TOAST_SECONDS = 1.5
SEARCH_DEBOUNCE = 0.25
DETAIL_SETTLE = 0.04
"""Seconds a selection must stay before its detail loads: while j is held, the cursor
moves on first, and repainting the reader and panes for every story passed over made
keystrokes wait on repaints (each new selection cancels the older load)."""
PANES = ("stories", "clusters", "quotes")

ALT_DIGITS = "¡™£¢∞§¶•ª"
"""What alt+1 … alt+9 arrive as from xterm and tmux: they send ESC and the digit, which
Textual reads as the character macOS's Option key types on that digit."""


def alt_digit_key(n: int) -> str:
    """The key name Textual gives the character that ESC + ``n`` arrives as."""
    char = ALT_DIGITS[n - 1]
    if char.isalnum():
        return char
    return unicodedata.name(char).lower().replace("-", "_").replace(" ", "_")


class MainScreen(Screen[None]):
    """The desk. Keys here act on the desk as a whole (see BINDINGS)."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012
    AUTO_FOCUS = "#stories"
    """The list has focus from the start (not the search bar first, then the list: each
    change of focus rebuilds the footer's keys and restyles the panes)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", key_display="/", id="search"),
        Binding("1", "focus_pane('stories')", "Stories pane", show=False, id="pane_stories"),
        Binding("2", "focus_pane('clusters')", "Clusters pane", show=False, id="pane_clusters"),
        Binding("3", "focus_pane('quotes')", "Quotes pane", show=False, id="pane_quotes"),
        Binding("R", "refresh_feeds", "Refresh", id="refresh"),
        Binding("e", "export", "Export", id="export"),
        Binding("s", "save_search", "Save search", id="save_search"),
        Binding("S", "saved_searches", "Saved", id="saved_searches"),
        Binding("F", "feeds", "Feeds", id="feeds"),
        Binding("L", "feed_log", "Feed log", show=False, id="feed_log"),
        Binding(
            "O",
            "cycle_sort",
            "Sort: unread first, newest, oldest, by feed, biggest story",
            show=False,
            id="sort",
        ),
        Binding("K", "rules", "Rules and alerts", show=False, id="rules"),
        Binding("escape", "clear_search", "Clear search", show=False, id="clear_search"),
        Binding("z", "undo_read", "Undo mark read", show=False, id="undo_read"),
        Binding("at", "assign", "Assign to an editor", key_display="@", show=False, id="assign"),
        *[
            Binding(
                f"alt+{n},ctrl+{n},{alt_digit_key(n)}",
                f"recall({n})",
                f"Saved search {n}",
                key_display=f"alt+{n}",
                show=False,
                id=f"recall_{n}",
            )
            for n in range(1, 10)
        ],
    ]

    def __init__(self, context: DeskContext) -> None:
        super().__init__()
        self.context = context
        self.query_text = ""
        self.unread_only = False
        self.sort = queries.DEFAULT_SORT
        self.search_sorts: dict[str, str] = {}  # saved query -> the order kept for it
        self.limit = PAGE_SIZE
        self.generation = 0
        self.selected_id: str | None = None
        self.whole_cluster = False
        self.cluster_mode = "story"
        self.known_tags: list[str] = []
        self.saved: list[tuple[str, str]] = []
        self.last_errors: list[SourceError] = []
        self.watcher: Watcher | None = None
        self.palette: dict[str, str] = {}
        self.signature: tuple[object, ...] | None = None
        self._debounce: Timer | None = None
        self.refreshing = False
        self.known_sources = -1  # feeds and feed servers; unknown until the first count
        self.merge_from: str | None = None  # m picked a story to merge into another's cluster
        self.to_end = False  # G asked for the true end: move there when it is loaded
        self.to_top = False  # a new order: the cursor goes to its first story
        self.undo: tuple[list[str], float] | None = None  # stories a bulk mark read changed

    def compose(self) -> ComposeResult:
        clock = self.context.clock
        yield SearchBar(id="search")
        with Vertical(id="body"):
            with Horizontal(id="panes"):
                yield StoryList(clock, id="stories")
                yield ClusterPane(clock, id="clusters")
                yield QuotePane(id="quotes")
            yield Reader(clock, id="reader")
        yield StatusLine(id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.set_focus(self.query_one(StoryList))
        self.reload()  # the counts follow the first page (see stories_loaded)
        config = self.context.config
        if config.refresh_minutes > 0:
            self.set_interval(config.refresh_minutes * 60, self.action_refresh_feeds)
        if config.poll_seconds > 0:
            self.set_interval(config.poll_seconds, self.poll)
        # a team desk says when another editor changed something: look at once
        self.watcher = self.context.desk.watch(self._changed_elsewhere, self._fetching_elsewhere)

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    def _changed_elsewhere(self, table: str) -> None:
        """(The watcher's thread.) Another session committed a change to ``table``."""
        with contextlib.suppress(RuntimeError):  # the app is closing
            self.app.call_from_thread(self.poll)

    def _fetching_elsewhere(self, progress: FetchProgress) -> None:
        """(The watcher's thread.) Another terminal's fetch of the desk went on."""
        with contextlib.suppress(RuntimeError):  # the app is closing
            self.app.call_from_thread(self.show_fetch_elsewhere, progress)

    def show_fetch_elsewhere(self, progress: FetchProgress) -> None:
        """Show another terminal's fetch in the status line; list its stories when it
        ends (this terminal's own refresh, if one runs, keeps the bar)."""
        if self.refreshing:
            return
        status = self._status()
        if progress.finished:
            status.idle()
            self.poll()
            return
        who = f"{progress.editor}'s terminal" if progress.editor else "another terminal"
        status.progress(f"{who}: {progress.stage}", progress.done, progress.total)

    # -- focus and layout ----------------------------------------------------------------

    def on_descendant_focus(self, event: object) -> None:
        self.update_focus_classes()

    def on_resize(self, event: object) -> None:
        self.call_after_refresh(self.update_focus_classes)

    def update_focus_classes(self) -> None:
        """Tell the narrow layout which pane has focus (it gets the room).

        Only the narrow layout uses these classes, and changing a screen class
        restyles every widget, so the wide layout leaves them alone.
        """
        focused = self.focused
        name = focused.id if isinstance(focused, Widget) and self.has_class("-narrow") else None
        for pane in (*PANES, "reader"):
            self.set_class(name == pane, f"-focus-{pane}")
        self.set_class(name == "reader", "-reading")

    def action_focus_search(self) -> None:
        """Go to the search bar with the kept query selected (typing starts a new one)."""
        self.query_one(SearchBar).start_query()

    def action_clear_search(self) -> None:
        """Clear the search from anywhere and go back to the stories."""
        if self.merge_from is not None:
            self.merge_from = None
            self.tell("Merge cancelled")
            return
        bar = self.query_one(SearchBar)
        if bar.value or self.query_text:
            with bar.prevent(Input.Changed):
                bar.value = ""
            self.search_cleared()
        else:
            self.set_focus(self.query_one(StoryList))

    def action_focus_pane(self, name: str) -> None:
        """Focus one of the three panes."""
        self.set_focus(self.query_one(f"#{name}"))

    async def action_pane(self, name: str, action: str) -> None:
        """Run a pane's action (for the command palette), focusing the pane first."""
        pane = self.query_one(f"#{name}")
        self.set_focus(pane)
        await pane.run_action(action)

    # -- search ----------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(SEARCH_DEBOUNCE, lambda: self.run_query(event.value))

    @on(Input.Submitted, "#search")
    def search_submitted(self, event: Input.Submitted) -> None:
        # Enter runs the query now: the typing's pending run would run it again later
        # and reset the list the editor may already be paging through.
        if self._debounce is not None:
            self._debounce.stop()
        self.run_query(event.value)
        self.set_focus(self.query_one(StoryList))

    @on(SearchBar.Cleared)
    def search_cleared(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self.run_query("")
        self.set_focus(self.query_one(StoryList))

    def run_query(self, text: str) -> None:
        """Show the stories matching ``text`` (the first page)."""
        if text.strip() == self.query_text and self.limit == PAGE_SIZE:
            return
        self.query_text = text.strip()
        self.limit = PAGE_SIZE
        self.reload()

    def recall_query(self, text: str) -> None:
        """Put a query in the search bar and run it now, in the order kept for it
        when it is a saved search."""
        bar = self.query_one(SearchBar)
        with bar.prevent(Input.Changed):
            bar.value = text
        query = text.strip()
        if any(q == query for _, q in self.saved):
            kept = self.search_sorts.get(query, queries.DEFAULT_SORT)
            if kept in queries.SORT_NAMES and kept != self.sort:
                self.set_sort(kept)
                self.query_text = query
                self.limit = PAGE_SIZE
                self.reload()
                return
        self.run_query(text)

    # -- order -----------------------------------------------------------------------------

    def set_sort(self, sort: str) -> None:
        """Use ``sort`` for the story list (the caller reloads)."""
        self.sort = sort
        name = queries.SORT_NAMES[sort]
        self.query_one(StoryList).set_order("" if sort == queries.DEFAULT_SORT else name)

    def action_cycle_sort(self) -> None:
        """Next order of the story list; a saved search being shown keeps it."""
        order = list(queries.SORT_NAMES)
        self.action_sort(order[(order.index(self.sort) + 1) % len(order)])

    def action_sort(self, sort: str) -> None:
        """Sort the story list (the palette offers each order); a saved search being
        shown keeps it."""
        if sort not in queries.SORT_NAMES:
            return
        self.set_sort(sort)
        self.limit = PAGE_SIZE
        self.to_top = True
        self.reload()
        query = self.query_text
        saved = any(q == query for _, q in self.saved)
        self.notify(  # short: the list's border says the order too, and O is pressed in runs
            f"Sorted {queries.SORT_NAMES[self.sort]}"
            + (" (kept for this saved search)" if saved else ""),
            markup=False,
            timeout=SORT_TOAST_SECONDS,
        )
        if saved:
            self.write_search_sort(query, "" if self.sort == queries.DEFAULT_SORT else self.sort)

    @work(thread=True, group="edits")
    @guarded("saving to the desk")
    def write_search_sort(self, query: str, sort: str) -> None:
        self.context.desk.tags.set_search_sort(query, sort)
        self.app.call_from_thread(self.load_side_data)

    # -- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-run the current query (keeps the selection and scroll)."""
        self.generation += 1
        self.load_stories(self.query_text, self.unread_only, self.limit, self.generation)

    @work(thread=True, exclusive=True, group="stories")
    @guarded("loading stories")
    def load_stories(self, query: str, unread_only: bool, limit: int, generation: int) -> None:
        self.fetch_page(query, unread_only, limit, generation, 0)

    def fetch_page(
        self, query: str, unread_only: bool, limit: int, generation: int, offset: int
    ) -> None:
        """Load a page in this (worker) thread and post it back."""
        desk = self.context.desk
        try:
            page = queries.load_page(desk, query, unread_only, limit, offset, self.sort)
        except SearchError as exc:
            self.post_message(m.SearchFailed(str(exc)))
            return
        self.post_message(
            m.StoriesLoaded(
                page.stories, page.total, page.sizes, query, generation, offset, more=page.more
            )
        )

    @work(thread=True, exclusive=True, group="more")
    @guarded("loading more stories")
    def load_more_stories(
        self, query: str, unread_only: bool, limit: int, generation: int, offset: int
    ) -> None:
        """The next page (its own group, so it never cancels a full reload)."""
        self.fetch_page(query, unread_only, limit, generation, offset)

    @on(m.StoriesLoaded)
    def stories_loaded(self, event: m.StoriesLoaded) -> None:
        if event.generation != self.generation:
            return
        stories = self.query_one(StoryList)
        if event.offset:
            if event.offset == len(stories.stories):
                stories.extend(event.stories, event.sizes, event.total, event.more)
                self.query_one(StatusLine).set_shown(len(stories.stories), event.total, event.more)
                if self.to_end:
                    self.to_end = False
                    stories.move_cursor(row=max(0, len(stories.stories) - 1))
            return
        stories.show(event.stories, event.sizes, event.total, event.more)
        if self.to_top:
            self.to_top = False
            if event.stories:
                stories.move_cursor(row=0, animate=False)
        status = self.query_one(StatusLine)
        status.set_problem("")
        status.set_shown(len(event.stories), event.total, event.more)
        if not event.stories:
            self.selected_id = None
            self.query_one(Reader).show(None, [], [], self.palette)
            self.query_one(QuotePane).show([], self.palette, {})
            self.query_one(ClusterPane).show_cluster(None)
        elif self.selected_id is not None:
            self.load_detail(self.selected_id, self.query_text, self.whole_cluster)
        if self.cluster_mode != "story":
            self.load_cluster_list(self.query_text, self.unread_only, self.cluster_mode)
        self.load_side_data()

    @on(m.SearchFailed)
    def search_failed(self, event: m.SearchFailed) -> None:
        self.query_one(StatusLine).set_problem(f"search: {event.error}")

    @on(m.WorkFailed)
    def work_failed(self, event: m.WorkFailed) -> None:
        self.query_one(StatusLine).set_problem(f"{event.what} failed")
        self.tell(f"Failed {event.what}: {event.error}", "error")

    @on(m.LoadMoreStories)
    def load_more(self) -> None:
        loaded = len(self.query_one(StoryList).stories)
        if self.limit <= loaded:
            self.limit = loaded + PAGE_SIZE
            self.load_more_stories(
                self.query_text, self.unread_only, self.limit, self.generation, loaded
            )

    @on(m.LoadToEnd)
    def load_to_end(self) -> None:
        """Load every remaining story of the query, then put the cursor on the last."""
        loaded = len(self.query_one(StoryList).stories)
        self.to_end = True
        self.limit = queries.EXPORT_LIMIT
        self.load_more_stories(
            self.query_text, self.unread_only, self.limit, self.generation, loaded
        )

    @on(m.StepStory)
    def step_story(self, event: m.StepStory) -> None:
        """n / p / N from the reader: read the next or previous story of the list."""
        stories = self.query_one(StoryList)
        story = stories.step(event.step, event.unread)
        if story is None:
            self.tell("No more unread stories" if event.unread else "No more stories")
            return
        self.story_opened(m.StoryOpened(story.id))

    @on(m.UnreadOnlyToggled)
    def unread_toggled(self, event: m.UnreadOnlyToggled) -> None:
        self.unread_only = event.unread_only
        self.limit = PAGE_SIZE
        self.reload()

    @on(m.StorySelected)
    def story_selected(self, event: m.StorySelected) -> None:
        self.selected_id = event.story_id
        self.load_detail(event.story_id, self.query_text, self.whole_cluster)

    @on(m.StoryOpened)
    def story_opened(self, event: m.StoryOpened) -> None:
        """Read a story: the reader shows it and it is marked read."""
        if event.story_id != self.selected_id:
            self.story_selected(m.StorySelected(event.story_id))
        stories = self.query_one(StoryList)
        story = next((s for s in stories.stories if s.id == event.story_id), None)
        if story is None or not stories.is_read(story):
            stories.set_read_here(event.story_id, True)
            self.write_read([event.story_id], True)
        self.set_focus(self.query_one(Reader))

    @work(thread=True, exclusive=True, group="detail")
    @guarded("loading the story")
    def load_detail(self, story_id: str, query: str, whole_cluster: bool) -> None:
        worker = get_current_worker()
        time.sleep(DETAIL_SETTLE)
        if worker.is_cancelled:  # the cursor has moved on
            return
        detail = queries.load_detail(self.context.desk, story_id, query, whole_cluster)
        if detail is not None and not worker.is_cancelled:
            self.post_message(
                m.DetailLoaded(
                    detail.story, detail.cluster, detail.quotes, detail.terms, detail.sources
                )
            )

    @on(m.DetailLoaded)
    def detail_loaded(self, event: m.DetailLoaded) -> None:
        if event.story.id != self.selected_id:
            return
        self.query_one(Reader).show(event.story, event.quotes, event.terms, self.palette)
        self.query_one(ClusterPane).show_cluster(event.cluster, event.story.id)
        self.query_one(QuotePane).show(event.quotes, self.palette, event.sources)

    @on(m.QuoteSelected)
    def quote_selected(self, event: m.QuoteSelected) -> None:
        reader = self.query_one(Reader)
        if reader.story is not None and event.quote.story_id != reader.story.id:
            self.selected_id = event.quote.story_id
            self.load_detail(event.quote.story_id, self.query_text, self.whole_cluster)
            return
        reader.scroll_to_quote(event.quote)

    @on(m.QuoteScopeChanged)
    def quote_scope_changed(self, event: m.QuoteScopeChanged) -> None:
        self.whole_cluster = event.whole_cluster
        if self.selected_id:
            self.load_detail(self.selected_id, self.query_text, self.whole_cluster)

    @on(m.ClusterModeChanged)
    def cluster_mode_changed(self, event: m.ClusterModeChanged) -> None:
        self.cluster_mode = event.mode
        if event.mode != "story":
            self.load_cluster_list(self.query_text, self.unread_only, event.mode)

    @work(thread=True, exclusive=True, group="clusters")
    @guarded("loading clusters")
    def load_cluster_list(self, query: str, unread_only: bool, by: str) -> None:
        desk = self.context.desk
        clusters: list[Cluster] = queries.load_clusters(desk, query, unread_only, by)
        self.post_message(m.ClustersLoaded(clusters))

    @on(m.ClustersLoaded)
    def clusters_loaded(self, event: m.ClustersLoaded) -> None:
        self.query_one(ClusterPane).show_all(event.clusters)

    @work(thread=True, exclusive=True, group="side")
    @guarded("reading desk counts")
    def load_side_data(self) -> None:
        """Counts, feed errors, tags (for completion) and saved searches."""
        desk = self.context.desk
        tags = [tag for tag, _ in desk.tags.all_tags()]
        saved = desk.tags.saved_searches()
        sorts = desk.tags.search_sorts()
        stories, unread = desk.store.count(), desk.store.unread_count()
        counts = (
            stories,
            unread,
            len(desk.feeds.errors()),
            len(desk.feeds.all()) + len(Servers(desk.store).all()),
        )
        signature = queries.desk_signature(desk, (stories, unread))
        self.app.call_from_thread(self._side_data, tags, saved, sorts, counts, signature)

    def _side_data(
        self,
        tags: list[str],
        saved: list[tuple[str, str]],
        sorts: dict[str, str],
        counts: tuple[int, int, int, int],
        signature: tuple[object, ...],
    ) -> None:
        self.known_tags, self.saved, self.signature = tags, saved, signature
        self.search_sorts = sorts
        self.known_sources = counts[3]
        self.query_one(StatusLine).set_counts(*counts[:3])

    # -- changes made elsewhere ------------------------------------------------------------

    def poll(self) -> None:
        """Look for changes made by another process (the CLI) and show them."""
        if self.signature is None:  # the first counts are still coming: nothing to compare
            return
        self.check_signature()

    @work(thread=True, exclusive=True, group="poll")
    @guarded("checking for changes")
    def check_signature(self) -> None:
        signature = queries.desk_signature(self.context.desk)
        if self.signature is not None and signature != self.signature:
            self.app.call_from_thread(self.reload)

    # -- desk edits ------------------------------------------------------------------------

    @on(m.MarkRead)
    def mark_read(self, event: m.MarkRead) -> None:
        stories = self.query_one(StoryList)
        for story_id in event.story_ids:
            stories.set_read_here(story_id, event.read)
        self.write_read(event.story_ids, event.read)
        if not event.read:
            self.tell("Marked unread")

    @on(m.MergePick)
    def merge_pick(self, event: m.MergePick) -> None:
        """First m: remember the story; second m on another story: merge the first into it."""
        if self.merge_from is None or self.merge_from == event.story_id:
            self.merge_from = event.story_id
            self.tell("Merge: go to the story whose cluster it joins and press m (Esc cancels)")
            return
        story_id, self.merge_from = self.merge_from, None
        self.write_cluster("merge", story_id, event.story_id)

    @on(m.SplitStory)
    def split_story(self, event: m.SplitStory) -> None:
        self.write_cluster("split", event.story_id, "")

    @work(thread=True, group="edits")
    @guarded("correcting the cluster")
    def write_cluster(self, action: str, story_id: str, other: str) -> None:
        """Move a story into another's cluster, or split it out (the corrections the
        CLI makes), then show the cluster at once."""
        desk = self.context.desk
        clusters = desk.clusters
        try:
            with desk.store.write():
                if action == "merge":
                    # the story moves alone: its old cluster-mates stay where they are
                    if clusters.sizes([story_id]).get(story_id, 1) > 1:
                        clusters.split(story_id)
                    clusters.merge(story_id, other)
                else:
                    clusters.split(story_id)
        except KeyError:
            self.app.call_from_thread(self.tell, "That story has no cluster yet", "warning")
            return
        size = clusters.sizes([story_id]).get(story_id, 1)
        done = (
            f"Moved the story into that cluster ({plural(size, 'story', 'stories')})"
            if action == "merge"
            else "Split out of its cluster"
        )
        self.app.call_from_thread(self.tell, done)
        self.app.call_from_thread(self.reload)

    @on(m.MarkAllRead)
    def mark_all_read(self, event: m.MarkAllRead) -> None:
        self.write_all_read(event.story_ids, event.what, self.query_text, self.unread_only)

    @work(thread=True, group="edits")
    @guarded("saving to the desk")
    def write_all_read(
        self, story_ids: list[str] | None, what: str, query: str, unread_only: bool
    ) -> None:
        """Mark a group read, remembering which were unread so ``z`` can undo it."""
        changed = queries.mark_all_read(self.context.desk, story_ids, query, unread_only)
        self.app.call_from_thread(self._marked_all, changed, what)

    def _marked_all(self, changed: list[str], what: str) -> None:
        if not changed:
            self.tell(f"Nothing unread in this {what}")
            return
        self.undo = (changed, time.monotonic())
        self.tell(
            f"Marked {plural(len(changed), 'story', 'stories')} of this {what} read"
            f" (z undoes for {UNDO_SECONDS:g}s)"
        )
        self.reload()

    def action_undo_read(self) -> None:
        """Undo the last bulk mark read, for a few seconds after it."""
        if self.undo is None or time.monotonic() - self.undo[1] > UNDO_SECONDS:
            self.undo = None
            self.tell("Nothing to undo", "warning")
            return
        changed, self.undo = self.undo[0], None
        self.write_read(changed, False)
        self.tell(f"Undone: {plural(len(changed), 'story', 'stories')} unread again")

    @work(thread=True, group="edits")
    @guarded("saving to the desk")
    def write_read(self, story_ids: list[str], read: bool) -> None:
        self.context.desk.store.set_read(story_ids, read)
        self.app.call_from_thread(self.load_side_data)
        if len(story_ids) > 1:
            self.app.call_from_thread(self.reload)

    @on(m.TagStories)
    def tag_stories(self, event: m.TagStories) -> None:
        self.ask_tags(
            "story" if len(event.story_ids) == 1 else f"{len(event.story_ids)} stories",
            event.remove,
            lambda tags: self.write_tags(event.story_ids, [], tags, event.remove),
        )

    @on(m.TagQuote)
    def tag_quote(self, event: m.TagQuote) -> None:
        self.ask_tags(
            "quote",
            event.remove,
            lambda tags: self.write_tags([], event.quote_ids, tags, event.remove),
        )

    @work(thread=True, group="edits")
    @guarded("saving to the desk")
    def write_tags(
        self, story_ids: list[str], quote_ids: list[str], tags: list[str], remove: bool
    ) -> None:
        desk = self.context.desk
        try:
            if story_ids:
                (desk.tags.untag_stories if remove else desk.tags.tag_stories)(story_ids, tags)
            if quote_ids:
                (desk.tags.untag_quotes if remove else desk.tags.tag_quotes)(quote_ids, tags)
        except TagError as exc:
            self.app.call_from_thread(self.tell, str(exc), "error")
            return
        verb = "Removed" if remove else "Tagged"
        self.app.call_from_thread(self.tell, f"{verb}: {' '.join(tags)}")
        self.app.call_from_thread(self.reload)

    def tell(self, text: str, severity: str = "information") -> None:
        """A notification that never interprets the text as markup."""
        self.notify(text, severity=severity, markup=False)  # type: ignore[arg-type]

    # == desk-wide actions: refresh, export, saved searches, tags, links ==

    def _status(self) -> StatusLine:
        return self.query_one(StatusLine)

    # -- browser and clipboard -------------------------------------------------------------

    def on_open_link(self, event: m.OpenLink) -> None:
        self.browse(event.url)

    @work(thread=True, group="browser")
    @guarded("opening the link")
    def browse(self, url: str) -> None:
        """Open a link without blocking the UI (a browser may take a while to start)."""
        try:
            opened = queries.open_in_browser(url)
        except queries.UnsafeLink as exc:
            self.app.call_from_thread(self.tell, f"Link {exc}", "warning")
            return
        if not opened:
            self.app.call_from_thread(self.tell, f"No browser to open {url}", "warning")

    def on_copy_quote(self, event: m.CopyQuote) -> None:
        quote = event.quote.quote
        outlet = self.query_one(QuotePane).sources.get(event.quote.story_id, "")
        text = attribution(quote.text, quote.speaker, quote.role, outlet)
        self.app.copy_to_clipboard(text)
        self.tell(f"Copied: {text}")

    # -- tags ------------------------------------------------------------------------------

    def ask_tags(self, what: str, remove: bool, then: Callable[[list[str]], object]) -> None:
        """Prompt for tags (with completion) and hand them to ``then``."""
        title = f"Remove tags from the {what}" if remove else f"Tag the {what}"

        def done(tags: list[str] | None) -> None:
            if tags:
                then(tags)

        self.app.push_screen(TagPrompt(title, list(self.known_tags)), done)

    # -- assignments -----------------------------------------------------------------------

    def action_assign(self) -> None:
        """Hand the selected story to an editor (``assigned:me`` lists one's own)."""
        story_id = self.selected_id
        if story_id is None:
            self.tell("Select a story to assign", "warning")
            return

        def done(names: list[str] | None) -> None:
            if names:
                self.write_assignment(story_id, names)

        prompt = TagPrompt(
            "Assign the story to (editor names)",
            [],
            noun="editors",
            empty="any name; each editor runs triage --as NAME",
        )
        self.app.push_screen(prompt, done)

    @work(thread=True, group="edits")
    @guarded("assigning the story")
    def write_assignment(self, story_id: str, names: list[str]) -> None:
        try:
            done = [self.context.desk.editors.assign(story_id, name).editor for name in names]
        except EditorError as exc:
            self.app.call_from_thread(self.tell, str(exc), "warning")
            return
        said = ", ".join("@" + name for name in done)
        self.app.call_from_thread(self.tell, f"Assigned to {said}")

    # -- refresh ---------------------------------------------------------------------------

    def action_refresh_feeds(self) -> None:
        """Fetch every subscribed feed now, in the background."""
        if self.refreshing:
            return
        if not self.known_sources:
            self.tell(
                "No feeds yet: F opens the feeds view (a adds one, i imports OPML;"
                " or  triage feeds add URL)",
                "warning",
            )
            return
        self.refreshing = True
        self._status().progress("start", 0, 1)
        self.run_refresh()

    @work(thread=True, exclusive=True, group="refresh")
    @guarded("refreshing feeds")
    def run_refresh(self) -> None:
        # the sync engine brings the whole ingest path (feed parsing, HTTP): loaded on
        # the first refresh, not before the first screen
        from triage.core.sync import backend_at_hand, sync_servers

        desk = self.context.desk

        def progress(stage: str, done: int, total: int) -> None:
            self.post_message(m.RefreshProgress(stage, done, total))
            desk.store.announce_fetch(stage, done, total)  # a team desk's other terminals

        pipeline = desk.pipeline(progress=progress)
        try:
            with desk.store.fetcher() as elected:
                if not elected:  # a team desk fetches once, in one terminal: no error
                    self.app.call_from_thread(self.fetched_elsewhere)
                    return
                report = pipeline.refresh(finish=False)
                for outcome in sync_servers(desk.store, backend_at_hand):
                    if outcome.report is None:
                        report.errors.append(SourceError(outcome.url, outcome.error))
                    else:
                        report.added += outcome.report.added
                        report.story_ids.extend(outcome.report.story_ids)
            self.post_message(m.StoriesFetched(report))
            pipeline.finish(background=True)  # analysis and index off the process that paints
        except Exception as exc:
            report = IngestReport(errors=[SourceError("refresh", str(exc))])
            self.post_message(m.StoriesFetched(report))
        self.post_message(m.RefreshFinished(report))

    def fetched_elsewhere(self) -> None:
        """Another terminal of a team desk holds the fetch: say so, change nothing."""
        self.refreshing = False
        self._status().idle()
        self.tell("Another terminal is fetching this desk's feeds: its stories arrive here")

    def on_refresh_progress(self, event: m.RefreshProgress) -> None:
        self._status().progress(event.stage, event.done, event.total)

    def on_stories_fetched(self, event: m.StoriesFetched) -> None:
        """New stories are stored: list them now, say what came in."""
        self.last_errors = list(event.report.errors)
        report = event.report
        text = f"Refreshed: {report.added} new, {report.updated} updated"
        if report.errors:
            text += f", {plural(len(report.errors), 'feed error', 'feed errors')} (L shows them)"
        self.tell(text, "warning" if report.errors else "information")
        self.reload()

    def on_refresh_finished(self, event: m.RefreshFinished) -> None:
        """Quotes, clusters and the index caught up: redraw what depends on them."""
        self.refreshing = False
        self._status().finished(self.context.clock())
        alerts.announce(self.app, self._status(), self.context, event.report, self.tell)
        self.reload()

    def action_rules(self) -> None:
        """The rules on ingest and the alerts: list, add, edit, delete, try."""
        self.app.push_screen(RulesScreen(self.context), lambda _: self.reload())

    # -- feed log --------------------------------------------------------------------------

    def action_feeds(self) -> None:
        """Every subscription with its unread count and fetch state; enter lists its stories."""

        view = FeedsScreen(self.context)

        def chosen(query: str | None) -> None:
            self.load_side_data()
            if query is not None:
                self.recall_query(query)
                self.set_focus(self.query_one(StoryList))
            if view.mark_read_asked is not None:
                self.write_all_read(None, "feed", feed_query(view.mark_read_asked), False)
            if view.refresh_asked:
                self.known_feeds = -1  # the view may have added the first ones
                self.action_refresh_feeds()

        self.app.push_screen(view, chosen)

    def action_feed_log(self) -> None:
        """Show failing feeds and the last refresh's errors."""
        self.load_feed_log()

    @work(thread=True, group="feeds")
    @guarded("reading the feed log")
    def load_feed_log(self) -> None:
        failing = self.context.desk.feeds.errors()
        self.app.call_from_thread(
            self.app.push_screen, FeedLogScreen(failing, list(self.last_errors))
        )

    # -- export ----------------------------------------------------------------------------

    def action_export(self) -> None:
        """Export the current search to Markdown, JSON or CSV."""
        total = self.query_one(StatusLine).shown[1]

        def chosen(answer: tuple[str, Path] | None) -> None:
            if answer is not None:
                self.write_export(self.query_text, self.unread_only, self.sort, *answer)

        self.app.push_screen(ExportScreen(self.context.clock(), total), chosen)

    @work(thread=True, group="export")
    @guarded("exporting")
    def write_export(self, query: str, unread_only: bool, sort: str, fmt: str, path: Path) -> None:
        try:
            count = queries.export_search(self.context.desk, query, unread_only, fmt, path, sort)
        except (OSError, SearchError) as exc:
            self.app.call_from_thread(self.tell, f"Export failed: {exc}", "error")
            return
        self.app.call_from_thread(self.tell, f"Exported {count} stories to {path}")

    # -- saved searches --------------------------------------------------------------------

    def action_save_search(self) -> None:
        """Save the current query under a name."""
        if not self.query_text:
            self.tell("Nothing to save: type a search first (/)", "warning")
            return
        query, sort = self.query_text, self.sort

        def named(name: str | None) -> None:
            if name:
                self.write_saved_search(name, query, sort)

        self.app.push_screen(SaveSearchPrompt(query), named)

    @work(thread=True, group="edits")
    @guarded("saving to the desk")
    def write_saved_search(self, name: str, query: str, sort: str) -> None:
        self.context.desk.tags.save_search(
            name, query, "" if sort == queries.DEFAULT_SORT else sort
        )
        self.app.call_from_thread(self.tell, f"Saved search {name!r}")
        self.app.call_from_thread(self.load_side_data)

    def action_saved_searches(self) -> None:
        """Pick a saved search to recall (or delete one)."""
        picker = SavedSearchPicker(list(self.saved))

        def picked(query: str | None) -> None:
            if picker.deleted:
                self.forget_searches(picker.deleted)
            if query is not None:
                self.recall_query(query)

        self.app.push_screen(picker, picked)

    @work(thread=True, group="edits")
    @guarded("saving to the desk")
    def forget_searches(self, names: list[str]) -> None:
        for name in names:
            self.context.desk.tags.delete_search(name)
        self.app.call_from_thread(self.load_side_data)

    def action_recall(self, number: int) -> None:
        """Recall the n-th saved search (ctrl+1 … ctrl+9)."""
        if 1 <= number <= len(self.saved):
            self.recall_query(self.saved[number - 1][1])
        else:
            self.tell(f"No saved search {number} (S lists them)", "warning")
