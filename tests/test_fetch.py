"""Behaviour of the fetching layer against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import socket
import ssl
import threading
import tracemalloc
import zlib
from collections.abc import Iterator

import httpx
import pytest
from conftest_http import (
    Handler,
    InFlight,
    RouteServer,
    gzip_bomb,
    send,
    start_server,
    stop_server,
    wait_briefly,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.core.fetch.body import STEP, BodyTooLarge, BoundedBody, UndecodableBody
from triage.core.fetch.client import (
    FetchPolicy,
    FetchRequest,
    FetchResult,
    fetch_all,
    fetch_all_async,
    fetch_one,
)
from triage.core.fetch.errors import (
    describe_exception,
    http_status_line,
    human_size,
    is_transient_exception,
)

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Test desk</title></channel></rss>'
FAST = FetchPolicy(connect_timeout=2, read_timeout=2, total_timeout=5, backoff=0.01)


@pytest.fixture
def server() -> Iterator[RouteServer]:
    srv, thread = start_server()
    yield srv
    stop_server(srv, thread)


def test_200_returns_content_and_lowercase_headers(server: RouteServer) -> None:
    server.routes["/feed.xml"] = lambda h: send(
        h,
        200,
        FEED,
        {
            "Content-Type": "application/rss+xml; charset=utf-8",
            "Content-Location": "/canonical.xml",
            "X-Desk": "yes",
            "ETag": '"v1"',
            "Last-Modified": "Sat, 21 Nov 2026 10:00:00 GMT",
        },
    )
    request = FetchRequest(server.url("/feed.xml"), key="desk")
    [result] = fetch_all([request], FAST)
    assert result.ok and result.error is None
    assert result.status == 200
    assert result.request is request
    assert result.content == FEED
    assert result.final_url == server.url("/feed.xml")
    assert result.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert result.headers["content-location"] == "/canonical.xml"
    assert result.headers["x-desk"] == "yes"
    assert "content-length" not in result.headers
    assert result.etag == '"v1"'
    assert result.last_modified == "Sat, 21 Nov 2026 10:00:00 GMT"
    assert not result.not_modified
    sent = server.request_headers["/feed.xml"][0]
    assert sent["user-agent"] == FAST.user_agent
    assert "gzip" in sent["accept-encoding"]


def test_missing_headers_are_present_but_empty(server: RouteServer) -> None:
    server.routes["/bare"] = lambda h: send(h, 200, b"x")
    result = fetch_one(server.url("/bare"), FAST)
    assert result.headers["content-location"] == ""
    assert result.etag == "" and result.last_modified == ""


def _conditional(h: Handler) -> None:
    etag, modified = '"abc123"', "Sat, 21 Nov 2026 09:00:00 GMT"
    if h.headers.get("If-None-Match") == etag or h.headers.get("If-Modified-Since") == modified:
        h.send_response(304)
        h.send_header("ETag", etag)
        h.end_headers()
        return
    send(h, 200, FEED, {"ETag": etag, "Last-Modified": modified})


def test_conditional_get_returns_not_modified(server: RouteServer) -> None:
    server.routes["/feed.xml"] = _conditional
    url = server.url("/feed.xml")
    [first] = fetch_all([FetchRequest(url)], FAST)
    assert first.status == 200 and first.content == FEED and not first.not_modified
    again = FetchRequest(url, etag=first.etag, last_modified=first.last_modified)
    [second] = fetch_all([again], FAST)
    assert second.status == 304
    assert second.not_modified and second.ok
    assert second.content == b""
    assert second.etag == first.etag
    assert second.last_modified == first.last_modified  # kept from the request
    sent = server.request_headers["/feed.xml"][1]
    assert sent["if-none-match"] == '"abc123"'
    assert sent["if-modified-since"] == "Sat, 21 Nov 2026 09:00:00 GMT"
    assert "if-none-match" not in server.request_headers["/feed.xml"][0]


def test_redirects_are_followed_and_final_url_set(server: RouteServer) -> None:
    server.routes["/old"] = lambda h: send(h, 301, b"", {"Location": "/middle"})
    server.routes["/middle"] = lambda h: send(h, 302, b"", {"Location": server.url("/new")})
    server.routes["/new"] = lambda h: send(h, 200, FEED)
    result = fetch_one(server.url("/old"), FAST)
    assert result.ok, result.error
    assert result.final_url == server.url("/new")
    assert result.content == FEED
    assert server.hits["/old"] == server.hits["/middle"] == server.hits["/new"] == 1


def test_too_many_redirects(server: RouteServer) -> None:
    def hop(h: Handler) -> None:
        number = int(h.path.removeprefix("/hop"))
        send(h, 307, b"", {"Location": f"/hop{number + 1}"})

    for i in range(10):
        server.routes[f"/hop{i}"] = hop
    result = fetch_one(server.url("/hop0"), FetchPolicy(max_redirects=3, backoff=0.01))
    assert result.error == "too many redirects (3)"
    assert server.hits["/hop3"] == 1 and server.hits["/hop4"] == 0


def test_timeout_after_redirect_names_where_it_stalled(server: RouteServer) -> None:
    server.routes["/to-slow"] = lambda h: send(h, 302, b"", {"Location": "/slow"})

    def slow(h: Handler) -> None:
        wait_briefly(1.5)
        send(h, 200, b"late")

    server.routes["/slow"] = slow
    policy = FetchPolicy(read_timeout=5, total_timeout=0.5, backoff=0.01)
    result = fetch_one(server.url("/to-slow"), policy)
    assert result.error == "timed out after 0.5 s"
    assert result.final_url == server.url("/slow")
    assert result.status is None


def test_redirect_to_other_scheme_is_refused(server: RouteServer) -> None:
    server.routes["/sneaky"] = lambda h: send(h, 302, b"", {"Location": "file:///etc/passwd"})
    result = fetch_one(server.url("/sneaky"), FAST)
    assert result.error is not None and "scheme 'file'" in result.error


def test_per_host_concurrency_cap(server: RouteServer) -> None:
    counter = InFlight()

    def slow(h: Handler) -> None:
        with counter:
            wait_briefly(0.25)
        send(h, 200, b"ok")

    server.routes["/slow"] = slow
    requests = [FetchRequest(server.url(f"/slow?n={i}")) for i in range(8)]
    results = fetch_all(requests, FetchPolicy(per_host=2, max_concurrency=16, backoff=0.01))
    assert all(r.ok for r in results)
    assert counter.peak == 2  # never more than the cap, and the cap is actually used


def test_global_concurrency_cap(server: RouteServer) -> None:
    counter = InFlight()

    def slow(h: Handler) -> None:
        with counter:
            wait_briefly(0.2)
        send(h, 200, b"ok")

    server.routes["/slow"] = slow
    requests = [FetchRequest(server.url(f"/slow?n={i}")) for i in range(6)]
    fetch_all(requests, FetchPolicy(per_host=10, max_concurrency=3, backoff=0.01))
    assert counter.peak == 3


def test_results_in_request_order_and_progress_reports_each(server: RouteServer) -> None:
    def delayed(h: Handler) -> None:
        delay = int(h.path.rsplit("=", 1)[1])
        wait_briefly(delay / 20)
        send(h, 200, f"body {delay}".encode())

    server.routes["/d"] = delayed
    delays = [5, 0, 3, 1, 4, 2]
    requests = [FetchRequest(server.url(f"/d?wait={d}"), key=f"k{d}") for d in delays]
    seen: list[FetchResult] = []
    results = fetch_all(requests, FetchPolicy(per_host=6, backoff=0.01), progress=seen.append)
    assert [r.request.key for r in results] == [f"k{d}" for d in delays]
    assert [r.content for r in results] == [f"body {d}".encode() for d in delays]
    assert sorted(r.request.key for r in seen) == sorted(r.request.key for r in results)
    assert seen[0].request.key == "k0"  # progress arrives in completion order


def test_progress_callback_errors_do_not_break_the_batch(server: RouteServer) -> None:
    server.routes["/a"] = lambda h: send(h, 200, b"a")

    def explode(result: FetchResult) -> None:
        raise RuntimeError("ui went away")

    results = fetch_all([FetchRequest(server.url("/a"))] * 3, FAST, progress=explode)
    assert [r.content for r in results] == [b"a"] * 3


def test_retry_on_503_then_success(server: RouteServer) -> None:
    def flaky(h: Handler) -> None:
        if server.hits["/flaky"] == 1:
            send(h, 503, b"busy", {"Retry-After": "0"})
        else:
            send(h, 200, FEED)

    server.routes["/flaky"] = flaky
    result = fetch_one(server.url("/flaky"), FetchPolicy(retries=2, backoff=0.01))
    assert result.ok, result.error
    assert result.content == FEED
    assert server.hits["/flaky"] == 2


def test_retries_exhausted_reports_last_status(server: RouteServer) -> None:
    server.routes["/down"] = lambda h: send(h, 503, b"busy")
    result = fetch_one(server.url("/down"), FetchPolicy(retries=2, backoff=0.01))
    assert result.error == "HTTP 503 Service Unavailable"
    assert result.status == 503
    assert server.hits["/down"] == 3


def test_long_retry_after_is_not_waited_for(server: RouteServer) -> None:
    server.routes["/later"] = lambda h: send(h, 429, b"", {"Retry-After": "3600"})
    result = fetch_one(server.url("/later"), FetchPolicy(retries=2, backoff=0.01))
    assert result.error == "HTTP 429 Too Many Requests"
    assert server.hits["/later"] == 1


def test_client_errors_are_not_retried(server: RouteServer) -> None:
    server.routes["/gone"] = lambda h: send(h, 410, b"")
    result = fetch_one(server.url("/gone"), FetchPolicy(retries=2, backoff=0.01))
    assert result.error == "HTTP 410 Gone"
    assert server.hits["/gone"] == 1


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ftp://example.org/feed.xml", "unsupported URL scheme 'ftp'"),
        ("file:///etc/passwd", "unsupported URL scheme 'file'"),
        ("javascript:alert(1)", "unsupported URL scheme 'javascript'"),
        ("feeds/news.xml", "not an absolute URL"),
        ("", "not an absolute URL"),
        ("http://", "URL has no host"),
    ],
)
def test_non_http_urls_are_error_lines(url: str, expected: str) -> None:
    [result] = fetch_all([FetchRequest(url, key="x")], FAST)
    assert result.status is None
    assert result.error is not None and expected in result.error
    assert "\n" not in result.error
    assert result.content == b"" and not result.ok


def test_tls_to_a_plain_http_port_is_one_line_and_not_retried(server: RouteServer) -> None:
    server.routes["/a"] = lambda h: send(h, 200, b"a")
    result = fetch_one(server.url("/a").replace("http://", "https://"), FAST)
    assert result.error is not None and result.error.startswith("TLS error")
    assert result.status is None


def test_exception_descriptions_are_plain_words() -> None:
    def described(exc: BaseException) -> str:
        return describe_exception(exc, host="feeds.example", connect_timeout=5, read_timeout=10)

    dns = httpx.ConnectError("[Errno -2] Name or service not known")
    dns.__cause__ = socket.gaierror(-2, "Name or service not known")
    assert described(dns) == "could not resolve host feeds.example"
    assert is_transient_exception(dns)
    refused = httpx.ConnectError("All connection attempts failed")
    refused.__context__ = ConnectionRefusedError(111, "Connection refused")
    assert described(refused) == "connection refused"
    assert described(httpx.ConnectTimeout("")) == "could not connect within 5 s"
    assert described(httpx.ReadTimeout("")) == "no data for 10 s (read timeout)"
    assert described(ValueError("odd\nthing")) == "unexpected error: ValueError: odd thing"
    assert described(TimeoutError()) == "timed out (network)"
    assert is_transient_exception(TimeoutError())
    tls = httpx.ConnectError("handshake failed")
    tls.__cause__ = ssl.SSLError(1, "[SSL] bad handshake")
    assert described(tls).startswith("TLS error")
    assert not is_transient_exception(tls)
    assert http_status_line(599) == "HTTP 599"
    assert http_status_line(404, "") == "HTTP 404 Not Found"


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, seen in the wild
        ("identity", lambda data: data),
    ],
)
def test_compressed_bodies_are_decoded(server: RouteServer, encoding: str, encode: object) -> None:
    assert callable(encode)
    body = FEED * 200
    server.routes["/z"] = lambda h: send(h, 200, encode(body), {"Content-Encoding": encoding})
    result = fetch_one(server.url("/z"), FAST)
    assert result.ok, result.error
    assert result.content == body
    assert "content-encoding" not in result.headers


def test_unsupported_encoding_is_an_error_line(server: RouteServer) -> None:
    server.routes["/br"] = lambda h: send(h, 200, b"\x00\x01", {"Content-Encoding": "br"})
    result = fetch_one(server.url("/br"), FAST)
    assert result.error == "unsupported content-encoding 'br'"


def test_declared_length_over_cap_is_refused_without_reading(server: RouteServer) -> None:
    server.routes["/big"] = lambda h: send(h, 200, bytes(3000))
    result = fetch_one(server.url("/big"), FetchPolicy(max_bytes=2048, backoff=0.01))
    assert result.error == "response larger than 2 KB"
    exact = fetch_one(server.url("/big"), FetchPolicy(max_bytes=3000, backoff=0.01))
    assert exact.ok and len(exact.content) == 3000


def test_sync_wrapper_works_inside_a_running_loop_and_threads(server: RouteServer) -> None:
    server.routes["/a"] = lambda h: send(h, 200, b"a")
    request = FetchRequest(server.url("/a"))

    async def from_async_code() -> list[FetchResult]:
        direct = await fetch_all_async([request], FAST)
        return direct + fetch_all([request], FAST)  # must not trip over the running loop

    assert [r.content for r in asyncio.run(from_async_code())] == [b"a", b"a"]
    box: list[FetchResult] = []
    worker = threading.Thread(target=lambda: box.extend(fetch_all([request], FAST)))
    worker.start()
    worker.join(timeout=10)
    assert [r.content for r in box] == [b"a"]


def test_empty_batch() -> None:
    assert fetch_all([]) == []


def test_bounded_body_handles_gzip_members_and_cap() -> None:
    body = BoundedBody("gzip", 100, human_size)
    data = gzip.compress(b"a" * 40) + gzip.compress(b"b" * 40)
    for i in range(0, len(data), 7):  # awkward chunk boundaries
        body.feed(data[i : i + 7])
    assert body.content() == b"a" * 40 + b"b" * 40
    with pytest.raises(BodyTooLarge, match="larger than 100 bytes"):
        body.feed(gzip.compress(b"c" * 21))


@pytest.mark.parametrize("encoding", ["", "identity"])
def test_bounded_body_caps_unencoded_bodies(encoding: str) -> None:
    body = BoundedBody(encoding, 10, human_size)
    body.feed(b"12345")
    body.feed(b"67890")
    assert body.content() == b"1234567890"
    with pytest.raises(BodyTooLarge, match="larger than 10 bytes"):
        body.feed(b"!")


def test_bounded_body_rejects_corrupt_and_unknown() -> None:
    with pytest.raises(UndecodableBody, match="corrupt gzip"):
        BoundedBody("gzip", 100, human_size).feed(b"\x1f\x8bnot really gzip data")
    with pytest.raises(UndecodableBody, match="unsupported content-encoding 'zstd'"):
        BoundedBody("zstd", 100, human_size)


def test_bounded_body_stacked_encodings() -> None:
    body = BoundedBody("deflate, gzip", 1000, human_size)
    body.feed(gzip.compress(zlib.compress(b"twice " * 50)))
    assert body.content() == b"twice " * 50


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=4000),
    encoding=st.sampled_from(["", "gzip", "deflate"]),
    cap=st.integers(min_value=0, max_value=5000),
    cut=st.integers(min_value=1, max_value=300),
)
def test_bounded_body_is_exact_below_the_cap_and_refuses_above(
    data: bytes, encoding: str, cap: int, cut: int
) -> None:
    raw = {"": data, "gzip": gzip.compress(data), "deflate": zlib.compress(data)}[encoding]
    body = BoundedBody(encoding, cap, human_size)
    try:
        for i in range(0, len(raw), cut):
            body.feed(raw[i : i + cut])
    except BodyTooLarge:
        assert len(data) > cap
        assert len(body.content()) <= cap
    else:
        assert len(data) <= cap
        assert body.content() == data


def test_bounded_body_stops_a_bomb_without_inflating_it() -> None:
    bomb = b"".join(gzip_bomb(64 * 1024 * 1024))  # 64 MB of zeros, ~64 KB of gzip
    body = BoundedBody("gzip", 1024 * 1024, human_size)
    tracemalloc.start()
    try:
        with pytest.raises(BodyTooLarge, match="larger than 1 MB"):
            body.feed(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(body.content()) <= 1024 * 1024
    assert peak < 1024 * 1024 + 4 * STEP


def test_human_size() -> None:
    assert human_size(10 * 1024 * 1024) == "10 MB"
    assert human_size(1536 * 1024) == "1.5 MB"
    assert human_size(2048) == "2 KB"
    assert human_size(100) == "100 bytes"
