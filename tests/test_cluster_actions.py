"""Tests for the lead-action markers and their conflict (triage.core.clusters.actions)."""

from __future__ import annotations

from helpers import story_markers

from triage.core.clusters.actions import REVERSAL, actions_conflict, lead_actions
from triage.core.clusters.conflicts import conflict_penalty, event_markers
from triage.core.clusters.engine import ClusterConfig
from triage.core.clusters.signals import term_counts

RULE = (
    "Ministry eases wetland building rule",
    "The ministry on Thursday eased a rule that required builders to consult "
    "ecologists before draining a wetland. Campaigners said they would go to court.\n\n"
    "The rule had stood for three decades.",
)
REVERSAL_STORY = (
    "New government overturns wetland building rule",
    "The new government on Tuesday overturned a rule that let builders drain a wetland "
    "without consulting ecologists. Campaigners welcomed the move.\n\n"
    "The rule was eased in the last weeks of the previous government.",
)
REVERSAL_AGAIN = (
    "Wetland rule revoked",
    "Ecologists must again be consulted before a wetland is drained after the government "
    "revoked the rule on Tuesday.\n\nCampaigners had asked for the change.",
)


def test_lead_actions_mark_a_reversal_in_title_or_first_sentence_only() -> None:
    assert lead_actions(*REVERSAL_STORY) == {REVERSAL}
    assert lead_actions(*REVERSAL_AGAIN) == {REVERSAL}
    assert lead_actions(*RULE) == frozenset()
    # A reversal recalled further down is background, not the story's act.
    later = ("Ministry eases rule", "The ministry eased a rule. Critics want it repealed.")
    assert lead_actions(*later) == frozenset()
    # A dateline line before the first sentence is skipped, not counted as it.
    dated = ("", "March 3, 2031\nThe council scrapped its parking plan on Monday.")
    assert lead_actions(*dated) == {REVERSAL}
    # Words that merely contain a reversal verb are not one.
    assert lead_actions("Scrapbook fair opens", "A scrapbook fair opened. It was busy.") == set()


def test_actions_conflict_when_only_one_lead_reports_a_reversal() -> None:
    rule, undo = story_markers(RULE), story_markers(REVERSAL_STORY)
    again = story_markers(REVERSAL_AGAIN)
    assert actions_conflict(rule, undo)
    assert actions_conflict(undo, rule)
    assert not actions_conflict(undo, again)  # two reports of the reversal
    assert not actions_conflict(rule, {"w:wetland"})  # neither reports one


def test_penalty_applies_the_reversal_conflict_and_its_switch() -> None:
    a, b = story_markers(RULE), story_markers(REVERSAL_STORY)
    features_b = term_counts(*REVERSAL_STORY)
    on = ClusterConfig()
    off = ClusterConfig(reversal_conflict_factor=1.0)
    penalised = conflict_penalty((a, term_counts(*RULE)), (b, lambda: features_b), on)
    unpenalised = conflict_penalty((a, term_counts(*RULE)), (b, lambda: features_b), off)
    assert penalised == unpenalised * on.reversal_conflict_factor
    # With the switch off the marker is not even stored.
    title, body = REVERSAL_STORY
    assert REVERSAL not in event_markers(term_counts(title, body), title, body, off)
