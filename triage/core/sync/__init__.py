"""Sync with an editor's feed server: its feeds become subscriptions of the desk, its
items arrive through the same ingest path as every other source, and read and saved
state is kept in step both ways.

:class:`ServerBackend` is what a server protocol provides (:class:`FeverBackend`
speaks the Fever API; a Google Reader API backend fits the same interface);
:class:`Servers` keeps each server's feeds, cursor and last agreed item state in the
store; :func:`sync_server` runs one sync.

The names are loaded on first use (:func:`__getattr__`): the app counts servers
(:class:`Servers`) as it starts, and importing the engine with it would load the
whole ingest path (feed parsing, HTTP) before the first screen.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    from triage.core.sync.engine import (
        SAVED_TAG,
        ServerOutcome,
        SyncReport,
        backend_at_hand,
        sync_server,
        sync_servers,
    )
    from triage.core.sync.fever import FeverBackend, fever_api_key
    from triage.core.sync.state import ServerRecord, Servers

_HOME = {
    name: f"triage.core.sync.{module}"
    for module, names in {
        "backend": (
            "AuthError",
            "ServerBackend",
            "ServerError",
            "ServerFeed",
            "ServerItem",
            "ServerState",
        ),
        "credentials": (
            "PASSWORD_ENV",
            "CredentialError",
            "forget_key",
            "key_at_hand",
            "keyring_available",
            "load_key",
            "remember_key",
        ),
        "engine": (
            "SAVED_TAG",
            "ServerOutcome",
            "SyncReport",
            "backend_at_hand",
            "sync_server",
            "sync_servers",
        ),
        "fever": ("FeverBackend", "fever_api_key"),
        "state": ("ServerRecord", "Servers"),
    }.items()
    for name in names
}


def __getattr__(name: str) -> object:
    """Load a public name from its module on first use (PEP 562)."""
    home = _HOME.get(name)
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
