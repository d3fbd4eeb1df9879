"""The public data types of the fetching layer: what to fetch, how, and what came back.

They are frozen dataclasses so results can cross from the fetching event loop to
UI or ingest threads without copies or locks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FetchPolicy:
    """Limits applied to every request of a batch.

    Attributes:
        connect_timeout: Seconds to establish a connection.
        read_timeout: Longest silence between two received chunks.
        total_timeout: Whole fetch of one URL, redirects, body and retries
            included; this is what stops a server that drips one byte a second.
        max_bytes: Cap on the *decoded* body; decoding stops right there, so a
            gzip bomb never inflates past it.
        max_redirects: Redirects followed before giving up.
        per_host: Concurrent requests to one host (be polite to publishers).
        max_concurrency: Concurrent requests overall. The per-host cap is the
            politeness limit; this one only bounds open sockets, and 64 keeps
            a 200-feed refresh to a few round trips of the slowest feeds.
        retries: Extra attempts after a transient failure (connect errors,
            timeouts, 429, most 5xx).
        backoff: Base of the exponential backoff between attempts, in seconds.
        user_agent: Sent with every request.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    per_host: int = 2
    max_concurrency: int = 64
    retries: int = 2
    backoff: float = 0.5
    user_agent: str = "triage/0.1 (+https://github.com/triage-news/triage)"


#: The limits used when a caller passes none.
DEFAULT_POLICY = FetchPolicy()


@dataclass(frozen=True)
class FetchRequest:
    """One URL to fetch, with the validators saved from the previous fetch.

    Attributes:
        url: An absolute http or https URL.
        etag: Sent as If-None-Match when not empty.
        last_modified: Sent as If-Modified-Since when not empty.
        key: The caller's handle (a feed id, say), echoed back untouched.
    """

    url: str
    etag: str = ""
    last_modified: str = ""
    key: str = ""


@dataclass(frozen=True)
class FetchResult:
    """What happened to one :class:`FetchRequest`.

    Attributes:
        request: The request this answers.
        status: The final HTTP status, or None when no response arrived.
        final_url: The URL after redirects (the last one tried, on failure).
        content: The decoded body; ``b""`` on error or 304.
        headers: Response headers with lower-case keys; ``content-type`` and
            ``content-location`` are always present (possibly empty). Transfer
            headers (content-encoding, content-length) are dropped because
            ``content`` is already decoded.
        etag: The response's ETag (the request's own on a 304).
        last_modified: The response's Last-Modified (the request's own on a 304).
        not_modified: True for a 304 answer to a conditional request.
        error: One line saying what went wrong, or None on success.
        elapsed: Seconds spent on this request, waiting for a slot excluded.
    """

    request: FetchRequest
    status: int | None
    final_url: str
    content: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False
    error: str | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the fetch succeeded (a 2xx with content, or a 304)."""
        return self.error is None
