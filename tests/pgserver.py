"""A throwaway PostgreSQL server for the tests, from the ``postgresql`` system package.

The server runs from a fresh ``initdb`` in a temporary directory, listens on a Unix
socket there only (no TCP port to collide with other test runs), with fsync off:
the tests check behaviour, not the server's own durability. PostgreSQL refuses to
run as root, so as root the server runs as the ``postgres`` system user
(``runuser``). When no PostgreSQL binaries are installed the tests that need one
skip, saying so.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

__all__ = ["PgServer", "find_bin_dir"]

SKIP_REASON = (
    "PostgreSQL is not installed (apt-get install postgresql; binaries looked for under"
    " /usr/lib/postgresql/*/bin and on PATH)"
)


def find_bin_dir() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``, or None when not installed."""
    env = os.environ.get("TRIAGE_PG_BIN")
    candidates = [env] if env else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(str(Path(found).parent))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


class PgServer:
    """One running server; :meth:`new_database` gives each test an empty database."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="triage-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root
        self.port = 5432
        self._as_root = os.geteuid() == 0
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(self.data),
                "--auth=trust",
                "--username=triage",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        options = (
            f"-c listen_addresses='' -c unix_socket_directories={self.socket_dir}"
            f" -c port={self.port} -c fsync=off -c synchronous_commit=off"
            " -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.root / "server.log"),
                "-w",
                "start",
            ]
        )

    def _run(self, command: list[str]) -> None:
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def url(self, database: str = "postgres") -> str:
        """A connection URL for one database of this server (over its socket)."""
        return f"postgresql://triage@/{database}?host={self.socket_dir}&port={self.port}"

    def new_database(self) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and delete its files."""
        try:
            pg_ctl = str(self.bin_dir / "pg_ctl")
            self._run([pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"])
        finally:
            for _ in range(3):
                shutil.rmtree(self.root, ignore_errors=True)
                if not self.root.exists():
                    break
                time.sleep(0.2)
