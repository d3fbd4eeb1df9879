"""Desk-wide actions of the main screen: refresh, export, saved searches, tags, logs.

Kept apart from :mod:`triage.ui.screens.main` so each module stays small; this is
a mixin for :class:`~triage.ui.screens.main.MainScreen` and relies on its state.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

from triage.core.models import IngestReport, SourceError
from triage.core.search import SearchError
from triage.ui import messages as m
from triage.ui import queries
from triage.ui.guard import guarded
from triage.ui.screens.export import ExportScreen
from triage.ui.screens.feed_log import FeedLogScreen
from triage.ui.screens.saved import SavedSearchPicker, SaveSearchPrompt
from triage.ui.screens.tag_prompt import TagPrompt
from triage.ui.text import attribution

if TYPE_CHECKING:
    from triage.ui.app import TriageApp
    from triage.ui.widgets.status import StatusLine


class DeskActions:
    """Actions on the desk as a whole; mixed into the main screen."""

    if TYPE_CHECKING:
        query_text: str
        unread_only: bool
        known_tags: list[str]
        saved: list[tuple[str, str]]
        last_errors: list[SourceError]
        refreshing: bool

        @property
        def triage(self) -> TriageApp: ...
        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
        def post_message(self, message: Any) -> bool: ...
        def tell(self, text: str, severity: str = "information") -> None: ...
        def reload(self) -> None: ...
        def load_side_data(self) -> object: ...
        def recall_query(self, text: str) -> None: ...

    def _status(self) -> StatusLine:
        from triage.ui.widgets.status import StatusLine

        status: StatusLine = self.query_one(StatusLine)
        return status

    # -- browser and clipboard -------------------------------------------------------------

    def on_open_link(self, event: m.OpenLink) -> None:
        self.browse(event.url)

    @work(thread=True, group="browser")
    @guarded("opening the link")
    def browse(self, url: str) -> None:
        """Open a link without blocking the UI (a browser may take a while to start)."""
        if not queries.open_in_browser(url):
            self.triage.call_from_thread(self.tell, f"No browser to open {url}", "warning")

    def on_copy_quote(self, event: m.CopyQuote) -> None:
        from triage.ui.widgets.quote_pane import QuotePane

        quote = event.quote.quote
        outlet = self.query_one(QuotePane).sources.get(event.quote.story_id, "")
        text = attribution(quote.text, quote.speaker, quote.role, outlet)
        self.triage.copy_to_clipboard(text)
        self.tell(f"Copied: {text}")

    # -- tags ------------------------------------------------------------------------------

    def ask_tags(self, what: str, remove: bool, then: Callable[[list[str]], object]) -> None:
        """Prompt for tags (with completion) and hand them to ``then``."""
        title = f"Remove tags from the {what}" if remove else f"Tag the {what}"

        def done(tags: list[str] | None) -> None:
            if tags:
                then(tags)

        self.triage.push_screen(TagPrompt(title, list(self.known_tags)), done)

    # -- refresh ---------------------------------------------------------------------------

    def action_refresh_feeds(self) -> None:
        """Fetch every subscribed feed now, in the background."""
        if self.refreshing:
            return
        self.refreshing = True
        self._status().progress("start", 0, 1)
        self.run_refresh()

    @work(thread=True, exclusive=True, group="refresh")
    @guarded("refreshing feeds")
    def run_refresh(self) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            self.post_message(m.RefreshProgress(stage, done, total))

        pipeline = self.triage.desk.pipeline(progress=progress)
        try:
            report = pipeline.refresh(finish=False)
            self.post_message(m.StoriesFetched(report))
            pipeline.finish(background=True)  # analysis and index off the process that paints
        except Exception as exc:
            report = IngestReport(errors=[SourceError("refresh", str(exc))])
            self.post_message(m.StoriesFetched(report))
        self.post_message(m.RefreshFinished(report))

    def on_refresh_progress(self, event: m.RefreshProgress) -> None:
        self._status().progress(event.stage, event.done, event.total)

    def on_stories_fetched(self, event: m.StoriesFetched) -> None:
        """New stories are stored: list them now, say what came in."""
        self.last_errors = list(event.report.errors)
        report = event.report
        text = f"Refreshed: {report.added} new, {report.updated} updated"
        if report.errors:
            text += f", {len(report.errors)} feed errors (L shows them)"
        self.tell(text, "warning" if report.errors else "information")
        self.reload()

    def on_refresh_finished(self, event: m.RefreshFinished) -> None:
        """Quotes, clusters and the index caught up: redraw what depends on them."""
        self.refreshing = False
        self._status().finished(self.triage.clock())
        self.reload()

    # -- feed log --------------------------------------------------------------------------

    def action_feed_log(self) -> None:
        """Show failing feeds and the last refresh's errors."""
        self.load_feed_log()

    @work(thread=True, group="feeds")
    @guarded("reading the feed log")
    def load_feed_log(self) -> None:
        failing = self.triage.desk.feeds.errors()
        self.triage.call_from_thread(
            self.triage.push_screen, FeedLogScreen(failing, list(self.last_errors))
        )

    # -- export ----------------------------------------------------------------------------

    def action_export(self) -> None:
        """Export the current search to Markdown, JSON or CSV."""
        from triage.ui.widgets.status import StatusLine

        total = self.query_one(StatusLine).shown[1]

        def chosen(answer: tuple[str, Path] | None) -> None:
            if answer is not None:
                self.write_export(self.query_text, self.unread_only, *answer)

        self.triage.push_screen(ExportScreen(self.triage.clock(), total), chosen)

    @work(thread=True, group="export")
    @guarded("exporting")
    def write_export(self, query: str, unread_only: bool, fmt: str, path: Path) -> None:
        try:
            count = queries.export_search(self.triage.desk, query, unread_only, fmt, path)
        except (OSError, SearchError) as exc:
            self.triage.call_from_thread(self.tell, f"Export failed: {exc}", "error")
            return
        self.triage.call_from_thread(self.tell, f"Exported {count} stories to {path}")

    # -- saved searches --------------------------------------------------------------------

    def action_save_search(self) -> None:
        """Save the current query under a name."""
        if not self.query_text:
            self.tell("Nothing to save: type a search first (/)", "warning")
            return
        query = self.query_text

        def named(name: str | None) -> None:
            if name:
                self.write_saved_search(name, query)

        self.triage.push_screen(SaveSearchPrompt(query), named)

    @work(thread=True, group="edits")
    @guarded("saving to the desk")
    def write_saved_search(self, name: str, query: str) -> None:
        self.triage.desk.tags.save_search(name, query)
        self.triage.call_from_thread(self.tell, f"Saved search {name!r}")
        self.triage.call_from_thread(self.load_side_data)

    def action_saved_searches(self) -> None:
        """Pick a saved search to recall (or delete one)."""
        picker = SavedSearchPicker(list(self.saved))

        def picked(query: str | None) -> None:
            if picker.deleted:
                self.forget_searches(picker.deleted)
            if query is not None:
                self.recall_query(query)

        self.triage.push_screen(picker, picked)

    @work(thread=True, group="edits")
    @guarded("saving to the desk")
    def forget_searches(self, names: list[str]) -> None:
        for name in names:
            self.triage.desk.tags.delete_search(name)
        self.triage.call_from_thread(self.load_side_data)

    def action_recall(self, number: int) -> None:
        """Recall the n-th saved search (ctrl+1 … ctrl+9)."""
        if 1 <= number <= len(self.saved):
            self.recall_query(self.saved[number - 1][1])
        else:
            self.tell(f"No saved search {number} (S lists them)", "warning")
