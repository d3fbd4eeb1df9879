"""Checks that the bundled demo corpus stays clean, parseable and tells its story.

The demo is the first thing a new user sees, so a feed that stops parsing cleanly, a
duplicated link, or a lost shared quotation (which the quote-trail demo relies on)
should fail the build rather than surface as a confusing first impression.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Any

import feedparser
import pytest

from triage.core.ingest.articles import split_front_matter
from triage.demo import DEMO_DIR, demo_paths

FEED_NAMES = {"harbour-gazette.rss", "northern-wire.atom", "daily-ledger.xml"}


def _feed_paths() -> list[Path]:
    return [p for p in demo_paths() if p.parent == DEMO_DIR]


def _entry_text(entry: feedparser.FeedParserDict) -> str:
    raw = entry.content[0].value if entry.get("content") else entry.get("summary", "")
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


def _entries_by_outlet() -> dict[str, list[feedparser.FeedParserDict]]:
    out: dict[str, list[feedparser.FeedParserDict]] = {}
    for path in _feed_paths():
        parsed = feedparser.parse(path.read_bytes())
        out[parsed.feed.title] = list(parsed.entries)
    return out


def test_demo_paths_lists_every_feed_and_article() -> None:
    paths = demo_paths()
    assert {p.name for p in paths if p.parent == DEMO_DIR} == FEED_NAMES
    articles = [p for p in paths if p.parent.name == "articles"]
    assert {p.suffix for p in articles} == {".txt", ".md", ".html"}
    assert all(p.is_file() for p in paths)


@pytest.mark.parametrize("name", sorted(FEED_NAMES))
def test_feed_parses_cleanly_with_complete_items(name: str) -> None:
    parsed = feedparser.parse((DEMO_DIR / name).read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.get("title") and parsed.feed.get("link")
    assert len(parsed.entries) >= 8
    for entry in parsed.entries:
        assert entry.get("title") and entry.get("link", "").startswith("https://")
        assert entry.get("id") and entry.get("author")
        published = entry.get("published_parsed")
        assert published is not None and (2026, 11, 19) <= tuple(published[:3]) <= (2026, 11, 22)


def test_links_are_unique_across_the_demo() -> None:
    links = [e.link for entries in _entries_by_outlet().values() for e in entries]
    assert len(links) == len(set(links))


def test_story_count_and_length_suit_a_first_impression() -> None:
    entries = [e for entries in _entries_by_outlet().values() for e in entries]
    articles = [p for p in demo_paths() if p.parent.name == "articles"]
    assert 30 <= len(entries) + len(articles) <= 40
    full = [e for e in entries if e.get("content")]
    for entry in full:
        assert 120 <= len(_entry_text(entry).split()) <= 350, entry.link


def test_ledger_rewrite_reuses_gazette_quotes() -> None:
    outlets = _entries_by_outlet()
    gazette = next(e for e in outlets["The Harbour Gazette"] if "water-warning-ashby" in e.link)
    ledger = next(e for e in outlets["The Daily Ledger"] if "ashby-water-fury" in e.link)
    wire = next(e for e in outlets["Northern Wire"] if "ashby-reservoir-chemical" in e.link)
    gazette_text, ledger_text = _entry_text(gazette), _entry_text(ledger)
    shared = [
        "We are asking every household in the affected streets not to drink tap water",
        "The levels we recorded on Tuesday night were well above anything we would accept",
    ]
    for quote in shared:
        assert quote in gazette_text and quote in ledger_text
        assert quote not in _entry_text(wire)
    assert "Nobody knocked on our door. I found out" in gazette_text
    assert "Nobody knocked on our door, I found out" in ledger_text
    assert "told The Harbour Gazette" in ledger_text
    assert gazette.published_parsed < wire.published_parsed < ledger.published_parsed


def test_article_files_follow_the_article_conventions() -> None:
    articles = {p.suffix: p for p in demo_paths() if p.parent.name == "articles"}
    page = articles[".html"].read_text(encoding="utf-8")
    assert "<title>" in page and "<h1>" in page and "<footer" in page and "<nav>" in page
    for path in (p for p in demo_paths() if p.suffix in (".txt", ".md")):
        fields, text = split_front_matter(path.read_text(encoding="utf-8"))
        assert {"published", "source"} <= set(fields), f"{path.name} gives its date and outlet"
        lines = text.splitlines()
        first = next(i for i, line in enumerate(lines) if line.strip())
        assert lines[first + 1] == "" and len(lines[first]) < 100


def test_the_demo_from_a_second_checkout_adds_no_story(cli: Any, tmp_path: Path) -> None:
    """The demo desk lives in the user's data directory, shared by every checkout and
    install: an article identified by its file's path came in once per path."""
    first, second = tmp_path / "one" / "demo", tmp_path / "two" / "demo"
    shutil.copytree(DEMO_DIR, first)
    shutil.copytree(DEMO_DIR, second)
    assert cli("ingest", str(first)).status == 0
    stories = len(cli("search", "--json", "--limit", "500").json())
    again = cli("ingest", "--json", str(second))
    assert again.status == 0 and again.json()["added"] == 0
    assert len(cli("search", "--json", "--limit", "500").json()) == stories


def test_the_demo_desk_of_an_older_corpus_is_built_afresh(tmp_path: Path) -> None:
    """triage keeps one demo desk per user: one built from another version's corpus (here,
    an extra story and no stamp) is rebuilt, so no story shows twice; a directory the
    editor named is never removed."""
    from triage.cli.app import prepare_demo
    from triage.core.desk import Desk

    fresh = prepare_demo(tmp_path / "fresh")
    expected = fresh.store.count()
    fresh.close()
    stale = tmp_path / "stale"
    old = Desk(stale)
    old.ingest([str(p) for p in demo_paths()])
    extra = tmp_path / "extra.txt"
    extra.write_text("Old demo story\n\nA story an older corpus had.\n")
    old.ingest([str(extra)])
    assert old.store.count() == expected + 1
    old.close()
    kept = prepare_demo(stale)  # named by the editor (--index): left as it is
    assert kept.store.count() == expected + 1
    kept.close()
    (stale / "demo-corpus").write_text("an older corpus\n")
    rebuilt = prepare_demo(stale, rebuild_stale=True)
    assert rebuilt.store.count() == expected
    rebuilt.close()
    again = prepare_demo(stale, rebuild_stale=True)  # the same corpus: kept, not rebuilt
    assert again.store.count() == expected
    again.close()
