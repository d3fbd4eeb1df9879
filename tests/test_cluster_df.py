"""Tests for the clusterer's write-behind document frequencies (triage.core.clusters.df)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from triage.core.clusters.df import WHOLE_AFTER
from triage.core.clusters.tables import ClusterTables


def _tables(path: Path) -> ClusterTables:
    conn = sqlite3.connect(path, isolation_level=None)
    return ClusterTables(conn)


def _stored_df(tables: ClusterTables) -> dict[str, int]:
    return dict(tables.conn.execute("SELECT term, df FROM cluster_df").fetchall())


def test_a_batch_writes_each_term_once_when_it_ends(tmp_path: Path) -> None:
    tables = _tables(tmp_path / "desk.sqlite3")
    tables.conn.execute("BEGIN")
    with tables.df.batch():
        assert tables.count_in(["w:ferry", "w:harbour"]) == {"w:ferry": 1, "w:harbour": 1}
        assert tables.count_in(["w:ferry"]) == {"w:ferry": 2}
        assert _stored_df(tables) == {}  # nothing written yet
        assert tables.document_frequencies(["w:ferry", "w:pier"]) == {"w:ferry": 2}
    tables.conn.execute("COMMIT")
    assert _stored_df(tables) == {"w:ferry": 2, "w:harbour": 1}


def test_outside_a_batch_every_count_is_written_at_once(tmp_path: Path) -> None:
    tables = _tables(tmp_path / "desk.sqlite3")
    tables.count_in(["w:ferry"])
    assert _stored_df(tables) == {"w:ferry": 1}
    tables.add_frequencies(["w:ferry"], -1)
    assert _stored_df(tables) == {}  # a term no story counts is dropped
    assert tables.document_frequencies(["w:ferry"]) == {}


def test_another_process_counting_the_same_terms_is_seen(tmp_path: Path) -> None:
    ours, theirs = _tables(tmp_path / "desk.sqlite3"), _tables(tmp_path / "desk.sqlite3")
    assert ours.count_in(["w:ferry"]) == {"w:ferry": 1}
    assert theirs.count_in(["w:ferry"]) == {"w:ferry": 2}
    assert ours.count_in(["w:ferry"]) == {"w:ferry": 3}  # our remembered 1 is stale


def test_a_rolled_back_transaction_does_not_leave_its_counts_remembered(tmp_path: Path) -> None:
    tables = _tables(tmp_path / "desk.sqlite3")
    tables.count_in(["w:ferry"])
    tables.conn.execute("BEGIN")
    tables.count_in(["w:ferry"])
    tables.conn.execute("ROLLBACK")
    assert tables.count_in(["w:ferry"]) == {"w:ferry": 2}


def test_an_error_inside_a_batch_forgets_what_it_counted(tmp_path: Path) -> None:
    tables = _tables(tmp_path / "desk.sqlite3")
    tables.conn.execute("BEGIN")
    with pytest.raises(RuntimeError), tables.df.batch():
        tables.count_in(["w:ferry"])
        raise RuntimeError("analysis failed")
    tables.conn.execute("ROLLBACK")
    assert tables.count_in(["w:ferry"]) == {"w:ferry": 1}


def test_clearing_the_tables_forgets_every_count(tmp_path: Path) -> None:
    tables = _tables(tmp_path / "desk.sqlite3")
    tables.count_in(["w:ferry", "w:pier"])
    tables.clear_derived()
    assert tables.count_in(["w:ferry"]) == {"w:ferry": 1}
    assert _stored_df(tables) == {"w:ferry": 1}


def test_a_long_run_reads_the_whole_table_and_still_sees_other_writers(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    ours, theirs = _tables(path), _tables(path)
    theirs.count_in([f"w:old{n}" for n in range(5)])  # counted before our run began
    ours.conn.execute("BEGIN")
    with ours.df.batch():
        for n in range(WHOLE_AFTER + 5):  # enough reads of unknown terms for the whole table
            assert ours.count_in([f"w:new{n}", "w:old1"]) == {f"w:new{n}": 1, "w:old1": 2 + n}
        assert ours.document_frequencies(["w:old3", "w:never"]) == {"w:old3": 1}
        assert ours.count_in(["w:old4", "w:later"]) == {"w:old4": 2, "w:later": 1}
    ours.conn.execute("COMMIT")
    assert _stored_df(ours)["w:old1"] == WHOLE_AFTER + 6
    theirs.count_in(["w:later", "w:old4"])  # another writer after our whole read
    assert ours.count_in(["w:later", "w:old4"]) == {"w:later": 3, "w:old4": 4}
