"""Fetch many feeds (or article pages) at once without letting a bad one hurt the rest.

feedparser can download by itself, but it has no timeout and no size limit, so one
server that drips a byte a second, or a gzip bomb, would stall or sink a whole
refresh. Here every request gets a connect, read *and* total deadline, a cap on
the decoded body, a bounded number of redirects and retries, and a slot under both
a per-host and a global concurrency limit. Failures come back as data (one line in
:attr:`FetchResult.error`), never as exceptions, so callers can record them and
carry on; feedparser is then handed the bytes.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import ssl
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from typing import TypeVar

import httpx

from triage.core.fetch.body import (
    SUPPORTED_ENCODINGS,
    BodyTooLarge,
    BoundedBody,
    UndecodableBody,
)
from triage.core.fetch.errors import (
    TRANSIENT_STATUSES,
    describe_exception,
    http_status_line,
    human_size,
    is_transient_exception,
    one_line,
    seconds,
)
from triage.core.fetch.types import DEFAULT_POLICY, FetchPolicy, FetchRequest, FetchResult

__all__ = [
    "DEFAULT_POLICY",
    "FetchPolicy",
    "FetchRequest",
    "FetchResult",
    "fetch_all",
    "fetch_all_async",
    "fetch_one",
    "fetch_one_async",
]

log = logging.getLogger(__name__)
_T = TypeVar("_T")

#: Longest single wait between attempts, whatever Retry-After asks for. A server
#: that wants more than this is asked again on the next refresh instead.
MAX_RETRY_WAIT = 10.0
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ALLOWED_SCHEMES = frozenset({"http", "https"})
_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
#: Headers always present in :attr:`FetchResult.headers` (feedparser reads these).
_ALWAYS_HEADERS = ("content-type", "content-location")
#: Headers that describe the raw transfer, not the decoded bytes we hand back.
_TRANSFER_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


@dataclass(frozen=True)
class _Attempt:
    """One attempt's result plus whether (and after how long) to try again."""

    result: FetchResult
    transient: bool = False
    retry_after: float | None = None


def _failure(
    request: FetchRequest,
    url: str,
    error: str,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    transient: bool = False,
    retry_after: float | None = None,
) -> _Attempt:
    result = FetchResult(
        request=request,
        status=status,
        final_url=url,
        headers=headers if headers is not None else _empty_headers(),
        error=one_line(error),
    )
    return _Attempt(result, transient=transient, retry_after=retry_after)


def _empty_headers() -> dict[str, str]:
    return dict.fromkeys(_ALWAYS_HEADERS, "")


def _collect_headers(response: httpx.Response) -> dict[str, str]:
    """Lower-case, comma-join repeated headers and drop the transfer ones."""
    headers = _empty_headers()
    seen: set[str] = set()
    for name, value in response.headers.multi_items():
        key = name.lower()
        if key in _TRANSFER_HEADERS:
            continue
        headers[key] = f"{headers[key]}, {value}" if key in seen else value
        seen.add(key)
    return headers


def _scheme_error(url: str) -> str | None:
    """Return why ``url`` cannot be fetched, or None when it is a usable http(s) URL."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        return f"invalid URL ({exc})"
    if not parsed.scheme:
        return f"not an absolute URL: {url!r}"
    if parsed.scheme not in _ALLOWED_SCHEMES:
        return f"unsupported URL scheme {parsed.scheme!r} (only http and https)"
    if not parsed.host:
        return f"URL has no host: {url!r}"
    return None


def _retry_after(response: httpx.Response) -> float | None:
    """Parse Retry-After (seconds or an HTTP date) into seconds from now."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _request_headers(request: FetchRequest) -> dict[str, str]:
    headers: dict[str, str] = {}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    return headers


async def _read_body(
    request: FetchRequest, response: httpx.Response, policy: FetchPolicy
) -> _Attempt:
    """Read a 2xx body under the decoded-size cap."""
    url = str(response.url)
    headers = _collect_headers(response)
    encoding = response.headers.get("content-encoding", "")
    declared = response.headers.get("content-length", "")
    too_large = f"response larger than {human_size(policy.max_bytes)}"
    if not encoding.strip() and declared.isdigit() and int(declared) > policy.max_bytes:
        return _failure(request, url, too_large, response.status_code, headers)
    try:
        body = BoundedBody(encoding, policy.max_bytes, human_size)
        async for chunk in response.aiter_raw():
            body.feed(chunk)
    except (BodyTooLarge, UndecodableBody) as exc:
        return _failure(request, url, str(exc), response.status_code, headers)
    result = FetchResult(
        request=request,
        status=response.status_code,
        final_url=url,
        content=body.content(),
        headers=headers,
        etag=headers.get("etag", ""),
        last_modified=headers.get("last-modified", ""),
    )
    return _Attempt(result)


async def _attempt(
    client: httpx.AsyncClient, request: FetchRequest, policy: FetchPolicy, visited: list[str]
) -> _Attempt:
    """Make one attempt: follow redirects by hand, then read the body.

    ``visited`` collects the URLs tried, so a caller whose attempt is cut short
    (timeout, network error) can still say where it ended.
    """
    url = request.url.strip()
    visited.append(url)
    for _hop in range(policy.max_redirects + 1):
        problem = _scheme_error(url)
        if problem:
            return _failure(request, url, problem)
        async with client.stream("GET", url, headers=_request_headers(request)) as response:
            status = response.status_code
            location = response.headers.get("location", "")
            if status in _REDIRECT_STATUSES and location:
                url = str(response.url.join(location))
                if url in visited:
                    return _failure(request, url, f"redirect loop (back to {url})", status)
                visited.append(url)
                continue
            if status == 304:
                headers = _collect_headers(response)
                result = FetchResult(
                    request=request,
                    status=status,
                    final_url=str(response.url),
                    headers=headers,
                    etag=headers.get("etag") or request.etag,
                    last_modified=headers.get("last-modified") or request.last_modified,
                    not_modified=True,
                )
                return _Attempt(result)
            if not 200 <= status < 300:
                return _failure(
                    request,
                    str(response.url),
                    http_status_line(status, response.reason_phrase),
                    status,
                    _collect_headers(response),
                    transient=status in TRANSIENT_STATUSES,
                    retry_after=_retry_after(response),
                )
            return await _read_body(request, response, policy)
    return _failure(request, url, f"too many redirects ({policy.max_redirects})")


def _backoff_delay(policy: FetchPolicy, attempt_number: int, retry_after: float | None) -> float:
    """Exponential backoff with jitter, or the server's Retry-After if it asked for more."""
    delay = policy.backoff * (2.0**attempt_number) * random.uniform(0.5, 1.0)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


async def _fetch_with_retries(
    client: httpx.AsyncClient, request: FetchRequest, policy: FetchPolicy
) -> FetchResult:
    """Fetch one URL within ``total_timeout``, retrying transient failures.

    A retry is only attempted when its wait fits both :data:`MAX_RETRY_WAIT` and the
    remaining deadline; otherwise the last failure is reported at once rather than
    sleeping towards a timeout.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    deadline = started + policy.total_timeout
    last: _Attempt | None = None
    for attempt_number in range(policy.retries + 1):
        visited: list[str] = []
        scope = asyncio.timeout_at(deadline)
        try:
            async with scope:
                outcome = await _attempt(client, request, policy, visited)
        except Exception as exc:  # one bad URL must never sink the batch
            where = visited[-1] if visited else request.url
            if isinstance(exc, TimeoutError) and scope.expired():
                if last is None:  # else the previous attempt's failure says more
                    last = _failure(
                        request, where, f"timed out after {seconds(policy.total_timeout)}"
                    )
                break
            error = describe_exception(
                exc,
                host=_host_name(where),
                connect_timeout=policy.connect_timeout,
                read_timeout=policy.read_timeout,
            )
            outcome = _failure(request, where, error, transient=is_transient_exception(exc))
        last = outcome
        if not outcome.transient or attempt_number == policy.retries:
            break
        delay = _backoff_delay(policy, attempt_number, outcome.retry_after)
        if delay > MAX_RETRY_WAIT or loop.time() + delay >= deadline:
            break
        await asyncio.sleep(delay)
    assert last is not None
    return replace(last.result, elapsed=loop.time() - started)


def _parse(url: str) -> httpx.URL | None:
    try:
        return httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError):
        return None


def _host_name(url: str) -> str:
    parsed = _parse(url)
    return parsed.host if parsed is not None else ""


def _host_key(url: str) -> str:
    """The per-host slot a URL uses: host and port (the same site on two ports is two)."""
    parsed = _parse(url)
    return f"{parsed.host}:{parsed.port or ''}".lower() if parsed is not None else ""


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One TLS context per process: building one loads the CA bundle (~100 ms)."""
    return httpx.create_ssl_context()


def _make_client(policy: FetchPolicy) -> httpx.AsyncClient:
    timeout = httpx.Timeout(
        connect=policy.connect_timeout,
        read=policy.read_timeout,
        write=policy.read_timeout,
        pool=policy.total_timeout,
    )
    limits = httpx.Limits(
        max_connections=policy.max_concurrency, max_keepalive_connections=policy.max_concurrency
    )
    headers = {
        "User-Agent": policy.user_agent,
        "Accept": _ACCEPT,
        "Accept-Encoding": ", ".join(SUPPORTED_ENCODINGS),
    }
    return httpx.AsyncClient(
        timeout=timeout,
        limits=limits,
        headers=headers,
        follow_redirects=False,
        verify=_ssl_context(),
    )


async def fetch_all_async(
    requests: Sequence[FetchRequest],
    policy: FetchPolicy = DEFAULT_POLICY,
    progress: Callable[[FetchResult], None] | None = None,
) -> list[FetchResult]:
    """Fetch every request concurrently and return the results in request order.

    Never raises for a bad URL: each failure is a result with ``error`` set.

    Args:
        requests: What to fetch.
        policy: Timeouts, caps and concurrency limits.
        progress: Called (in the event loop) with each result as it completes, so
            a UI can show progress; exceptions it raises are logged and ignored.
    """
    global_slots = asyncio.Semaphore(max(1, policy.max_concurrency))
    host_slots: defaultdict[str, asyncio.Semaphore] = defaultdict(
        lambda: asyncio.Semaphore(max(1, policy.per_host))
    )

    async def run_one(client: httpx.AsyncClient, request: FetchRequest) -> FetchResult:
        # Host slot first, so requests queued for a busy host do not hold global slots.
        async with host_slots[_host_key(request.url)], global_slots:
            try:
                result = await _fetch_with_retries(client, request, policy)
            except Exception as exc:  # last-resort guard; should not happen
                log.exception("fetch of %s failed unexpectedly", request.url)
                result = FetchResult(
                    request=request,
                    status=None,
                    final_url=request.url,
                    headers=_empty_headers(),
                    error=one_line(f"unexpected error: {exc!r}"),
                )
        if progress is not None:
            try:
                progress(result)
            except Exception:
                log.exception("fetch progress callback failed")
        return result

    if not requests:
        return []
    async with _make_client(policy) as client:
        return list(await asyncio.gather(*(run_one(client, r) for r in requests)))


def _run_sync(make: Callable[[], Awaitable[_T]]) -> _T:
    """Run a coroutine to completion from synchronous code.

    Uses a fresh event loop in the calling thread (fine for worker threads); if
    that thread already runs a loop, the work moves to a helper thread instead of
    failing.
    """

    async def main() -> _T:
        return await make()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="triage-fetch") as pool:
        return pool.submit(asyncio.run, main()).result()


def fetch_all(
    requests: Sequence[FetchRequest],
    policy: FetchPolicy = DEFAULT_POLICY,
    progress: Callable[[FetchResult], None] | None = None,
) -> list[FetchResult]:
    """Synchronous :func:`fetch_all_async`, safe to call from a worker thread."""
    return _run_sync(lambda: fetch_all_async(requests, policy, progress))


async def fetch_one_async(
    request: FetchRequest | str,
    policy: FetchPolicy = DEFAULT_POLICY,
) -> FetchResult:
    """Fetch a single URL (e.g. an article page for full-text extraction)."""
    if isinstance(request, str):
        request = FetchRequest(url=request)
    return (await fetch_all_async([request], policy))[0]


def fetch_one(
    request: FetchRequest | str,
    policy: FetchPolicy = DEFAULT_POLICY,
) -> FetchResult:
    """Synchronous :func:`fetch_one_async`."""
    return _run_sync(lambda: fetch_one_async(request, policy))
