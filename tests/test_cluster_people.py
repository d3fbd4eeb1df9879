"""Tests for the lead-people markers and their conflict (triage.core.clusters.people)."""

from __future__ import annotations

from helpers import story_markers

from triage.core.clusters.conflicts import conflict_penalty
from triage.core.clusters.engine import ClusterConfig
from triage.core.clusters.people import lead_people, people_conflict
from triage.core.clusters.signals import term_counts

ARREST_A = (
    "Harbourside Gulls receiver arrested",
    "Harbourside Gulls wide receiver Tomas Brell was arrested early Tuesday on suspicion "
    "of drunken driving in Port Alder. The club said it was aware of the arrest.\n\n"
    "Brell failed a roadside test, police said. Brell will play on Sunday.",
)
ARREST_B = (
    "Lineman faces drink-driving charge",
    "Harbourside Gulls defensive tackle Ivo Sandqvist was arrested on Sunday on suspicion "
    "of drunken driving in Port Alder, the club's second such arrest this month.\n\n"
    "Sandqvist was stopped for speeding. Sandqvist declined to comment.",
)
ARREST_A_AGAIN = (
    "Brell says he is innocent",
    "Gulls receiver Tomas Brell said on Wednesday he did nothing wrong, a day after his "
    "arrest in Port Alder.\n\nBrell said he expected no charges.",
)


def test_lead_people_are_full_names_later_called_by_surname() -> None:
    assert lead_people(*ARREST_A) == {"p:brell"}
    said = ("Crash on the ring road", "Driver Tomas Brell was hurt, police said. Brell is well.")
    assert lead_people(*said) == {"p:brell"}
    # A place named in full is never shortened to its last word: not a person.
    assert "p:alder" not in lead_people(*ARREST_A)
    # A person named once, in full only, is a passer-by of the story.
    once = ("Ferry delayed", "Captain Ona Merrit said the ferry would sail late. It did.")
    assert lead_people(*once) == frozenset()


def test_lead_people_skip_capitalised_common_nouns_and_street_names() -> None:
    body = (
        "Harbour Police say a van hit a kiosk on North Quay Avenue. Police said the "
        "driver fled.\n\nThe police asked for witnesses on Quay Avenue."
    )
    assert lead_people("Van hits kiosk", body) == frozenset()


def test_lead_people_skip_a_headline_case_title_and_common_words() -> None:
    title = "Gulls Receiver Tomas Brell Arrested"
    body = "The club confirmed the arrest on Tuesday. Brell was released."
    assert lead_people(title, body) == frozenset()
    assert lead_people("Monday Brell", "On Monday Brell spoke. Brell left.") == frozenset()


def test_people_conflict_needs_different_people_in_both_leads() -> None:
    a, b, again = story_markers(ARREST_A), story_markers(ARREST_B), story_markers(ARREST_A_AGAIN)
    assert people_conflict(a, b)
    assert not people_conflict(a, again)  # the same player, named in both leads
    assert not people_conflict(a, {"w:gull"})  # the other lead names nobody


def test_penalty_applies_the_people_conflict_and_its_switch() -> None:
    a, b = story_markers(ARREST_A), story_markers(ARREST_B)
    features_b = term_counts(*ARREST_B)
    cfg = ClusterConfig(count_conflict_factor=1.0, weekday_conflict_factor=1.0)
    penalised = conflict_penalty((a, term_counts(*ARREST_A)), (b, lambda: features_b), cfg)
    assert penalised <= cfg.people_conflict_factor
    off = ClusterConfig(
        count_conflict_factor=1.0, weekday_conflict_factor=1.0, people_conflict_factor=1.0
    )
    unpenalised = conflict_penalty((a, term_counts(*ARREST_A)), (b, lambda: features_b), off)
    assert penalised == unpenalised * cfg.people_conflict_factor
