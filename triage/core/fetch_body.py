"""Bounded decoding of HTTP response bodies.

httpx's own decoders inflate each network chunk in full, so a 64 KB chunk of a
gzip bomb can become tens of megabytes before anyone gets to count it. This
module reads the raw (still encoded) bytes and inflates them with an explicit
output limit, so a response is abandoned as soon as its *decoded* size passes the
cap and nothing beyond the cap is ever materialised.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Protocol

#: Content codings this module can decode, in the order offered to servers.
SUPPORTED_ENCODINGS: tuple[str, ...] = ("gzip", "deflate")
_IDENTITY = {"", "identity"}
_ALIASES = {"x-gzip": "gzip"}


class BodyTooLarge(Exception):
    """The decoded body passed the caller's byte cap."""


class UndecodableBody(Exception):
    """The body uses a coding we cannot decode, or its compressed data is corrupt."""


class _Inflater(Protocol):
    def feed(self, data: bytes, limit: int) -> bytes: ...


class _Identity:
    """Pass-through "decoder" for unencoded bodies."""

    def feed(self, data: bytes, limit: int) -> bytes:
        return data


class _ZlibInflater:
    """Inflate gzip or deflate data, never producing more than ``limit`` bytes per call.

    Handles concatenated gzip members (some servers emit them) and the two
    flavours of "deflate" seen in the wild: zlib-wrapped (per the RFC) and raw.
    """

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._inflater: zlib._Decompress | None = None
        self._pending = b""

    def _new_inflater(self, first: bytes) -> zlib._Decompress:
        if self._coding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        looks_zlib = len(first) >= 2 and (first[0] & 0x0F) == 8 and (
            (first[0] << 8) | first[1]
        ) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if looks_zlib else -zlib.MAX_WBITS)

    def feed(self, data: bytes, limit: int) -> bytes:
        data = self._pending + data
        self._pending = b""
        out = bytearray()
        while data and len(out) <= limit:
            if self._inflater is None:
                if self._coding == "deflate" and len(data) < 2:
                    self._pending = data
                    break
                self._inflater = self._new_inflater(data)
            try:
                out += self._inflater.decompress(data, limit + 1 - len(out))
            except zlib.error as exc:
                raise UndecodableBody(f"corrupt {self._coding} data ({exc})") from exc
            if self._inflater.eof:
                # Another gzip member may follow; anything else is trailing junk.
                data = self._inflater.unused_data
                self._inflater = None
                if self._coding != "gzip" or not data.startswith(b"\x1f\x8b"):
                    break
            else:
                data = self._inflater.unconsumed_tail
        return bytes(out)


def _make_inflater(coding: str) -> _Inflater:
    coding = _ALIASES.get(coding, coding)
    if coding in _IDENTITY:
        return _Identity()
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
        self._chain: list[_Inflater] = [_make_inflater(c) for c in reversed(codings)]
        self._max = max_bytes
        self._describe = describe_size
        self._buffer = bytearray()

    def feed(self, raw: bytes) -> None:
        """Decode one raw chunk and append it.

        Raises:
            BodyTooLarge: As soon as the decoded body would pass the cap.
            UndecodableBody: When the compressed data is corrupt.
        """
        data = raw
        room = self._max - len(self._buffer)
        for inflater in self._chain:
            data = inflater.feed(data, room)
            # An inflater stops just past ``room``, dropping the rest: any stage
            # that gets there means the body is over the cap.
            if len(data) > room:
                break
        if len(data) > room:
            raise BodyTooLarge(f"response larger than {self._describe(self._max)}")
        self._buffer += data

    def content(self) -> bytes:
        """Return the decoded body received so far."""
        return bytes(self._buffer)
