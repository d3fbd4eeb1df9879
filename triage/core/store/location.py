"""Where a desk's store of record is: a file in the desk directory, or a server.

A desk directory always exists on the editor's machine: it holds the search
index (derived data, local to each terminal). Its store of record is the SQLite
file :data:`DB_NAME` in it, unless the directory was opened on a PostgreSQL
store: then :data:`STORE_POINTER` in it names that store, so everything that
opens the directory later (the analysis worker, the next ``triage --index DIR``)
finds the same one. The pointer is written readable by its owner only: a URL
may carry a password (better kept in ``~/.pgpass`` or ``$PGPASSWORD``).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from triage.core.store.connection import is_postgres
from triage.core.store.database import DB_NAME

STORE_POINTER = "store.url"
"""The file in a desk directory naming its PostgreSQL store of record."""

TERMINAL_NAME = "terminal.id"
"""The file in a desk directory naming it as one terminal of a team desk."""


def terminal_name(desk_dir: Path) -> str:
    """This desk directory's name among a team desk's terminals (made on first use)."""
    path = desk_dir / TERMINAL_NAME
    try:
        name = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        name = ""
    if not name:
        desk_dir.mkdir(parents=True, exist_ok=True)
        name = uuid.uuid4().hex[:16]
        path.write_text(name + "\n", encoding="utf-8")
    return name


def store_location(desk_dir: Path, store: str | None = None) -> Path | str:
    """The store of record of a desk directory (``store``: one named explicitly,
    which a PostgreSQL URL makes the directory's from now on)."""
    pointer = desk_dir / STORE_POINTER
    if store:
        if not is_postgres(store):
            return Path(store).expanduser()
        desk_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(pointer, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(store + "\n")
        return store
    if pointer.is_file():
        named = pointer.read_text(encoding="utf-8").strip()
        if is_postgres(named):
            return named
    return desk_dir / DB_NAME
