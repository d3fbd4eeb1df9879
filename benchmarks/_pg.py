"""A PostgreSQL database for the team-desk benchmarks: the one given, or a throwaway
server started from the ``postgresql`` package (as the tests start theirs)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """Yield ``url``, or a fresh database on a server started here (stopped after);
    the store's connection pools are closed on the way out either way."""
    from pgserver import PgServer, find_bin_dir

    server = None
    if url is None:
        bin_dir = find_bin_dir()
        if bin_dir is None:
            sys.exit("PostgreSQL is not installed here; give --url of an empty database")
        server = PgServer(bin_dir)
        url = server.new_database()
    try:
        yield url
    finally:
        from triage.core.store.postgres import close_pools

        close_pools()
        if server is not None:
            server.stop()
