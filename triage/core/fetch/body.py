"""Bounded decoding of HTTP response bodies.

httpx's own decoders inflate each network chunk in full, so a 64 KB chunk of a
gzip bomb can become tens of megabytes before anyone gets to count it. This
module reads the raw (still encoded) bytes and inflates them lazily in small
steps, so a response is abandoned as soon as its *decoded* size passes the cap
and at most one step beyond the cap is ever materialised.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

#: Content codings this module can decode, in the order offered to servers.
SUPPORTED_ENCODINGS: tuple[str, ...] = ("gzip", "deflate")
_IDENTITY = {"", "identity"}
_ALIASES = {"x-gzip": "gzip"}


class BodyTooLarge(Exception):
    """The decoded body passed the caller's byte cap."""


class UndecodableBody(Exception):
    """The body uses a coding we cannot decode, or its compressed data is corrupt."""


#: Most bytes one decompression step may produce. Small steps mean the cap is
#: checked every few hundred KB, so a bomb costs the cap plus one step at most.
STEP = 256 * 1024


class _Inflater(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...


class _ZlibInflater:
    """Inflate gzip or deflate data lazily, in pieces of at most :data:`STEP` bytes.

    Handles concatenated gzip members (some servers emit them) and the two
    flavours of "deflate" seen in the wild: zlib-wrapped (per the RFC) and raw.
    Bytes after the end of the compressed stream are ignored.
    """

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._inflater: zlib._Decompress | None = None
        self._pending = b""
        self._finished = False
        self._seen_member = False

    def _new_inflater(self, first: bytes) -> zlib._Decompress:
        if self._coding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        looks_zlib = (first[0] & 0x0F) == 8 and ((first[0] << 8) | first[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if looks_zlib else -zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        data = self._pending + data
        self._pending = b""
        while data and not self._finished:
            if self._inflater is None:
                if len(data) < 2:  # need two bytes to recognise a header
                    self._pending = data
                    return
                if self._seen_member and not data.startswith(b"\x1f\x8b"):
                    self._finished = True  # trailing junk after the last gzip member
                    return
                self._inflater = self._new_inflater(data)
            try:
                piece = self._inflater.decompress(data, STEP)
            except zlib.error as exc:
                raise UndecodableBody(f"corrupt {self._coding} data ({exc})") from exc
            if piece:
                yield piece
            if self._inflater.eof:
                # Another gzip member may follow; deflate has only one stream.
                data = self._inflater.unused_data
                self._inflater = None
                self._seen_member = True
                self._finished = self._coding != "gzip"
            else:
                data = self._inflater.unconsumed_tail


def _through(inflater: _Inflater, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from inflater.feed(piece)


def _make_inflater(coding: str) -> _Inflater:
    coding = _ALIASES.get(coding, coding)
    if coding in SUPPORTED_ENCODINGS:
        return _ZlibInflater(coding)
    raise UndecodableBody(f"unsupported content-encoding {coding!r}")


class BoundedBody:
    """Accumulate a response body, decoding it and enforcing a decoded-size cap.

    Args:
        content_encoding: The response's Content-Encoding header (may list several
            codings, applied in order, as the RFC allows).
        max_bytes: The largest decoded body accepted.
        describe_size: Formats ``max_bytes`` for the error message.

    Raises:
        UndecodableBody: At construction, for a coding we cannot decode.
    """

    def __init__(
        self, content_encoding: str, max_bytes: int, describe_size: Callable[[int], str]
    ) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        # Codings are listed in the order applied, so they are undone in reverse.
        self._chain: list[_Inflater] = [
            _make_inflater(c) for c in reversed(codings) if c not in _IDENTITY
        ]
        self._max = max_bytes
        self._describe = describe_size
        self._buffer = bytearray()

    def feed(self, raw: bytes) -> None:
        """Decode one raw chunk and append it.

        Decoding is lazy, piece by piece through the chain of codings, so it stops
        the moment the cap is passed instead of inflating the whole chunk first.

        Raises:
            BodyTooLarge: As soon as the decoded body would pass the cap.
            UndecodableBody: When the compressed data is corrupt.
        """
        pieces: Iterable[bytes] = (raw,)
        for inflater in self._chain:
            pieces = _through(inflater, pieces)
        for piece in pieces:
            if len(self._buffer) + len(piece) > self._max:
                raise BodyTooLarge(f"response larger than {self._describe(self._max)}")
            self._buffer += piece

    def content(self) -> bytes:
        """Return the decoded body received so far."""
        return bytes(self._buffer)
