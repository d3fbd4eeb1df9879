"""Measure full-text extraction: quality on the hand-written pages, and cost per story.

Quality: for every page in ``tests/fixtures/pages`` (one layout each), word-level
precision, recall and F1 of the extracted text against the gold article text
(``NAME.gold.txt``), as bags of lower-cased words, for trafilatura and for the
built-in fallback; the totals pool the words of their pages (micro average). The
fallback was written while looking at the "dev" pages; the "held-out" pages were
written afterwards and never used to change either extractor, so their figures
are the honest ones.

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
import sys
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

from triage.core.desk import Desk
from triage.core.fulltext import pages as fulltext
from triage.core.fulltext.extract import decode_html, extract_with, trafilatura_available

PAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pages"
METHODS = ("trafilatura", "fallback")
HELD_OUT = frozenset({"divtext", "longform", "teasers"})
_WORD = re.compile(r"\w+")
DEFAULT_DELAY = fulltext.HOST_DELAY


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _WORD.findall(text))


def layouts() -> list[str]:
    return sorted(p.name.removesuffix(".gold.txt") for p in PAGES.glob("*.gold.txt"))


def page_title(markup: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", markup, re.S | re.I)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def prf(overlap: int, extracted: int, gold: int) -> tuple[float, float, float]:
    precision = overlap / extracted if extracted else 0.0
    recall = overlap / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def quality(repeat: int) -> None:
    """Print per-layout and pooled P/R/F1, and the median extraction time."""
    print(f"{'layout':<19} {'method':<12} {'P':>6} {'R':>6} {'F1':>6} {'ms':>7}")
    groups = ("dev", "held-out", "OVERALL")
    pooled = {(g, m): [0, 0, 0] for g in groups for m in METHODS}
    times: dict[tuple[str, str], list[float]] = {key: [] for key in pooled}
    for layout in layouts():
        raw = (PAGES / f"{layout}.html").read_bytes()
        markup = decode_html(raw)
        title = page_title(markup)
        gold = words((PAGES / f"{layout}.gold.txt").read_text(encoding="utf-8"))
        group = "held-out" if layout in HELD_OUT else "dev"
        for method in METHODS:
            text = extract_with(method, markup, "", title)
            spent = []
            for _ in range(repeat):
                started = time.perf_counter()
                extract_with(method, markup, "", title)
                spent.append((time.perf_counter() - started) * 1000)
            times[(group, method)].extend(spent)
            times[("OVERALL", method)].extend(spent)
            got = words(text)
            counts = (sum((got & gold).values()), sum(got.values()), sum(gold.values()))
            for key in ((group, method), ("OVERALL", method)):
                pooled[key] = [a + b for a, b in zip(pooled[key], counts, strict=True)]
            p, r, f = prf(*counts)
            label = f"{layout} ({group})"
            print(
                f"{label:<19} {method:<12} {p:6.3f} {r:6.3f} {f:6.3f} "
                f"{statistics.median(spent):7.2f}"
            )
    for group in groups:
        for method in METHODS:
            p, r, f = prf(*pooled[(group, method)])
            print(
                f"{group:<19} {method:<12} {p:6.3f} {r:6.3f} {f:6.3f} "
                f"{statistics.median(times[(group, method)]):7.2f}"
            )


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
    extract_with("trafilatura", "<p>warm up</p>")  # import cost is paid once per process
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
    if not trafilatura_available():
        print("trafilatura is not installed: only the fallback can be measured", file=sys.stderr)
    quality(args.repeat)
    end_to_end(args.stories)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
