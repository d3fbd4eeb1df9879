"""Rules on ingest and alerts (``K``): list, add, edit, delete and try rules; mark saved
searches as alerts.

A rule is a query and actions (tag NAME, mark read, hide, pin) applied once to every
new story it matches (:mod:`triage.core.rules`). The editor tries a rule's query on
the desk as it types ("12 stories would match"), before saving it. Every desk call
runs in a worker on these screens; the lists reload after each change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label, Static

from triage.core.rules import Rule, RuleError, Trial
from triage.core.rules.actions import ARROW
from triage.core.store import RuleRow
from triage.ui.context import DeskContext
from triage.ui.guard import guarded
from triage.ui.text import plain, plural

TRY_DEBOUNCE = 0.3
TRIAL_TITLES = 5


def trial_text(trial: Trial) -> Text:
    """``12 stories would match`` and the newest few titles."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{plural(trial.total, 'story', 'stories')} would match now", style="bold")
    for story in trial.sample[:TRIAL_TITLES]:
        text.append("\n  ")
        text.append_text(plain(story.title or "(untitled)", one_line=True))
        text.append_text(plain(f"  {story.source}", "dim", one_line=True))
    return text


class RuleEditor(ModalScreen[Rule | None]):
    """Write or change one rule, trying its query as it is typed; dismisses with the
    saved rule, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+t", "try", "Try the query", id="rule_try_now"),
    ]

    def __init__(self, context: DeskContext, rule: Rule | None = None) -> None:
        super().__init__()
        self.context = context
        self.rule = rule
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        title = f"Edit rule {self.rule.id}" if self.rule else "New rule"
        with Vertical(classes="dialog rule-dialog"):
            yield Label(title, classes="dialog-title")
            yield Label("When a new story matches (the search language):", classes="field")
            yield Input(
                value=self.rule.query if self.rule else "",
                placeholder='e.g. source:"Daily Ledger" title:horoscope',
                id="rule-query",
            )
            yield Label("do (tag NAME, mark read, hide, pin):", classes="field")
            yield Input(
                value=self.rule.actions.text() if self.rule else "",
                placeholder="e.g. mark read  ·  tag kremlin, pin",
                id="rule-actions",
            )
            yield Static("Type a query to try it on the desk", id="rule-trial")
            yield Label("enter: next / save · ctrl+t: try · esc: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#rule-query", Input).focus()
        if self.rule is not None:
            self.action_try()

    @on(Input.Changed, "#rule-query")
    def query_changed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(TRY_DEBOUNCE, self.action_try)

    @on(Input.Submitted, "#rule-query")
    def query_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_try()
        self.query_one("#rule-actions", Input).focus()

    @on(Input.Submitted, "#rule-actions")
    def actions_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        query = self.query_one("#rule-query", Input).value
        self.save(query, event.value)

    def action_try(self) -> None:
        """Count what the query matches on the desk now."""
        query = ARROW.split(self.query_one("#rule-query", Input).value, maxsplit=1)[0]
        if query.strip():
            self.try_query(query)
        else:
            self.show_trial(Text("Type a query to try it on the desk", style="dim"))

    @work(thread=True, exclusive=True, group="rule-try")
    @guarded("trying the rule")
    def try_query(self, query: str) -> None:
        try:
            shown = trial_text(self.context.desk.rules.trial(query))
        except Exception as exc:  # a query the editor is still typing
            shown = plain(f"This query cannot run: {exc}", "red", one_line=True)
        self.app.call_from_thread(self.show_trial, shown)

    def show_trial(self, text: Text) -> None:
        """Show what the query would match (or why it cannot run)."""
        self.query_one("#rule-trial", Static).update(text)

    @work(thread=True, exclusive=True, group="rule-save")
    @guarded("saving the rule")
    def save(self, query: str, actions: str) -> None:
        engine = self.context.desk.rules
        if not actions.strip() and ARROW.search(query):  # "speaker:Peskov -> tag kremlin"
            query, actions = ARROW.split(query, maxsplit=1)
        try:
            saved = (
                engine.update(self.rule.id, query, actions)
                if self.rule is not None
                else engine.add(query, actions)
            )
        except RuleError as exc:
            shown = plain(f"Not saved: {exc}", "bold red", one_line=True)
            self.app.call_from_thread(self.show_trial, shown)
            return
        self.app.call_from_thread(self.dismiss, saved)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)


class RulesScreen(ModalScreen[None]):
    """The desk's rules, and its saved searches with their alert marks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="cancel"),
        Binding("q", "cancel", "Close", show=False),
        Binding("a", "add", "Add rule", id="rule_add"),
        Binding("e", "edit", "Edit rule", id="rule_edit"),
        Binding("d", "delete", "Delete rule", id="rule_delete"),
        Binding("t", "try", "Try rule", id="rule_try"),
        Binding("A", "apply", "Apply rule to the desk now", id="rule_apply"),
        Binding("space", "toggle_alert", "Alert on/off", id="alert_toggle"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, context: DeskContext) -> None:
        super().__init__()
        self.context = context
        self.rules: list[Rule | tuple[RuleRow, str]] = []
        self.searches: list[tuple[str, str, bool]] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog rules-dialog"):
            yield Label("Rules on ingest (run once on each new story)", classes="dialog-title")
            yield DataTable(cursor_type="row", id="rules-table")
            yield Label("Alerts (saved searches; a refresh says when they match)", classes="field")
            yield DataTable(cursor_type="row", id="alerts-table")
            yield Label(
                "a add · e edit · d delete · t try · A apply now · space alert · esc",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        rules = self.query_one("#rules-table", DataTable)
        rules.add_column("#", key="id", width=3)
        rules.add_column("When a new story matches", key="query", width=44)
        rules.add_column("do", key="actions")
        alerts = self.query_one("#alerts-table", DataTable)
        alerts.add_column("Alert", key="alert", width=5)
        alerts.add_column("Saved search", key="name", width=20)
        alerts.add_column("Query", key="query")
        rules.focus()
        self.load()

    @work(thread=True, exclusive=True, group="rules")
    @guarded("reading the rules")
    def load(self) -> None:
        desk = self.context.desk
        alerting = {name for name, _ in desk.rules.rows.alerts()}
        searches = [(n, q, n in alerting) for n, q in desk.tags.saved_searches()]
        self.app.call_from_thread(self.show, desk.rules.rules(), searches)

    def show(
        self, rules: list[Rule | tuple[RuleRow, str]], searches: list[tuple[str, str, bool]]
    ) -> None:
        """Fill both tables (each cursor stays on the same row number)."""
        self.rules, self.searches = rules, searches
        table = self.query_one("#rules-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for item in rules:
            if isinstance(item, Rule):
                cells = [plain(item.query, one_line=True), Text(item.actions.text())]
                number = item.id
            else:
                row, reason = item
                cells = [plain(row.query, one_line=True), plain(reason, "red", one_line=True)]
                number = row.id
            table.add_row(Text(str(number), style="dim"), *cells, key=str(number))
        if not rules:
            table.add_row(Text(""), Text("No rules yet: a adds one", style="dim"), Text(""))
        else:
            table.move_cursor(row=min(keep, len(rules) - 1))
        alerts = self.query_one("#alerts-table", DataTable)
        keep = alerts.cursor_row
        alerts.clear()
        for name, query, alerting in searches:
            mark = Text("on", style="bold yellow") if alerting else Text("off", style="dim")
            alerts.add_row(
                mark, plain(name, "bold", one_line=True), plain(query, one_line=True), key=name
            )
        if not searches:
            hint = Text("None yet: s on the desk saves one", style="dim")  # whole at 80 columns
            alerts.add_row(Text(""), Text(""), hint)
        else:
            alerts.move_cursor(row=min(keep, len(searches) - 1))

    # -- the highlighted row ---------------------------------------------------------------

    def _table(self) -> DataTable[object]:
        focused = self.focused
        if isinstance(focused, DataTable) and focused.id == "alerts-table":
            return focused
        return self.query_one("#rules-table", DataTable)

    @property
    def selected_rule(self) -> Rule | tuple[RuleRow, str] | None:
        """The rule under the rules table's cursor."""
        row = self.query_one("#rules-table", DataTable).cursor_row
        return self.rules[row] if self.rules and 0 <= row < len(self.rules) else None

    @property
    def selected_search(self) -> tuple[str, str, bool] | None:
        """The saved search under the alerts table's cursor."""
        row = self.query_one("#alerts-table", DataTable).cursor_row
        return self.searches[row] if self.searches and 0 <= row < len(self.searches) else None

    def action_cursor_down(self) -> None:
        self._table().action_cursor_down()

    def action_cursor_up(self) -> None:
        self._table().action_cursor_up()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.data_table.id == "alerts-table":
            self.action_toggle_alert()
        else:
            self.action_edit()

    # -- rules -----------------------------------------------------------------------------

    def action_add(self) -> None:
        """Write a new rule (tried on the desk as it is typed)."""
        self.app.push_screen(RuleEditor(self.context), self._edited)

    def action_edit(self) -> None:
        """Change the highlighted rule."""
        item = self.selected_rule
        if isinstance(item, Rule):
            self.app.push_screen(RuleEditor(self.context, item), self._edited)
        elif item is not None:  # unreadable actions: start again from its query
            row, _ = item
            self.app.push_screen(RuleEditor(self.context), self._edited)
            self.app.call_after_refresh(self._prefill, row.query)

    def _prefill(self, query: str) -> None:
        if isinstance(self.app.screen, RuleEditor):
            self.app.screen.query_one("#rule-query", Input).value = query

    def _edited(self, rule: Rule | None) -> None:
        if rule is not None:
            self.notify(f"Rule {rule.id}: {rule.text()}", markup=False)
            self.load()

    def action_delete(self) -> None:
        """Delete the highlighted rule (what it did to stories stays)."""
        item = self.selected_rule
        if item is None:
            return
        number = item.id if isinstance(item, Rule) else item[0].id
        self.write(lambda: self.context.desk.rules.rows.remove(number), f"Deleted rule {number}")

    def action_try(self) -> None:
        """How many stories of the desk the highlighted rule's query matches now."""
        item = self.selected_rule
        if item is not None:
            self.try_rule(item.query if isinstance(item, Rule) else item[0].query)

    def action_apply(self) -> None:
        """Apply the highlighted rule to every story on the desk now (rules otherwise act
        only on stories that arrive after them)."""
        item = self.selected_rule
        if isinstance(item, Rule):
            self.apply_rule(item.id)

    @work(thread=True, group="rule-edits")
    @guarded("applying the rule")
    def apply_rule(self, rule_id: int) -> None:
        try:
            count = self.context.desk.rules.apply_now(rule_id)
        except Exception as exc:
            said = f"Rule {rule_id} cannot run: {exc}"
            self.app.call_from_thread(self.notify, said, severity="error", markup=False)
            return
        said = f"Rule {rule_id} applied to {plural(count or 0, 'story', 'stories')}"
        self.app.call_from_thread(self.notify, said, markup=False)

    @work(thread=True, exclusive=True, group="rule-try")
    @guarded("trying the rule")
    def try_rule(self, query: str) -> None:
        try:
            trial = self.context.desk.rules.trial(query)
        except Exception as exc:
            self.app.call_from_thread(
                self.notify, f"This query cannot run: {exc}", severity="error", markup=False
            )
            return
        said = f"{query}: {plural(trial.total, 'story', 'stories')} would match now"
        self.app.call_from_thread(self.notify, said, markup=False)

    # -- alerts ----------------------------------------------------------------------------

    def action_toggle_alert(self) -> None:
        """Make the highlighted saved search an alert, or stop it being one."""
        if self.focused is not self.query_one("#alerts-table", DataTable):
            self.query_one("#alerts-table", DataTable).focus()
            return
        search = self.selected_search
        if search is None:
            return
        name, _, alerting = search
        said = f"{name}: {'no longer an alert' if alerting else 'alert (R refreshes)'}"
        self.write(lambda: self.context.desk.rules.rows.set_alert(name, not alerting), said)

    @work(thread=True, group="rule-edits")
    @guarded("changing the rules")
    def write(self, change: Callable[[], object], done: str) -> None:
        change()
        self.app.call_from_thread(self.notify, done, markup=False)
        self.app.call_from_thread(self.load)

    def action_cancel(self) -> None:
        """Close the screen."""
        self.dismiss(None)
