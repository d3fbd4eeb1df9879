"""Ingest on real news text: triage end to end against a bare Whoosh writer, side by side.

The article texts of ``../shared/eval/*.jsonl`` are written as Markdown article files
(front matter for date and outlet) and the files of ``../shared/realfeeds-dev/feeds/``
are copied as feed files, so the real parsers run. Each run ingests them into a fresh
desk through ``Desk.ingest`` (stored, quoted, clustered, searchable), then indexes the
same stories with one plain Whoosh writer (same ``build_schema()``, one commit).
Prints the median of the runs: stories/s for both, the ratio, per-stage seconds,
the cluster assignment's median and p95 per story (stories of each built desk
assigned again, :func:`_ingest.time_reassign`), peak RSS and the load average (the
figures move with it on a shared machine).

Each triage ingest runs in a fresh Python process of its own (this script again,
``--ingest-child``), timed inside it around ``Desk.ingest`` as before, so its peak RSS
is triage's ingest alone: that process's (parse, store, index) and its analysis
worker's, each its own figure. The bare writer runs in this process, after it.

    python benchmarks/realtext.py [--runs 3]
    python benchmarks/realtext.py --eval DIR --feeds ''   # held-out articles, no feeds
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _ingest import IngestTiming, bare_whoosh, ingest_desk, time_reassign
from _stats import Samples

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def write_corpus(
    target: Path,
    eval_dir: Path = SHARED / "eval",
    feeds_dir: Path | None = SHARED / "realfeeds-dev" / "feeds",
) -> int:
    """Write the real articles (``eval_dir/*.jsonl``) and feed files under ``target``;
    return the article count."""
    count = 0
    articles = target / "articles"
    for path in sorted(eval_dir.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            try:
                row = json.loads(line)
            except ValueError:
                continue
            text = str(row.get("text") or "")
            title = str(row.get("title") or "").replace("\n", " ")
            if not text.strip():
                continue
            outlet = str(row.get("publisher") or path.stem)
            folder = articles / "".join(c if c.isalnum() else "-" for c in outlet)
            folder.mkdir(parents=True, exist_ok=True)
            front = ["---", f"title: {title}"]
            if row.get("date"):
                front.append(f"date: {row['date']}")
            front.append("---")
            (folder / f"{path.stem}-{n:05d}.md").write_text(
                "\n".join(front) + "\n" + text + "\n", encoding="utf-8"
            )
            count += 1
    if feeds_dir is not None and feeds_dir.is_dir():
        shutil.copytree(feeds_dir, target / "feeds")
    return count


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident set of this process and of its largest waited-for child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def own_peak_mb() -> float:
    """This process's own peak resident set (``VmHWM``), in MB.

    Not ``ru_maxrss``: a process started by ``exec`` inherits its parent's peak in
    that figure (the kernel keeps the larger of the two), so an ingest child of a
    benchmark process that has held a bare writer's documents would report them.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ingest_child(corpus: Path, desk_dir: Path) -> None:
    """In the child process: ingest ``corpus`` into a fresh desk, print the timing and
    the peak RSS of this process and of its analysis worker as one JSON line.

    The worker's figure is ``ru_maxrss`` of this process's children: at most the
    larger of the worker's own peak and this process's peak when it started the
    worker (after the first hundred stories, well below either)."""
    timing = ingest_desk(corpus, desk_dir)
    own, worker = own_peak_mb(), peak_rss_mb()[1]
    print(
        json.dumps(
            {
                "stories": timing.stories,
                "total": timing.total,
                "stages": timing.stages,
                "cpu": timing.cpu,
                "rss": {"ingest": own, "worker": worker},
            }
        )
    )


def ingest_apart(corpus: Path, desk_dir: Path) -> tuple[IngestTiming, dict[str, float]]:
    """Run :func:`ingest_child` in a fresh process; its timing and peak RSS (MB)."""
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--ingest-child",
            str(corpus),
            str(desk_dir),
        ],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    row = json.loads(done.stdout.strip().splitlines()[-1])
    timing = IngestTiming(
        stories=row["stories"], total=row["total"], stages=row["stages"], cpu=row["cpu"]
    )
    return timing, row["rss"]


def main() -> None:
    if sys.argv[1:2] == ["--ingest-child"]:
        ingest_child(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--eval", type=Path, default=SHARED / "eval", help="folder of *.jsonl real articles"
    )
    parser.add_argument(
        "--feeds",
        type=Path,
        default=SHARED / "realfeeds-dev" / "feeds",
        help="folder of real feed files ('' for none)",
    )
    parser.add_argument(
        "--assign", type=int, default=200, help="stories re-assigned per run for the ms figure"
    )
    args = parser.parse_args()
    if not args.eval.is_dir():
        raise SystemExit(f"no real corpus at {args.eval}")
    root = Path(tempfile.mkdtemp(prefix="triage-realtext-"))
    try:
        corpus = root / "corpus"
        feeds = args.feeds if str(args.feeds) not in ("", ".") else None
        articles = write_corpus(corpus, args.eval, feeds)
        print(f"corpus: {articles} real articles, feeds from {feeds}; load {_load()}", flush=True)
        rates, bares, ratios, stages_all = [], [], [], []
        assign, assign_cpu = Samples(), Samples()
        cpu_ratios: list[float] = []
        rss_ingest: list[float] = []
        rss_worker: list[float] = []
        stories = 0
        for run in range(args.runs):
            desk_dir = root / f"desk{run}"
            timing, rss = ingest_apart(corpus, desk_dir)
            rss_ingest.append(rss["ingest"])
            rss_worker.append(rss["worker"])
            bare = bare_whoosh(desk_dir)
            stories = timing.stories
            rates.append(timing.rate)
            bares.append(bare.rate)
            ratios.append(timing.rate / bare.rate if bare.rate else 0.0)
            stages_all.append(timing.stages)
            ms, ms_cpu = time_reassign(desk_dir, args.assign) if args.assign else ([], [])
            for value, used in zip(ms, ms_cpu, strict=True):
                assign.add(value)
                assign_cpu.add(used)
            worker_cpu = timing.cpu.get("worker", 0.0)
            cpu_ratios.append(bare.cpu["parent"] / max(timing.cpu["parent"], worker_cpu, 1e-9))
            print(
                f"run {run + 1}: {timing.stories} stories, triage {timing.rate:.1f}/s "
                f"({timing.total:.1f} s), bare Whoosh {bare.rate:.1f}/s ({bare.total:.1f} s), "
                f"ratio {ratios[-1]:.2f}, stages "
                + ", ".join(f"{k} {v:.1f} s" for k, v in timing.stages.items())
                + f"; CPU s: parent {timing.cpu['parent']:.1f}, worker {worker_cpu:.1f}, "
                f"bare Whoosh {bare.cpu['parent']:.1f}"
                + (f"; assign median {statistics.median(ms):.1f} ms" if ms else "")
                + f"; peak RSS: ingest {rss['ingest']:.0f} MB, worker {rss['worker']:.0f} MB"
                + f"; load {_load()}",
                flush=True,
            )
            shutil.rmtree(desk_dir, ignore_errors=True)
        own, _ = peak_rss_mb()
        print(
            f"median of {args.runs}: {stories} stories, triage {statistics.median(rates):.1f}/s, "
            f"bare Whoosh {statistics.median(bares):.1f}/s, "
            f"ratio {statistics.median(ratios):.2f} (runs: "
            + ", ".join(f"{r:.2f}" for r in ratios)
            + ")"
        )
        for key in stages_all[0]:
            print(f"  {key}: {statistics.median(s.get(key, 0.0) for s in stages_all):.1f} s")
        print(
            "CPU ratio (bare Whoosh CPU ÷ the busier process's CPU; an idle 2-core machine "
            f"gives at most this): {statistics.median(cpu_ratios):.2f}"
        )
        if assign.values:
            print(
                f"cluster assignment: median {assign.median:.1f} ms, p95 {assign.p95:.1f} ms "
                f"a story (CPU median {assign_cpu.median:.1f} ms, p95 {assign_cpu.p95:.1f}; "
                f"{len(assign.values)} re-assigned into the built desks)"
            )
        print(
            f"peak RSS, median of {args.runs}: ingest process "
            f"{statistics.median(rss_ingest):.0f} MB, "
            f"analysis worker {statistics.median(rss_worker):.0f} MB (runs: "
            + ", ".join(f"{a:.0f}/{b:.0f}" for a, b in zip(rss_ingest, rss_worker, strict=True))
            + f"); this process (bare writer, re-assignment) {own:.0f} MB; load {_load()}"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _load() -> str:
    """The 1, 5 and 15 minute load averages (the machine may be shared)."""
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
