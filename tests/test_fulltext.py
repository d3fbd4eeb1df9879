"""Full text for summary-only feeds, against a real local HTTP server and real desks.

The article pages in ``tests/fixtures/pages`` were written for these tests: each
``NAME.html`` is one layout (``<article>``, nested ``<div>``s, sidebars, comments,
a cookie banner with scripts and styles, a legacy table page in ISO-8859-1) and
``NAME.gold.txt`` is the article text it holds.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from triage.core.desk import Desk
from triage.core.fetch.client import FetchRequest, FetchResult
from triage.core.fetch.types import FetchPolicy
from triage.core.fulltext import extract as fulltext_extract
from triage.core.fulltext import pages as fulltext
from triage.core.fulltext.cache import PageCache
from triage.core.ingest.sources import fetch_urls, parse_fetched, prepare_entries
from triage.core.models import Story

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
LAYOUTS = ("article", "nested", "sidebar", "comments", "cookie", "legacy")
#: Page furniture that must not reach a story body, per layout.
BOILERPLATE = {
    "article": ["Share on social", "All rights reserved", "Privacy policy", "Subscribe"],
    "nested": ["Bus route 14", "Sign in", "Tags:", "Larchmont Media Ltd"],
    "sidebar": ["Most read", "Morning briefing", "Advertisement", "Why battery prices"],
    "comments": ["About time", "mobile van is the only library", "Leave a reply", "12 comments"],
    "cookie": ["We use cookies", "Accept all", "Runners crossing", "Rowing club", "JavaScript"],
    "legacy": ["Livestock prices", "Front page", "Classifieds"],  # footer lines remain
}
TITLES = {
    "article": "Council keeps winter ferry to outer islands",
    "nested": "Old settling basin drained as filter project begins",
    "sidebar": "Start-up claims long-life battery cell",
    "comments": "Library to open late every weekday",
    "cookie": "Half marathon moves its start to riverside park",
    "legacy": "Cooperative buys old creamery",
}
WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def normalize(text: str) -> str:
    """Straight quotes and single spaces, so gold and extracted text compare fairly."""
    for curly, straight in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(curly, straight)
    return " ".join(text.split())


def gold(layout: str) -> list[str]:
    return (PAGES / f"{layout}.gold.txt").read_text(encoding="utf-8").strip().split("\n\n")


def summary_of(layout: str) -> str:
    return gold(layout)[0].split(",")[0] + "."


def rss(server: HTTPServer, items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of ``(title, path, summary)`` items linking into ``server``."""
    parts = []
    for number, (title, path, summary) in enumerate(items):
        date = format_datetime(WHEN - timedelta(hours=number))
        parts.append(
            f"<item><title>{escape(title)}</title><link>{server.url_for(path)}</link>"
            f"<guid>{server.url_for(path)}</guid><pubDate>{date}</pubDate>"
            f"<description>{escape(summary)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Test Wire</title><link>{server.url_for('/')}</link>"
        f"<description>summaries only</description>{''.join(parts)}</channel></rss>"
    )


def serve_page(server: HTTPServer, layout: str, path: str | None = None) -> str:
    path = path or f"/news/{layout}"
    charset = "iso-8859-1" if layout == "legacy" else "utf-8"
    server.expect_request(path).respond_with_data(
        (PAGES / f"{layout}.html").read_bytes(), content_type=f"text/html; charset={charset}"
    )
    return path


def page_hits(server: HTTPServer, path: str) -> int:
    return sum(1 for request, _ in server.log if request.path == path)


@pytest.fixture(autouse=True)
def quick_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the per-host pause, but short: every page here lives on one local host."""
    monkeypatch.setattr(fulltext, "HOST_DELAY", 0.01)


@pytest.fixture
def all_layouts(httpserver: HTTPServer) -> str:
    """A summary-only feed whose items link to one page of every layout."""
    items = [(TITLES[n], serve_page(httpserver, n), summary_of(n)) for n in LAYOUTS]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(httpserver, items), content_type="application/rss+xml"
    )
    return httpserver.url_for("/feed.xml")


def stories_by_title(desk: Desk) -> dict[str, Story]:
    return {s.title: s for s in desk.store.iter_stories()}


def test_ingest_replaces_summaries_with_article_text(desk: Desk, all_layouts: str) -> None:
    report = desk.ingest([all_layouts], full_text=True)
    assert not report.errors and report.added == len(LAYOUTS)
    stories = stories_by_title(desk)
    for layout in LAYOUTS:
        story = stories[TITLES[layout]]
        body = normalize(story.body)
        for paragraph in gold(layout):
            assert normalize(paragraph) in body, (layout, paragraph[:40])
        for furniture in BOILERPLATE[layout]:
            assert furniture not in story.body, (layout, furniture)
        assert story.summary == summary_of(layout)
        assert story.note == ""
        paragraphs = [normalize(p) for p in story.body.split("\n\n")]
        assert all(normalize(p) in paragraphs for p in gold(layout)), layout  # kept apart
        assert not story.body.startswith(TITLES[layout])


def test_enrich_reports_progress(desk: Desk, all_layouts: str) -> None:
    seen: list[tuple[str, int, int]] = []
    desk.pipeline(progress=lambda *a: seen.append(a)).run([all_layouts])  # summaries
    parsed = parse_fetched(fetch_urls([(all_layouts, "", "")])[0])
    prepared = prepare_entries(parsed.entries, all_layouts, parsed.link, WHEN)
    enriched = fulltext.enrich(
        desk.store, prepared, FetchPolicy(), progress=lambda *a: seen.append(a)
    )
    assert [s for s in seen if s[0] == "fulltext"][-1] == ("fulltext", 6, 6)
    assert all(item.story.note == "" for item in enriched)
    assert [i.identity for i in enriched] == [i.identity for i in prepared]


def test_article_text_feeds_quotes_and_search(desk: Desk, all_layouts: str) -> None:
    desk.ingest([all_layouts], full_text=True)
    ferry = stories_by_title(desk)[TITLES["article"]]
    quotes = desk.quotes.for_stories([ferry.id])
    assert any("not a postcard" in q.quote.text for q in quotes)
    assert any("Branwen Oake" in q.quote.speaker for q in quotes)
    hits = desk.search("breakwater").rows  # a word only the article page has
    assert [row.story.id for row in hits] == [ferry.id]


def test_cli_ingest_full_text(cli: Callable[..., object], all_layouts: str) -> None:
    result = cli("ingest", all_layouts, "--full-text", "--json")
    assert result.status == 0  # type: ignore[attr-defined]
    opened = Desk(cli.index)  # type: ignore[attr-defined]
    try:
        creamery = stories_by_title(opened)[TITLES["legacy"]]
        assert "Renée Lafargue" in creamery.body  # ISO-8859-1 page decoded correctly
    finally:
        opened.close()


def test_without_full_text_the_summary_stays(
    desk: Desk, all_layouts: str, httpserver: HTTPServer
) -> None:
    desk.ingest([all_layouts])
    assert all(s.body == s.summary for s in desk.store.iter_stories())
    assert page_hits(httpserver, "/news/article") == 0


def test_failures_keep_the_summary_and_say_why(
    desk: Desk, httpserver: HTTPServer, cli: Callable[..., Any]
) -> None:
    def slow(_: Request) -> Response:
        time.sleep(1.5)
        return Response("<html><body><p>too late</p></body></html>", content_type="text/html")

    big = "<html><body>" + "<p>" + "filler words for a page " * 20 + "</p>" * 1 + "</body>"
    httpserver.expect_request("/big").respond_with_data(big * 400, content_type="text/html")
    httpserver.expect_request("/missing").respond_with_data("gone", status=404)
    httpserver.expect_request("/pdf").respond_with_data(b"%PDF-1.7", content_type="application/pdf")
    httpserver.expect_request("/empty").respond_with_data(
        "<html><body><nav><a href='/'>Home</a></nav></body></html>", content_type="text/html"
    )
    httpserver.expect_request("/slow").respond_with_handler(slow)
    serve_page(httpserver, "article")
    items = [
        ("Fine", "/news/article", "A summary."),
        ("Big", "/big", "Big summary."),
        ("Missing", "/missing", "Missing summary."),
        ("Pdf", "/pdf", "Pdf summary."),
        ("Empty", "/empty", "Empty summary."),
        ("Slow", "/slow", "Slow summary."),  # last: the server answers one request at a time
    ]
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(httpserver, items), content_type="application/rss+xml"
    )
    policy = FetchPolicy(total_timeout=0.6, retries=0, max_bytes=64 * 1024)
    report = desk.pipeline(policy=policy).run([httpserver.url_for("/feed.xml")], full_text=True)
    assert not report.errors and report.added == len(items)
    stories = stories_by_title(desk)
    assert stories["Fine"].note == "" and "breakwater" in stories["Fine"].body
    expected = {
        "Big": "larger than",
        "Missing": "404",
        "Pdf": "not an HTML page",
        "Empty": "no article text",
        "Slow": "timed out",
    }
    for title, reason in expected.items():
        story = stories[title]
        assert story.body == story.summary == f"{title} summary."
        assert story.note.startswith("full text unavailable: ") and reason in story.note
        assert "\n" not in story.note
    shown = cli("show", stories["Missing"].id, index_dir=desk.path)
    assert "note: full text unavailable: HTTP 404" in " ".join(shown.out.split())


def test_reingest_reuses_stored_bodies_and_revalidates_changed_entries(
    desk: Desk, httpserver: HTTPServer
) -> None:
    page = (PAGES / "article.html").read_bytes()
    conditional: list[str] = []

    def article(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            conditional.append(request.headers["If-None-Match"])
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(page, content_type="text/html; charset=utf-8", headers={"ETag": '"v1"'})

    summary = {"text": "The ferry stays."}

    def feed(_: Request) -> Response:
        items = [(TITLES["article"], "/news/article", summary["text"])]
        return Response(rss(httpserver, items), content_type="application/rss+xml")

    httpserver.expect_request("/news/article").respond_with_handler(article)
    httpserver.expect_request("/feed.xml").respond_with_handler(feed)
    url = httpserver.url_for("/feed.xml")
    desk.ingest([url], full_text=True)
    assert page_hits(httpserver, "/news/article") == 1

    again = desk.ingest([url], full_text=True)
    assert page_hits(httpserver, "/news/article") == 1  # stored body reused, no request
    assert again.unchanged == 1 and again.updated == 0

    summary["text"] = "The ferry stays, the council decided."  # the feed updated its entry
    desk.ingest([url], full_text=True)
    assert page_hits(httpserver, "/news/article") == 2
    assert conditional == ['"v1"']  # asked with the cached validator, got a 304
    story = stories_by_title(desk)[TITLES["article"]]
    assert "breakwater" in story.body and story.summary == summary["text"]


def test_a_failed_page_is_not_refetched_at_once(desk: Desk, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/missing").respond_with_data("gone", status=404)
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(httpserver, [("Missing", "/missing", "Short.")]), content_type="application/rss+xml"
    )
    url = httpserver.url_for("/feed.xml")
    desk.ingest([url], full_text=True)
    desk.ingest([url], full_text=True)
    assert page_hits(httpserver, "/missing") == 1
    assert "404" in stories_by_title(desk)["Missing"].note
    assert PageCache(desk.store).count() == 1


def test_long_feed_content_is_not_fetched(desk: Desk, httpserver: HTTPServer) -> None:
    serve_page(httpserver, "article")
    full = " ".join(gold("article"))
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(httpserver, [("Full", "/news/article", full)]), content_type="application/rss+xml"
    )
    desk.ingest([httpserver.url_for("/feed.xml")], full_text=True)
    assert page_hits(httpserver, "/news/article") == 0


def test_feeds_add_full_text_then_fetch(cli: Callable[..., object], all_layouts: str) -> None:
    added = cli("feeds", "add", all_layouts, "--full-text")
    assert added.status == 0 and "full text" in added.out  # type: ignore[attr-defined]
    assert cli("fetch").status == 0  # type: ignore[attr-defined]
    opened = Desk(cli.index)  # type: ignore[attr-defined]
    try:
        body = stories_by_title(opened)[TITLES["sidebar"]].body
        assert "sodium-based chemistry" in body and "Most read" not in body
    finally:
        opened.close()


@pytest.fixture
def broken_trafilatura(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make ``import trafilatura`` fail (as lxml 6 without lxml_html_clean made it) and
    forget that it was ever loaded."""
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    monkeypatch.setattr(fulltext_extract, "_trafilatura", None)
    yield
    fulltext_extract._trafilatura = None  # the next use loads the real one again


def test_a_broken_extractor_install_is_a_loud_error(
    desk: Desk, all_layouts: str, broken_trafilatura: None
) -> None:
    with pytest.raises(fulltext_extract.ExtractorUnavailable, match="trafilatura"):
        desk.ingest([all_layouts], full_text=True)
    assert not any(s.body != s.summary for s in desk.store.iter_stories())  # no weak text


def test_a_broken_extractor_install_fails_the_cli_in_one_line(
    cli: Callable[..., Any], all_layouts: str, broken_trafilatura: None
) -> None:
    result = cli("ingest", all_layouts, "--full-text")
    assert result.status == 1
    assert "trafilatura" in result.err and "lxml_html_clean" in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err


def test_a_broken_extractor_install_fails_html_article_files(
    desk: Desk, tmp_path: Path, broken_trafilatura: None
) -> None:
    page = tmp_path / "saved" / "page.html"
    page.parent.mkdir()
    page.write_bytes((PAGES / "article.html").read_bytes())
    with pytest.raises(fulltext_extract.ExtractorUnavailable):
        desk.ingest([str(page)])


def test_the_installed_extractor_imports() -> None:
    """The default install carries trafilatura and everything it imports."""
    import trafilatura

    assert trafilatura.extract("<html><body><p>" + "Words of a page. " * 30 + "</p></body>")


def test_needs_full_text_threshold() -> None:
    def story(body: str, url: str = "https://example.org/a") -> Story:
        return Story(id="x", title="t", url=url, source="s", published=WHEN, body=body)

    assert fulltext.needs_full_text(story("One short sentence."))
    assert not fulltext.needs_full_text(story("word " * fulltext.MIN_FULL_WORDS))
    assert fulltext.needs_full_text(story("word " * 200 + "Continue reading"))
    assert not fulltext.needs_full_text(story("Short.", url="file:///tmp/a.txt"))


class FakeClock:
    """A clock that only moves when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 100.0
        self.pauses: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(round(seconds, 6))
        self.now += seconds


def test_fetch_paced_sends_one_request_per_host_per_round(monkeypatch: pytest.MonkeyPatch) -> None:
    batches: list[list[str]] = []

    def fake_fetch_all(requests: list[FetchRequest], policy: FetchPolicy) -> list[FetchResult]:
        batches.append([r.url for r in requests])
        return [FetchResult(request=r, status=200, final_url=r.url) for r in requests]

    clock = FakeClock()
    pacer = fulltext.HostPacer(clock=clock, sleep=clock.sleep)
    monkeypatch.setattr(fulltext, "fetch_all", fake_fetch_all)
    urls = ["http://a.test/1", "http://b.test/1", "http://a.test/2", "http://a.test/3"]
    results = fulltext.fetch_paced(
        [FetchRequest(url=u) for u in urls], FetchPolicy(), host_delay=0.7, pacer=pacer
    )
    assert [r.request.url for r in results] == urls
    assert batches == [
        ["http://a.test/1", "http://b.test/1"],
        ["http://a.test/2"],
        ["http://a.test/3"],
    ]
    assert clock.pauses == [0.7, 0.7]
    # A second feed of the same outlet right after: its host still waits its turn,
    # another host does not.
    clock.now += 0.2
    fulltext.fetch_paced([FetchRequest(url="http://a.test/4")], FetchPolicy(), 0.7, pacer)
    fulltext.fetch_paced([FetchRequest(url="http://c.test/1")], FetchPolicy(), 0.7, pacer)
    assert clock.pauses == [0.7, 0.7, 0.5]


def test_decode_html_prefers_header_then_meta() -> None:
    raw = (PAGES / "legacy.html").read_bytes()
    assert "Renée" in fulltext_extract.decode_html(raw)  # from the <meta> charset
    assert "Renée" in fulltext_extract.decode_html(raw, "text/html; charset=latin-1")
    assert "Ren" in fulltext_extract.decode_html("Ren\u00e9e".encode(), "text/html")
