"""Ingest figures: the real pipeline against a bare Whoosh writer on the same documents."""

from __future__ import annotations

import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from triage.core.desk import Desk
from triage.core.ingest import pipeline as pipeline
from triage.core.search import build_schema
from triage.core.store import Quotes


@dataclass(slots=True)
class IngestTiming:
    """Seconds spent per stage of one ingest run."""

    stories: int
    total: float
    stages: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    """CPU seconds of this process (``parent``) and of its analysis worker (``worker``):
    steadier than wall time on a shared machine."""

    @property
    def rate(self) -> float:
        return self.stories / self.total if self.total else 0.0


def _timed_method(target: Any, name: str, stages: dict[str, float], label: str) -> None:
    """Wrap ``target.name`` so its wall time accumulates into ``stages[label]``."""
    original: Callable[..., Any] = getattr(target, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            stages[label] = stages.get(label, 0.0) + time.perf_counter() - start

    setattr(target, name, wrapper)


def ingest_desk(feed_dir: Path, desk_dir: Path) -> IngestTiming:
    """Build a desk from the feed files through the real pipeline, timing each stage."""
    desk = Desk(desk_dir)
    stages: dict[str, float] = {}
    # Analysis runs in a child process beside indexing for a backlog this large
    # (triage.core.analysis.worker), so the two are timed together.
    original = pipeline.analyse_and_index
    _timed_method(pipeline, "analyse_and_index", stages, "analyse+index")
    try:
        own, kids = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        report = desk.ingest([str(feed_dir)])
        total = time.perf_counter() - start
        cpu = {
            "parent": _cpu(resource.RUSAGE_SELF) - own,
            "worker": _cpu(resource.RUSAGE_CHILDREN) - kids,
        }
    finally:
        pipeline.analyse_and_index = original
    stages["parse+store"] = total - stages.get("analyse+index", 0.0)
    count = desk.store.count()
    desk.close()
    if report.errors:
        raise RuntimeError(f"corpus ingest failed: {report.errors[:3]}")
    return IngestTiming(stories=count, total=total, stages=stages, cpu=cpu)


def _cpu(who: int) -> float:
    """User + system CPU seconds of ``who`` (``resource.RUSAGE_*``) so far."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def bare_whoosh(desk_dir: Path, limit: int | None = None, codec: Any = None) -> IngestTiming:
    """Index the desk's stories with one plain Whoosh writer and one commit.

    Same schema (``build_schema()``) and same fields as the desk's index, no store,
    no analysis: the speed the pure-Python index allows on this machine. Whoosh's
    default codec unless ``codec`` is given (the desk writes uncompressed posting
    blocks, :func:`triage.core.search.schema.postings_codec`; the run reports the
    bare writer both ways, so the ratio's gain from the codec is visible).
    """
    desk = Desk(desk_dir)
    docs = []
    for story in desk.store.iter_stories():
        docs.append(story)
        if limit and len(docs) >= limit:
            break
    desk.close()
    target = Path(tempfile.mkdtemp(prefix="bare-whoosh-"))
    try:
        own = _cpu(resource.RUSAGE_SELF)
        start = time.perf_counter()
        ix = whoosh_index.create_in(str(target), build_schema())
        writer = ix.writer(codec=codec) if codec is not None else ix.writer()
        for s in docs:
            writer.add_document(
                id=s.id,
                title=s.title,
                body=s.body,
                source=s.source,
                author=s.author,
                speaker="",
                feed=" ".join(s.feeds) or None,
                published=s.published.replace(tzinfo=None),
            )
        writer.commit()
        total = time.perf_counter() - start
        cpu = {"parent": _cpu(resource.RUSAGE_SELF) - own}
    finally:
        shutil.rmtree(target, ignore_errors=True)
    return IngestTiming(stories=len(docs), total=total, cpu=cpu)


def time_reassign(desk_dir: Path, count: int = 200) -> tuple[list[float], list[float]]:
    """Milliseconds (wall, CPU) of ``ClusterEngine.assign`` for ``count`` stories of a built desk.

    Each story is taken out of its cluster and assigned again against the rest of
    the desk (what a changed story costs, and close to what a new one costs at the
    end of the ingest), in a transaction that is rolled back, so every story meets
    the same desk. The stories are spread evenly over the desk's publication order
    and their stored quotes are used, so the figure is per story, quotes excluded.
    """
    desk = Desk(desk_dir)
    try:
        ids = [
            str(r[0])
            for r in desk.store.conn.execute("SELECT id FROM stories ORDER BY published, id")
        ]
        step = max(1, len(ids) // count)
        chosen = ids[::step][:count]
        quotes: dict[str, list[Any]] = {sid: [] for sid in chosen}
        for stored in Quotes(desk.store).for_stories(chosen):
            quotes[stored.story_id].append(stored.quote)
        engine, conn = desk.clusters, desk.store.conn
        samples: list[float] = []
        cpu: list[float] = []
        for story in desk.store.get_stories(chosen):
            conn.execute("BEGIN IMMEDIATE")
            try:
                start, used = time.perf_counter(), time.process_time()
                engine.assign(story, quotes[story.id])
                samples.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - used) * 1000)
            finally:
                conn.execute("ROLLBACK")
        return samples, cpu
    finally:
        desk.close()
