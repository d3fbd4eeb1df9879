"""Shared fixtures: real desks in tmp_path, the demo corpus, ../shared when present."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import run_triage, write_articles
from hypothesis import settings
from pgserver import SKIP_REASON, PgServer, find_bin_dir

from triage.cli import main
from triage.core.desk import Desk
from triage.demo import demo_paths

# CI runs the property tests on a fixed sequence of examples, so a red run is a change's
# doing and can be run again; elsewhere each run explores new ones (and keeps what fails).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

__all__ = ["CliResult", "run_triage", "write_articles"]


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    """An empty desk in a temporary directory."""
    opened = Desk(tmp_path / "desk")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server of the tests' own for the session (skips when none is installed)."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip(SKIP_REASON)
    server = PgServer(bin_dir)
    yield server
    from triage.core.store.postgres import close_pools

    close_pools()
    server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """The URL of an empty PostgreSQL database of this test's own."""
    return pg_server.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> str | None:
    """The store of record to run a test on: a desk's SQLite file (None) or PostgreSQL."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def any_desk(tmp_path: Path, store_url: str | None) -> Iterator[Desk]:
    """An empty desk on each engine in turn (the store's tests run on both)."""
    opened = Desk(tmp_path / "desk", store=store_url)
    yield opened
    opened.close()


@pytest.fixture
def any_demo_desk(tmp_path: Path, store_url: str | None) -> Iterator[Desk]:
    """The bundled demo corpus on each engine in turn."""
    opened = Desk(tmp_path / "demo-desk", store=store_url)
    report = opened.ingest([str(p) for p in demo_paths()])
    assert not report.errors, report.errors
    yield opened
    opened.close()


@pytest.fixture
def demo_desk(tmp_path: Path) -> Iterator[Desk]:
    """A desk holding the bundled demo corpus."""
    opened = Desk(tmp_path / "demo-desk")
    report = opened.ingest([str(p) for p in demo_paths()])
    assert not report.errors, report.errors
    yield opened
    opened.close()


@pytest.fixture
def seeds_dir() -> Path:
    """../shared/seeds, or skip the test when it is not beside the repo."""
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not available")
    return seeds


@dataclass
class CliResult:
    """What one in-process CLI run returned and printed."""

    status: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run ``triage --index <tmp desk> ARGS`` in-process and capture its output."""
    index = tmp_path / "cli-desk"

    def run(*args: str, index_dir: Path | None = None) -> CliResult:
        capsys.readouterr()
        status = main(["--index", str(index_dir or index), *args])
        captured = capsys.readouterr()
        return CliResult(status, captured.out, captured.err)

    run.index = index  # type: ignore[attr-defined]
    return run


@pytest.fixture
def cli_any(capsys: pytest.CaptureFixture[str], tmp_path: Path, store_url: str | None):  # type: ignore[no-untyped-def]
    """As ``cli``, on each engine in turn: ``--desk URL`` on PostgreSQL (the desk
    directory then holds only this terminal's index)."""
    index = tmp_path / "cli-desk"
    store = ["--desk", store_url] if store_url else []

    def run(*args: str, index_dir: Path | None = None) -> CliResult:
        capsys.readouterr()
        status = main(["--index", str(index_dir or index), *store, *args])
        captured = capsys.readouterr()
        return CliResult(status, captured.out, captured.err)

    run.index = index  # type: ignore[attr-defined]
    run.store = store_url  # type: ignore[attr-defined]
    return run
