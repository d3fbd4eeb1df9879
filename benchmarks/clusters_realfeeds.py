"""Judge story clusters on real feeds: pairwise precision and recall over verdicts.

Ingests the real feed files of ``../shared/realfeeds-dev/feeds`` into a temporary
desk (the real pipeline, ``Desk.ingest``), then scores its clusters against the
editor's verdicts in ``benchmarks/realfeeds_verdicts.jsonl``: one JSON object a
line, ``{"a": KEY, "b": KEY, "same": true|false}``, where a story's KEY is a hash
of its feed file's name, link and title (never its text). Co-clustered pairs
without a verdict are counted as unjudged.

Usage::

    python benchmarks/clusters_realfeeds.py            # precision/recall
    python benchmarks/clusters_realfeeds.py --dump     # multi-story clusters to judge
    python benchmarks/clusters_realfeeds.py --limit 120  # the first N files only
    python benchmarks/clusters_realfeeds.py --timing   # + assignment cost on this text
    python benchmarks/clusters_realfeeds.py --write-dump FILE  # score, and dump to FILE

Recall is given over every judged same-event pair and over those whose two stories
are in one language (clusters across languages are not attempted). ``--timing``
re-clusters the ingested desk story by story (``Desk.recluster``) and prints the
median assignment time, in wall-clock and in this process's CPU time (the CPU
figure is the one to quote on a busy machine).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from triage.core.clusters import ClusterEngine
from triage.core.desk import Desk
from triage.core.language import detect
from triage.core.models import Quote, Story

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FEEDS = SHARED / "realfeeds-dev" / "feeds"
VERDICTS = Path(__file__).resolve().parent / "realfeeds_verdicts.jsonl"


def story_key(story: Story) -> str:
    """The story's key: a hash of its first feed file's name, its link and title."""
    feed = Path(sorted(story.feeds)[0]).name if story.feeds else ""
    raw = "\x1f".join((feed, story.url, story.title))
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def assignment_times(desk: Desk) -> tuple[list[float], list[float]]:
    """Re-cluster ``desk`` story by story; return each assignment's wall and CPU ms."""
    wall: list[float] = []
    cpu: list[float] = []
    original = ClusterEngine.assign

    def timed(
        engine: ClusterEngine, story: Story, quotes: Sequence[Quote], prepared: object = None
    ) -> str:
        started, started_cpu = time.perf_counter(), time.process_time()
        cluster = original(engine, story, quotes)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        return cluster

    ClusterEngine.assign = timed  # type: ignore[method-assign,assignment]
    try:
        desk.recluster()
    finally:
        ClusterEngine.assign = original  # type: ignore[method-assign]
    return wall, cpu


def partition(
    files: Sequence[Path], timing: bool = False
) -> tuple[dict[str, str], dict[str, Story]]:
    """Ingest ``files`` into a fresh desk; return story key -> cluster id, key -> story
    (with ``timing``, then print the assignment cost of a re-cluster)."""
    with tempfile.TemporaryDirectory() as tmp:
        desk = Desk(Path(tmp) / "desk")
        try:
            desk.ingest([str(f) for f in files])
            every = list(desk.store.iter_stories())
            by_id = {s.id: story_key(s) for s in every}
            stories = {story_key(s): s for s in every}
            clusters: dict[str, str] = {}
            for cluster in desk.clusters.clusters():
                for member in cluster.members:
                    clusters.setdefault(by_id[member.story_id], cluster.id)
            if timing:
                wall, cpu = assignment_times(desk)
                print(
                    f"assignment: {len(wall)} stories, median {statistics.median(wall):.2f} ms "
                    f"wall, {statistics.median(cpu):.2f} ms CPU (p95 CPU "
                    f"{sorted(cpu)[int(len(cpu) * 0.95)]:.2f} ms)"
                )
        finally:
            desk.close()
    return clusters, stories


def dump(groups: Sequence[Sequence[str]], stories: dict[str, Story], out: TextIO) -> None:
    """Write the multi-story clusters, biggest first, a story a line with its key."""
    for group in sorted(groups, key=lambda g: -len(g)):
        print("=" * 100, file=out)
        for key in sorted(group, key=lambda k: stories[k].published):
            s = stories[key]
            body = " ".join(s.body.split())[:300]
            print(
                f"{key} | {s.source[:30]} | {s.published:%Y-%m-%d %H:%M} | {s.title[:90]}",
                file=out,
            )
            print(f"    {body}", file=out)


def load_verdicts() -> dict[frozenset[str], bool]:
    verdicts: dict[frozenset[str], bool] = {}
    if VERDICTS.exists():
        for line in VERDICTS.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                verdicts[frozenset((row["a"], row["b"]))] = bool(row["same"])
    return verdicts


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N feed files")
    parser.add_argument("--dump", action="store_true", help="print multi-story clusters")
    parser.add_argument("--timing", action="store_true", help="print the assignment median")
    parser.add_argument("--write-dump", default="", help="also write the dump to this file")
    args = parser.parse_args(argv)
    if not FEEDS.is_dir():
        raise SystemExit(f"no real feeds at {FEEDS}")
    files = sorted(p for p in FEEDS.iterdir() if p.name != "index.tsv")
    if args.limit:
        files = files[: args.limit]
    clusters, stories = partition(files, timing=args.timing and not args.dump)
    groups: dict[str, list[str]] = defaultdict(list)
    for key, cluster in sorted(clusters.items()):
        groups[cluster].append(key)
    multi = [sorted(g) for g in groups.values() if len(g) > 1]
    verdicts = load_verdicts()
    if args.dump:
        dump(multi, stories, sys.stdout)
        return
    if args.write_dump:
        with open(args.write_dump, "w", encoding="utf-8") as out:
            dump(multi, stories, out)
    co = {frozenset(p) for g in multi for p in itertools.combinations(g, 2)}
    judged_co = [p for p in co if p in verdicts]
    true_pos = sum(verdicts[p] for p in judged_co)
    positives = [p for p, same in verdicts.items() if same and p <= clusters.keys()]
    found = sum(1 for p in positives if len({clusters[k] for k in p}) == 1)
    language = {k: detect(s.title, s.body) for k, s in stories.items()}
    one_language = [p for p in positives if len({language[k] for k in p}) == 1]
    found_one = sum(1 for p in one_language if len({clusters[k] for k in p}) == 1)
    two_sources = [p for p in one_language if len({stories[k].source for k in p}) == 2]
    found_two = sum(1 for p in two_sources if len({clusters[k] for k in p}) == 1)
    precision = true_pos / len(judged_co) if judged_co else 1.0
    recall = found / len(positives) if positives else 1.0
    recall_one = found_one / len(one_language) if one_language else 1.0
    print(f"files {len(files)}  stories {len(stories)}  multi-story clusters {len(multi)}")
    print(
        f"co-clustered pairs {len(co)}  judged {len(judged_co)}  "
        f"unjudged {len(co) - len(judged_co)}"
    )
    print(f"pairwise precision {precision:.3f}  ({true_pos}/{len(judged_co)} judged pairs)")
    print(f"pairwise recall    {recall:.3f}  ({found}/{len(positives)} judged same-event pairs)")
    print(
        f"  in one language  {recall_one:.3f}  ({found_one}/{len(one_language)} pairs; "
        "clusters across languages are not attempted)"
    )
    print(
        f"  and two sources  {found_two / max(len(two_sources), 1):.3f}  "
        f"({found_two}/{len(two_sources)} pairs; one source's follow-ups are not joined)"
    )


if __name__ == "__main__":
    main()
