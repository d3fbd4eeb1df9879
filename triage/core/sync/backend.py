"""What a feed server gives a sync, whatever protocol it speaks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class ServerError(Exception):
    """The server could not be used (down, slow, or an answer that is not its API):
    one line, safe to show (never holds a credential)."""


class AuthError(ServerError):
    """The server refused the credentials."""


@dataclass(frozen=True, slots=True)
class ServerFeed:
    """One subscription on the server (``group``: its folder's title, or empty)."""

    feed_id: str
    url: str
    title: str
    site_url: str = ""
    group: str = ""


@dataclass(frozen=True, slots=True)
class ServerItem:
    """One item as the server holds it; ``item_id`` orders items (the sync cursor).

    Text fields are raw server text (HTML in ``html``): hostile until cleaned.
    """

    item_id: int
    feed_id: str
    title: str
    url: str
    html: str
    author: str
    published: datetime | None
    read: bool
    saved: bool


@dataclass(frozen=True, slots=True)
class ServerState:
    """The server's read and saved state right now: ids unread and ids saved."""

    unread: frozenset[int]
    saved: frozenset[int]


class ServerBackend(Protocol):
    """A feed server protocol (Fever today; Google Reader API to follow).

    Every method raises :class:`ServerError` (or :class:`AuthError`) on any fault.
    Reads never change the server; only :meth:`push` does, and it is idempotent
    (marking read an item already read is a no-op), so a push repeated after a
    crash is harmless.
    """

    def check(self) -> None:
        """Raise :class:`AuthError` unless the credentials are accepted."""

    def feeds(self) -> list[ServerFeed]:
        """Every subscription, with its group."""

    def items_since(self, since_id: int) -> tuple[list[ServerItem], int]:
        """The next batch of items with ids above ``since_id``, and the cursor after
        it (``since_id`` itself once there are no more)."""

    def state(self) -> ServerState:
        """The unread and saved item ids."""

    def push(self, item_id: int, read: bool | None, saved: bool | None) -> None:
        """Set an item's read and/or saved state (``None``: leave it)."""

    def close(self) -> None:
        """Release connections."""
