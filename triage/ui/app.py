"""The triage app: a desk, the editor's config, and the main screen."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType

from triage.config import Config
from triage.core.desk import Desk
from triage.core.models import utc_now
from triage.ui.commands import TriageCommands
from triage.ui.context import Clock, DeskContext
from triage.ui.screens.feed_log import FeedLogScreen
from triage.ui.screens.feeds import FeedsScreen
from triage.ui.screens.help import HelpScreen, binding_rows
from triage.ui.screens.main import MainScreen
from triage.ui.screens.rules import RuleEditor, RulesScreen
from triage.ui.screens.saved import SavedSearchPicker
from triage.ui.widgets.cluster_pane import ClusterPane
from triage.ui.widgets.quote_pane import QuotePane
from triage.ui.widgets.reader import Reader
from triage.ui.widgets.search_bar import SearchBar
from triage.ui.widgets.story_list import StoryList

PANES = (
    MainScreen,
    SearchBar,
    StoryList,
    ClusterPane,
    QuotePane,
    Reader,
    FeedsScreen,
    SavedSearchPicker,
    FeedLogScreen,
    RulesScreen,
    RuleEditor,
)


def binding_ids() -> set[str]:
    """Every action id a ``[keys]`` entry may rebind."""
    found = set()
    for owner in (TriageApp, *PANES):
        for binding in owner.BINDINGS:
            if isinstance(binding, Binding) and binding.id:
                found.add(binding.id)
    return found


class TriageApp(App[None]):
    """A keyboard-driven desk for news editors.

    Args:
        desk: The desk to work on.
        config: Settings (refresh interval, theme, key overrides).
        clock: Returns "now" (UTC); tests freeze it so relative times are stable.
    """

    TITLE = "triage"
    CSS_PATH = "triage.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {TriageCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="next_pane"),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False, id="previous_pane"),
    ]

    def __init__(
        self, desk: Desk, config: Config | None = None, clock: Clock | None = None
    ) -> None:
        super().__init__()
        self.desk = desk
        self.config = config or Config()
        self.clock: Clock = clock or utc_now
        self.quitting = False
        """Set once the app starts to exit: keys typed after ``q`` then do nothing
        (an ``e`` queued behind it once opened a dialog on a screen being torn
        down and printed a NoMatches traceback on the way out)."""

    def exit(self, *args: Any, **kwargs: Any) -> None:
        """Exit the app; no action runs after this (see :attr:`quitting`)."""
        self.quitting = True
        super().exit(*args, **kwargs)

    async def run_action(self, *args: Any, **kwargs: Any) -> bool:
        """Run an action, unless the app is quitting (see :attr:`quitting`)."""
        if self.quitting:
            return False
        return await super().run_action(*args, **kwargs)

    def on_mount(self) -> None:
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        if self.config.keys:
            self.set_keymap(self.config.keys)
            unknown = sorted(set(self.config.keys) - binding_ids())
            if unknown:
                self.notify(
                    f"Unknown action under [keys]: {', '.join(unknown)} (? lists the keys;"
                    " the README lists action names)",
                    severity="warning",
                    markup=False,
                    timeout=10,
                )
        self.push_screen(MainScreen(DeskContext(self.desk, self.config, self.clock)))

    def on_app_focus(self, event: events.AppFocus) -> None:
        """Back from another window (perhaps the CLI): show what changed meanwhile."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.poll()

    def action_help(self) -> None:
        """Show every key, pane by pane."""
        self.push_screen(HelpScreen(help_sections(self.config.keys)))


def help_sections(keymap: dict[str, str] | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every key of the app, by where it works (the ``?`` screen), with the
    ``[keys]`` overrides shown in place of the defaults."""

    def rows(bindings: list[BindingType]) -> list[tuple[str, str]]:
        return binding_rows(bindings, keymap)

    return [
        ("Everywhere", [*rows(TriageApp.BINDINGS), ("ctrl+p", "Command palette")]),
        ("Desk", rows(MainScreen.BINDINGS)),
        ("Search bar", [("enter", "Keep the query"), *rows(SearchBar.BINDINGS)]),
        ("1 Stories", rows(StoryList.BINDINGS)),
        ("2 Clusters", rows(ClusterPane.BINDINGS)),
        ("3 Quotes", rows(QuotePane.BINDINGS)),
        ("Reader", rows(Reader.BINDINGS)),
        ("Feeds view (F)", rows(FeedsScreen.BINDINGS)),
        (
            "Saved searches (S)",
            [("enter", "Recall the highlighted search"), *rows(SavedSearchPicker.BINDINGS)],
        ),
        ("Rules and alerts (K)", rows(RulesScreen.BINDINGS)),
        ("Rule editor", [("enter", "Next field / save"), *rows(RuleEditor.BINDINGS)]),
        (
            "Feed log (L) and this help",
            list(dict.fromkeys([*rows(FeedLogScreen.BINDINGS), *rows(HelpScreen.BINDINGS)])),
        ),
    ]
