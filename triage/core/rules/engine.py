"""Running the rules (and the alerts) over a desk's new stories.

Each story is queued for the rules in the transaction that first stores it
(:meth:`triage.core.store.Store.upsert_story`), so the rules see every new story
exactly once, whatever brought it in (an ingest, a refresh in the app, a feed
server sync), and never again when it is fetched again: an editor who marks
unread a story a rule marked read keeps it unread. A story is taken off the queue
only once it is quoted and indexed (so ``speaker:`` can match it), in the
transaction that applies the rules' actions to it; a crash before that leaves it
queued for the next run. Actions only add tags and set marks, so running a rule
twice changes nothing.

A rule's query is the query language of :mod:`triage.core.search`, run over the
index restricted to the new stories (and to the index days they fall on). A
rule whose query cannot run is reported in one line and skipped; the others run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from triage.core.models import AlertHit, Story
from triage.core.rules.actions import Actions, RuleError, parse_actions
from triage.core.search import (
    ShardedIndex,
    StoreFilters,
    day_key,
    parse_query,
    within_stories,
)
from triage.core.store import HIDDEN_TAG, RuleRow, Rules, Store, Tags

TRY_SAMPLE = 10
"""Stories a try shows of those a query would match."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A stored rule with its actions read."""

    id: int
    query: str
    actions: Actions

    def text(self) -> str:
        """``QUERY -> ACTIONS``, as the editor wrote it (actions canonical)."""
        return f"{self.query} -> {self.actions.text()}"


@dataclass(slots=True)
class RulesRun:
    """What one run of the rules did."""

    new_ids: list[str] = field(default_factory=list)
    matched: dict[int, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    alerts: list[AlertHit] = field(default_factory=list)

    @property
    def ruled(self) -> int:
        """How many stories at least one rule acted on."""
        return len({sid for ids in self.matched.values() for sid in ids})


@dataclass(frozen=True, slots=True)
class Trial:
    """What a query would match on the whole desk now: how many, and the newest few."""

    total: int
    sample: list[Story]


def mentions_hidden(query: str) -> bool:
    """Whether a query asks for hidden stories (``is:hidden`` or ``tag:hidden``)."""
    lowered = query.lower()
    return "is:hidden" in lowered or f"tag:{HIDDEN_TAG}" in lowered


class RuleEngine:
    """The rules and alerts of one store and its index."""

    def __init__(self, store: Store, index: ShardedIndex) -> None:
        self.store = store
        self.index = index
        self.rows = Rules(store)
        self.filters = StoreFilters(store, index)

    # -- editing -----------------------------------------------------------------------

    def rules(self) -> list[Rule | tuple[RuleRow, str]]:
        """Every stored rule read, or its row and why it cannot be read."""
        found: list[Rule | tuple[RuleRow, str]] = []
        for row in self.rows.all():
            try:
                found.append(Rule(row.id, row.query, parse_actions(row.actions)))
            except RuleError as exc:
                found.append((row, str(exc)))
        return found

    def check(self, query: str, actions: str) -> Actions:
        """Read a rule the editor wrote; a query that cannot run is refused.

        Raises:
            RuleError: With a one-line reason.
        """
        if not query.strip() or query.strip() == "*":
            raise RuleError("a rule needs a query (a rule for every story is a feed's tag)")
        parsed = parse_actions(actions)
        try:
            self._parse(query)
        except Exception as exc:
            raise RuleError(str(exc)) from None
        return parsed

    def add(self, query: str, actions: str) -> Rule:
        """Check and store a rule; it runs on stories that arrive from now on.

        Raises:
            RuleError: When the query or the actions cannot be used.
        """
        parsed = self.check(query, actions)
        rule_id = self.rows.add(query.strip(), parsed.text())
        return Rule(rule_id, query.strip(), parsed)

    def update(self, rule_id: int, query: str, actions: str) -> Rule | None:
        """Check and change a rule; None if there is no such rule.

        Raises:
            RuleError: When the query or the actions cannot be used.
        """
        parsed = self.check(query, actions)
        if not self.rows.update(rule_id, query.strip(), parsed.text()):
            return None
        return Rule(rule_id, query.strip(), parsed)

    def trial(self, query: str, sample: int = TRY_SAMPLE) -> Trial:
        """How many stories of the whole desk the query matches now, and the newest few.

        Raises:
            SearchError: When the query cannot be run.
        """
        q = self._parse(query)
        hits = self.index.search(q, limit=None, sort="relevance", scope="all").hits
        stories = self.store.get_stories([h.id for h in hits])
        stories.sort(key=lambda s: (s.published, s.id), reverse=True)
        return Trial(len(hits), stories[:sample])

    def apply_now(self, rule_id: int) -> int | None:
        """Apply one rule to every story on the desk now (not only new ones); returns how
        many stories it matched, or None if there is no such rule.

        Raises:
            RuleError: When the rule's actions cannot be read.
            SearchError: When its query cannot be run.
        """
        row = self.rows.get(rule_id)
        if row is None:
            return None
        actions = parse_actions(row.actions)
        q = self._parse(row.query)
        ids = [h.id for h in self.index.search(q, limit=None, sort="relevance", scope="all").hits]
        with self.store.write():
            self._act(actions, ids)
        return len(ids)

    def _act(self, actions: Actions, ids: list[str]) -> None:
        """Apply actions to stories (inside the caller's transaction)."""
        if ids and actions.tags_to_set():
            Tags(self.store).tag_stories(ids, actions.tags_to_set())
        if ids and actions.read:
            self.store.set_read(ids, True)

    # -- running -----------------------------------------------------------------------

    def run_pending(self) -> RulesRun:
        """Apply every rule to the queued new stories, then match the alerts against them."""
        run = RulesRun()
        self.rows.forget_gone()
        waiting = self.rows.waiting()
        if not waiting:
            return run
        plans: list[tuple[Rule, list[str]]] = []
        for item in self.rules():
            if not isinstance(item, Rule):
                row, reason = item
                run.errors.append(f"rule {row.id} ({row.query}) skipped: {reason}")
                continue
            try:
                plans.append((item, self.matching(item.query, waiting)))
            except Exception as exc:  # a broken rule costs itself, never the ingest
                run.errors.append(f"rule {item.id} ({item.query}) skipped: {_one_line(exc)}")
        with self.store.write():
            run.new_ids = self.rows.claim(waiting)
            claimed = set(run.new_ids)
            for rule, ids in plans:
                ids = [sid for sid in ids if sid in claimed]
                if ids:
                    self._act(rule.actions, ids)
                    run.matched[rule.id] = ids
        run.alerts, errors = self.alert_hits(run.new_ids)
        run.errors.extend(errors)
        return run

    def alert_hits(self, new_ids: Sequence[str]) -> tuple[list[AlertHit], list[str]]:
        """The new stories each alert matches (hidden ones only if it asks for them),
        and one line per alert whose query cannot run."""
        hits: list[AlertHit] = []
        errors: list[str] = []
        if not new_ids:
            return hits, errors
        hidden = Tags(self.store).story_ids_with_tag(HIDDEN_TAG)
        for name, text in self.rows.alerts():
            try:
                ids = self.matching(text, new_ids)
            except Exception as exc:
                errors.append(f"alert {name!r} ({text}) skipped: {_one_line(exc)}")
                continue
            if not mentions_hidden(text):
                ids = [sid for sid in ids if sid not in hidden]
            if ids:
                hits.append(AlertHit(name, text, tuple(ids)))
        return hits, errors

    def matching(self, query: str, story_ids: Sequence[str]) -> list[str]:
        """Which of ``story_ids`` the query matches, in the order given.

        Raises:
            SearchError: When the query cannot be run.
        """
        if not story_ids:
            return []
        q = self._parse(query)
        within = within_stories(q, frozenset(story_ids), self._days(story_ids))
        found = {h.id for h in self.index.search(within, limit=None, scope="all").hits}
        return [sid for sid in story_ids if sid in found]

    def _days(self, story_ids: Sequence[str]) -> tuple[str | None, str | None]:
        stories = self.store.get_stories(list(story_ids))
        if not stories:
            return None, None
        days = sorted(day_key(s.published) for s in stories)
        return days[0], days[-1]

    def _parse(self, query: str) -> Any:
        return parse_query(
            query, self.filters.resolve_virtual, self.index.schema, self.filters.resolve_dates
        )


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
