"""A team desk under load: editors tag, mark and assign while a fetcher ingests.

On one PostgreSQL store (a server this script starts from the ``postgresql``
package, or ``--url``), ``--editors`` processes each run ``--actions`` editor
actions (tag 40 %, read mark 40 %, assignment 20 %, each its own transaction, a
short pause between them) on stories already in the desk, while one fetcher
process ingests ``--stories`` synthetic stories (``corpus.py``, as RSS files)
through the real pipeline: store, quotes, clusters, its own search index. A
listener in this process counts the desk's notifications.

It prints, as a table or one JSON line:

- actions done and actions found in the store afterwards (none may be lost: every
  action leaves a row that only it writes);
- action latency (median, p95, max, ms, wall clock) and how many actions ran while
  the fetcher was ingesting;
- notifications heard per table against the actions that should have caused one;
- the fetcher's time and stories per second.

Usage::

    python benchmarks/teamdesk.py                       # 10 x 1,000 actions, 5,000 stories
    python benchmarks/teamdesk.py --editors 3 --actions 100 --stories 300 --json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests"))

import _pg  # noqa: E402
import corpus  # noqa: E402

SEED_STORIES = 300
"""Stories in the desk before the load starts: the editors' targets."""


def seed(url: str, directory: Path, count: int) -> list[str]:
    """Put ``count`` small stories straight into the store; returns their ids."""
    from triage.core.desk import Desk
    from triage.core.models import Story

    desk = Desk(directory, store=url)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    ids = []
    try:
        with desk.store.write():
            for n in range(count):
                story = Story(
                    id=f"seed{n:05d}",
                    title=f"Seed story {n}",
                    url=f"https://seed.example/{n}",
                    source="Seed",
                    published=start + timedelta(minutes=n),
                    body=f"Seed body {n}.",
                )
                desk.store.upsert_story(story, f"seed-{n}", f"h{n}")
                ids.append(story.id)
    finally:
        desk.close()
    return ids


def editor(
    url: str, directory: str, number: int, actions: int, think: float, targets: list[str], out: Any
) -> None:
    """One editor's terminal: ``actions`` actions, each timed; results to ``out``."""
    from triage.core.desk import Desk

    name = f"ed{number:02d}"
    desk = Desk(Path(directory), store=url, editor=name)
    rng = random.Random(number)
    latencies: list[tuple[float, float, str]] = []
    done: Counter[str] = Counter()
    try:
        for n in range(actions):
            story = targets[n % len(targets)]
            roll = rng.random()
            began = time.time()
            t0 = time.perf_counter()
            if roll < 0.4:
                desk.tags.tag_stories([story], [f"{name}-{n}"])  # a tag only this action sets
                kind = "story_tags"
            elif roll < 0.8:
                desk.store.set_read([targets[(n * 7 + number) % len(targets)]])
                kind = "editor_state"
            else:
                desk.editors.assign(story, f"to-{name}-{n}")  # an assignment only this sets
                kind = "assignments"
            latencies.append((time.perf_counter() - t0, began, kind))
            done[kind] += 1
            if think:
                time.sleep(think)
    finally:
        desk.close()
    out.put({"editor": name, "latencies": latencies, "done": dict(done)})


def fetcher(url: str, directory: str, feeds: list[str], out: Any) -> None:
    """The desk's one fetcher: ingest the feed files through the whole pipeline."""
    from triage.core.desk import Desk

    desk = Desk(Path(directory), store=url)
    try:
        with desk.store.fetcher() as elected:
            assert elected
            began = time.time()
            report = desk.ingest(feeds)
            ended = time.time()
        out.put(
            {
                "began": began,
                "ended": ended,
                "added": report.added,
                "errors": len(report.errors),
                "stories": desk.store.count(),
            }
        )
    finally:
        desk.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(args: argparse.Namespace, url: str, work: Path) -> dict[str, Any]:
    from triage.core.desk import Desk
    from triage.core.store import Store

    targets = seed(url, work / "seed", SEED_STORIES)
    feed_dir = work / "feeds"
    feeds = corpus.write_feeds(corpus.generate(args.stories), feed_dir)

    heard: Counter[str] = Counter()
    listener = Desk(work / "listener", store=url)
    lock = threading.Lock()

    def changed(table: str) -> None:
        with lock:
            heard[table] += 1

    watcher = listener.watch(changed)
    assert watcher is not None and watcher.ready.wait(30)

    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    procs = [
        ctx.Process(
            target=fetcher, args=(url, str(work / "fetcher"), [str(f) for f in feeds], results)
        )
    ]
    procs += [
        ctx.Process(
            target=editor,
            args=(
                url,
                str(work / f"ed{k}"),
                k,
                args.actions,
                args.think_ms / 1000,
                targets,
                results,
            ),
        )
        for k in range(args.editors)
    ]
    started = time.perf_counter()
    for proc in procs:
        proc.start()
    gathered = [results.get() for _ in procs]
    for proc in procs:
        proc.join()
    wall = time.perf_counter() - started
    time.sleep(2.0)  # let the last notifications arrive
    watcher.stop()
    listener.close()

    fetch = next(g for g in gathered if "added" in g)
    editors = [g for g in gathered if "editor" in g]
    latencies = [lat for e in editors for lat, _, _ in e["latencies"]]
    during = sum(
        1
        for e in editors
        for _, began, _ in e["latencies"]
        if fetch["began"] <= began <= fetch["ended"]
    )
    done: Counter[str] = Counter()
    for e in editors:
        done.update(e["done"])

    store = Store(url)
    try:
        found = {
            "story_tags": int(
                store.conn.execute(
                    "SELECT count(*) FROM story_tags WHERE tagged_by LIKE 'ed%'"
                ).fetchone()[0]
            ),
            "assignments": int(
                store.conn.execute(
                    "SELECT count(*) FROM assignments WHERE editor LIKE 'to-ed%'"
                ).fetchone()[0]
            ),
        }
        expected_reads = len(
            {
                (f"ed{k:02d}", targets[(n * 7 + k) % len(targets)])
                for e in editors
                for k in [int(e["editor"][2:])]
                for n, (_, _, kind) in enumerate(e["latencies"])
                if kind == "editor_state"
            }
        )
        found_reads = int(
            store.conn.execute(
                "SELECT count(*) FROM editor_state WHERE editor LIKE 'ed%' AND read = 1"
            ).fetchone()[0]
        )
    finally:
        store.close()
    return {
        "editors": args.editors,
        "actions_each": args.actions,
        "actions_done": sum(done.values()),
        "lost": {
            "tags": done["story_tags"] - found["story_tags"],
            "assignments": done["assignments"] - found["assignments"],
            "read_marks": expected_reads - found_reads,
        },
        "latency_ms": {
            "median": round(statistics.median(latencies) * 1000, 1),
            "p95": round(percentile(latencies, 0.95) * 1000, 1),
            "max": round(max(latencies) * 1000, 1),
        },
        "actions_during_ingest": during,
        "notifications": {
            table: {"actions": done[table], "heard": heard[table]}
            for table in ("story_tags", "editor_state", "assignments")
        },
        "fetcher": {
            "stories": args.stories,
            "added": fetch["added"],
            "errors": fetch["errors"],
            "seconds": round(fetch["ended"] - fetch["began"], 1),
            "stories_per_s": round(fetch["added"] / max(fetch["ended"] - fetch["began"], 1e-9), 1),
        },
        "wall_s": round(wall, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=10)
    parser.add_argument("--actions", type=int, default=1000, help="per editor")
    parser.add_argument("--stories", type=int, default=5000, help="the fetcher ingests")
    parser.add_argument("--think-ms", type=float, default=20.0, help="pause between actions")
    parser.add_argument("--url", default=None, help="an empty PostgreSQL database to use")
    parser.add_argument("--json", action="store_true", help="one JSON line")
    args = parser.parse_args()

    with (
        _pg.database(args.url) as url,
        tempfile.TemporaryDirectory(prefix="triage-teamdesk-") as tmp,
    ):
        result = measure(args, url, Path(tmp))
    if args.json:
        print(json.dumps(result, sort_keys=True))
        return
    print(f"{result['editors']} editors x {result['actions_each']} actions while a fetcher")
    fetch = result["fetcher"]
    print(
        f"ingested {fetch['added']} of {fetch['stories']} stories in {fetch['seconds']} s"
        f" ({fetch['stories_per_s']}/s, {fetch['errors']} errors)"
    )
    during = result["actions_during_ingest"]
    print(f"actions done: {result['actions_done']}, during the ingest: {during}")
    print(f"lost: {result['lost']}")
    lat = result["latency_ms"]
    print(f"action latency ms: median {lat['median']}, p95 {lat['p95']}, max {lat['max']}")
    for table, row in result["notifications"].items():
        print(f"notifications {table}: {row['heard']} heard for {row['actions']} actions")
    print(f"wall {result['wall_s']} s")


if __name__ == "__main__":
    main()
