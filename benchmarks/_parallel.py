"""A prototype of the proposed two-process ingest, to measure what it would gain.

Today ``Pipeline.finish`` runs analysis (quotes, clusters) and then indexing, one
after the other on one core. Here the store stage runs as usual, then a child
process analyses while this process indexes every story whose analysis is done
(the index needs its speakers), so the two costs overlap on two cores. It uses
the desk's own pieces (store, quotes, clusters, index); only the scheduling is new.

Usage::

    python benchmarks/_parallel.py FEED_DIR DESK_DIR    # prints one JSON object
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from pathlib import Path

from triage.core.desk import INDEX_BATCH, Desk
from triage.core.pipeline import Pipeline
from triage.core.search import IndexDocument


def _analyse(desk_dir: str) -> None:
    desk = Desk(Path(desk_dir))
    desk.analyse_pending(batch=50)
    desk.close()


def _index_analysed(desk: Desk) -> int:
    """Index one batch of queued stories whose analysis is done; return how many."""
    rows = desk.store.conn.execute(
        "SELECT q.story_id, q.seq FROM index_queue q JOIN stories s ON s.id = q.story_id"
        " WHERE s.analysed >= s.seq ORDER BY q.rowid LIMIT ?", (INDEX_BATCH,)
    ).fetchall()
    if not rows:
        return 0
    pending = [(str(r[0]), int(r[1])) for r in rows]
    ids = [sid for sid, _ in pending]
    speakers: dict[str, list[str]] = {}
    for quote in desk.quotes.for_stories(ids):
        if quote.quote.speaker:
            speakers.setdefault(quote.story_id, []).append(quote.quote.speaker)
    docs = [
        IndexDocument(id=s.id, title=s.title, body=s.body, source=s.source, author=s.author,
                      published=s.published, speakers=tuple(dict.fromkeys(
                          speakers.get(s.id, []))), feeds=s.feeds)
        for s in desk.store.get_stories(ids)
    ]
    desk.index.write(docs)
    desk.store.mark_indexed(pending)
    return len(docs)


def parallel_ingest(feed_dir: Path, desk_dir: Path) -> dict[str, float]:
    """Store, then analyse (child process) and index (this process) side by side."""
    desk = Desk(desk_dir)
    start = time.perf_counter()
    pipeline = Pipeline(desk)
    pipeline.finish = lambda: None  # type: ignore[method-assign]
    pipeline.run([str(feed_dir)])
    stored = time.perf_counter()
    if not desk.index.exists():
        desk.index.create()
    child = multiprocessing.get_context("spawn").Process(target=_analyse, args=(str(desk_dir),))
    child.start()
    while child.is_alive():
        if not _index_analysed(desk):
            time.sleep(0.2)
    child.join()
    while _index_analysed(desk):
        pass
    total = time.perf_counter() - start
    count = desk.store.count()
    desk.close()
    return {"stories": count, "total_s": round(total, 1),
            "store_s": round(stored - start, 1), "stories_per_s": round(count / total, 1)}


if __name__ == "__main__":
    print(json.dumps(parallel_ingest(Path(sys.argv[1]), Path(sys.argv[2]))))
