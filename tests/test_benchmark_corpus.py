"""The benchmark's corpus generator, and the benchmark itself on a tiny desk (soak)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers import run_benchmark

from triage.core.ingest.feeds import parse_feed

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import corpus  # noqa: E402


@pytest.fixture(scope="module")
def stories() -> list[corpus.SynthStory]:
    return corpus.CorpusWriter(seed=4, outlets=20).stories(120)


def test_same_seed_same_corpus() -> None:
    first = corpus.CorpusWriter(seed=8, outlets=10).stories(15)
    again = corpus.CorpusWriter(seed=8, outlets=10).stories(15)
    other = corpus.CorpusWriter(seed=9, outlets=10).stories(15)
    assert [s.body for s in first] == [s.body for s in again]
    assert [s.body for s in first] != [s.body for s in other]


def test_stories_are_news_sized_and_in_order(stories: list[corpus.SynthStory]) -> None:
    fresh = [s for s in stories if s.rewrite_of is None]
    lengths = [len(s.body.split()) for s in fresh]
    assert min(lengths) >= 300
    assert max(lengths) <= 1100
    times = [s.published for s in stories]
    assert times == sorted(times)
    assert (times[-1] - times[0]).days <= corpus.DAYS


def test_rewrites_share_quotes_with_their_original(stories: list[corpus.SynthStory]) -> None:
    by_guid = {s.guid: s for s in stories}
    rewrites = [s for s in stories if s.rewrite_of]
    assert 3 <= len(rewrites) <= 30
    for rewrite in rewrites:
        original = by_guid[rewrite.rewrite_of or ""]
        assert rewrite.published >= original.published
        assert set(rewrite.paragraphs[1:]) <= set(original.paragraphs)
        assert rewrite.quotes == original.quotes


def test_quotes_have_named_speakers(stories: list[corpus.SynthStory]) -> None:
    quoted = [p for s in stories for p in s.paragraphs if "\u201c" in p]
    assert quoted
    assert all(
        any(
            cue in p
            for cue in ("said", "told", "added", "warned", "explained", "insisted", "noted")
        )
        for p in quoted
    )


def test_feed_files_parse_back_to_the_same_stories(
    stories: list[corpus.SynthStory], tmp_path: Path
) -> None:
    paths = corpus.write_feeds(stories, tmp_path)
    entries = [
        e for path in paths for e in parse_feed(path.read_bytes(), location=path.as_uri()).entries
    ]
    assert len(entries) == len(stories)
    by_link = {s.link: s for s in stories}
    for entry in entries[:20]:
        story = by_link[entry.link]
        assert entry.title == story.title
        assert entry.body == story.body


@pytest.mark.soak
def test_benchmark_runs_on_a_tiny_desk() -> None:
    figures = run_benchmark(
        BENCHMARKS / "run.py",
        "--sizes",
        "200",
        "--json",
        "--repeats",
        "1",
        "--feeds",
        "10",
        "--hosts",
        "2",
        timeout=900,
    )
    small = figures["sizes"]["200"]
    assert small["stories"] == 200
    assert small["ingest_ratio"] > 0
    assert small["search_term_ms"]["n"] > 0
    assert figures["refresh"]["refresh_new_added"] == 10
