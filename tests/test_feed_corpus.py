"""Checks the synthetic real-world feed corpus generator (``fixtures.make_feeds``).

The ingest test built on this corpus is only meaningful if the corpus really holds the
quirks it claims and if its expected counts are what feedparser reads, so this module
pins both down: counts match feedparser file by file, every bozo file is one we broke
on purpose, and each real-world quirk is present in the parsed output.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import feedparser
import pytest
from fixtures.make_feeds import (
    JSON_SUFFIX,
    MALFORMED_QUIRKS,
    plan_feed_corpus,
    write_feed_corpus,
)

Parsed = dict[str, feedparser.FeedParserDict]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], Parsed]:
    dest = tmp_path_factory.mktemp("feeds")
    expected = write_feed_corpus(dest)
    parsed = {
        name: feedparser.parse((dest / name).read_bytes())
        for name in expected
        if not name.endswith(JSON_SUFFIX)
    }
    return dest, expected, parsed


def _entries(parsed: Parsed) -> list[feedparser.FeedParserDict]:
    return [entry for result in parsed.values() for entry in result.entries]


def _text_of(entry: feedparser.FeedParserDict) -> str:
    parts = [entry.get("title", ""), entry.get("author", ""), entry.get("summary", "")]
    return " ".join(parts + [c.value for c in entry.get("content", [])])


def test_writes_one_hundred_files_with_many_entries(
    corpus: tuple[Path, dict[str, int], Parsed],
) -> None:
    dest, expected, _ = corpus
    assert len(expected) == 100
    assert sorted(p.name for p in dest.iterdir()) == sorted(expected)
    assert sum(expected.values()) > 1000


def test_counts_match_what_feedparser_reads(corpus: tuple[Path, dict[str, int], Parsed]) -> None:
    dest, expected, parsed = corpus
    for name, count in expected.items():
        if name.endswith(JSON_SUFFIX):
            assert len(json.loads((dest / name).read_bytes())["items"]) == count, name
        else:
            assert len(parsed[name].entries) == count, name


def test_only_deliberately_broken_files_are_bozo(
    corpus: tuple[Path, dict[str, int], Parsed],
) -> None:
    _, _, parsed = corpus
    specs = {spec.filename: spec for spec in plan_feed_corpus().specs}
    bozo = {name for name, result in parsed.items() if result.bozo}
    broken = {
        name
        for name, spec in specs.items()
        if spec.quirks & MALFORMED_QUIRKS or spec.encoding == "cp1252-as-utf-8"
    }
    assert bozo == broken
    assert len(broken) >= 6
    assert all(parsed[name].entries for name in broken if specs[name].items)


def test_every_feed_format_is_present(corpus: tuple[Path, dict[str, int], Parsed]) -> None:
    _, expected, parsed = corpus
    versions = {result.version for result in parsed.values()}
    assert {"rss10", "rss20", "atom03", "atom10"} <= versions
    assert versions & {"rss091u", "rss091n"}
    assert sum(name.endswith(JSON_SUFFIX) for name in expected) >= 5


def test_encodings_are_varied_and_decoded(corpus: tuple[Path, dict[str, int], Parsed]) -> None:
    dest, _, parsed = corpus
    encodings = Counter(result.encoding.lower() for result in parsed.values())
    assert {"utf-8", "iso-8859-1", "windows-1252"} <= set(encodings)
    assert any((dest / name).read_bytes().startswith(b"\xef\xbb\xbf") for name in parsed)
    for name in ("feed-009.xml", "feed-010.xml", "feed-011.xml"):  # latin-1, cp1252, mislabelled
        text = " ".join(_text_of(e) for e in parsed[name].entries)
        assert "“" in text or "‘" in text or "é" in text or "ü" in text, name
        assert "\ufffd" not in text and "â€" not in text and "Ã" not in text, name


def test_link_quirks_are_present(corpus: tuple[Path, dict[str, int], Parsed]) -> None:
    _, _, parsed = corpus
    entries = [e for e in _entries(parsed) if e]
    links = [e.get("link") for e in entries]
    assert any(link is None for link in links)
    assert any(link and "utm_source=" in link for link in links)
    assert any(link and link.startswith("/") for link in links)  # relative, no base
    based = [e.link for e in parsed["feed-001.atom"].entries if e.get("link")]
    assert based and all(link.startswith("https://") for link in based)  # xml:base resolved
    by_link = Counter(link.split("?")[0] for link in links if link and "wire-service" in link)
    assert max(by_link.values()) >= 2  # the same story syndicated into several feeds


def test_podcast_items_share_the_home_page_but_not_guids(
    corpus: tuple[Path, dict[str, int], Parsed],
) -> None:
    _, _, parsed = corpus
    podcast = parsed["feed-006.xml"]
    real = [e for e in podcast.entries if e]
    assert len({e.link for e in real}) == 1
    assert len({e.id for e in real}) == len(real)
    assert all(e.get("enclosures") for e in real)


def test_date_and_size_quirks_are_present(corpus: tuple[Path, dict[str, int], Parsed]) -> None:
    _, _, parsed = corpus
    entries = [e for e in _entries(parsed) if e]
    assert any("published" not in e and "updated" not in e for e in entries)
    assert any(e.get("published") and e.get("published_parsed") is None for e in entries)
    assert any(e.get("published", "").endswith(("+0530", "-0800", "+05:30")) for e in entries)
    assert any(len(e.get("title", "")) > 1000 for e in entries)
    assert any(not e for e in _entries(parsed))  # an empty <item/>
    assert any(len(result.entries) == 0 for result in parsed.values())


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_feed_corpus(first, n=31, seed=7)
    write_feed_corpus(second, n=31, seed=7)
    write_feed_corpus(other, n=31, seed=8)
    names = sorted(p.name for p in first.iterdir())
    assert all((first / n).read_bytes() == (second / n).read_bytes() for n in names)
    assert any((first / n).read_bytes() != (other / n).read_bytes() for n in names)


def test_plan_reports_storable_counts_and_syndication() -> None:
    plan = plan_feed_corpus()
    with_empty, storable = plan.expected(), plan.expected(include_empty=False)
    assert all(storable[name] <= count for name, count in with_empty.items())
    assert sum(with_empty.values()) - sum(storable.values()) >= 5
    carriers = plan.syndicated()
    assert any(len(files) >= 2 for files in carriers.values())
    assert all(len(files) == len(set(files)) for files in carriers.values())


def test_hostile_text_quirks_reach_the_parsed_entries(
    corpus: tuple[Path, dict[str, int], Parsed],
) -> None:
    _, _, parsed = corpus
    titles = [e.get("title", "") for e in _entries(parsed)]
    assert any("\x1b[31m" in title for title in titles)  # ANSI escape a TUI must not print
    assert any("&amp;" in title for title in titles)  # double-escaped by the publisher
    permalinks = [e for e in parsed["feed-032.xml"].entries if e and "p/" in e.get("id", "")]
    assert permalinks and all(e.link == e.id for e in permalinks)
