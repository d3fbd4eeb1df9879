"""Performance at newsroom scale: build desks through the real pipeline and time them.

For each size, a synthetic corpus (see ``corpus.py``) is written as RSS files and
ingested by the real pipeline; then search (against SQLite FTS5 on the same
stories), editor actions, cluster assignment and the TUI are timed on that desk.
A refresh of many slow loopback feeds is timed once, beside newsboat if installed.

Usage::

    python benchmarks/run.py                       # 1k and 10k desks, a table
    python benchmarks/run.py --sizes 200 --json    # quick, one JSON line
    python benchmarks/run.py --sizes 100000 --cache ~/triage-bench   # build once, reuse

Figures are medians (and p95) over repeats; wall-clock milliseconds, with CPU
milliseconds beside search figures because a shared machine's load moves wall
time far more than CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _edits
import _ingest
import _refresh
import _search
import corpus
import realtext
from _report import table

from triage.core.desk import Desk
from triage.core.search.schema import postings_codec

HERE = Path(__file__).resolve().parent
SECTIONS = ("ingest", "search", "edits", "assign", "tui", "refresh")


REAL_STORIES = 9738
"""Stories the real corpus (``realtext.write_corpus``: ../shared/eval articles and the
real feed files) adds to a desk; a mixed desk is topped up to its size with generated ones."""


def build_desk(size: int, cache: Path, log: Any, real: bool = False) -> tuple[Path, dict[str, Any]]:
    """The desk of ``size`` stories, built through the pipeline once per cache dir.

    With ``real``, the real-text corpus goes in beside ``size - REAL_STORIES``
    generated stories, in the same single ingest (both are files, so every parser runs).
    """
    name = f"{size}-real" if real else f"{size}"
    feeds = cache / f"feeds-{name}"
    desk_dir = cache / f"desk-{name}"
    record = cache / f"desk-{name}.json"
    if record.exists() and desk_dir.exists():
        log(f"{size}: reusing the desk cached in {desk_dir}")
        return desk_dir, {**json.loads(record.read_text()), "cached": True}
    shutil.rmtree(desk_dir, ignore_errors=True)
    if not feeds.exists():
        log(f"{size}: writing the corpus")
        generated = max(0, size - REAL_STORIES) if real else size
        corpus.write_feeds(corpus.generate(generated), feeds / "generated")
        if real:
            real_articles = realtext.write_corpus(feeds / "real")
            log(f"{size}: {real_articles} real articles and the real feed files mixed in")
    log(f"{size}: ingesting through the pipeline")
    built = _ingest.ingest_desk(feeds, desk_dir)
    log(f"{size}: {built.rate:.1f} stories/s; bare Whoosh on the same documents")
    bare = _ingest.bare_whoosh(desk_dir)
    bare_same_codec = _ingest.bare_whoosh(desk_dir, codec=postings_codec())
    figures = {
        "stories": built.stories,
        "real_text": real,
        "build_s": round(built.total, 1),
        "ingest_stories_per_s": round(built.rate, 1),
        "ingest_stage_s": {k: round(v, 1) for k, v in built.stages.items()},
        "bare_whoosh_stories_per_s": round(bare.rate, 1),
        "ingest_ratio": round(built.rate / bare.rate, 2) if bare.rate else None,
        "bare_whoosh_same_codec_stories_per_s": round(bare_same_codec.rate, 1),
        "ingest_ratio_same_codec": (
            round(built.rate / bare_same_codec.rate, 2) if bare_same_codec.rate else None
        ),
    }
    record.write_text(json.dumps(figures))
    return desk_dir, figures


def search_figures(desk: Desk, repeats: int, scratch: Path) -> dict[str, Any]:
    _search.tag_some(desk)
    queries = _search.build_queries(desk)
    ours, ours_cpu = _search.time_desk(desk, queries, repeats)
    archive, _ = _search.time_desk(desk, queries, repeats, scope="all")
    listing, _ = _search.time_desk(desk, queries, repeats, sort="date", limit=300, snippets=False)
    conn, fts_build = _search.build_fts(desk, scratch / "fts.sqlite3")
    theirs = _search.time_fts(conn, queries, repeats)
    conn.close()
    figures: dict[str, Any] = {"fts5_build_s": round(fts_build, 1)}
    for kind, samples in ours.items():
        other = theirs[kind]
        figures[f"search_{kind}_ms"] = samples.summary()
        figures[f"search_{kind}_cpu_ms"] = ours_cpu[kind].summary()
        figures[f"fts5_{kind}_ms"] = other.summary(2)
        figures[f"search_{kind}_vs_fts5"] = round(samples.median / max(other.median, 0.01), 1)
        figures[f"search_all_{kind}_ms"] = archive[kind].summary()
        figures[f"list_{kind}_ms"] = listing[kind].summary()
    figures["recent_scope_stories"] = desk.index.recent_stories
    figures["index_shards"] = len(desk.index.shard_keys())
    return figures


def tui_figures(desk_dir: Path, scratch: Path, log: Any) -> dict[str, Any]:
    """Run the app in a child process on a copy of the desk (the refresh changes it)."""
    copy = scratch / "tui-desk"
    shutil.copytree(desk_dir, copy)
    feeds = scratch / "tui-feeds"
    newest = Desk(copy)
    end = newest.store.get_stories(newest.store.latest_ids(1))[0].published
    newest.close()
    corpus.write_feeds(
        corpus.CorpusWriter(seed=77, outlets=40, end=end).stories(200, days=1), feeds
    )
    log("tui: cold start, keys, keys during an ingest of 200 stories")
    compiled = compile_package()
    start = time.time()
    done = subprocess.run(
        [sys.executable, str(HERE / "_tui.py"), str(copy), repr(start), "--feeds", str(feeds)],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if done.returncode:
        return {"tui_error": done.stderr.strip().splitlines()[-1:]}
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {"tui_bytecode": compiled, **{f"tui_{k}": v for k, v in figures.items()}}


def compile_package() -> bool:
    """Compile triage's bytecode before the app's cold start is timed, as an install
    does (pip compiles a package's modules); True when every module compiled.

    With ``PYTHONDONTWRITEBYTECODE`` set and a source checkout, no bytecode is ever
    written, and every start compiles the package's modules from source again: a cost
    of the checkout, not of the app, that no editor's install pays.
    """
    import compileall

    import triage

    return bool(compileall.compile_dir(Path(triage.__file__).parent, quiet=1))


def measure_size(size: int, args: argparse.Namespace, cache: Path, log: Any) -> dict[str, Any]:
    desk_dir, figures = build_desk(size, cache, log, args.real)
    scratch = Path(tempfile.mkdtemp(prefix=f"triage-bench-{size}-"))
    work = scratch / "desk"
    shutil.copytree(desk_dir, work)  # tags and read marks never touch the cache
    desk = Desk(work)

    def edits() -> dict[str, Any]:
        found = _edits.time_edits(desk, args.repeats * 4)
        return {f"{name}_ms": samples.summary(2) for name, samples in found.items()}

    sections: dict[str, Callable[[], dict[str, Any]]] = {
        "search": lambda: search_figures(desk, args.repeats, scratch),
        "edits": edits,
        "assign": lambda: {"assign_ms": _edits.time_assign(desk, args.repeats * 8).summary()},
        "tui": lambda: tui_figures(desk_dir, scratch, log),
    }
    try:
        for name, measure in sections.items():
            if name not in args.only:
                continue
            log(f"{size}: {name}")
            try:
                figures.update(measure())
            except Exception as exc:  # one broken section must not hide the others
                log(f"{size}: {name} failed: {exc!r}")
                figures[f"{name}_error"] = repr(exc)[:300]
    finally:
        desk.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,10000", help="comma-separated desk sizes (default 1000,10000)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument(
        "--cache", type=Path, help="keep corpora and built desks here and reuse them"
    )
    parser.add_argument(
        "--real",
        action="store_true",
        help="mix the real-text corpus (../shared) into each desk, the rest generated",
    )
    parser.add_argument("--repeats", type=int, default=5, help="repeats per timed query")
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"sections to run (default all: {','.join(SECTIONS)})",
    )
    parser.add_argument("--feeds", type=int, default=200, help="feeds in the refresh test")
    parser.add_argument(
        "--hosts", type=int, default=50, help="loopback addresses the feeds are spread over"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        help="global fetch concurrency for the refresh (default: the fetcher's)",
    )
    args = parser.parse_args()
    args.only = set(args.only.split(","))
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    cache = args.cache or Path(tempfile.mkdtemp(prefix="triage-bench-cache-"))
    cache.mkdir(parents=True, exist_ok=True)

    def log(text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_1min": round(os.getloadavg()[0], 2),
        },
        "sizes": {},
    }
    try:
        for size in sizes:
            results["sizes"][str(size)] = measure_size(size, args, cache, log)
        if "refresh" in args.only:
            log(f"refresh: {args.feeds} feeds, 100 ms each, then all 304")
            with tempfile.TemporaryDirectory() as scratch:
                results["refresh"] = _refresh.time_refresh(
                    Path(scratch) / "desk",
                    feeds=args.feeds,
                    hosts=args.hosts,
                    concurrency=args.concurrency,
                )
    finally:
        if args.cache is None:
            shutil.rmtree(cache, ignore_errors=True)
    results["machine"]["load_1min_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(results) if args.json else table(results))


if __name__ == "__main__":
    main()
