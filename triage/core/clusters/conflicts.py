"""Evidence that two stories on one topic report different events.

Two reports of one topic (two earthquakes, two arrests of the same crew) share
most of their words; what tells them apart is when and who. These pure functions
compare the compact markers the engine stores per story: the years it mentions
and the name words of its title and lead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from functools import lru_cache

from triage.core.clusters.actions import actions_conflict, lead_actions
from triage.core.clusters.config import ClusterConfig
from triage.core.clusters.facts import (
    background_years,
    counts,
    counts_conflict,
    weekdays,
    weekdays_conflict,
)
from triage.core.clusters.language import NOUN_CAPITALS
from triage.core.clusters.people import lead_people, people_conflict
from triage.core.clusters.signals import lead_names

UNDATED = "x:undated"
"""The marker of a story whose source gave no trustworthy date: its time is when it
was first seen (see :class:`triage.core.models.Story`)."""

FROM_FEED = "x:feed"
"""The marker of a story read from a feed (not an article file): its source name is
its feed's, so two such stories of one source name are one outlet's (see
:func:`triage.core.clusters.engine.same_outlet`)."""

_YEAR = re.compile(r"n:(?:19|20)\d\d")


def event_markers(
    features: Iterable[str],
    title: str,
    body: str,
    config: ClusterConfig | None = None,
    year: int | None = None,
    language: str = "en",
) -> frozenset[str]:
    """Return what the engine stores to detect conflicts: the years a story mentions
    (``n:2011``), its lead name words (``w:word``), the weekdays its lead names
    (``d:4``), its counts (``u:pirate=23``; see :func:`cluster_facts.counts`, whose
    switches ``config`` sets) and the surnames of the people its lead is about
    (``p:roe``; see :func:`cluster_people.lead_people`). ``year``, the year the story
    was published, keeps that year among the years even when written as background
    (see :func:`cluster_facts.background_years`)."""
    cfg = config or ClusterConfig()
    years = years_of(features)
    if cfg.background_years and years:
        years -= background_years(title + "\n" + body, year)
    return (
        years
        | lead_names(title, body, language)
        | weekdays(title, body)
        | counts(title + "\n" + body, cfg.compound_ages, cfg.currency_units)
        | (lead_people(title, body) if language not in NOUN_CAPITALS else frozenset())
        | (lead_actions(title, body) if cfg.reversal_conflict_factor < 1.0 else frozenset())
    )


def names_conflict(
    ours: frozenset[str],
    our_features: Collection[str],
    theirs: frozenset[str],
    their_features: Callable[[], Collection[str]],
    share: float,
    min_features: int = 0,
) -> bool:
    """Whether each story's lead names participants the other never mentions.

    A story of fewer than ``min_features`` distinct features is little more than
    its lead: that it never mentions a name says nothing of its event.

    ``their_features`` is called only when the cheap tests leave a conflict
    possible (decoding a stored story's features is the costly part).
    """
    if not ours or not theirs:
        return False
    if len(ours - theirs) <= share * len(ours):  # their lead names are their features
        return False
    if sum(name not in our_features for name in theirs) <= share * len(theirs):
        return False
    other = their_features()
    if min(len(our_features), len(other)) < min_features:
        return False
    return sum(name not in other for name in ours) > share * len(ours)


def dates_conflict(ours: frozenset[str], theirs: frozenset[str], latest: bool) -> bool:
    """Whether two stories' years say they happened at different times.

    With ``latest``, only the most recent year each mentions counts: a report is
    about something that happened lately, and older years are background (the
    scandal it recalls), so two reports that recall the same past but are dated
    apart are different events."""
    if not ours or not theirs:
        return False
    if latest:
        return max(ours) != max(theirs)
    return not ours & theirs


def years_of(features: Iterable[str]) -> frozenset[str]:
    """Return the years a story mentions ("n:2011"): disjoint years mean different events."""
    return frozenset(f for f in features if _YEAR.fullmatch(f))


@lru_cache(maxsize=4096)
def _years_among(markers: frozenset[str]) -> frozenset[str]:
    """:func:`years_of` a story's markers, memoised: a stored story's markers are
    compared with every new story it is a candidate for."""
    return years_of(markers)


def conflict_penalty(
    ours: tuple[frozenset[str], Collection[str]],
    theirs: tuple[frozenset[str], Callable[[], Collection[str]]],
    weights: ClusterConfig,
) -> float:
    """Return the similarity multiplier for two stories given as (markers, features;
    the stored story's features lazily): 1.0 when nothing conflicts, smaller when
    their dates, lead names, lead weekdays, counts or lead people do."""
    our_markers, our_features = ours
    their_markers, their_features = theirs
    our_years, their_years = _years_among(our_markers), _years_among(their_markers)
    factor = 1.0
    if UNDATED in our_markers or UNDATED in their_markers:
        factor *= weights.undated_factor
    if weights.weekday_conflict_factor < 1.0 and weekdays_conflict(
        our_markers, their_markers, weights.weekday_tolerance
    ):
        factor *= weights.weekday_conflict_factor
    if weights.count_conflict_factor < 1.0 and counts_conflict(our_markers, their_markers):
        factor *= weights.count_conflict_factor
    if weights.use_dates and dates_conflict(our_years, their_years, weights.latest_year):
        factor *= weights.date_conflict_factor
    if weights.name_conflict_factor < 1.0 and names_conflict(
        _names(our_markers),
        our_features,
        _names(their_markers),
        their_features,
        weights.name_missing_share,
        weights.name_conflict_min_features,
    ):
        factor *= weights.name_conflict_factor
    if weights.people_conflict_factor < 1.0 and people_conflict(our_markers, their_markers):
        factor *= weights.people_conflict_factor
    if weights.reversal_conflict_factor < 1.0 and actions_conflict(our_markers, their_markers):
        factor *= weights.reversal_conflict_factor
    return factor


@lru_cache(maxsize=4096)
def _names(markers: frozenset[str]) -> frozenset[str]:
    """The lead name words among a story's markers."""
    return frozenset(m for m in markers if m.startswith("w:"))


def penalised_similarity(
    ours: tuple[Mapping[str, float], frozenset[str], Collection[str]],
    theirs: tuple[Mapping[str, float], frozenset[str], Callable[[], Collection[str]]],
    weights: ClusterConfig,
) -> float:
    """How alike two stories are, given as (unit vector, markers, features; the other
    story's features lazily): the cosine of their vectors times
    :func:`conflict_penalty`. Assignment, review and the split review all compare
    stories this way."""
    our_vector, our_markers, our_features = ours
    their_vector, their_markers, their_features = theirs
    # Over the shared terms only (a set intersection in C): two stories share a few
    # of their 80 terms, and looking each of ours up in theirs was most of the cost.
    # fsum: the sum is exact whatever order the set yields the terms in.
    shared = our_vector.keys() & their_vector.keys()
    if sum(1 for t in shared if t[0] == "w") < weights.min_shared_words:
        return 0.0  # a short or empty body cannot join on one or two shared words
    cosine = math.fsum(our_vector[t] * their_vector[t] for t in shared)
    return cosine * conflict_penalty(
        (our_markers, our_features), (their_markers, their_features), weights
    )
