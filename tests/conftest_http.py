"""A small real HTTP server on 127.0.0.1 for the fetch tests, with misbehaving routes.

pytest-httpserver answers one request at a time and cannot drip bytes or hold a
socket open forever, which is exactly what the fault tests need, so this module
runs a threaded ``http.server`` whose routes are plain functions, plus a raw
socket listener that accepts connections and never answers.
"""

from __future__ import annotations

import socket
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Route = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    """Dispatch GET requests to the server's route table."""

    protocol_version = "HTTP/1.1"
    server: RouteServer

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        route = self.server.routes.get(path)
        self.server.record(path, dict(self.headers.items()))
        try:
            if route is None:
                send(self, 404, b"no such route\n")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass  # the client gave up on us, which is what several tests want

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


class RouteServer(ThreadingHTTPServer):
    """A threaded server with a route table, a request log and a stop flag."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.request_headers: dict[str, list[dict[str, str]]] = {}
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    def record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.hits[path] += 1
            self.request_headers.setdefault(path, []).append(
                {k.lower(): v for k, v in headers.items()}
            )

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up mid-response are expected here; do not print tracebacks."""

    def url(self, path: str) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{path}"


@dataclass
class InFlight:
    """Count concurrent requests, remembering the highest count seen."""

    current: int = 0
    peak: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> None:
        with self.lock:
            self.current += 1
            self.peak = max(self.peak, self.current)

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.current -= 1


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> None:
    """Send a complete response with a Content-Length."""
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def send_chunked(
    handler: BaseHTTPRequestHandler,
    chunks: Iterable[bytes],
    headers: dict[str, str] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Stream ``chunks`` with chunked transfer coding (no length announced)."""
    handler.send_response(200)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    for chunk in chunks:
        if stop is not None and stop.is_set():
            return
        if chunk:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    handler.wfile.write(b"0\r\n\r\n")


def zeros(total: int, chunk: int = 64 * 1024) -> Iterator[bytes]:
    """Yield ``total`` zero bytes lazily, so a huge body costs no server memory."""
    block = bytes(chunk)
    sent = 0
    while sent < total:
        size = min(chunk, total - sent)
        yield block if size == chunk else bytes(size)
        sent += size


def gzip_bomb(decoded_size: int = 1 << 30, chunk: int = 1 << 20) -> Iterator[bytes]:
    """Yield a gzip stream of ``decoded_size`` zeros, compressed chunk by chunk.

    Each megabyte of zeros is compressed and then fully flushed, which resets the
    compressor, so every chunk after the first compresses to the same ~1 KB:
    once that repeats we reuse it instead of compressing again, which keeps a
    1 GB bomb (about 1 MB of gzip) cheap to produce.
    """
    compressor: zlib._Compress | None = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(chunk)
    previous = b""
    for _ in range(decoded_size // chunk):
        if previous and compressor is None:
            yield previous
            continue
        assert compressor is not None
        piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
        if piece == previous:
            compressor = None  # steady state reached: the output now repeats
        previous = piece
        yield piece
    crc = 0
    for _ in range(decoded_size // chunk):
        crc = zlib.crc32(block, crc)
    # Close the deflate stream by hand: an empty final stored block, then the trailer.
    yield b"\x03\x00" + crc.to_bytes(4, "little") + (decoded_size % (1 << 32)).to_bytes(4, "little")


def drip(handler: BaseHTTPRequestHandler, stop: threading.Event, interval: float) -> None:
    """Announce a big body, then send one byte per ``interval`` until stopped."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Content-Length", str(10**6))
    handler.end_headers()
    handler.wfile.flush()
    while not stop.wait(interval):
        handler.wfile.write(b"<")
        handler.wfile.flush()


class SilentServer:
    """Accept TCP connections and never send a byte (a hung backend)."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._held.append(conn)

    @property
    def url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}/feed.xml"

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for conn in self._held:
            conn.close()
        self._listener.close()


def closed_port_url() -> str:
    """Return a URL on a local port nobody listens on (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


def start_server() -> tuple[RouteServer, threading.Thread]:
    """Start a :class:`RouteServer` in a background thread."""
    server = RouteServer()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    return server, thread


def stop_server(server: RouteServer, thread: threading.Thread) -> None:
    """Stop the server and release dripping handlers."""
    server.stopping.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=2)


def wait_briefly(seconds: float) -> None:
    """Sleep inside a route, to make a response slow on purpose."""
    time.sleep(seconds)
