"""Reliability: bad feeds lose nothing.

Every misbehaving server we could think of (errors, a byte-a-second drip, a body of
hundreds of megabytes, a gzip bomb, a redirect loop, a closed port, a server that
accepts and never answers, a truncated or garbled response) must end in exactly
one readable error line within the configured deadlines, with bounded memory, and
must not delay or damage the good feeds fetched in the same batch.
"""

from __future__ import annotations

import gzip
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from conftest_http import (
    Handler,
    RouteServer,
    SilentServer,
    closed_port_url,
    drip,
    gzip_bomb,
    send,
    send_chunked,
    start_server,
    stop_server,
    zeros,
)

from triage.core.fetch.client import FetchPolicy, FetchRequest, FetchResult, fetch_all, fetch_one

MB = 1024 * 1024
#: Short deadlines so the whole file stays fast; the logic is the same as in production.
POLICY = FetchPolicy(
    connect_timeout=1.0,
    read_timeout=1.0,
    total_timeout=3.0,
    max_bytes=2 * MB,
    max_redirects=5,
    retries=1,
    backoff=0.05,
)
#: Slack on top of a deadline for thread scheduling on a busy 2-core machine.
SLACK = 2.0
MEMORY_BUDGET = 64 * MB


def _good_body(n: int) -> bytes:
    item = f"<item><title>Story {n}</title><description>{'words ' * 40}</description></item>"
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Good {n}</title>'
        f"{item * (200 * (n + 1))}</channel></rss>"
    ).encode()


def _good_route(n: int) -> Callable[[Handler], None]:
    """Serve good feed ``n``; odd ones gzip-encoded, as many real servers do."""
    body = _good_body(n)
    if n % 2:
        packed = gzip.compress(body)
        return lambda h: send(h, 200, packed, {"Content-Encoding": "gzip"})
    return lambda h: send(h, 200, body, {"Content-Type": "application/rss+xml"})


def _truncated(h: Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Length", "5000")
    h.end_headers()
    h.wfile.write(b"<rss>only the start")
    h.close_connection = True


def _garbage(h: Handler) -> None:
    h.wfile.write(b"this is not HTTP at all\r\n\r\n")
    h.close_connection = True


@dataclass(frozen=True)
class Fault:
    """A misbehaving endpoint and the one line we expect for it."""

    name: str
    path: str
    expected: str


FAULTS = [
    Fault("server error", "/500", "HTTP 500 Internal Server Error"),
    Fault("not found", "/404", "HTTP 404 Not Found"),
    Fault("drip", "/drip", "timed out after 3 s"),
    Fault("200 MB body", "/huge", "response larger than 2 MB"),
    Fault("gzip bomb", "/bomb", "response larger than 2 MB"),
    Fault("redirect loop", "/loop-a", "redirect loop"),
    Fault("truncated body", "/truncated", "server closed the connection"),
    Fault("garbage response", "/garbage", "malformed response"),
    Fault("connection refused", "CLOSED", "connection refused"),
    Fault("hanging server", "SILENT", "no data for 1 s (read timeout)"),
]


@dataclass
class Lab:
    """The servers one test module talks to."""

    server: RouteServer
    silent: SilentServer
    refused_url: str

    def url(self, fault: Fault) -> str:
        if fault.path == "CLOSED":
            return self.refused_url
        if fault.path == "SILENT":
            return self.silent.url
        return self.server.url(fault.path)


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    server, thread = start_server()
    routes = server.routes
    routes["/500"] = lambda h: send(h, 500, b"oops")
    routes["/404"] = lambda h: send(h, 404, b"nope")
    routes["/drip"] = lambda h: drip(h, server.stopping, interval=0.3)
    routes["/huge"] = lambda h: send_chunked(h, zeros(200 * MB), stop=server.stopping)
    routes["/bomb"] = lambda h: send_chunked(
        h,
        gzip_bomb(),
        {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"},
        stop=server.stopping,
    )
    routes["/loop-a"] = lambda h: send(h, 302, b"", {"Location": "/loop-b"})
    routes["/loop-b"] = lambda h: send(h, 302, b"", {"Location": "/loop-a"})
    routes["/truncated"] = _truncated
    routes["/garbage"] = _garbage
    for n in range(5):
        routes[f"/good{n}"] = _good_route(n)
    routes["/moved"] = lambda h: send(h, 301, b"", {"Location": "/good4"})
    silent = SilentServer()
    yield Lab(server, silent, closed_port_url())
    silent.close()
    stop_server(server, thread)


def _assert_one_clear_line(result: FetchResult, expected: str) -> None:
    assert result.error is not None, f"expected an error for {result.request.url}"
    assert expected in result.error
    assert "\n" not in result.error and "Traceback" not in result.error
    assert len(result.error) <= 200
    assert not result.ok
    assert result.content == b""


def _traced(fetch: Callable[[], list[FetchResult]]) -> tuple[list[FetchResult], int]:
    """Call ``fetch`` under tracemalloc; return its results and the peak bytes traced."""
    tracemalloc.start()
    try:
        results = fetch()
        return results, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_each_fault_is_one_clear_line_within_the_deadline(lab: Lab, fault: Fault) -> None:
    request = FetchRequest(lab.url(fault), key=fault.name)
    started = time.monotonic()
    results, peak = _traced(lambda: fetch_all([request], POLICY))
    wall = time.monotonic() - started
    [result] = results
    _assert_one_clear_line(result, fault.expected)
    assert result.request.key == fault.name
    assert wall < POLICY.total_timeout + SLACK
    assert peak < MEMORY_BUDGET


def test_default_cap_message_and_memory_for_a_bomb(lab: Lab) -> None:
    """With the production policy the bomb stops at 10 MB decoded, not at 1 GB."""
    requests = [FetchRequest(lab.server.url("/bomb")), FetchRequest(lab.server.url("/huge"))]
    results, peak = _traced(lambda: fetch_all(requests))
    for result in results:
        _assert_one_clear_line(result, "response larger than 10 MB")
    assert peak < 100 * MB


def test_everything_at_once_loses_no_good_feed(lab: Lab) -> None:
    good = [FetchRequest(lab.server.url(f"/good{n}"), key=f"good{n}") for n in range(5)]
    good.append(FetchRequest(lab.server.url("/moved"), key="moved"))
    bad = [FetchRequest(lab.url(f), key=f.name) for f in FAULTS]
    requests = [r for pair in zip(bad, good, strict=False) for r in pair] + bad[len(good) :]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    results, peak = _traced(lambda: fetch_all(requests, POLICY))
    wall = time.monotonic() - started
    rss_growth_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before

    assert [r.request for r in results] == requests
    by_key = {r.request.key: r for r in results}
    for n in range(5):
        assert by_key[f"good{n}"].ok, by_key[f"good{n}"].error
        assert by_key[f"good{n}"].content == _good_body(n)
    assert by_key["moved"].content == _good_body(4)
    assert by_key["moved"].final_url == lab.server.url("/good4")
    for fault in FAULTS:
        _assert_one_clear_line(by_key[fault.name], fault.expected)
    sys.stderr.write(
        f"\ncombined run: {len(requests)} URLs in {wall:.2f} s, tracemalloc peak "
        f"{peak / MB:.1f} MB, ru_maxrss +{rss_growth_kb / 1024:.1f} MB\n"
    )
    assert wall < 20
    assert peak < MEMORY_BUDGET
    assert rss_growth_kb * 1024 < 100 * MB


@pytest.mark.soak
def test_drip_with_production_deadline(lab: Lab) -> None:
    """The real 30 s total deadline, not the shortened one (slow, so soak only)."""
    started = time.monotonic()
    result = fetch_one(lab.server.url("/drip"))
    _assert_one_clear_line(result, "timed out after 30 s")
    assert time.monotonic() - started < 30 + SLACK
