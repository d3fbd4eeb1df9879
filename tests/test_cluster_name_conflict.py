"""Tests for the lead-name conflict and its guard for short stories
(triage.core.clusters.conflicts.names_conflict)."""

from __future__ import annotations

from triage.core.clusters.conflicts import names_conflict
from triage.core.clusters.engine import ClusterConfig
from triage.core.clusters.signals import lead_names, term_counts

BACKGROUND = (
    "\n\nThe quarry employs about forty people and supplies gravel to builders across "
    "the region. Inspectors visited the site last spring and found no serious faults. "
    "Union officials asked for a review of safety rules, training, ventilation and "
    "emergency drills. The company promised to cooperate fully with investigators and "
    "said production would stay suspended until engineers certify every tunnel."
)
NORTH = (
    "Quarry blast injures two in Oskarvik",
    "An explosion at the Tenfold quarry near Oskarvik injured two workers on Monday. "
    "Police said the blast was an accident." + BACKGROUND,
)
SOUTH = (
    "Quarry blast injures miners in Belmarra",
    "An explosion at the Redgate pit outside Belmarra injured three miners on Monday. "
    "Rescuers said the blast followed a gas leak." + BACKGROUND,
)
SOUTH_SHORT = (
    "Quarry blast injures miners in Belmarra",
    "An explosion at the Redgate pit outside Belmarra injured three miners on Monday.",
)


def _conflict(ours: tuple[str, str], theirs: tuple[str, str], min_features: int) -> bool:
    our_features, their_features = term_counts(*ours), term_counts(*theirs)
    share = ClusterConfig().name_missing_share
    return names_conflict(
        lead_names(*ours),
        our_features,
        lead_names(*theirs),
        lambda: their_features,
        share,
        min_features,
    )


def test_lead_names_each_other_never_mentions_conflict() -> None:
    assert len(term_counts(*NORTH)) >= ClusterConfig().name_conflict_min_features
    assert _conflict(NORTH, SOUTH, ClusterConfig().name_conflict_min_features)
    assert not _conflict(NORTH, NORTH, 0)


def test_a_story_that_is_little_more_than_its_lead_is_not_told_apart_by_names() -> None:
    default = ClusterConfig().name_conflict_min_features
    assert len(term_counts(*SOUTH_SHORT)) < default
    assert not _conflict(NORTH, SOUTH_SHORT, default)
    assert not _conflict(SOUTH_SHORT, NORTH, default)
    # With the guard off the short story conflicts as the long one does.
    assert _conflict(NORTH, SOUTH_SHORT, 0)
