"""Turn fetch failures into one readable line, and decide which ones deserve a retry.

Editors see these lines next to a feed's name ("HTTP 404 Not Found", "connection
refused"), so they name the failure in plain words and never carry a traceback.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from http import HTTPStatus

import httpx

_KB = 1024
_MB = 1024 * 1024
_MAX_LINE = 200

#: Statuses worth asking again for: the server says "not now", not "never".
TRANSIENT_STATUSES = frozenset(
    {408, 425, 429, 500, 502, 503, 504, 507, 509, 520, 521, 522, 523, 524, 598, 599}
)


def human_size(n_bytes: int) -> str:
    """Format a byte count the way a person would say it ("10 MB", "512 KB")."""
    if n_bytes >= _MB:
        value = n_bytes / _MB
        return f"{value:.0f} MB" if n_bytes % _MB == 0 else f"{value:.1f} MB"
    if n_bytes >= _KB:
        value = n_bytes / _KB
        return f"{value:.0f} KB" if n_bytes % _KB == 0 else f"{value:.1f} KB"
    return f"{n_bytes} bytes"


def seconds(value: float) -> str:
    """Format a duration for an error line ("30 s", "0.5 s")."""
    return f"{value:g} s"


def one_line(text: str) -> str:
    """Collapse whitespace and bound the length so the message fits one UI line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _MAX_LINE else flat[: _MAX_LINE - 1] + "…"


def http_status_line(status: int, reason: str = "") -> str:
    """Describe an HTTP error status, e.g. ``HTTP 404 Not Found``."""
    if not reason:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    return one_line(f"HTTP {status} {reason}".strip())


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """Walk an exception's cause/context chain (httpx wraps the OS error)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _describe_connect_error(exc: BaseException, host: str) -> str:
    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return f"could not resolve host {host}" if host else "could not resolve host"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate not trusted ({getattr(cause, 'verify_message', '') or cause})"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error ({getattr(cause, 'reason', '') or cause})"
    text = str(exc)
    if "refused" in text.lower():
        return "connection refused"
    return f"connection failed ({text})" if text else "connection failed"


def _is_tls_failure(exc: BaseException) -> bool:
    return any(isinstance(cause, ssl.SSLError) for cause in _causes(exc))


def describe_exception(
    exc: BaseException, *, host: str, connect_timeout: float, read_timeout: float
) -> str:
    """Return one clear line for an exception raised while fetching.

    Args:
        exc: What httpx (or the OS) raised.
        host: The host being contacted, named in DNS errors.
        connect_timeout: Shown in connect-timeout messages.
        read_timeout: Shown in read-timeout messages.
    """
    if isinstance(exc, httpx.ConnectTimeout):
        text = f"could not connect within {seconds(connect_timeout)}"
    elif isinstance(exc, httpx.ReadTimeout):
        text = f"no data for {seconds(read_timeout)} (read timeout)"
    elif isinstance(exc, httpx.TimeoutException):
        text = f"timed out ({type(exc).__name__})"
    elif isinstance(exc, httpx.ConnectError):
        text = _describe_connect_error(exc, host)
    elif isinstance(exc, httpx.RemoteProtocolError):
        detail = str(exc)
        if "without sending" in detail or "peer closed" in detail or not detail:
            text = "server closed the connection before the response was complete"
        else:
            text = f"malformed response ({detail})"
    elif isinstance(exc, httpx.ReadError | httpx.WriteError):
        text = f"connection lost ({exc or type(exc).__name__})"
    elif isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        text = f"invalid URL ({exc})"
    elif isinstance(exc, TimeoutError):
        text = "timed out (network)"
    elif isinstance(exc, httpx.HTTPError):
        text = f"{type(exc).__name__} ({exc})"
    else:
        text = f"unexpected error: {type(exc).__name__}: {exc}"
    return one_line(text)


def is_transient_exception(exc: BaseException) -> bool:
    """True for failures a later attempt may not hit: timeouts and dropped connections.

    Certificate and other TLS failures are not transient: asking again gives the
    same answer.
    """
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return True
    if isinstance(exc, httpx.ConnectError):
        return not _is_tls_failure(exc)
    return isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError)
