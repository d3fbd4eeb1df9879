"""Tests for the weekday, count and date-stamp markers (triage.core.clusters.facts)."""

from __future__ import annotations

from triage.core.clusters.conflicts import conflict_penalty, event_markers
from triage.core.clusters.engine import ClusterConfig
from triage.core.clusters.facts import (
    background_years,
    counts,
    counts_conflict,
    lead_of,
    weekdays,
    weekdays_conflict,
)
from triage.core.clusters.signals import term_counts


def test_lead_skips_dateline_lines() -> None:
    body = (
        "Updated: Tue March 3, 2031 8:41 PM ET\n\nCrews reopened the pass on Monday. More.  Rest."
    )
    lead = lead_of("Pass reopens", body)
    assert "Updated" not in lead
    assert "Monday" in lead
    assert "Rest" not in lead


def test_weekdays_come_from_the_lead_not_the_stamp() -> None:
    body = (
        "Friday, June 7, 2031\n\nThe ferry ran aground on Wednesday near Holm. "
        "Nobody was hurt. Tugs came on Sunday."
    )
    assert weekdays("Ferry aground", body) == {"d:2"}


def test_weekdays_conflict_respects_tolerance() -> None:
    saturday, thursday, friday = {"d:5"}, {"d:3"}, {"d:4"}
    assert weekdays_conflict(saturday, thursday, 1)
    assert not weekdays_conflict(saturday, friday, 1)
    assert weekdays_conflict(saturday, friday, 0)
    assert not weekdays_conflict(saturday, set(), 0)
    assert not weekdays_conflict({"d:0"}, {"d:6"}, 1)  # Sunday and Monday are adjacent


def test_counts_read_numbers_with_their_units_and_ages() -> None:
    text = (
        "Guards detained 23 smugglers and seized $4.5 million in cash. Officer Ann Vale, 41, "
        "said 1,200 people were evacuated. The founder was 88. In 2030 the port reopened "
        "at 05 hours."
    )
    found = counts(text)
    assert {"u:smuggler=23", "u:people=1200", "u:age=41", "u:age=88"} <= found
    assert "u:million.dollar=4.5" in found
    assert not any("2030" in m for m in found)
    assert not any(m.startswith("u:hour") for m in found)


def test_counts_conflict_needs_more_clashes_than_agreements() -> None:
    assert counts_conflict({"u:smuggler=23"}, {"u:smuggler=26"})
    assert not counts_conflict({"u:smuggler=23"}, {"u:smuggler=23", "u:boat=3"})
    assert not counts_conflict({"u:million=80"}, {"u:million=85"})  # rounding agrees
    assert not counts_conflict({"u:age=61", "u:boat=2"}, {"u:age=70", "u:boat=2"})
    assert counts_conflict({"u:age=95"}, {"u:age=75"})


def test_penalty_applies_count_and_weekday_conflicts() -> None:
    cfg = ClusterConfig()

    def markers(title: str, body: str) -> tuple[frozenset[str], dict[str, float]]:
        features = term_counts(title, body)
        return event_markers(features, title, body), features

    ours = markers("Coast guard seizes boat", "The coast guard seized 23 smugglers on Saturday.")
    theirs = markers("Coast guard seizes boat", "The coast guard seized 26 smugglers on Thursday.")
    same = markers("Coast guard seizes boat", "The coast guard seized 23 smugglers on Sunday.")
    factor = conflict_penalty(ours, (theirs[0], lambda: theirs[1]), cfg)
    assert factor == cfg.count_conflict_factor * cfg.weekday_conflict_factor
    assert conflict_penalty(ours, (same[0], lambda: same[1]), cfg) == 1.0


def test_counts_read_results_and_skip_filler_words() -> None:
    found = counts("The Hawks beat the Owls 24-31 on a 5-4 vote of 1, 000 fans; 11 that day.")
    assert {"u:score=31024", "u:score=5004"} <= found
    assert "u:fan=0" not in found and not any(m.endswith("=0") for m in found)
    assert not any(m.startswith("u:that") for m in found)
    assert counts_conflict({"u:score=31024"}, {"u:score=20013"})
    assert counts_conflict({"u:score=10005"}, {"u:score=11004"})  # 10-5 is not 11-4


def test_compound_ages_are_ages() -> None:
    # Two crashes on one road: the cyclists' ages written as compounds tell them apart.
    ours = counts("A 36-year-old cyclist from Velmora was hurt on the coast road.")
    theirs = counts("Police say the 52 year old cyclist was hit on the same road.")
    assert "u:age=36" in ours and "u:age=52" in theirs
    assert counts_conflict(ours, theirs)
    assert not counts("A 36-year-old cyclist was hurt.", compound_ages=False)


def test_compound_ages_reach_the_penalty() -> None:
    def markers(body: str, cfg: ClusterConfig) -> tuple[frozenset[str], dict[str, float]]:
        features = term_counts("Cyclist hurt in crash", body)
        return event_markers(features, "Cyclist hurt in crash", body, cfg), features

    cfg = ClusterConfig()
    for config, expected in (
        (cfg, cfg.count_conflict_factor),
        (ClusterConfig(compound_ages=False), 1.0),
    ):
        ours = markers("A 36-year-old cyclist was hurt on the coast road.", config)
        theirs = markers("A 52-year-old cyclist was hurt on the coast road.", config)
        assert conflict_penalty(ours, (theirs[0], lambda t=theirs: t[1]), config) == expected


def test_sums_count_in_their_currency() -> None:
    # One haul converted by two desks: dollars and euros are two units, not a clash.
    ours = counts("Thieves took gems worth $120 million from the Velmora vault.")
    theirs = counts("Thieves took gems worth 90 million euros from the Velmora vault.")
    assert "u:million.dollar=120" in ours and "u:million.euro=90" in theirs
    assert not counts_conflict(ours, theirs)
    assert counts_conflict(ours, counts("Thieves took gems worth $40 million."))
    assert counts("a 500 euros fine") == {"u:euro=500"}
    plain = counts("Thieves took gems worth $120 million.", currencies=False)
    assert counts_conflict(plain, counts("Thieves took 90 million euros.", currencies=False))


def test_background_years_are_only_those_never_given_otherwise() -> None:
    text = (
        "The Gulls won 20-13 on Dec. 23, 2031, their first title since 2019 and the best "
        "run of the 2024 Gulls. The ground opened in 1998. In 2031 the club also moved."
    )
    assert background_years(text) == {"n:2019", "n:2024", "n:1998"}
    assert background_years("No year at all.") == frozenset()
    # A story of 2024 means its own year even in "the 2024 Gulls".
    assert background_years(text, current=2024) == {"n:2019", "n:1998"}


def test_background_years_do_not_date_a_story_apart() -> None:
    dated = ("Gulls win", "The Gulls won 20-13 on Dec. 23, 2031.")
    recalled = ("Gulls win", "The Gulls won 20-13, their first title since 2019.")
    markers = [event_markers(term_counts(*s), *s) for s in (dated, recalled)]
    assert "n:2019" not in markers[1]
    kept = ClusterConfig(background_years=False)
    assert "n:2019" in event_markers(term_counts(*recalled), *recalled, kept)
