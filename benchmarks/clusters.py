"""Measure story clustering: quality on ECB+ and per-story cost on a large desk.

Quality (default): BCubed precision/recall/F1 of ``triage clusters`` on the ECB+ dev
articles from ``../shared/eval``, a per-signal ablation (F1 with each signal
switched off) and a tf-idf average-link baseline. ``--direct`` drives the engine
in-process (fast; required for the ablation); without it the articles go through
the real CLI: ``triage --index TMP ingest DIR`` then ``triage --index TMP clusters
--json``.

Speed: ``--scale N`` builds a synthetic desk of N stories through ``assign`` and
prints the median and 95th-percentile milliseconds per story at checkpoints.

Usage::

    python benchmarks/clusters.py --direct
    python benchmarks/clusters.py --direct --orders 5   # F1 varies with arrival order
    python benchmarks/clusters.py              # through the CLI
    python benchmarks/clusters.py --scale 100000
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import math
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from triage.core.clusters.engine import ClusterConfig, ClusterEngine
from triage.core.models import Story
from triage.core.quotes.extract import extract_quotes

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ECB = SHARED / "eval" / "ecbplus-dev.jsonl"
FETCH_TIME = datetime(2024, 1, 1, tzinfo=UTC)

ABLATIONS: dict[str, dict[str, Any]] = {
    "entities (names, numbers)": {"use_entities": False},
    "title boost": {"use_title": False},
    "idf (corpus statistics)": {"use_idf": False},
    "shared quotes": {"use_quotes": False},
    "shared passages": {"use_passages": False},
    "time window": {"use_time": False},
    "year conflict": {"use_dates": False},
    "lead boost": {"lead_boost": 1.0},
    "lead-name conflict": {"name_conflict_factor": 1.0},
    "count conflict": {"count_conflict_factor": 1.0},
    "compound ages (added)": {"compound_ages": False},
    "lead people conflict (added)": {"people_conflict_factor": 1.0},
    "background years kept (added)": {"background_years": False},
    "sums in their currency (added)": {"currency_units": False},
    "lead reversal conflict (added)": {"reversal_conflict_factor": 1.0},
    "lead-name conflict for short stories (added)": {"name_conflict_min_features": 0},
    "review of neighbours": {"review": 0},
    "split review": {"split_from": 0},
    "split review across quotes": {"split_keeps_quotes": False},
    "weekday conflict": {"weekday_conflict_factor": 1.0},
    "names 3x, not 2x (changed)": {"entity_boost": 3.0},
    "full idf, not sqrt (changed)": {"idf_power": 1.0},
    "latest year only (added)": {"latest_year": True},
}


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """Return BCubed (precision, recall, F1) of a clustering against gold labels."""
    clusters: dict[str, set[str]] = defaultdict(set)
    classes: dict[str, set[str]] = defaultdict(set)
    for item, label in predicted.items():
        clusters[label].add(item)
    for item in predicted:
        classes[gold[item]].add(item)
    precision = recall = 0.0
    for item in predicted:
        cluster, klass = clusters[predicted[item]], classes[gold[item]]
        common = len(cluster & klass)
        precision += common / len(cluster)
        recall += common / len(klass)
    precision /= len(predicted)
    recall /= len(predicted)
    return precision, recall, 2 * precision * recall / (precision + recall)


def load_articles(order: str, seed: int = 0) -> list[dict[str, str]]:
    """Read the ECB+ articles, in file order or shuffled (stories arrive mixed)."""
    rows = [json.loads(line) for line in ECB.read_text(encoding="utf-8").splitlines()]
    if order == "shuffle":
        random.Random(seed).shuffle(rows)
    return rows


def as_story(row: dict[str, str]) -> Story:
    """An undated article: every story gets the same fetch time."""
    return Story(
        id=row["id"],
        title=row["title"],
        url=row.get("url") or "",
        source="eval",
        published=FETCH_TIME,
        body=row["text"],
        fetched=FETCH_TIME,
    )


def run_direct(rows: Sequence[dict[str, str]], config: ClusterConfig) -> dict[str, str]:
    """Cluster in-process; returns story id -> cluster id."""
    engine = ClusterEngine(sqlite3.connect(":memory:"), config)
    for row in rows:
        story = as_story(row)
        engine.assign(story, extract_quotes(story.body))
    return {m.story_id: c.id for c in engine.clusters() for m in c.members}


def run_cli(rows: Sequence[dict[str, str]]) -> dict[str, str]:
    """Cluster through ``triage ingest`` and ``triage clusters --json``."""
    with tempfile.TemporaryDirectory() as tmp:
        folder, index = Path(tmp) / "articles", Path(tmp) / "index"
        folder.mkdir()
        names: dict[str, str] = {}
        for number, row in enumerate(rows):
            name = f"{number:04d}.txt"
            names[name] = row["id"]
            title = " ".join(row["title"].split())
            (folder / name).write_text(f"{title}\n\n{row['text']}\n", encoding="utf-8")
        triage = [sys.executable, "-m", "triage.cli", "--index", str(index)]
        subprocess.run([*triage, "ingest", str(folder)], check=True, capture_output=True)
        output = subprocess.run(
            [*triage, "clusters", "--json"], check=True, capture_output=True, text=True
        ).stdout
    predicted: dict[str, str] = {}
    for cluster in json.loads(output):
        for member in cluster["stories"]:
            predicted[names[Path(member["url"]).name]] = cluster["id"]
    return predicted


def _tfidf(rows: Sequence[dict[str, str]]) -> list[dict[str, float]]:
    token = re.compile(r"[a-z]{3,}")
    counts = [Counter(token.findall((r["title"] + " " + r["text"]).lower())) for r in rows]
    df: Counter[str] = Counter(t for c in counts for t in c)
    vectors = []
    for c in counts:
        v = {t: (1 + math.log(n)) * math.log(len(rows) / df[t]) for t, n in c.items()}
        norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
        vectors.append({t: w / norm for t, w in v.items()})
    return vectors


def baseline(rows: Sequence[dict[str, str]], threshold: float) -> dict[str, str]:
    """Plain tf-idf cosine, agglomerative average link (all pairs), cut at threshold."""
    vectors = _tfidf(rows)
    sums: dict[int, dict[int, float]] = defaultdict(dict)
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            small, large = sorted((vectors[i], vectors[j]), key=len)
            sim = sum(w * large.get(t, 0.0) for t, w in small.items())
            if sim > 0.0:
                sums[i][j] = sums[j][i] = sim
    sizes = {i: 1 for i in range(len(rows))}
    members = {i: [i] for i in range(len(rows))}
    heap = [(-s, i, j) for i in sums for j, s in sums[i].items() if i < j]
    heapq.heapify(heap)
    fresh = len(rows)
    while heap:
        negative, i, j = heapq.heappop(heap)
        if i not in sizes or j not in sizes:
            continue
        if -negative < threshold:
            break
        new = fresh
        fresh += 1
        sizes[new] = sizes.pop(i) + sizes.pop(j)
        members[new] = members.pop(i) + members.pop(j)
        neighbours = (set(sums.pop(i)) | set(sums.pop(j))) - {i, j}
        for k in neighbours:
            total = sums[k].pop(i, 0.0) + sums[k].pop(j, 0.0)
            sums[new][k] = sums[k][new] = total
            heapq.heappush(heap, (-total / (sizes[new] * sizes[k]), min(new, k), max(new, k)))
    return {rows[i]["id"]: str(label) for label, items in members.items() for i in items}


def quality(args: argparse.Namespace) -> None:
    """Print BCubed scores, the ablation table and the baseline."""
    rows = load_articles(args.order)
    gold = {r["id"]: r["story"] for r in rows}
    print(
        f"ECB+ dev: {len(rows)} articles, {len(set(gold.values()))} gold events, order={args.order}"
    )
    config = ClusterConfig()
    started = time.perf_counter()
    predicted = run_direct(rows, config) if args.direct else run_cli(rows)
    elapsed = time.perf_counter() - started
    p, r, f = bcubed(predicted, gold)
    path = "direct" if args.direct else "cli"
    print(
        f"triage ({path}): P={p:.3f} R={r:.3f} F1={f:.3f} "
        f"clusters={len(set(predicted.values()))} ({elapsed:.1f}s)"
    )
    if args.direct:
        orders = [rows] + [load_articles(args.order, seed) for seed in range(1, args.orders)]

        def mean_f1(cfg: ClusterConfig) -> float:
            return statistics.mean(bcubed(run_direct(o, cfg), gold)[2] for o in orders)

        full = mean_f1(config)
        print(f"\nmean F1 over {len(orders)} arrival orders: {full:.3f}")
        print("ablation (mean F1 with one signal removed; delta vs full):")
        for name, switches in ABLATIONS.items():
            f_off = mean_f1(replace(config, **switches))
            print(f"  - {name:<28} F1={f_off:.3f}  ({f_off - full:+.3f})", flush=True)
    print("\nbaseline: tf-idf words, average link over all pairs")
    for threshold in (0.1, 0.15, 0.2, 0.25, 0.3):
        bp, br, bf = bcubed(baseline(rows, threshold), gold)
        print(f"  cut {threshold:.2f}: P={bp:.3f} R={br:.3f} F1={bf:.3f}")


def synthetic_desk(count: int, seed: int = 7) -> list[Story]:
    """Generate ``count`` dated stories: events of 1-12 stories over a shared vocabulary."""
    rng = random.Random(seed)
    vocabulary = [f"word{n}" for n in range(30_000)]
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))
    names = [f"Name{n} Surname{n % 977}" for n in range(20_000)]
    stories: list[Story] = []
    start = datetime(2024, 1, 1, tzinfo=UTC)
    per_day = 1000
    event = 0
    while len(stories) < count:
        event += 1
        topic = rng.sample(vocabulary[2000:], 12)
        cast = rng.sample(names, 3)
        day = start + timedelta(days=len(stories) / per_day)
        for copy in range(rng.randint(1, 12)):
            words = rng.choices(vocabulary, cum_weights=cumulative, k=250)
            words += rng.choices(topic, k=40) + [c for c in cast for _ in range(3)]
            rng.shuffle(words)
            body = " ".join(words)
            title = " ".join([cast[0], *rng.sample(topic, 4)])
            published = day + timedelta(minutes=rng.randint(0, 600))
            stories.append(
                Story(
                    id=f"s{event}-{copy}",
                    title=title,
                    url=f"https://outlet{copy}.example/{event}",
                    source=f"Outlet {copy}",
                    published=published,
                    body=body,
                )
            )
    stories = stories[:count]
    stories.sort(key=lambda s: s.published)
    return stories


def speed(count: int) -> None:
    """Assign a synthetic desk story by story and print ms/story at checkpoints."""
    stories = synthetic_desk(count)
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "desk.db")
        conn.execute("PRAGMA journal_mode=WAL")
        engine = ClusterEngine(conn)
        timings: list[float] = []
        checkpoints = {c for c in (1_000, 10_000, 30_000, 100_000, count) if c <= count}
        print(f"synthetic desk: {count} stories, ~1000 a day")
        for number, story in enumerate(stories, start=1):
            started = time.perf_counter()
            engine.assign(story, ())
            timings.append((time.perf_counter() - started) * 1000)
            if number % 500 == 0:
                conn.commit()
            if number in checkpoints:
                recent = sorted(timings[-500:])
                p95 = recent[int(len(recent) * 0.95) - 1]
                print(
                    f"  desk {number:>7}: median {statistics.median(recent):6.2f} ms/story, "
                    f"p95 {p95:6.2f} ms (last {len(recent)} assigns)",
                    flush=True,
                )
        conn.commit()
        started = time.perf_counter()
        engine.sizes([s.id for s in stories[-50:]])
        print(f"  sizes() for 50 stories: {(time.perf_counter() - started) * 1000:.2f} ms")


def main(argv: Sequence[str] | None = None) -> None:
    """Parse arguments and run the quality or speed benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--direct", action="store_true", help="drive the engine in-process")
    parser.add_argument("--order", choices=("file", "shuffle"), default="shuffle")
    parser.add_argument(
        "--orders", type=int, default=1, help="shuffled arrival orders to average (direct)"
    )
    parser.add_argument("--scale", type=int, default=0, help="synthetic desk size to time")
    args = parser.parse_args(argv)
    run: Callable[[], None] = (lambda: speed(args.scale)) if args.scale else lambda: quality(args)
    if not args.scale and not ECB.exists():
        sys.exit(f"evaluation data not found beside the project ({ECB.name})")
    run()


if __name__ == "__main__":
    main()
