"""What a report's lead says was done, where that tells two events of one topic apart.

A decision and its reversal ("the ministry eases the rule", months later "the new
government overturns the rule") share every topic word, the agency, the people and
often the place; what differs is the act. A reversal is told with a small, closed
set of verbs (overturn, reverse, revoke, rescind, repeal, annul, undo, retract,
scrap), and news style puts the act in the headline and first sentence. These pure
functions mark a story whose title or first sentence reports a reversal (``a:undo``)
and compare two stories' markers: one that reports a reversal and one that does not
report different events (the decision, or another act on the same subject).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from triage.core.clusters.facts import lead_of

REVERSAL = "a:undo"
"""The marker of a lead that reports a reversal."""

_REVERSAL_VERB = re.compile(
    r"\b(?:overturn(?:s|ed|ing)?|revers(?:e|es|ed|ing|al)|revok(?:e|es|ed|ing)|revocation"
    r"|rescind(?:s|ed|ing)?|repeal(?:s|ed|ing)?|annul(?:s|led|ling|ment)?"
    r"|und(?:o|oes|id|oing)|retract(?:s|ed|ing|ion)?|scrap(?:s|ped|ping)?)\b",
    re.IGNORECASE,
)


def lead_actions(title: str, body: str) -> frozenset[str]:
    """Return ``{REVERSAL}`` when the title or first sentence reports a reversal
    (a later paragraph recalling one is background), else nothing."""
    return frozenset({REVERSAL}) if _REVERSAL_VERB.search(lead_of(title, body, 1)) else frozenset()


def actions_conflict(ours: Iterable[str], theirs: Iterable[str]) -> bool:
    """Whether one story's lead reports a reversal and the other's does not."""
    return (REVERSAL in frozenset(ours)) != (REVERSAL in frozenset(theirs))
