"""Analysis beside indexing: a child process for large backlogs, safe re-checks, refresh split."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import pytest
from helpers import write_articles
from pytest_httpserver import HTTPServer

from triage.core.analysis import worker as parallel
from triage.core.desk import Desk
from triage.core.search import IndexWriter


def memberships(desk: Desk) -> dict[str, frozenset[str]]:
    """Story id -> the ids of its cluster (a partition, comparable across runs)."""
    ids = sorted(desk.store.all_ids())
    return {
        sid: frozenset(m.story_id for m in desk.clusters.cluster_of(sid).members) for sid in ids
    }


def test_a_large_backlog_is_analysed_in_a_child_while_this_process_indexes(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[subprocess.Popen[bytes]] = []
    real_start = parallel._start_worker

    def spy(path: Path, follow: bool = False, index: bool = False) -> subprocess.Popen[bytes]:
        started.append(real_start(path, follow, index))
        follows.append(follow)
        return started[-1]

    follows: list[bool] = []
    monkeypatch.setattr(parallel, "PARALLEL_MIN_STORIES", 20)
    monkeypatch.setattr(parallel, "_start_worker", spy)
    folder = write_articles(tmp_path / "Wire", 60)[0].parent
    report = desk.ingest([str(folder)])

    assert len(started) == 1 and started[0].returncode == 0
    assert follows == [True]  # started while the rest was still being stored
    assert report.added == 60 and desk.pending_analysis() == 0
    assert desk.store.pending_index_count() == 0
    assert desk.index.indexed_ids() == desk.store.all_ids()
    assert desk.search("speaker:morgan7").total == 1  # speakers reached the index
    assert len(desk.quotes.for_stories(sorted(desk.store.all_ids()))) == 60
    before = memberships(desk)
    desk.recluster()
    assert memberships(desk) == before  # same clusters as in-process, date-ordered


def test_a_small_backlog_stays_in_process(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: Path, follow: bool = False, index: bool = False) -> subprocess.Popen[bytes]:
        raise AssertionError("no child for a small backlog")

    monkeypatch.setattr(parallel, "_start_worker", refuse)
    folder = write_articles(tmp_path / "Wire", 5)[0].parent
    assert desk.ingest([str(folder)]).added == 5
    assert desk.pending_analysis() == 0


def test_a_story_indexed_before_its_analysis_is_indexed_again_with_speakers(
    desk: Desk, tmp_path: Path
) -> None:
    folder = tmp_path / "Coast Courier"
    folder.mkdir()
    (folder / "vote.txt").write_text(
        "Harbour board vote\n\n\u201cWe will vote again,\u201d said Rowan Tallis, the chair.\n",
        encoding="utf-8",
    )
    pipeline = desk.pipeline()
    pipeline.finish = lambda background=False: None  # type: ignore[method-assign]
    pipeline.run([str(folder)])
    assert desk.pending_analysis() == 1
    desk.sync_index()  # e.g. a search while a refresh is still analysing
    assert desk.search("vote").total == 1 and desk.search("speaker:tallis").total == 0
    desk.analyse_pending()
    assert desk.search("speaker:tallis").total == 1


def test_two_analysers_on_one_desk_analyse_each_story_once(desk: Desk, tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "Wire", 80)[0].parent
    pipeline = desk.pipeline()
    pipeline.finish = lambda background=False: None  # type: ignore[method-assign]
    pipeline.run([str(folder)])
    errors: list[BaseException] = []

    def analyse() -> None:
        try:
            Desk(desk.path).analyse_pending()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=analyse) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert desk.pending_analysis() == 0
    together = memberships(desk)
    assert sum(len(c) for c in set(together.values())) == 80  # each story in one cluster
    desk.recluster()
    assert memberships(desk) == together


def test_refresh_can_return_once_stories_are_stored(desk: Desk, httpserver: HTTPServer) -> None:
    items = "".join(
        f"<item><title>Ferry timetable {n}</title><link>https://example.test/f{n}</link>"
        f"<description>\u201cSailings resume,\u201d said Imre Voss, port captain, "
        f"on day {n}.</description></item>"
        for n in range(3)
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        f"<rss version='2.0'><channel><title>Ferry News</title>{items}</channel></rss>",
        content_type="application/rss+xml",
    )
    desk.feeds.add(httpserver.url_for("/feed.xml"))
    pipeline = desk.pipeline()
    report = pipeline.refresh(finish=False)
    assert report.added == 3 and desk.store.count() == 3
    assert desk.pending_analysis() == 3 and desk.store.pending_index_count() == 3
    pipeline.finish()
    assert desk.pending_analysis() == 0 and desk.store.pending_index_count() == 0
    assert desk.search("speaker:voss").total == 3


def test_the_parent_indexes_once_the_child_has_quoted_the_backlog(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One index pass takes the whole quoted backlog instead of trailing the clusterer."""
    unquoted_at_pass: list[int] = []
    real_sync = IndexWriter.sync

    def spy(self: IndexWriter, *args: object, **kwargs: bool) -> int:
        row = self.store.conn.execute("SELECT count(*) FROM stories WHERE quoted < seq")
        unquoted_at_pass.append(int(row.fetchone()[0]))
        return real_sync(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "PARALLEL_MIN_STORIES", 20)
    monkeypatch.setattr(IndexWriter, "sync", spy)
    folder = write_articles(tmp_path / "Wire", 60)[0].parent
    desk.ingest([str(folder)])
    assert unquoted_at_pass[0] == 0
    assert desk.search("speaker:morgan7").total == 1


def test_quoted_stories_are_indexed_with_their_speakers_before_their_clusters(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from triage.core.analysis.analyser import Analyser
    from triage.core.ingest import pipeline as pipeline

    monkeypatch.setattr(pipeline, "analyse_and_index", lambda *args, **kwargs: None)
    folder = write_articles(tmp_path / "Wire", 8)[0].parent
    desk.ingest([str(folder)])  # stored only
    analyser = Analyser(desk.store, desk.quotes, desk.clusters)
    assert desk.sync_index(quoted_only=True) == 0  # nothing quoted yet: all stay queued
    wanted = {sid: 1 for sid in desk.store.all_ids()}
    assert analyser.quote_some(wanted) == 8
    assert desk.pending_quotes() == 0 and desk.pending_analysis() == 8
    assert desk.sync_index(quoted_only=True) == 8
    assert desk.search("speaker:morgan7").total == 1
    assert desk.analyse_pending() == 8 and desk.pending_analysis() == 0


def test_a_desk_from_before_the_quoted_mark_counts_its_analysed_stories_as_quoted(
    desk: Desk, tmp_path: Path
) -> None:
    folder = write_articles(tmp_path / "Wire", 3)[0].parent
    desk.ingest([str(folder)])
    with desk.store.write() as conn:
        conn.execute("DROP INDEX stories_unquoted")
        conn.execute("ALTER TABLE stories DROP COLUMN quoted")
    desk.close()
    reopened = Desk(desk.path)
    assert reopened.pending_quotes() == 0 and reopened.pending_analysis() == 0
    reopened.close()


@pytest.mark.parametrize("stored", [True, False])
def test_a_follower_quotes_as_stories_are_stored_and_clusters_only_when_told(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stored: bool
) -> None:
    """Released with ``stored`` it clusters; abandoned (the ingest failed) it stops."""

    from triage.core.ingest import pipeline as pipeline

    monkeypatch.setattr(pipeline, "analyse_and_index", lambda *args, **kwargs: None)
    child = parallel.start_follower(desk.path)
    try:
        desk.ingest([str(write_articles(tmp_path / "Wire", 12)[0].parent)])
        deadline = time.monotonic() + 60
        while desk.pending_quotes() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert desk.pending_quotes() == 0  # quoted while the parent had not said a word
        assert desk.pending_analysis() == 12  # but not clustered: more may be coming
    finally:
        parallel.release(child, stored=stored)
        assert child.wait(60) == 0
    assert desk.pending_analysis() == (0 if stored else 12)


def test_a_background_finish_analyses_and_indexes_in_the_child_only(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's refresh: the process that paints neither analyses nor indexes."""
    from triage.core.ingest import pipeline as pipeline_module

    monkeypatch.setattr(pipeline_module, "analyse_and_index", lambda *args, **kwargs: None)
    desk.ingest([str(write_articles(tmp_path / "Wire", 6)[0].parent)])  # stored only
    monkeypatch.undo()
    indexed_here: list[int] = []
    real_sync = IndexWriter.sync

    def spy(self: IndexWriter, *args: object, **kwargs: bool) -> int:
        indexed_here.append(real_sync(self, *args, **kwargs))  # type: ignore[arg-type]
        return indexed_here[-1]

    monkeypatch.setattr(IndexWriter, "sync", spy)
    desk.pipeline().finish(background=True)
    assert sum(indexed_here) == 0  # the child had indexed everything
    assert desk.pending_analysis() == 0 and desk.store.pending_index_count() == 0
    assert desk.search("speaker:morgan3").total == 1


def test_a_follower_prepares_assignments_while_it_waits_and_clusters_with_them(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pure part of each assignment is done before the parent's word, and the
    clusters are those of an analysis that prepared nothing."""
    from triage.core.analysis.analyser import Analyser
    from triage.core.clusters.prepare import PreparedMemo
    from triage.core.ingest import pipeline as pipeline

    monkeypatch.setattr(pipeline, "analyse_and_index", lambda *args, **kwargs: None)
    desk.ingest([str(write_articles(tmp_path / "Wire", 30)[0].parent)])  # stored only
    told = threading.Event()

    class Parent:  # the pipe: silent until told, then says the store stage is over
        def readline(self) -> bytes:
            told.wait(60)
            return parallel.STORED

    monkeypatch.setattr("sys.stdin", type("Stdin", (), {"buffer": Parent()})())
    analyser = Analyser(desk.store, desk.quotes, desk.clusters, PreparedMemo())
    outcome: list[bool] = []
    follower = threading.Thread(target=lambda: outcome.append(parallel._follow(analyser)))
    follower.start()
    try:
        deadline = time.monotonic() + 60
        while len(analyser.ahead or ()) < 30 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(analyser.ahead or ()) == 30  # all prepared, none clustered yet
        assert desk.pending_quotes() == 0 and desk.pending_analysis() == 30
    finally:
        told.set()
        follower.join(60)
    assert outcome == [True]
    assert analyser.run() == 30
    assert analyser.ahead is not None and analyser.ahead.used == 30 and not analyser.ahead
    ahead = memberships(desk)
    desk.recluster()  # in-process, nothing prepared
    assert memberships(desk) == ahead
