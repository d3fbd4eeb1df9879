"""Measure full-text extraction: quality per page, and cost per story.

Quality: token F1 (bags of lower-cased words) of the extracted text against each
page's gold text, per page and as the mean over pages, in two groups: real pages
(``tests/fixtures/pages/real/NAME.html`` with ``NAME.gold.txt``, origin and licence in
SOURCES.md there; reported when present) and the nine pages written by the project
(``tests/fixtures/pages``), which are labelled as such and are no measure of the world.

Real path: the same real pages served by a local HTTP server behind a summary-only
feed, ingested with ``Desk.ingest([...], full_text=True)`` (what ``triage ingest
--full-text`` does), each stored body scored against its gold text, per page and mean.

Cost: median milliseconds to extract one page (both extractors), then end to end
through a real desk: a local HTTP server serves a summary-only feed of N stories
linking to the pages, and ``Desk.ingest([...], full_text=True)`` is timed against
the same ingest without full text (per-story difference), with the per-host pause
switched off so the figure is our own work, then a re-ingest (stored bodies
reused, no page requests).

Usage::

    python benchmarks/fulltext.py
    python benchmarks/fulltext.py --stories 60 --repeat 30
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from triage.core.desk import Desk
from triage.core.fulltext import pages as fulltext
from triage.core.fulltext.extract import decode_html, extract_article

PAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pages"
REAL_PAGES = PAGES / "real"
_WORD = re.compile(r"\w+")
DEFAULT_DELAY = fulltext.HOST_DELAY


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _WORD.findall(text))


def layouts(folder: Path = PAGES) -> list[str]:
    return sorted(p.name.removesuffix(".gold.txt") for p in folder.glob("*.gold.txt"))


def page_title(markup: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", markup, re.S | re.I)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def prf(overlap: int, extracted: int, gold: int) -> tuple[float, float, float]:
    precision = overlap / extracted if extracted else 0.0
    recall = overlap / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def quality(repeat: int) -> None:
    """Print per-page P/R/F1 and median extraction time, then the mean F1 per group."""
    groups = (("real pages", REAL_PAGES), ("written by the project", PAGES))
    for label, folder in groups:
        names = layouts(folder)
        if not names:
            print(f"{label}: no pages in {folder}")
            continue
        print(f"\n{label} ({len(names)} pages)")
        print(f"{'page':<40} {'P':>6} {'R':>6} {'F1':>6} {'ms':>7}")
        scores = []
        for name in names:
            markup = decode_html((folder / f"{name}.html").read_bytes())
            title = page_title(markup)
            gold = words((folder / f"{name}.gold.txt").read_text(encoding="utf-8"))
            spent = []
            text = ""
            for _ in range(max(1, repeat)):
                started = time.perf_counter()
                text = extract_article(markup, "", title)
                spent.append((time.perf_counter() - started) * 1000)
            got = words(text)
            p, r, f = prf(sum((got & gold).values()), sum(got.values()), sum(gold.values()))
            scores.append(f)
            print(f"{name:<40} {p:6.3f} {r:6.3f} {f:6.3f} {statistics.median(spent):7.2f}")
        print(f"{'mean token F1':<40} {'':>6} {'':>6} {statistics.mean(scores):6.3f}")


def headline(markup: str) -> str:
    """The page's headline for a feed item: its ``<h1>``, else its ``<title>``."""
    found = page_title(markup)
    if not found:
        title = re.search(r"<title[^>]*>(.*?)</title>", markup, re.S | re.I)
        found = re.sub(r"<[^>]+>", "", title.group(1)).strip() if title else ""
    return " ".join(found.split()) or "Untitled"


def real_ingest() -> None:
    """Print token F1 of the bodies ``ingest --full-text`` stores for the real pages."""
    names = layouts(REAL_PAGES)
    if not names:
        print(f"\nreal path: no pages in {REAL_PAGES}")
        return
    fulltext.HOST_DELAY = 0.0
    server = _Server()
    items = []
    when = datetime(2026, 11, 20, tzinfo=UTC)
    for number, name in enumerate(names):
        raw = (REAL_PAGES / f"{name}.html").read_bytes()
        server.routes[f"/real/{name}"] = (raw, "text/html")
        title = xml_escape(headline(decode_html(raw)))
        items.append(
            f"<item><title>{title}</title><link>{server.url(f'/real/{name}')}</link>"
            f"<pubDate>{format_datetime(when - timedelta(minutes=number))}</pubDate>"
            f"<description>Story {number}.</description></item>"
        )
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Real</title>'
        f"<link>{server.url('/')}</link>{''.join(items)}</channel></rss>"
    )
    server.routes["/feed.xml"] = (feed.encode(), "application/rss+xml")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            desk = Desk(Path(tmp) / "desk")
            try:
                report = desk.ingest([server.url("/feed.xml")], full_text=True)
                assert not report.errors, report.errors
                bodies = {s.url.rsplit("/", 1)[-1]: s.body for s in desk.store.iter_stories()}
            finally:
                desk.close()
    finally:
        server.shutdown()
        server.server_close()
    print(f"\nreal path: ingest --full-text through a local server ({len(names)} pages)")
    print(f"{'page':<40} {'P':>6} {'R':>6} {'F1':>6}")
    scores = []
    for name in names:
        gold = words((REAL_PAGES / f"{name}.gold.txt").read_text(encoding="utf-8"))
        got = words(bodies.get(name, ""))
        p, r, f = prf(sum((got & gold).values()), sum(got.values()), sum(gold.values()))
        scores.append(f)
        print(f"{name:<40} {p:6.3f} {r:6.3f} {f:6.3f}")
    print(f"{'mean token F1':<40} {'':>6} {'':>6} {statistics.mean(scores):6.3f}")
    print(f"{'median token F1':<40} {'':>6} {'':>6} {statistics.median(scores):6.3f}")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        body, kind = self.server.routes.get(self.path, (b"", ""))
        self.send_response(200 if kind else 404)
        self.send_header("Content-Type", kind or "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.hits += 1

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, tuple[bytes, str]] = {}
        self.hits = 0

    def url(self, path: str) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{path}"


@contextmanager
def serving(stories: int) -> Iterator[_Server]:
    """A local server with a summary-only feed of ``stories`` items over the pages."""
    server = _Server()
    names = layouts()
    items = []
    when = datetime(2026, 11, 20, tzinfo=UTC)
    for number in range(stories):
        layout = names[number % len(names)]
        path = f"/story/{number}"
        raw = (PAGES / f"{layout}.html").read_bytes()
        server.routes[path] = (raw, "text/html")
        items.append(
            f"<item><title>Story {number}: {layout}</title><link>{server.url(path)}</link>"
            f"<pubDate>{format_datetime(when - timedelta(minutes=number))}</pubDate>"
            f"<description>One sentence about story {number}.</description></item>"
        )
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>'
        f"<link>{server.url('/')}</link>{''.join(items)}</channel></rss>"
    )
    server.routes["/feed.xml"] = (feed.encode(), "application/rss+xml")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def timed_ingest(root: Path, name: str, url: str, full_text: bool) -> float:
    desk = Desk(root / name)
    try:
        started = time.perf_counter()
        report = desk.ingest([url], full_text=full_text)
        spent = time.perf_counter() - started
        assert not report.errors, report.errors
        return spent
    finally:
        desk.close()


def end_to_end(stories: int) -> None:
    """Print the per-story cost of full text through a real desk and local server."""
    fulltext.HOST_DELAY = 0.0  # measure our own work, not the politeness pause
    extract_article("<p>warm up</p>")  # import cost is paid once per process
    with serving(stories) as server, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url = server.url("/feed.xml")
        plain = timed_ingest(root, "plain", url, full_text=False)
        hits = server.hits
        full = timed_ingest(root, "full", url, full_text=True)
        fetched = server.hits - hits - 1
        hits = server.hits
        again = timed_ingest(root, "full", url, full_text=True)
        refetched = server.hits - hits - 1
    print(f"\nend to end, {stories} summary-only stories, one local host, no pause:")
    print(f"  ingest without full text: {plain * 1000:8.0f} ms")
    print(f"  ingest with full text:    {full * 1000:8.0f} ms ({fetched} pages fetched)")
    print(f"  full text cost per story: {(full - plain) / stories * 1000:8.1f} ms")
    print(f"  re-ingest (stored bodies reused): {again * 1000:8.0f} ms, {refetched} pages fetched")
    print(
        f"  with the default {DEFAULT_DELAY} s pause per host, "
        f"one host adds about {(stories - 1) * DEFAULT_DELAY:.1f} s to the first ingest"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=30, help="stories in the end-to-end feed")
    parser.add_argument("--repeat", type=int, default=20, help="timed extractions per page")
    args = parser.parse_args(argv)
    quality(args.repeat)
    real_ingest()
    end_to_end(args.stories)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
