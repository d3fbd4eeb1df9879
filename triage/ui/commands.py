"""Command palette entries (ctrl+p) for every action an editor has a key for."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

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
    ("Feed log", "Show failing feeds", "screen.feed_log", "L"),
    ("Tag story", "Tag the selected story", "screen.pane('stories', 'tag')", "t"),
    ("Untag story", "Remove a tag from the selected story", "screen.pane('stories', 'untag')",
     "T"),
    ("Mark read and next", "Mark the selected story read", "screen.pane('stories', 'mark_read')",
     "space"),
    ("Unread only", "Show only unread stories (toggle)",
     "screen.pane('stories', 'toggle_unread')", "u"),
    ("Open in browser", "Open the selected story's link", "screen.pane('stories', 'open_link')",
     "o"),
    ("Read story", "Open the selected story in the reader", "screen.pane('stories', 'open')",
     "enter"),
    ("Tag cluster", "Tag every story of the cluster", "screen.pane('clusters', 'tag')", "t"),
    ("All clusters", "Cycle the clusters pane: story / by size / by recency",
     "screen.pane('clusters', 'cycle_mode')", "a"),
    ("Tag quote", "Tag the selected quote", "screen.pane('quotes', 'tag')", "t"),
    ("Copy quote", "Copy the selected quote with attribution", "screen.pane('quotes', 'copy')",
     "y"),
    ("Cluster quotes", "Quotes of the whole cluster (toggle)",
     "screen.pane('quotes', 'toggle_scope')", "c"),
    ("Help", "Every key", "app.help", "?"),
    ("Quit", "Leave triage", "app.quit", "q"),
)


class TriageCommands(Provider):
    """The triage actions, searchable by name."""

    async def discover(self) -> Hits:
        for name, help_text, action, key in ACTIONS:
            yield DiscoveryHit(
                Content(f"{name}  ({key})"), partial(self.app.run_action, action),
                text=name, help=help_text,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action, key in ACTIONS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(f"{name}  ({key})"),
                          partial(self.app.run_action, action), text=name, help=help_text)
