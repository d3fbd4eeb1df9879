"""Sync with an editor's feed server: its feeds become subscriptions of the desk, its
items arrive through the same ingest path as every other source, and read and saved
state is kept in step both ways.

:class:`ServerBackend` is what a server protocol provides (:class:`FeverBackend`
speaks the Fever API; a Google Reader API backend fits the same interface);
:class:`Servers` keeps each server's feeds, cursor and last agreed item state in the
store; :func:`sync_server` runs one sync.

The engine and the Fever backend (and the ingest path and HTTP client behind
them) are loaded on first use (:func:`__getattr__`): the app counts servers
(:class:`Servers`) as it starts, and that should not load feed parsing and HTTP
before the first screen.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from triage.core.sync.backend import (
    AuthError,
    ServerBackend,
    ServerError,
    ServerFeed,
    ServerItem,
    ServerState,
)
from triage.core.sync.credentials import (
    PASSWORD_ENV,
    CredentialError,
    forget_key,
    key_at_hand,
    keyring_available,
    load_key,
    remember_key,
)
from triage.core.sync.state import ServerRecord, Servers

if TYPE_CHECKING:
    from triage.core.sync.engine import (
        SAVED_TAG,
        ServerOutcome,
        SyncReport,
        backend_at_hand,
        sync_server,
        sync_servers,
    )
    from triage.core.sync.fever import FeverBackend, fever_api_key

_ON_USE = {
    **dict.fromkeys(
        (
            "SAVED_TAG",
            "ServerOutcome",
            "SyncReport",
            "backend_at_hand",
            "sync_server",
            "sync_servers",
        ),
        "triage.core.sync.engine",
    ),
    **dict.fromkeys(("FeverBackend", "fever_api_key"), "triage.core.sync.fever"),
}
"""Name -> the heavy module it comes from."""


def __getattr__(name: str) -> object:
    """Load a name of the engine or the Fever backend on first use (PEP 562)."""
    home = _ON_USE.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


__all__ = [
    "PASSWORD_ENV",
    "SAVED_TAG",
    "AuthError",
    "CredentialError",
    "FeverBackend",
    "ServerBackend",
    "ServerError",
    "ServerFeed",
    "ServerItem",
    "ServerOutcome",
    "ServerRecord",
    "ServerState",
    "Servers",
    "SyncReport",
    "backend_at_hand",
    "fever_api_key",
    "forget_key",
    "key_at_hand",
    "keyring_available",
    "load_key",
    "remember_key",
    "sync_server",
    "sync_servers",
]
