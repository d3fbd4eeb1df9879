"""The feeds view (``F``): every subscription, its unread count and fetch state.

Enter shows the feed's stories (the ``feed:`` query); ``a`` adds a feed, ``r``
renames it, ``t`` tags it, ``d`` removes it (its stories stay), ``i`` imports an
OPML file and ``x`` exports every subscription as one. Desk calls run in workers
on this screen; the list is reloaded after each change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Label, Static

from triage.core.errors import ParseError
from triage.core.links import url_parts
from triage.core.models import Feed
from triage.core.store import TagError, from_iso, normalize_tag
from triage.core.sync import ServerRecord, Servers
from triage.ui.context import DeskContext
from triage.ui.guard import guarded
from triage.ui.text import clean, plain, plural, relative_time

TITLE_WIDTH = 30
NARROW = 100
"""Below this many columns the title and tags columns shrink for the last error."""


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One subscription as the view shows it."""

    feed: Feed
    unread: int

    @property
    def title(self) -> str:
        """The feed's name, or (never fetched yet) its address without the scheme."""
        if self.feed.name:
            return self.feed.name
        return self.feed.url.split("://", 1)[-1]


def feed_query(url: str) -> str:
    """The query that lists one feed's stories."""
    return f'feed:"{url}"'


def feed_url_problem(url: str) -> str:
    """Why ``url`` cannot be a feed address ('' when it can)."""
    scheme, host, _, _ = url_parts(url)
    if scheme not in ("http", "https") or not host:
        return "give an http:// or https:// address"
    return ""


class FeedPrompt(ModalScreen[str | None]):
    """Ask for one line (a feed URL, or a new title); dismisses with it or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, title: str, placeholder: str, value: str = "") -> None:
        super().__init__()
        self.prompt_title, self.placeholder, self.value = title, placeholder, value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.prompt_title, markup=False, classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="feed-input")

    empty_ok = False
    """Whether an empty answer is an answer ('' clears), rather than a cancel."""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        self.dismiss(value if value or self.empty_ok else None)

    def action_cancel(self) -> None:
        """Close without a change."""
        self.dismiss(None)


class FeedsScreen(ModalScreen[str | None]):
    """Every subscription; dismisses with the query of the chosen feed, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="cancel"),
        Binding("q", "cancel", "Close", show=False),
        Binding("enter", "choose", "Stories", id="feed_stories"),
        Binding("a", "add", "Add", id="feed_add"),
        Binding("r", "rename", "Rename", id="feed_rename"),
        Binding("t", "tag", "Tag", id="feed_tag"),
        Binding("d", "remove", "Remove", id="feed_remove"),
        Binding("i", "import_opml", "Import OPML", id="feed_import"),
        Binding("x", "export_opml", "Export OPML", id="feed_export"),
        Binding("A", "mark_read", "Mark the feed read (closes; z undoes)", id="feed_mark_read"),
        Binding("R", "refresh", "Refresh feeds (closes the view)", id="feed_refresh"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, context: DeskContext) -> None:
        super().__init__()
        self.context = context
        self.rows: list[FeedRow] = []
        self.title_width = TITLE_WIDTH

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog feeds-dialog"):
            yield Label("Feeds", classes="dialog-title", id="feeds-title")
            yield DataTable(cursor_type="row", id="feeds-table")
            yield Static(id="feeds-servers", classes="feeds-servers")
            yield Label(
                "enter: stories · a: add · r: rename · t: tag · d: remove"
                " · i/x: OPML in/out · A: mark read · R: refresh · esc",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        narrow = self.app.size.width < NARROW  # leave the last error some room
        self.title_width = TITLE_WIDTH - (8 if narrow else 0)
        table.add_column("Feed", key="title", width=self.title_width)
        table.add_column("Tags", key="tags", width=8 if narrow else 12)
        table.add_column("Unread", key="unread", width=6)
        table.add_column("Last success", key="success", width=12)
        table.add_column("Last error", key="error")
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="feeds")
    @guarded("reading the feeds")
    def load(self) -> None:
        desk = self.context.desk
        unread = desk.feeds.unread_counts()
        rows = [FeedRow(f, unread.get(f.url, 0)) for f in desk.feeds.all()]
        servers = Servers(desk.store).all()
        self.app.call_from_thread(self.show, rows, servers)

    def show(self, rows: list[FeedRow], servers: list[ServerRecord] | None = None) -> None:
        """Fill the table (the cursor stays on the same row number) and, under it, the
        feed servers the desk syncs with and their feeds (``triage servers`` edits them)."""
        self.rows = rows
        self._show_servers(servers or [])
        failing = sum(1 for r in rows if r.feed.last_error)
        parts = [plural(len(rows), "feed", "feeds")]
        if failing:
            parts.append(f"{failing} failing")
        parts.append(f"{sum(r.unread for r in rows)} unread")
        self.query_one("#feeds-title", Label).update(f"Feeds · {' · '.join(parts)}")
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        now = self.context.clock()
        for row in rows:
            table.add_row(*self._cells(row, now), key=row.feed.url)
        if not rows:
            table.add_row(
                Text("a adds, i imports", style="dim"),  # fits the narrow title column
                *[Text("") for _ in range(4)],
            )
        elif keep:
            table.move_cursor(row=min(keep, len(rows) - 1))

    def _show_servers(self, servers: list[ServerRecord]) -> None:
        box = self.query_one("#feeds-servers", Static)
        box.display = bool(servers)
        text = Text(end="")
        now = self.context.clock()
        for server in servers:
            if text:
                text.append("\n")
            text.append_text(plain(f"{server.kind} server {server.url}", "bold", one_line=True))
            state = f" · {server.user} · {plural(len(server.feeds), 'feed', 'feeds')}"
            state += f" · {plural(server.items, 'item', 'items')}"
            text.append(state, style="dim")
            if server.last_error:
                text.append(" · ")
                text.append_text(plain(server.last_error, "red", one_line=True))
            elif server.last_sync:
                synced = relative_time(from_iso(server.last_sync), now)
                text.append(f" · synced {synced}", style="dim")
            titles = [f.title or f.url for f in server.feeds]
            if titles:
                text.append("\n  ")
                text.append_text(plain(" · ".join(titles), "", one_line=True))
        box.update(text)

    def _cells(self, row: FeedRow, now: datetime) -> list[Text]:
        feed = row.feed
        success = relative_time(feed.last_success, now) if feed.last_success else "never"
        error = Text(end="")
        if feed.last_error:
            error = plain(clean(feed.last_error, keep_newlines=False), "red", one_line=True)
            if feed.failures > 1:
                error.append(f" ×{feed.failures}", style="dim")
        name = row.title
        width = self.title_width
        if not feed.name and len(name) > width:  # an address: its end tells feeds apart
            name = "…" + name[-(width - 1) :]
        title = plain(name, "bold" if row.unread else "", one_line=True)
        tags = plain(" ".join(f"#{t}" for t in feed.tags), "italic cyan", one_line=True)
        return [
            title,
            tags,
            Text(str(row.unread), style="bold" if row.unread else "dim"),
            Text(success, style="dim"),
            error,
        ]

    @property
    def selected(self) -> FeedRow | None:
        """The feed under the cursor."""
        table = self.query_one(DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_choose()

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_choose(self) -> None:
        """Show the highlighted feed's stories."""
        if self.selected is not None:
            self.dismiss(feed_query(self.selected.feed.url))

    def action_add(self) -> None:
        """Subscribe to a feed (fetched on the next refresh, R)."""

        def added(url: str | None) -> None:
            if url is None:
                return
            problem = feed_url_problem(url)
            if problem:
                self.notify(f"Not a feed URL: {url} ({problem})", severity="error", markup=False)
                return
            self.write(lambda: self.context.desk.feeds.add(url), f"Subscribed: {url} (R fetches)")

        self.app.push_screen(FeedPrompt("Add a feed", "https://…/feed.xml"), added)

    def action_rename(self) -> None:
        """Give the highlighted feed a title of the editor's choosing."""
        row = self.selected
        if row is None:
            return
        feed = row.feed

        def renamed(name: str | None) -> None:
            if name:
                self.write(
                    lambda: self.context.desk.feeds.add(feed.url, name=name),
                    f"Renamed: {name}",
                )

        self.app.push_screen(FeedPrompt("Rename the feed", "title", row.title), renamed)

    def action_tag(self) -> None:
        """Set the highlighted feed's tags (space-separated; an empty line clears them)."""
        row = self.selected
        if row is None:
            return
        url = row.feed.url

        def tagged(text: str | None) -> None:
            if text is None:
                return
            try:
                tags = [normalize_tag(word) for word in text.replace(",", " ").split()]
            except TagError as exc:
                self.fail(str(exc))
                return
            self.write(
                lambda: self.context.desk.feeds.set_tags(url, tags),
                f"Tagged {row.title}: {' '.join(tags)}" if tags else f"Untagged {row.title}",
            )

        prompt = FeedPrompt(
            "Tags of the feed (space-separated; empty clears)", "tags", " ".join(row.feed.tags)
        )
        prompt.empty_ok = True
        self.app.push_screen(prompt, tagged)

    def action_import_opml(self) -> None:
        """Subscribe to every feed of an OPML file (fetched on the next refresh, R)."""

        def chosen(path: str | None) -> None:
            if path:
                self.import_opml(Path(path).expanduser())

        self.app.push_screen(FeedPrompt("Import feeds from an OPML file", "feeds.opml"), chosen)

    @work(thread=True, group="feed-edits")
    @guarded("importing feeds")
    def import_opml(self, path: Path) -> None:
        from triage.core.ingest import parse_opml  # the ingest path loads on use, not at start

        try:
            listed = parse_opml(path.read_bytes())
        except (OSError, ParseError) as exc:
            self.app.call_from_thread(self.fail, f"Cannot import {path}: {exc}")
            return
        if not listed:
            self.app.call_from_thread(self.fail, f"No feeds in {path} (is it an OPML file?)")
            return
        feeds = self.context.desk.feeds
        for item in listed:
            feeds.add(item.url, name=item.name, tags=[item.category] if item.category else [])
        self.app.call_from_thread(
            self.notify, f"Subscribed to {plural(len(listed), 'feed', 'feeds')} (R fetches)"
        )
        self.app.call_from_thread(self.load)

    def action_export_opml(self) -> None:
        """Write every subscription to an OPML file."""

        def chosen(path: str | None) -> None:
            if path:
                self.export_opml(Path(path).expanduser())

        prompt = FeedPrompt("Export the feeds as OPML to", "feeds.opml", "triage-feeds.opml")
        self.app.push_screen(prompt, chosen)

    @work(thread=True, group="feed-edits")
    @guarded("exporting feeds")
    def export_opml(self, path: Path) -> None:
        from triage.core.ingest import OpmlFeed, render_opml  # loads on use, not at start

        feeds = self.context.desk.feeds.all()
        opml = render_opml([OpmlFeed(f.url, f.name, f.tags[0] if f.tags else "") for f in feeds])
        try:
            path.write_text(opml, encoding="utf-8")
        except OSError as exc:
            self.app.call_from_thread(self.fail, f"Cannot write {path}: {exc.strerror or exc}")
            return
        self.app.call_from_thread(
            self.notify, f"Exported {plural(len(feeds), 'feed', 'feeds')} to {path}", markup=False
        )

    def fail(self, text: str) -> None:
        """Say what went wrong (never as markup)."""
        self.notify(text, severity="error", markup=False)

    def action_remove(self) -> None:
        """Unsubscribe from the highlighted feed (its stories stay on the desk)."""
        row = self.selected
        if row is not None:
            url = row.feed.url
            self.write(
                lambda: self.context.desk.feeds.remove(url), f"Removed {row.title} (stories stay)"
            )

    @work(thread=True, group="feed-edits")
    @guarded("changing the feeds")
    def write(self, change: Callable[[], object], done: str) -> None:
        change()
        self.app.call_from_thread(self.notify, done, markup=False)
        self.app.call_from_thread(self.load)

    def action_cancel(self) -> None:
        """Close the view."""
        self.dismiss(None)

    refresh_asked = False
    """Set by ``R``: the desk refreshes its feeds when the view has closed."""

    mark_read_asked: str | None = None
    """Set by ``A``: the feed whose stories the desk marks read (``z`` undoes)."""

    def action_mark_read(self) -> None:
        """Mark every story of the highlighted feed read, back on the desk (z undoes)."""
        if self.selected is not None:
            self.mark_read_asked = self.selected.feed.url
            self.dismiss(None)

    def action_refresh(self) -> None:
        """Close the view and refresh every feed (the status line shows the progress)."""
        self.refresh_asked = True
        self.dismiss(None)
