"""Rules on ingest (filters, killfiles) and alerts.

A rule is a query of the search language and actions (tag, mark read, hide, pin)
applied to every new story it matches, once, when the story has been quoted and
indexed (:mod:`triage.core.rules.engine`). An alert is a saved search marked as
one: the new stories it matches are reported after each refresh. Rules and alert
flags live in the store of record (:class:`triage.core.store.Rules`).
"""

from triage.core.rules.actions import Actions, RuleError, parse_actions, split_rule
from triage.core.rules.engine import Rule, RuleEngine, RulesRun, Trial, mentions_hidden

__all__ = [
    "Actions",
    "Rule",
    "RuleEngine",
    "RuleError",
    "RulesRun",
    "Trial",
    "mentions_hidden",
    "parse_actions",
    "split_rule",
]
