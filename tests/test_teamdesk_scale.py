"""The team-desk scale benchmark, end to end on a tiny desk with a real PostgreSQL.

It copies the desk to PostgreSQL, builds a new terminal's index from the shared
store, follows another terminal's ingest, searches both desks and builds
PostgreSQL's full-text search; this checks that each figure counts what it says
(every story copied, indexed, followed; the FTS queries find what Whoosh finds),
not how fast. Skips when PostgreSQL is not installed, as the other team-desk tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

from helpers import run_benchmark

from triage.core.desk import Desk

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import corpus  # noqa: E402


def _files(directory: Path) -> list[tuple[str, int, int]]:
    return sorted(
        (str(p.relative_to(directory)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in directory.rglob("*")
        if p.is_file()
    )


def test_scale_benchmark_runs_end_to_end(tmp_path: Path, pg_url: str) -> None:
    built = Desk(tmp_path / "desk-small")
    feeds = corpus.write_feeds(corpus.generate(60, seed=3), tmp_path / "feeds")
    built.ingest([str(f) for f in feeds])
    stories = built.store.count()
    built.close()
    before = _files(tmp_path / "desk-small")

    result = run_benchmark(
        BENCHMARKS / "teamdesk_scale.py",
        "--desk",
        str(tmp_path / "desk-small"),
        "--url",
        pg_url,
        "--repeats",
        "1",
        "--follow",
        "12",
        "--scratch",
        str(tmp_path),
        "--json",
        timeout=300,
    )

    assert result["stories"] == stories
    assert result["copy"]["stories"] == stories
    assert result["new_terminal"]["stories"] == stories
    assert result["new_terminal"]["index_mb"] > 0
    follow = result["follow"]
    assert follow["stories_added"] == 12
    assert follow["catch_up_written"] >= follow["stories_added"]
    kinds = set(result["queries"])
    assert {"term", "two-term", "field", "tag", "date", "phrase"} <= kinds
    fts = result["pg_fts"]
    assert set(fts["search"]) == kinds | {"term-recent"}
    assert 0 < fts["matches"]["term-recent"] <= fts["matches"]["term"]
    assert fts["gin_mb"] > 0
    for kind in kinds - {"phrase"}:  # a phrase with a stop word is one word in PostgreSQL's
        assert fts["matches"][kind] > 0 or kind == "two-term"
        assert abs(fts["matches"][kind] - result["whoosh_matches"][kind]) <= 0.2 * max(
            fts["matches"][kind], result["whoosh_matches"][kind]
        ), (kind, fts["matches"], result["whoosh_matches"])
    assert fts["matches"]["phrase"] >= result["whoosh_matches"]["phrase"] > 0
    for name in ("sqlite", "pg"):
        assert set(result["store_answered"][name]) == {"tag", "is_read", "assigned"}
        assert "assign+search" in result["edits"][name]
    assert "not measured" in result["opensearch"] or "offers" in result["opensearch"]
    # the desk it was given was copied, never written
    assert _files(tmp_path / "desk-small") == before
