"""Command palette entries (ctrl+p) for every action an editor has a key for.

Saved searches are offered too. Their names and queries are the editor's own
text, and the palette parses both ``Matcher.highlight`` input and help text as
markup, so entries are built with :func:`literal_highlight` and help is escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.markup import escape

from triage.ui.queries import SORT_NAMES
from triage.ui.text import clean

# (command name, help, action run against the main screen, key)
ACTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("Search", "Focus the search bar", "screen.focus_search", "/"),
    ("Stories pane", "Focus the story list", "screen.focus_pane('stories')", "1"),
    ("Clusters pane", "Focus the clusters pane", "screen.focus_pane('clusters')", "2"),
    ("Quotes pane", "Focus the quotes pane", "screen.focus_pane('quotes')", "3"),
    ("Refresh feeds", "Fetch every subscribed feed now", "screen.refresh_feeds", "R"),
    ("Export search", "Write the current search as md, json or csv", "screen.export", "e"),
    ("Save search", "Save the current query under a name", "screen.save_search", "s"),
    ("Saved searches", "Recall a saved search", "screen.saved_searches", "S"),
    (
        "Feeds",
        "Every subscription: unread, last success and error; add, rename, tag, remove, OPML",
        "screen.feeds",
        "F",
    ),
    ("Feed log", "Show failing feeds", "screen.feed_log", "L"),
    (
        "Rules and alerts",
        "Rules on ingest (tag, mark read, hide, pin new stories); saved searches as alerts",
        "screen.rules",
        "K",
    ),
    (
        "Mark search read",
        "Mark every story of the search read (z undoes)",
        "screen.pane('stories', 'mark_all_read')",
        "A",
    ),
    ("Undo mark read", "Undo the last bulk mark read", "screen.undo_read", "z"),
    *[
        (
            f"Sort: {name}",
            "Order of the story list (kept per saved search)",
            f"screen.sort('{key}')",
            "O",
        )
        for key, name in SORT_NAMES.items()
    ],
    ("Clear search", "Clear the search", "screen.clear_search", "escape"),
    ("Tag story", "Tag the selected story", "screen.pane('stories', 'tag')", "t"),
    ("Untag story", "Remove a tag from the selected story", "screen.pane('stories', 'untag')", "T"),
    (
        "Mark read and next",
        "Mark the selected story read",
        "screen.pane('stories', 'mark_read')",
        "space",
    ),
    (
        "Unread only",
        "Show only unread stories (toggle)",
        "screen.pane('stories', 'toggle_unread')",
        "u",
    ),
    (
        "Open in browser",
        "Open the selected story's link",
        "screen.pane('stories', 'open_link')",
        "o",
    ),
    (
        "Read story",
        "Open the selected story in the reader",
        "screen.pane('stories', 'open')",
        "enter",
    ),
    ("Tag cluster", "Tag every story of the cluster", "screen.pane('clusters', 'tag')", "t"),
    (
        "Merge story",
        "Merge the story into another's cluster (m, then m on the other)",
        "screen.pane('stories', 'merge_pick')",
        "m",
    ),
    (
        "Split story out",
        "Take the highlighted member out of its cluster",
        "screen.pane('clusters', 'split')",
        "x",
    ),
    (
        "All clusters",
        "Cycle the clusters pane: story / by size / by recency",
        "screen.pane('clusters', 'cycle_mode')",
        "a",
    ),
    ("Tag quote", "Tag the selected quote", "screen.pane('quotes', 'tag')", "t"),
    (
        "Copy quote",
        "Copy the selected quote with attribution",
        "screen.pane('quotes', 'copy')",
        "y",
    ),
    (
        "Cluster quotes",
        "Quotes of the whole cluster (toggle)",
        "screen.pane('quotes', 'toggle_scope')",
        "c",
    ),
    ("Help", "Every key", "app.help", "?"),
    ("Quit", "Leave triage", "app.quit", "q"),
)


@runtime_checkable
class SavedSearches(Protocol):
    """A screen that holds the desk's saved searches and can run one."""

    saved: list[tuple[str, str]]

    def recall_query(self, text: str) -> None: ...


def literal_highlight(matcher: Matcher, text: str) -> Content:
    """``text`` as literal content with the fuzzy-matched letters underlined."""
    content = Content(clean(text, keep_newlines=False))
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            content = content.stylize("underline", offset, offset + 1)
    return content


class TriageCommands(Provider):
    """The triage actions and saved searches, searchable by name."""

    def _entries(self) -> list[tuple[str, str, Callable[[], object]]]:
        entries: list[tuple[str, str, Callable[[], object]]] = [
            (f"{name}  ({key})", help_text, partial(self.app.run_action, action))
            for name, help_text, action, key in ACTIONS
        ]
        main = next((s for s in self.app.screen_stack if isinstance(s, SavedSearches)), None)
        if main is not None:
            for name, query in main.saved:
                entries.append(
                    (
                        f"Saved search: {name}",
                        escape(f"Run {clean(query, False)}"),
                        partial(main.recall_query, query),
                    )
                )
        return entries

    async def discover(self) -> Hits:
        for text, help_text, command in self._entries():
            yield DiscoveryHit(
                Content(clean(text, keep_newlines=False)), command, text=text, help=help_text
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, command in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score, literal_highlight(matcher, text), command, text=text, help=help_text
                )
