"""The story clusterer's tunable weights and switches (see :class:`ClusterConfig`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """Tunable weights and switches; the switches exist for the ablation benchmark.

    Attributes:
        threshold: Score a cluster must reach for a story to join it.
        link_threshold: Lower bar for a cluster holding a story we share text with.
        max_link_weight: Share of the score taken by the best single match (the rest
            is the average over all members).
        window: Candidates must be published within this distance.
        vector_terms: Features kept per story.
        query_terms: Heaviest (tf-idf) features used to look up candidates.
        max_candidates: Candidates scored exactly.
        common_fraction: Terms in more than this share of the desk are not looked up.
        passage_shingles: Sampled shared shingles that make a passage "substantial".
        common_cut: Terms in more than this share of the desk get no weight.
        idf_power: Exponent on idf: full idf lets a story's many rare one-off words
            swamp the topic and event words it shares, none leaves words common to
            the whole desk as heavy as names; the square root sits between.
        small_desk_margin: Extra score demanded while the desk is small (fades as
            ``10 / (10 + N)``), when idf cannot yet tell topic words from event words.
        date_conflict_factor: Similarity multiplier when two stories' years conflict.
        latest_year: Compare only the latest year each story mentions (older years
            are background); otherwise any shared year avoids a conflict.
        background_years: Leave out of the year conflict the years a story gives only
            as background ("since 2008", "opened in 1994", "the 2008 champions"): two
            reports of one game, one recalling an old season, are not dated apart.
        lead_boost: Weight of a word in the lead (first two sentences) relative to
            one further down: the lead says what happened, where and to whom.
        name_conflict_factor: Similarity multiplier when each story's lead names
            people or places the other never mentions (different participants).
        name_missing_share: Share of lead names that must be missing for that.
        name_conflict_min_features: Distinct features both stories need for that
            conflict: a story that is little more than its lead never mentions most
            names of its own event.
        entity_boost: Weight of a name or number relative to a plain word.
        weekday_conflict_factor: Similarity multiplier when the weekdays two leads
            name are all more than ``weekday_tolerance`` days apart.
        weekday_tolerance: Days by which two leads' weekdays may differ and agree.
        count_conflict_factor: Similarity multiplier when two stories count the same
            things differently ("23 pirates" against "26 pirates").
        people_conflict_factor: Similarity multiplier when each story's lead is about
            people (named in full, then by surname) the other's lead never names: two
            reports of one kind of event on one beat (two players arrested, two coaches
            fired) share team, city and topic words, not the person.
        compound_ages: Read "a 29-year-old cyclist" as an age among the counts (besides
            "Jane Roe, 61,"), so reports whose people differ in age conflict.
        currency_units: Count a sum in its currency ("$120 million" and "90 million
            euros" are two units, not one that clashes): reports convert the same sum.
        reversal_conflict_factor: Similarity multiplier when one story's title or
            first sentence reports a reversal ("overturns the rule") and the other's
            does not: a decision and its reversal share every topic word but the act.
        review: Earlier stories (the new story's closest, in other clusters) that
            are re-decided after each assign: early decisions saw less of the event.
        review_floor: Similarity to the new story a neighbour needs to be reviewed.
        split_from: Cluster size at which it is first checked for two events (0: never).
        split_growth: The check is repeated each time the cluster grows this much.
        split_until: Larger clusters are not checked (the check is pairwise).
        split_min_group: Members each side of a cut needs.
        split_ratio: Cut when the mean similarity across two groups is at most this
            share of the mean within them (weighted by their sizes).
        min_shared_words: Word and name features two stories must share for any
            similarity: a short or empty body cannot join on one or two words.
        same_source_copy: Similarity two stories of one outlet need to be one cluster:
            an outlet's own stories join only as near-copies (a re-published article,
            an update), never because they share its topic, show or title template
            (0: the rule is off).
        same_title_share: Share of their title words (Jaccard) two stories of one
            outlet must share to be near-copies.
        number_boost: Weight of a number (a year, a count) relative to a plain word:
            numbers separate events, but must never outweigh the words.
        copy_window: Two stories of one feed are near-copies only if published this
            close (see :func:`triage.core.clusters.engine.feed_copy`).
        short_bar: Similarity two stories need when the shorter has at most
            ``short_terms`` weighed terms (a title and a line of summary): short
            texts share a topic's few words with many stories. The bar falls to
            nothing at ``long_terms`` terms (articles keep the plain threshold).
        short_terms: See ``short_bar``.
        long_terms: See ``short_bar``.
        language_common_cut: Words of a language other than English in more than
            this share of that language's stories get no weight (its function words,
            whether or not it has a stop-word list), once the language has
            ``language_min_stories`` stories (among fewer, a word two reports of one
            event share would already be "common").
        language_min_stories: See ``language_common_cut``.
        undated_window: Candidates of a story without a trustworthy date (its time
            is when it was first seen) are looked up this far around that time.
        undated_factor: Similarity multiplier for a pair with an undated story: being
            fetched together says nothing about being one event, so time counts
            less and the text must say more.
        headline_words: Weighed title words two feed stories of different outlets must
            share for their headlines to agree (0: never), which lifts the short-text bar
            off the pair (see :func:`triage.core.clusters.engine.headlines_agree`).
        headline_share: Share of the two titles' weighed words they must share for that.
        headline_window: Publication distance within which headlines can agree.
        split_keeps_quotes: Never cut between two stories that share a quotation
            (reports that quote the same words report the same event).
    """

    threshold: float = 0.17
    link_threshold: float = 0.08
    max_link_weight: float = 0.7
    window: timedelta = timedelta(days=4)
    vector_terms: int = 80
    query_terms: int = 12
    max_candidates: int = 25
    common_fraction: float = 0.002
    passage_shingles: int = 3
    use_entities: bool = True
    use_title: bool = True
    use_idf: bool = True
    idf_power: float = 0.5
    use_quotes: bool = True
    use_passages: bool = True
    use_time: bool = True
    use_dates: bool = True
    common_cut: float = 0.5
    small_desk_margin: float = 0.3
    date_conflict_factor: float = 0.5
    latest_year: bool = False
    background_years: bool = True
    lead_boost: float = 1.5
    name_conflict_factor: float = 0.5
    name_missing_share: float = 0.5
    name_conflict_min_features: int = 30
    entity_boost: float = 2.0
    weekday_conflict_factor: float = 0.7
    weekday_tolerance: int = 1
    count_conflict_factor: float = 0.5
    people_conflict_factor: float = 0.5
    compound_ages: bool = True
    currency_units: bool = True
    reversal_conflict_factor: float = 0.3
    review: int = 3
    review_floor: float = 0.1
    split_from: int = 8
    split_growth: float = 1.25
    split_until: int = 80
    split_min_group: int = 4
    split_ratio: float = 0.55
    split_keeps_quotes: bool = True
    min_shared_words: int = 3
    copy_window: timedelta = timedelta(hours=36)
    short_bar: float = 0.5
    short_terms: int = 25
    long_terms: int = 60
    language_common_cut: float = 0.4
    language_min_stories: int = 8
    undated_window: timedelta = timedelta(days=14)
    undated_factor: float = 0.8
    same_source_copy: float = 0.55
    same_title_share: float = 0.7
    number_boost: float = 1.0
    headline_words: int = 3
    headline_share: float = 0.35
    headline_window: timedelta = timedelta(hours=24)
