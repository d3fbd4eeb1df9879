"""Where a server's key lives: the system keyring when one is installed, else nowhere
(the password is asked for, or read from ``$TRIAGE_SERVER_PASSWORD``, on each sync).

A Fever key is ``md5(email:password)``: it is password-equivalent for that server,
so it is never written to the desk, a log or the terminal.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from types import ModuleType

SERVICE = "triage-feed-server"
PASSWORD_ENV = "TRIAGE_SERVER_PASSWORD"
"""The environment variable a script or the app may set instead of a prompt."""


class CredentialError(Exception):
    """No usable credential (one line, safe to show)."""


def _keyring() -> ModuleType | None:
    try:
        return importlib.import_module("keyring")
    except ImportError:
        return None


def _account(url: str, user: str) -> str:
    return f"{user} {url}"


def keyring_available() -> bool:
    """True when the ``keyring`` package is installed with a usable backend."""
    module = _keyring()
    if module is None:
        return False
    try:
        backend = module.get_keyring()
        priority = float(getattr(backend, "priority", 0))
    except Exception:  # a broken backend is no backend
        return False
    return priority > 0


def remember_key(url: str, user: str, key: str) -> bool:
    """Keep ``key`` in the system keyring; False when there is none."""
    module = _keyring()
    if module is None or not keyring_available():
        return False
    try:
        module.set_password(SERVICE, _account(url, user), key)
    except Exception:
        return False
    return True


def load_key(url: str, user: str) -> str | None:
    """The key kept in the keyring for this server and user, if any."""
    module = _keyring()
    if module is None or not keyring_available():
        return None
    try:
        found = module.get_password(SERVICE, _account(url, user))
    except Exception:
        return None
    return str(found) if found else None


def forget_key(url: str, user: str) -> None:
    """Drop the kept key (nothing when there is none)."""
    module = _keyring()
    if module is None or not keyring_available():
        return
    try:
        module.delete_password(SERVICE, _account(url, user))
    except Exception:
        return


def key_at_hand(url: str, user: str, derive: Callable[[str, str], str]) -> str | None:
    """The server's key without asking anyone: derived with ``derive(user, password)``
    from ``$TRIAGE_SERVER_PASSWORD`` when it is set, else the one kept in the keyring."""
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return derive(user, password)
    return load_key(url, user)
