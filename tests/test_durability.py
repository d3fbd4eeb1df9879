"""Durability: a killed ingest, a stale lock or a broken index never costs editor work.

The store of record (SQLite, WAL, ``synchronous=FULL``) holds stories and every
editor action; the Whoosh index is derived from it. These tests kill ``triage
ingest`` with SIGKILL at random instants while the desk already carries tags, read
marks, a saved search, feed state and a cluster correction, then check that all of
it survived and that the next ingest finishes the interrupted work. They also
leave a Whoosh lock behind and damage the index files, and expect a one-line
error, a clean ``triage reindex``, and editor state untouched by reindex and
recluster.
"""

from __future__ import annotations

import fcntl
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CliResult, run_triage

from triage.core.desk import DB_NAME, INDEX_DIR, Desk

BULK = 300
MIN_KILLS = 4
MAX_KILL_ROUNDS = 10
FEED_URL = "http://feeds.invalid/harbour.xml"
TOPICS = ["harbour", "crane", "council", "budget", "river", "school", "bridge", "market"]


def write_articles(folder: Path, count: int, tag: str, seed: int) -> list[Path]:
    """Generated article files, each with a quotation, a unique word and a topic."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        topic = TOPICS[n % len(TOPICS)]
        filler = " ".join(rng.choice(TOPICS) for _ in range(80))
        path = folder / f"{tag}-{n:04d}.txt"
        path.write_text(
            f"{tag} story {n} on the {topic}\n\n"
            f"Reporters covered the {topic} today, marker {tag}x{n}. {filler}.\n\n"
            f'"We will review the {topic} plans next week," said Robin Vale{n}, '
            "the spokesperson.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def write_seed_pairs(folder: Path) -> None:
    """Three pairs of near-identical stories, so each pair forms one cluster."""
    folder.mkdir(parents=True)
    for pair, topic in enumerate(("ferry strike", "toll bridge", "flood barrier")):
        body = (
            f"The {topic} dispute in Portwick deepened on Tuesday as talks collapsed. "
            f'"There is no deal on the {topic} tonight," said Morgan Ashdale, the union '
            f"negotiator. Officials said the {topic} would be discussed again next week. "
        ) * 3
        for copy in ("a", "b"):
            (folder / f"seed-{pair}{copy}.txt").write_text(
                f"Portwick {topic} talks collapse\n\n{body}\n\nFiled by desk {copy}.\n",
                encoding="utf-8",
            )


@dataclass(frozen=True)
class EditorState:
    """Everything an editor did, as plain data that can be compared."""

    tags: dict[str, tuple[str, ...]]
    read: frozenset[str]
    saved: tuple[tuple[str, str], ...]
    feed: tuple[str, str, int, str]
    corrections: tuple[tuple[str, ...], ...]
    split_story: str
    split_cluster_size: int


def editor_state(desk_dir: Path, split_story: str) -> EditorState:
    desk = Desk(desk_dir)
    try:
        conn = desk.store.conn
        tags: dict[str, list[str]] = {}
        for story_id, tag in conn.execute("SELECT story_id, tag FROM story_tags"):
            tags.setdefault(story_id, []).append(tag)
        feed = desk.feeds.get(FEED_URL)
        assert feed is not None
        corrections = tuple(
            tuple(str(v) for v in row)
            for row in conn.execute("SELECT * FROM cluster_correction ORDER BY 1, 2, 3")
        )
        return EditorState(
            tags={k: tuple(sorted(v)) for k, v in tags.items()},
            read=frozenset(desk.store.read_ids()),
            saved=tuple(desk.tags.saved_searches()),
            feed=(feed.etag, feed.last_modified, feed.item_count, feed.name),
            corrections=corrections,
            split_story=split_story,
            split_cluster_size=desk.clusters.cluster_of(split_story).size,
        )
    finally:
        desk.close()


def prepare_desk(root: Path) -> tuple[Path, EditorState]:
    """A desk with seed stories and every kind of editor state, made through the CLI."""
    desk_dir = root / "desk"
    write_seed_pairs(root / "seeds")
    done = run_triage("--index", str(desk_dir), "ingest", str(root / "seeds"))
    assert done.returncode == 0, done.stderr
    desk = Desk(desk_dir)
    try:
        ids = [s.id for s in desk.store.iter_stories()]
        assert len(ids) == 6
        paired = [s for s in ids if desk.clusters.cluster_of(s).size >= 2]
        assert paired, "the seed pairs did not cluster, so a split would prove nothing"
        desk.tags.tag_stories(ids[:3], ["urgent", "legal-check"])
        desk.tags.tag_stories(ids[3:4], ["follow-up"])
        desk.store.set_read(ids[::2])
        desk.tags.save_search("harbour watch", "harbour AND tag:urgent")
        desk.feeds.add(FEED_URL, name="Harbour Gazette", tags=["local"])
        desk.feeds.record_success(FEED_URL, 'W/"etag-42"', "Sat, 21 Nov 2026 10:00:00 GMT", 17)
        split_story = paired[0]
    finally:
        desk.close()
    done = run_triage("--index", str(desk_dir), "cluster", "split", split_story)
    assert done.returncode == 0, done.stderr
    state = editor_state(desk_dir, split_story)
    assert state.split_cluster_size == 1
    return desk_dir, state


def check_crash_invariants(desk_dir: Path) -> None:
    """After a kill: the database is sound and every stale index entry is queued."""
    conn = sqlite3.connect(desk_dir / DB_NAME)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    desk = Desk(desk_dir)
    try:
        if desk.index.exists():
            queued = {sid for sid, _ in desk.store.pending_index(10**6)}
            missing = desk.store.all_ids() - desk.index.indexed_ids() - queued
            assert not missing, f"{len(missing)} stories neither indexed nor queued"
    finally:
        desk.close()


def check_complete(desk_dir: Path, expected_stories: int) -> None:
    """Every story stored, analysed, clustered, quoted and findable by its marker."""
    desk = Desk(desk_dir)
    try:
        conn = desk.store.conn
        assert desk.store.count() == expected_stories
        assert conn.execute("SELECT count(*) FROM stories WHERE analysed < seq").fetchone()[0] == 0
        assert desk.store.pending_index_count() == 0
        assert desk.index.indexed_ids() == desk.store.all_ids()
        clustered = conn.execute("SELECT count(*) FROM cluster_story").fetchone()[0]
        assert clustered == expected_stories
        quoted = conn.execute("SELECT count(DISTINCT story_id) FROM quotes").fetchone()[0]
        assert quoted == expected_stories
        for story in desk.store.iter_stories():
            if " story " in story.title:  # the generated ones carry a unique marker
                tag, _, rest = story.title.partition(" story ")
                marker = f"{tag}x{rest.split()[0]}".lower()
                assert desk.search(marker, snippets=False).total == 1, marker
    finally:
        desk.close()


def kill_ingest_after(desk_dir: Path, source: Path, delay: float) -> int | None:
    """Start ``triage ingest``, SIGKILL it after ``delay`` s; its exit code (None if killed)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "triage", "--index", str(desk_dir), "ingest", str(source)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if proc.returncode == 0:  # it ended between the timeout and the kill: not killed
            return 0
        assert proc.returncode == -signal.SIGKILL
        return None
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert proc.returncode == 0, stderr
    return proc.returncode


def time_whole_ingest(desk_dir: Path, scratch: Path, count: int, seed: int) -> float:
    """Seconds one uninterrupted ingest of ``count`` articles takes into a copy of the
    desk, here and now (machines and load differ), so kills can aim inside a run."""
    write_articles(scratch / "in", count, "cal", seed=seed)
    shutil.copytree(desk_dir, scratch / "desk")
    started = time.monotonic()
    assert kill_ingest_after(scratch / "desk", scratch / "in", 600) == 0
    return time.monotonic() - started


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, EditorState]:
    """One prepared desk, built once; tests work on copies of it."""
    return prepare_desk(tmp_path_factory.mktemp("template"))


@pytest.fixture
def desk_copy(prepared: tuple[Path, EditorState], tmp_path: Path) -> tuple[Path, EditorState]:
    """A private copy of the prepared desk (and the editor state it holds)."""
    template, state = prepared
    copy = tmp_path / "desk"
    shutil.copytree(template, copy)
    return copy, state


def test_kill_nine_during_ingest_loses_nothing(
    desk_copy: tuple[Path, EditorState], tmp_path: Path
) -> None:
    desk_dir, before = desk_copy
    rng = random.Random(20261122)
    full_run = time_whole_ingest(desk_dir, tmp_path / "calibration", BULK, seed=99)
    batches: list[Path] = []
    killed = 0
    # Rounds go on until enough kills landed mid-run (a run that ends before its kill
    # proves nothing, and a noisy machine makes some do): at most MAX_KILL_ROUNDS.
    while killed < MIN_KILLS and len(batches) < MAX_KILL_ROUNDS:
        round_no = len(batches)
        batch = tmp_path / f"batch{round_no}"
        write_articles(batch, BULK, f"b{round_no}", seed=round_no)
        batches.append(batch)
        delay = full_run * rng.uniform(0.3, 0.9)
        started = time.monotonic()
        if kill_ingest_after(desk_dir, batch, delay) is None:
            killed += 1
        else:  # the machine got faster than at calibration: aim by this run instead
            full_run = time.monotonic() - started
        check_crash_invariants(desk_dir)
        assert editor_state(desk_dir, before.split_story) == before, f"round {round_no}"
    sys.stderr.write(f"\nkill -9: {killed} of {len(batches)} ingests killed mid-run\n")
    assert killed >= MIN_KILLS, "too few kills landed mid-run to prove anything"

    done = run_triage("--index", str(desk_dir), "ingest", *map(str, batches))
    assert done.returncode == 0, done.stderr
    check_complete(desk_dir, 6 + BULK * len(batches))
    assert editor_state(desk_dir, before.split_story) == before


def _analysers_running(desk_dir: Path) -> bool:
    """Whether an analyser child of this desk still runs (one outlives a killed parent)."""
    found = subprocess.run(
        ["pgrep", "-f", f"triage.core.analysis {desk_dir}"], capture_output=True, check=False
    )
    return found.returncode == 0


@pytest.mark.soak
def test_kill_nine_while_a_child_analyses_loses_nothing(
    desk_copy: tuple[Path, EditorState], tmp_path: Path
) -> None:
    """Backlogs large enough for the analyser child: the parent is killed while the
    child quotes beside the store stage, or while it clusters; the orphan finishes
    or stops on its own, and the next ingest completes every story."""
    desk_dir, before = desk_copy
    big = 450  # at least worker.PARALLEL_MIN_STORIES, so the child starts
    rng = random.Random(20261123)
    full_run = time_whole_ingest(desk_dir, tmp_path / "calibration", big, seed=98)
    batches, killed, orphans = [], 0, 0
    for round_no in range(3):
        batch = tmp_path / f"big{round_no}"
        write_articles(batch, big, f"k{round_no}", seed=50 + round_no)
        batches.append(batch)
        started = time.monotonic()
        if kill_ingest_after(desk_dir, batch, full_run * rng.uniform(0.2, 0.9)) is None:
            killed += 1
            orphans += _analysers_running(desk_dir)
        else:
            full_run = time.monotonic() - started
        check_crash_invariants(desk_dir)
        assert editor_state(desk_dir, before.split_story) == before, f"round {round_no}"
    sys.stderr.write(
        f"\nkill -9 with a child: {killed} of 3 killed mid-run, {orphans} left a child running\n"
    )
    assert killed >= 2, "too few kills landed mid-run to prove anything"
    assert orphans >= 1, "no kill landed while an analyser child was at work"
    done = run_triage("--index", str(desk_dir), "ingest", *map(str, batches))
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 120
    while _analysers_running(desk_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _analysers_running(desk_dir), "an orphaned analyser never ended"
    check_complete(desk_dir, 6 + big * 3)
    assert editor_state(desk_dir, before.split_story) == before


def test_leftover_lock_file_is_harmless(
    desk_copy: tuple[Path, EditorState], tmp_path: Path
) -> None:
    """Whoosh locks with flock(2) on POSIX: the kernel drops it when the holder dies.

    A lock file left by a killed process therefore blocks nothing, and a lock that
    a live process really holds is waited for, not stolen.
    """
    desk_dir, before = desk_copy
    lock_file = desk_dir / INDEX_DIR / "MAIN_WRITELOCK"
    lock_file.write_text("left by a killed process")
    batch = write_articles(tmp_path / "more", 20, "lock", seed=7)[0].parent
    done = run_triage("--index", str(desk_dir), "ingest", str(batch))
    assert done.returncode == 0, done.stderr

    released = threading.Event()
    with lock_file.open("r+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)

        def release_later() -> None:
            time.sleep(1.5)
            fcntl.flock(held, fcntl.LOCK_UN)
            released.set()

        releaser = threading.Thread(target=release_later)
        releaser.start()
        extra = write_articles(tmp_path / "extra", 5, "held", seed=8)[0].parent
        done = run_triage("--index", str(desk_dir), "ingest", str(extra))
        releaser.join()
    assert done.returncode == 0, done.stderr
    assert released.is_set()
    check_complete(desk_dir, 6 + 20 + 5)
    assert editor_state(desk_dir, before.split_story) == before


def _truncate_segments(index_dir: Path) -> None:
    for seg in index_dir.rglob("*.seg"):
        with seg.open("r+b") as handle:
            handle.truncate(100)


def _delete_segments(index_dir: Path) -> None:
    for seg in index_dir.rglob("*.seg"):
        seg.unlink()


def _truncate_toc(index_dir: Path) -> None:
    for toc in index_dir.rglob("*.toc"):
        toc.write_bytes(toc.read_bytes()[:10])


def _garble_toc(index_dir: Path) -> None:
    for toc in index_dir.rglob("*.toc"):
        toc.write_bytes(bytes(random.Random(3).randrange(256) for _ in range(400)))


def _delete_everything(index_dir: Path) -> None:
    shutil.rmtree(index_dir)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated segment": _truncate_segments,
    "deleted segment": _delete_segments,
    "truncated toc": _truncate_toc,
    "garbled toc": _garble_toc,
    "deleted index": _delete_everything,
}
#: Damage after which no index is left at all, so search quietly rebuilds one.
SELF_HEALING = frozenset({"deleted index"})


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_index_is_one_line_then_reindex_rebuilds(
    desk_copy: tuple[Path, EditorState], cli: Callable[..., CliResult], damage: str
) -> None:
    desk_dir, before = desk_copy
    DAMAGE[damage](desk_dir / INDEX_DIR)

    broken = cli("search", "portwick", "--json", index_dir=desk_dir)
    assert "Traceback" not in broken.err
    if damage in SELF_HEALING:  # nothing left to misread: search rebuilds from the store
        assert broken.status == 0, broken.err
        assert len(broken.json()) == 6  # type: ignore[arg-type]
    else:
        assert broken.status == 1
        [line] = broken.err.strip().splitlines()
        assert line.startswith("triage: error: ") and "triage reindex" in line

    tagged = cli("tag", before.split_story, "after-damage", index_dir=desk_dir)
    assert tagged.status == 0, tagged.err
    rebuilt = cli("reindex", index_dir=desk_dir)
    assert rebuilt.status == 0, rebuilt.err
    assert "indexed 6 stories" in rebuilt.out
    found = cli("search", "portwick", "--json", index_dir=desk_dir)
    assert found.status == 0 and len(found.json()) == 6  # type: ignore[arg-type]
    assert cli("recluster", index_dir=desk_dir).status == 0

    after = editor_state(desk_dir, before.split_story)
    expected_tags = dict(before.tags)
    expected_tags[before.split_story] = tuple(
        sorted((*before.tags.get(before.split_story, ()), "after-damage"))
    )
    assert after.tags == expected_tags
    assert (after.read, after.saved, after.feed, after.corrections) == (
        before.read,
        before.saved,
        before.feed,
        before.corrections,
    )
    urgent = cli("search", "tag:urgent", "--json", index_dir=desk_dir)
    assert len(urgent.json()) == 3  # type: ignore[arg-type]


def test_recluster_keeps_an_editors_split(desk_copy: tuple[Path, EditorState]) -> None:
    desk_dir, before = desk_copy
    done = run_triage("--index", str(desk_dir), "recluster")
    assert done.returncode == 0, done.stderr
    after = editor_state(desk_dir, before.split_story)
    assert after.corrections == before.corrections
    assert after.split_cluster_size == 1, "recluster forgot the editor's split"
