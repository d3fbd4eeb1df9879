"""Bad feeds end to end: ``triage ingest`` against a real local server.

The fetch layer has its own fault tests; these check what an editor sees when a
run mixes broken feeds with good ones: one readable line per broken source on
stderr (and in ``--json``), every good feed stored in full, exit status 1, no
traceback, and a feed that keeps failing shown as failing and left alone for a
while instead of being hammered on every refresh.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CliResult, run_triage
from conftest_http import (
    Handler,
    RouteServer,
    drip,
    gzip_bomb,
    send,
    send_chunked,
    start_server,
    stop_server,
    zeros,
)
from rich.console import Console

from triage.cli import render as cli_render
from triage.core.desk import Desk
from triage.core.fetch.types import FetchPolicy
from triage.core.ingest import pipeline as pipeline

MB = 1024 * 1024
GOOD_ITEMS = 25
#: Short deadlines for the slow faults, so the in-process run stays fast.
SHORT_POLICY = FetchPolicy(
    connect_timeout=1.0,
    read_timeout=1.0,
    total_timeout=3.0,
    max_bytes=2 * MB,
    max_redirects=5,
    retries=1,
    backoff=0.05,
)
RSS = "application/rss+xml"


def good_feed(name: str, items: int = GOOD_ITEMS) -> bytes:
    """A well-formed RSS feed whose items have unique links and searchable words."""
    entries = "".join(
        f"<item><title>{name} report number {n}</title>"
        f"<link>http://news.invalid/{name}/{n}</link>"
        f"<guid>{name}-{n}</guid>"
        f"<description>The {name} desk filed report {n} about harbour cranes.</description>"
        "</item>"
        for n in range(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{name}</title><link>http://news.invalid/{name}</link>{entries}"
        "</channel></rss>"
    ).encode()


def charset_feed(declared: str, actual: str) -> bytes:
    """A feed whose bytes are in ``actual`` but whose prolog declares ``declared``."""
    text = (
        f'<?xml version="1.0" encoding="{declared}"?><rss version="2.0"><channel>'
        f"<title>Charset {declared}</title><link>http://news.invalid/{actual}</link>"
        f"<item><title>Café crème in {actual}</title>"
        f"<link>http://news.invalid/{actual}/1</link>"
        "<description>Naïve façade, déjà vu.</description></item></channel></rss>"
    )
    return text.encode(actual)


@dataclass(frozen=True)
class BadFeed:
    """A broken endpoint and a fragment of the reason we expect for it."""

    path: str
    reason: str


FAST_FAULTS = [
    BadFeed("/500", "HTTP 500"),
    BadFeed("/404", "HTTP 404"),
    BadFeed("/broken-xml", "unreadable feed"),
    BadFeed("/html", "HTML page"),
    BadFeed("/empty", "empty response"),
    BadFeed("/not-a-feed.json", "not a JSON Feed"),
]
SLOW_FAULTS = [
    BadFeed("/drip", "timed out"),
    BadFeed("/huge", "larger than 2 MB"),
    BadFeed("/bomb", "larger than 2 MB"),
    BadFeed("/loop-a", "redirect"),
]
GOOD = ["/alpha", "/bravo", "/charlie"]
CHARSET = {"/utf8-declared-latin1-bytes": "latin-1", "/latin1-declared-utf8-bytes": "utf-8"}


class Flaky:
    """A route that answers 503 a set number of times, then a good feed."""

    def __init__(self, failures: int, body: bytes) -> None:
        self.left = failures
        self.body = body
        self.lock = threading.Lock()

    def __call__(self, handler: Handler) -> None:
        with self.lock:
            fail = self.left > 0
            self.left -= 1
        if fail:
            send(handler, 503, b"busy", {"Retry-After": "0"})
        else:
            send(handler, 200, self.body, {"Content-Type": RSS})


def serve(body: bytes) -> Callable[[Handler], None]:
    """A route that always answers ``body`` as RSS."""
    return lambda h: send(h, 200, body, {"Content-Type": RSS})


@pytest.fixture(scope="module")
def server() -> Iterator[RouteServer]:
    srv, thread = start_server()
    routes: dict[str, Callable[[Handler], None]] = srv.routes
    routes["/500"] = lambda h: send(h, 500, b"oops")
    routes["/404"] = lambda h: send(h, 404, b"nope")
    routes["/broken-xml"] = lambda h: send(
        h,
        200,
        b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>cut',
        {"Content-Type": RSS},
    )
    routes["/html"] = lambda h: send(
        h,
        200,
        b"<!doctype html><html><head><title>Home</title></head>"
        b"<body><p>Welcome to our site</p></body></html>",
        {"Content-Type": "text/html; charset=utf-8"},
    )
    routes["/empty"] = lambda h: send(h, 200, b"", {"Content-Type": RSS})
    routes["/not-a-feed.json"] = lambda h: send(
        h, 200, b'{"status": "ok", "data": [1, 2, 3]}', {"Content-Type": "application/json"}
    )
    routes["/drip"] = lambda h: drip(h, srv.stopping, interval=0.3)
    routes["/huge"] = lambda h: send_chunked(h, zeros(200 * MB), stop=srv.stopping)
    routes["/bomb"] = lambda h: send_chunked(
        h, gzip_bomb(), {"Content-Encoding": "gzip", "Content-Type": RSS}, stop=srv.stopping
    )
    routes["/loop-a"] = lambda h: send(h, 302, b"", {"Location": "/loop-b"})
    routes["/loop-b"] = lambda h: send(h, 302, b"", {"Location": "/loop-a"})
    for path in GOOD:
        routes[path] = serve(good_feed(path.strip("/")))
    routes["/utf8-declared-latin1-bytes"] = lambda h: send(
        h, 200, charset_feed("utf-8", "latin-1"), {"Content-Type": f"{RSS}; charset=utf-8"}
    )
    routes["/latin1-declared-utf8-bytes"] = lambda h: send(
        h, 200, charset_feed("iso-8859-1", "utf-8"), {"Content-Type": f"{RSS}; charset=iso-8859-1"}
    )
    yield srv
    stop_server(srv, thread)


def error_lines(stderr: str) -> dict[str, str]:
    """``triage: error: SOURCE: reason`` lines of stderr, by source URL."""
    found: dict[str, str] = {}
    for line in stderr.splitlines():
        assert line.startswith("triage: error: http://"), f"unexpected stderr line {line!r}"
        source, _, reason = line.removeprefix("triage: error: ").partition(": ")
        assert source not in found, f"two errors for {source}"
        found[source] = reason
    return found


def assert_errors(
    stderr: str, report: dict[str, object], srv: RouteServer, faults: list[BadFeed]
) -> None:
    """Exactly one clear line per broken feed, on stderr and in the JSON summary."""
    assert "Traceback" not in stderr
    lines = error_lines(stderr)
    assert set(lines) == {srv.url(f.path) for f in faults}
    errors = report["errors"]
    assert isinstance(errors, list)
    by_source = {e["source"]: e["error"] for e in errors}
    assert len(by_source) == len(errors) == len(faults)
    for fault in faults:
        reason = lines[srv.url(fault.path)]
        assert fault.reason in reason, (fault.path, reason)
        assert by_source[srv.url(fault.path)] == reason
        assert "\n" not in reason and len(reason) < 200


def assert_good_feeds_landed(desk_dir: Path, srv: RouteServer, paths: list[str]) -> None:
    """Every item of every good feed is stored, analysed and searchable."""
    desk = Desk(desk_dir)
    try:
        for path in paths:
            name = path.strip("/")
            page = desk.search(f'"{name} report"', limit=None, snippets=False)
            titles = {row.story.title for row in page.rows}
            assert titles == {f"{name} report number {n}" for n in range(GOOD_ITEMS)}
            feed = desk.feeds.get(srv.url(path))
            assert feed is not None and feed.last_error == "" and feed.item_count == GOOD_ITEMS
        pending = desk.store.conn.execute(
            "SELECT count(*) FROM stories WHERE analysed < seq"
        ).fetchone()[0]
        assert pending == 0
    finally:
        desk.close()


def test_fast_faults_through_the_real_cli(server: RouteServer, tmp_path: Path) -> None:
    """A subprocess ``triage ingest --json`` over good, broken and mis-encoded feeds."""
    desk_dir = tmp_path / "desk"
    urls = [server.url(p) for p in GOOD + [f.path for f in FAST_FAULTS] + list(CHARSET)]
    started = time.monotonic()
    done = run_triage("--index", str(desk_dir), "ingest", "--json", *urls, timeout=60)
    elapsed = time.monotonic() - started
    sys.stderr.write(f"\nbad-feed CLI run: {len(urls)} feeds in {elapsed:.1f} s\n")

    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert_errors(done.stderr, report, server, FAST_FAULTS)
    assert report["added"] == GOOD_ITEMS * len(GOOD) + len(CHARSET)
    assert_good_feeds_landed(desk_dir, server, GOOD)


def test_wrong_declared_charset_still_reads_as_text(server: RouteServer, tmp_path: Path) -> None:
    """A charset lie gives readable text (recovered or replaced), never an error or junk."""
    desk_dir = tmp_path / "desk"
    done = run_triage("--index", str(desk_dir), "ingest", *(server.url(p) for p in CHARSET))
    assert done.returncode == 0, done.stderr
    desk = Desk(desk_dir)
    try:
        stories = list(desk.store.iter_stories())
        assert len(stories) == len(CHARSET)
        for story in stories:
            assert story.title.startswith("Caf") and story.title.endswith(
                ("in latin-1", "in utf-8")
            )
            assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in story.title + story.body)
        # Both lies are recoverable: feedparser falls back to a charset that fits.
        assert {s.title for s in stories} == {"Café crème in latin-1", "Café crème in utf-8"}
    finally:
        desk.close()


def test_slow_faults_and_a_transient_error(
    server: RouteServer, cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drip, huge body, gzip bomb and redirect loop beside good feeds; 503-then-200 lands."""
    monkeypatch.setattr(pipeline, "FetchPolicy", lambda: SHORT_POLICY)
    flaky = Flaky(failures=1, body=good_feed("flaky"))
    server.routes["/flaky"] = flaky
    paths = ["/alpha", *(f.path for f in SLOW_FAULTS), "/flaky", "/bravo"]
    started = time.monotonic()
    result = cli("ingest", "--json", *(server.url(p) for p in paths))
    elapsed = time.monotonic() - started
    sys.stderr.write(f"\nslow-fault run: {len(paths)} feeds in {elapsed:.1f} s\n")

    assert result.status == 1
    assert_errors(result.err, json.loads(result.out), server, SLOW_FAULTS)
    assert flaky.left < 0, "the 503 was not retried"
    desk_dir: Path = cli.index  # type: ignore[attr-defined]
    assert_good_feeds_landed(desk_dir, server, ["/alpha", "/bravo", "/flaky"])


def test_failing_feed_is_marked_and_backs_off(
    server: RouteServer, cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Repeated failures show in ``feeds list`` and keep ``triage fetch`` off the feed."""
    bad, good = server.url("/500"), server.url("/charlie")
    assert cli("feeds", "add", bad, "--name", "Broken Outlet").status == 0
    assert cli("feeds", "add", good).status == 0
    for _ in range(2):
        result = cli("fetch", "--all")
        assert result.status == 1
        assert error_lines(result.err).keys() == {bad}

    listed = cli("feeds", "list", "--json")
    assert listed.status == 0
    by_url = {f["url"]: f for f in listed.json()}  # type: ignore[attr-defined]
    assert "HTTP 500" in by_url[bad]["last_error"] and by_url[bad]["failures"] == 2
    assert by_url[good]["last_error"] is None and by_url[good]["failures"] == 0

    monkeypatch.setattr(cli_render, "console", Console(width=200, highlight=False))
    table = cli("feeds", "list")
    assert "HTTP 500" in table.out and "backing off" in table.out

    hits_before = server.hits["/500"]
    result = cli("fetch")
    assert result.status == 0, result.err
    assert server.hits["/500"] == hits_before, "a backing-off feed was fetched again"
    assert server.hits["/charlie"] >= 3


@pytest.mark.skipif(os.name != "posix", reason="uses a POSIX subprocess environment")
def test_no_traceback_when_the_desk_is_unusable(server: RouteServer, tmp_path: Path) -> None:
    """A desk path that is a file: one line, status 1, nothing fetched, no traceback."""
    not_a_dir = tmp_path / "plain-file"
    not_a_dir.write_text("not a desk")
    done = run_triage("--index", str(not_a_dir), "ingest", server.url("/alpha"), timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("triage: error: ")
