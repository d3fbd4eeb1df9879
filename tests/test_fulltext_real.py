"""Full text on real news pages, through the path an editor uses.

The pages in ``tests/fixtures/pages/real`` are saved news pages with their article
text (origin and licence in SOURCES.md there). A local HTTP server serves them
behind a summary-only feed and ``Desk.ingest(..., full_text=True)`` stores each
page's article text; every stored body must overlap its gold text. The floors sit
well below what the extractor measures (``benchmarks/fulltext.py`` prints the
figures), so they hold on any machine but fail when extraction breaks: a missing
or silently replaced extractor, a page stored as its summary, a body of furniture.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from pytest_httpserver import HTTPServer

from triage.core.desk import Desk
from triage.core.fulltext import pages as fulltext

REAL = Path(__file__).resolve().parent / "fixtures" / "pages" / "real"
NAMES = sorted(p.name.removesuffix(".gold.txt") for p in REAL.glob("*.gold.txt"))
PAGE_FLOOR = 0.5
"""Lowest token F1 any one page may score (the worst measures about 0.65)."""
MEAN_FLOOR = 0.85
"""Lowest mean token F1 over the pages (measured about 0.93)."""
WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
_WORD = re.compile(r"\w+")
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.S | re.I)


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _WORD.findall(text))


def token_f1(found: str, gold: str) -> float:
    got, want = words(found), words(gold)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def headline(raw: bytes) -> str:
    found = _TITLE.search(raw)
    text = found.group(1).decode("utf-8", "replace") if found else ""
    return " ".join(re.sub(r"<[^>]+>", "", text).split()) or "Untitled"


@pytest.fixture(autouse=True)
def quick_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page lives on one local host: keep the pause, but short."""
    monkeypatch.setattr(fulltext, "HOST_DELAY", 0.01)


@pytest.fixture
def real_feed(httpserver: HTTPServer) -> str:
    """A summary-only feed with one item per real page, each page served as HTML."""
    items = []
    for number, name in enumerate(NAMES):
        raw = (REAL / f"{name}.html").read_bytes()
        path = f"/real/{name}"
        httpserver.expect_request(path).respond_with_data(raw, content_type="text/html")
        items.append(
            f"<item><title>{escape(headline(raw))}</title><link>{httpserver.url_for(path)}</link>"
            f"<pubDate>{format_datetime(WHEN - timedelta(hours=number))}</pubDate>"
            f"<description>Story {number}.</description></item>"
        )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Real pages</title><link>{httpserver.url_for('/')}</link>"
        f"{''.join(items)}</channel></rss>"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        feed, content_type="application/rss+xml"
    )
    return httpserver.url_for("/feed.xml")


def test_real_pages_are_present() -> None:
    assert len(NAMES) >= 10
    assert sum(p.stat().st_size for p in REAL.iterdir()) < 3_000_000
    assert (REAL / "SOURCES.md").is_file()


def test_full_text_ingest_of_real_pages_keeps_their_article_text(
    desk: Desk, real_feed: str
) -> None:
    report = desk.ingest([real_feed], full_text=True)
    assert not report.errors and report.added == len(NAMES)
    bodies = {story.url.rsplit("/", 1)[-1]: story.body for story in desk.store.iter_stories()}
    scores = {}
    for name in NAMES:
        gold = (REAL / f"{name}.gold.txt").read_text(encoding="utf-8")
        scores[name] = token_f1(bodies[name], gold)
    low = {name: round(score, 3) for name, score in scores.items() if score < PAGE_FLOOR}
    assert not low, low
    assert statistics.mean(scores.values()) >= MEAN_FLOOR, scores
