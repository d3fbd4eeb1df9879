"""Concurrency: an ingest, taggers and readers at once never fail and never lose work.

Writers queue on SQLite's busy timeout (``BEGIN IMMEDIATE``) and on Whoosh's
writer lock, so a CLI ingest, CLI ``tag``/``read`` processes and a search loop
running together must all succeed. A second :class:`Desk` in a thread stands in
for the open app (tagging and searching while the ingest runs). At the end every
tag and every story is counted.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from conftest import run_triage
from test_durability import write_articles

from triage.core.desk import Desk

SEEDS = 40
BULK = 500
MIN_CLI_TAGS = 5
LOCK_WORDS = ("locked", "busy", "Traceback")


@dataclass
class Tally:
    """What the concurrent workers did and what went wrong."""

    tags: set[tuple[str, str]] = field(default_factory=set)
    read: set[str] = field(default_factory=set)
    searches: int = 0
    during_ingest: int = 0
    ingest_running: Callable[[], bool] = lambda: False
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)


def cli_tagger(
    desk_dir: Path, ids: list[str], name: str, stop: threading.Event, tally: Tally
) -> None:
    """Tag seed stories with CLI subprocesses, one unique tag per run, until stopped."""
    n = 0
    while not stop.is_set() or n < MIN_CLI_TAGS:
        story_id, tag = ids[n % len(ids)], f"{name}-{n}"
        done = run_triage("--index", str(desk_dir), "tag", story_id, tag, timeout=120)
        if done.returncode != 0 or any(w in done.stderr for w in LOCK_WORDS):
            tally.fail(f"tag {story_id} {tag}: {done.returncode} {done.stderr.strip()}")
        else:
            with tally.lock:
                tally.tags.add((story_id, tag))
                tally.during_ingest += tally.ingest_running()
        if n % 4 == 3:
            done = run_triage("--index", str(desk_dir), "read", story_id, timeout=120)
            if done.returncode != 0:
                tally.fail(f"read {story_id}: {done.stderr.strip()}")
            else:
                with tally.lock:
                    tally.read.add(story_id)
        n += 1


def cli_searcher(desk_dir: Path, stop: threading.Event, tally: Tally) -> None:
    """Search through CLI subprocesses until stopped."""
    while not stop.is_set():
        done = run_triage(
            "--index", str(desk_dir), "search", "harbour OR crane", "--json", timeout=120
        )
        if done.returncode != 0:
            tally.fail(f"cli search: {done.stderr.strip()}")
        else:
            with tally.lock:
                tally.searches += 1


def app_stand_in(desk_dir: Path, ids: list[str], stop: threading.Event, tally: Tally) -> None:
    """A second Desk in this process: tag, mark read and search in a tight loop."""
    desk = Desk(desk_dir)
    try:
        n = 0
        while not stop.is_set() or n < 20:
            story_id, tag = ids[(n * 7) % len(ids)], f"app-{n}"
            try:
                desk.tags.tag_stories([story_id], [tag])
                with tally.lock:
                    tally.tags.add((story_id, tag))
                if n % 5 == 0:
                    desk.store.set_read([story_id])
                    with tally.lock:
                        tally.read.add(story_id)
                if n % 3 == 0:
                    desk.search("tag:urgent OR harbour", limit=20, snippets=False)
                    with tally.lock:
                        tally.searches += 1
            except Exception as exc:  # any failure is the finding; keep going
                tally.fail(f"app: {type(exc).__name__}: {exc}")
            n += 1
    finally:
        desk.close()


def run_all(workers: list[Callable[[], None]]) -> list[threading.Thread]:
    threads = [threading.Thread(target=w, daemon=True) for w in workers]
    for thread in threads:
        thread.start()
    return threads


def test_ingest_taggers_and_readers_at_once(tmp_path: Path) -> None:
    desk_dir = tmp_path / "desk"
    seeds = write_articles(tmp_path / "seeds", SEEDS, "seed", seed=1)[0].parent
    done = run_triage("--index", str(desk_dir), "ingest", str(seeds))
    assert done.returncode == 0, done.stderr
    desk = Desk(desk_dir)
    ids = sorted(desk.store.all_ids())
    desk.close()
    bulk = write_articles(tmp_path / "bulk", BULK, "bulk", seed=2)[0].parent

    stop = threading.Event()
    tally = Tally()
    ingest = subprocess.Popen(
        [sys.executable, "-m", "triage.cli", "--index", str(desk_dir), "ingest", str(bulk)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    tally.ingest_running = lambda: ingest.poll() is None
    threads = run_all(
        [
            lambda: cli_tagger(desk_dir, ids, "cli-a", stop, tally),
            lambda: cli_tagger(desk_dir, ids[::-1], "cli-b", stop, tally),
            lambda: cli_searcher(desk_dir, stop, tally),
            lambda: app_stand_in(desk_dir, ids, stop, tally),
        ]
    )
    out, err = ingest.communicate(timeout=120)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    assert ingest.returncode == 0, err
    assert f"added {BULK}" in out
    assert tally.during_ingest >= 2, "the CLI taggers never overlapped the ingest"
    assert not tally.failures, tally.failures[:5]

    desk = Desk(desk_dir)
    try:
        stored = {
            (str(sid), str(tag))
            for sid, tag in desk.store.conn.execute("SELECT story_id, tag FROM story_tags")
        }
        assert tally.tags <= stored, f"lost tags: {sorted(tally.tags - stored)[:5]}"
        assert tally.read <= desk.store.read_ids()
        assert desk.store.count() == SEEDS + BULK
        assert desk.store.pending_index_count() == 0
        assert desk.index.indexed_ids() == desk.store.all_ids()
        assert desk.search("tag:cli-a-0", snippets=False).total == 1
    finally:
        desk.close()
    cli_tags = sum(t.startswith("cli") for _, t in tally.tags)
    sys.stderr.write(
        f"\nconcurrency: {len(tally.tags)} tags ({cli_tags} by CLI processes,"
        f" {tally.during_ingest} while the ingest ran), {len(tally.read)} read marks,"
        f" {tally.searches} searches during an ingest of {BULK} stories; none failed or lost\n"
    )
