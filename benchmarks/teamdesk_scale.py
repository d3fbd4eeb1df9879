"""What a team desk costs at scale, and what PostgreSQL's own full-text search would.

Given a built desk file (``--desk DIR``, e.g. ``run.py --cache DIR``'s
``desk-100000-real``; it is copied first and never written) and a PostgreSQL
server (one this script starts from the ``postgresql`` package, or ``--url`` of an
empty database), it measures side by side in one run:

1. ``triage desk copy`` of the whole desk to PostgreSQL (``Desk.copy_into``, what
   the CLI runs): the rows copied, then the copying terminal's index built.
2. A new terminal on the team desk: ``Desk(dir, store=url)`` on an empty directory
   and ``sync_index``, as a terminal's first search does; its local Whoosh index on
   disk.
3. The query mix of ``_search.py`` (term, two-term, phrase, field, tag, date; first
   page of 50 with snippets) through ``Desk.search`` on both desks (same stories),
   in the recent scope (the CLI's) and over every day; ``tag:``, ``is:read`` and
   ``assigned:``, which the store answers, on both.
4. The next step for the index, measured on the same stories: PostgreSQL full-text
   search (one ``tsvector`` of title and body per story in a table beside the
   store's, GIN indexes on it, on the outlet and on quote speakers;
   ``plainto_tsquery`` / ``phraseto_tsquery``, ``ts_rank`` order, an exact total,
   ``ts_headline`` on the page of 50): build time, size, the same query mix and its
   matches beside Whoosh's. OpenSearch is not measured when no package of it can
   be installed here (the output says what ``apt-cache`` found).
5. Editor actions on both desks (tag then the ``tag:`` search that must show it,
   read mark then ``is:read``, assignment then ``assigned:``).
6. Following the desk: another terminal ingests ``--follow`` new generated stories
   through the whole pipeline, and the new terminal's sync catches up.

The server this script starts runs with ``fsync`` off (as the tests' does): its
write figures are not a durable server's.

Usage::

    python benchmarks/teamdesk_scale.py --desk CACHE/desk-2000
    python benchmarks/teamdesk_scale.py --desk CACHE/desk-100000-real --json

Figures are wall-clock milliseconds, medians and p95 over ``--repeats`` rounds of
the query mix; the load average is printed beside them (a shared machine's load
moves wall time).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests"))

import _edits  # noqa: E402
import _pg  # noqa: E402
import _search  # noqa: E402
import corpus  # noqa: E402
from _stats import Samples  # noqa: E402

from triage.core.desk import Desk  # noqa: E402
from triage.core.search import INDEX_DIR  # noqa: E402

ASSIGNEE = "bench-desk"
"""The editor the benchmark's assignments go to (``assigned:bench-desk``)."""

HEADLINE = "MaxFragments=1, MaxWords=30, MinWords=12"
"""``ts_headline`` options: one fragment of about a snippet's length."""


def _dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _mb(size: int) -> float:
    return round(size / 1e6, 1)


def _timed(run: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def _summaries(found: dict[str, Samples]) -> dict[str, dict[str, float]]:
    return {kind: samples.summary() for kind, samples in sorted(found.items())}


# -- 1 and 2: the copy, a new terminal, following the desk ----------------------------


def copy_desk(source: Desk, target: Desk) -> dict[str, Any]:
    """``Desk.copy_into`` as the CLI runs it, with the index build it ends with
    timed apart (the copying terminal's own index)."""
    built: list[float] = []
    sync = target.sync_index

    def timed_sync(*args: Any, **kwargs: Any) -> int:
        start = time.perf_counter()
        written = sync(*args, **kwargs)
        built.append(time.perf_counter() - start)
        return written

    setattr(target, "sync_index", timed_sync)  # noqa: B010 (a method, not a field)
    report, total = _timed(lambda: source.copy_into(target))
    delattr(target, "sync_index")
    stories = report.rows.get("stories", 0)
    rows_s = total - sum(built)
    return {
        "stories": stories,
        "rows": report.total,
        "seconds": round(total, 1),
        "rows_seconds": round(rows_s, 1),
        "index_seconds": round(sum(built), 1),
        "stories_per_s": round(stories / max(total, 1e-9), 1),
        "rows_stories_per_s": round(stories / max(rows_s, 1e-9), 1),
    }


def new_terminal(url: str, directory: Path) -> tuple[Desk, dict[str, Any]]:
    """A terminal that has never seen the desk: its first sync builds its index."""
    terminal = Desk(directory, store=url)
    written, seconds = _timed(terminal.sync_index)
    return terminal, {
        "stories": written,
        "seconds": round(seconds, 1),
        "stories_per_s": round(written / max(seconds, 1e-9), 1),
        "index_mb": _mb(_dir_bytes(directory / INDEX_DIR)),
        "shards": len(terminal.index.shard_keys()),
    }


def follow(other: Desk, terminal: Desk, count: int, scratch: Path) -> dict[str, Any]:
    """``other`` adds ``count`` new generated stories; ``terminal`` catches up.

    ``other`` ingests them through the whole pipeline, unless the desk still has
    stories waiting for analysis (a desk whose build was not finished): an ingest
    would then analyse that backlog too, so the stories go straight into the store
    (what the terminal's sync has to write is the same).
    """
    waiting = other.pending_analysis()
    if waiting:
        stories = _edits.fresh_stories(other, count, seed=91)

        def add() -> int:
            for n, story in enumerate(stories):
                other.store.upsert_story(story, f"follow-{n}", f"follow-h{n}")
            return len(stories)

        added, ingest_s = _timed(add)
        how = f"stored directly ({waiting} stories of the desk waited for analysis)"
    else:
        newest = other.store.get_stories(other.store.latest_ids(1))[0].published
        feeds = corpus.write_feeds(
            corpus.CorpusWriter(seed=91, outlets=40, end=newest).stories(count, days=1),
            scratch / "follow-feeds",
        )
        with other.store.fetcher() as elected:
            assert elected, "another process holds the desk's fetcher lock"
            report, ingest_s = _timed(lambda: other.ingest([str(f) for f in feeds]))
        added, how = report.added, "ingested through the pipeline"
    written, sync_s = _timed(terminal.sync_index)
    _, idle_s = _timed(terminal.sync_index)
    return {
        "how": how,
        "stories_added": added,
        "ingest_seconds": round(ingest_s, 1),
        "ingest_stories_per_s": round(added / max(ingest_s, 1e-9), 1),
        "catch_up_written": written,
        "catch_up_seconds": round(sync_s, 2),
        "catch_up_ms_per_story": round(sync_s * 1000 / max(written, 1), 1),
        "nothing_new_sync_ms": round(idle_s * 1000, 1),
    }


# -- 3 and 4: search and editor actions on both desks --------------------------------


def prepare(desk: Desk, seed: int = 9) -> None:
    """The same tags, read marks and assignments on both desks (same story ids)."""
    _search.tag_some(desk)
    rng = random.Random(seed)
    ids = sorted(desk.store.all_ids())
    desk.store.set_read(rng.sample(ids, min(200, len(ids))))
    for story in rng.sample(ids, min(100, len(ids))):
        desk.editors.assign(story, ASSIGNEE)


def store_answered(desk: Desk, repeats: int) -> dict[str, dict[str, float]]:
    """``tag:``, ``is:read``, ``assigned:``: a page of 50 with snippets."""
    queries = {
        "tag": f"tag:{_search.BENCH_TAG}",
        "is_read": "is:read",
        "assigned": f"assigned:{ASSIGNEE}",
    }
    found: dict[str, Samples] = {}
    for text in queries.values():
        desk.search(text)
    for _ in range(repeats):
        for kind, text in queries.items():
            start = time.perf_counter()
            page = desk.search(text)
            found.setdefault(kind, Samples()).add((time.perf_counter() - start) * 1000)
            assert page.rows, f"{text} found nothing"
    return _summaries(found)


def search_both(
    desks: dict[str, Desk], queries: list[_search.BenchQuery], repeats: int
) -> dict[str, Any]:
    """The query mix on each desk, recent scope and every day, one desk after the other
    per round so load swings fall on both."""
    figures: dict[str, Any] = {}
    for scope in ("recent", "all"):
        for name, desk in desks.items():
            wall, _ = _search.time_desk(desk, queries, repeats, scope=scope)
            figures[f"{name}_{scope}"] = _summaries(wall)
    return figures


def assign_then_search(desk: Desk, repeats: int, seed: int = 5) -> dict[str, dict[str, float]]:
    """Assign a story, then the ``assigned:`` search that must list it."""
    rng = random.Random(seed)
    ids = sorted(desk.store.all_ids())
    found: dict[str, Samples] = {}
    for n in range(repeats):
        story = rng.choice(ids)
        who = f"bench-edit-{n}"
        start = time.perf_counter()
        desk.editors.assign(story, who)
        found.setdefault("assign", Samples()).add((time.perf_counter() - start) * 1000)
        page = desk.search(f"assigned:{who}", snippets=False)
        found.setdefault("assign+search", Samples()).add((time.perf_counter() - start) * 1000)
        if story not in {row.story.id for row in page.rows}:
            raise AssertionError("a new assignment was not visible to search")
    return _summaries(found)


def edits(desk: Desk, repeats: int) -> dict[str, dict[str, float]]:
    found = _summaries(_edits.time_edits(desk, repeats))
    return {**found, **assign_then_search(desk, repeats)}


# -- 5: PostgreSQL full-text search -------------------------------------------------


@dataclass(frozen=True, slots=True)
class PgQuery:
    """One query of the mix in PostgreSQL full-text search."""

    kind: str
    sql: str
    args: tuple[object, ...]


FTS_BUILD = (
    (
        "tsvector of every story (title A, body B)",
        "CREATE TABLE story_fts AS SELECT id, published,"
        " setweight(to_tsvector('english', title), 'A')"
        " || setweight(to_tsvector('english', body), 'B') AS fts FROM stories",
    ),
    ("its key", "ALTER TABLE story_fts ADD PRIMARY KEY (id)"),
    ("GIN on it", "CREATE INDEX story_fts_gin ON story_fts USING gin (fts)"),
    (
        "GIN on the outlet",
        "CREATE INDEX stories_source_fts ON stories USING gin (to_tsvector('simple', source))",
    ),
    (
        "GIN on quote speakers",
        "CREATE INDEX quotes_speaker_fts ON quotes USING gin (to_tsvector('simple', speaker))",
    ),
    ("analyze", "ANALYZE story_fts, stories, quotes, story_tags"),
)
"""PostgreSQL full-text search beside the store's tables, which it leaves as they are:
a table of one ``tsvector`` per story (a trigger on ``stories`` would keep it in a
real deployment; here it is filled once), GIN indexes on it, the outlet and the
speakers."""


def _ranked(tsquery: str, where: str = "") -> str:
    """A page of 50 by rank with an exact total; headlines for the page only."""
    extra = f" AND {where.format(a='f')}" if where else ""
    return (
        f"WITH q AS (SELECT {tsquery} AS q),"
        " page AS (SELECT f.id, ts_rank(f.fts, q.q) AS rank,"
        " count(*) OVER () AS total FROM story_fts f, q"
        f" WHERE f.fts @@ q.q{extra} ORDER BY rank DESC LIMIT {_search.PAGE})"
        f" SELECT s.id, s.title, ts_headline('english', s.body, q.q, '{HEADLINE}'),"
        " page.total FROM page JOIN stories s ON s.id = page.id, q ORDER BY page.rank DESC"
    )


def _filtered(where: str) -> str:
    """A page of 50 newest first with an exact total (no words to rank by)."""
    return (
        "SELECT id, title, left(body, 200), count(*) OVER () FROM stories s"
        f" WHERE {where.format(a='s')} ORDER BY published DESC LIMIT {_search.PAGE}"
    )


TAGGED = "{a}.id IN (SELECT story_id FROM story_tags WHERE tag = %s)"
SINCE = "{a}.published >= %s"


def pg_query(q: _search.BenchQuery) -> PgQuery:
    """The mix's query in PostgreSQL full-text search (from its FTS5 form)."""
    match = q.match
    word = match.split(" AND ")
    if q.kind == "phrase":
        return PgQuery(q.kind, _ranked("phraseto_tsquery('english', %s)"), (match.strip('"'),))
    if q.kind == "field":
        field, _, value = match.partition(":")
        if field == "source":
            where = "to_tsvector('simple', s.source) @@ plainto_tsquery('simple', %s)"
        else:
            where = (
                "s.id IN (SELECT story_id FROM quotes WHERE"
                " to_tsvector('simple', speaker) @@ plainto_tsquery('simple', %s))"
            )
        return PgQuery(q.kind, _filtered(where), (value,))
    if q.kind == "tag":
        if not match:
            return PgQuery(q.kind, _filtered(TAGGED), (_search.BENCH_TAG,))
        tsq = "plainto_tsquery('english', %s)"
        return PgQuery(q.kind, _ranked(tsq, TAGGED), (match, _search.BENCH_TAG))
    if q.kind == "date":
        since = q.args[0]
        if not match:
            return PgQuery(q.kind, _filtered(SINCE), (since,))
        tsq = "plainto_tsquery('english', %s)"
        return PgQuery(q.kind, _ranked(tsq, SINCE), (match, since))
    return PgQuery(q.kind, _ranked("plainto_tsquery('english', %s)"), (" ".join(word),))


def build_pg_fts(conn: Any) -> dict[str, Any]:
    """Build the full-text search structures; their time and size."""
    steps = {}
    for name, sql in FTS_BUILD:
        start = time.perf_counter()
        conn.execute(sql)
        steps[name] = round(time.perf_counter() - start, 1)
    sizes = conn.execute(
        "SELECT pg_table_size('story_fts'), pg_relation_size('story_fts_gin'),"
        " pg_relation_size('stories_source_fts') + pg_relation_size('quotes_speaker_fts')"
    ).fetchone()
    return {
        "build_seconds": round(sum(steps.values()), 1),
        "build_steps_s": steps,
        "tsvector_table_mb": _mb(sizes[0]),
        "gin_mb": _mb(sizes[1]),
        "gin_source_speaker_mb": _mb(sizes[2]),
    }


def whoosh_matches(desk: Desk, queries: list[_search.BenchQuery]) -> dict[str, int]:
    """Matches per kind of the mix over every day (to set beside PostgreSQL's)."""
    found: dict[str, int] = {}
    for q in queries:
        total = desk.search(q.text, scope="all", snippets=False).total
        found[q.kind] = found.get(q.kind, 0) + total
    return found


def time_pg_fts(
    conn: Any, queries: list[_search.BenchQuery], repeats: int, recent_since: str = ""
) -> tuple[dict[str, dict[str, float]], dict[str, int]]:
    """Milliseconds per first page of the mix in PostgreSQL FTS (server and client),
    and the matches per kind (the exact totals the pages carry).

    With ``recent_since``, the term queries run a second time ranking only stories
    published since then (kind ``term-recent``), as Whoosh's recent scope reads
    only the newest days.
    """
    translated = [pg_query(q) for q in queries]
    if recent_since:
        tsq = "plainto_tsquery('english', %s)"
        translated += [
            PgQuery("term-recent", _ranked(tsq, SINCE), (q.args[0], recent_since))
            for q in translated
            if q.kind == "term"
        ]
    matches: dict[str, int] = {}
    for q in translated:  # warm the buffers once, as the Whoosh figures are
        page = conn.execute(q.sql, q.args).fetchall()
        matches[q.kind] = matches.get(q.kind, 0) + (int(page[0][3]) if page else 0)
    found: dict[str, Samples] = {}
    for _ in range(repeats):
        for q in translated:
            start = time.perf_counter()
            conn.execute(q.sql, q.args).fetchall()
            found.setdefault(q.kind, Samples()).add((time.perf_counter() - start) * 1000)
    return _summaries(found), matches


def opensearch_available() -> str:
    """What the package manager offers for OpenSearch / Elasticsearch, in a line."""
    if shutil.which("apt-cache") is None:
        return "no apt-cache here"
    done = subprocess.run(
        ["apt-cache", "policy", "opensearch", "elasticsearch"],
        capture_output=True,
        text=True,
        check=False,
    )
    candidates = [
        line.split(":", 1)[1].strip()
        for line in done.stdout.splitlines()
        if line.strip().startswith("Candidate:")
    ]
    usable = [c for c in candidates if c and c != "(none)"]
    if usable:
        return f"apt-cache offers {', '.join(usable)} (not measured by this script)"
    return "no opensearch or elasticsearch package in apt-cache; not measured"


def pg_settings(conn: Any) -> dict[str, str]:
    names = (
        "server_version",
        "shared_buffers",
        "work_mem",
        "maintenance_work_mem",
        "fsync",
        "synchronous_commit",
    )
    return {n: str(conn.execute(f"SHOW {n}").fetchone()[0]) for n in names}


# -- the run ----------------------------------------------------------------------


RECENT = 10_000
"""Stories the ``term-recent`` FTS queries rank: the newest, as Whoosh's recent scope."""


def recent_since(desk: Desk) -> str:
    """The publication day of the ``RECENT``-th newest story (ISO date)."""
    ids = desk.store.latest_ids(RECENT)
    return desk.store.get_stories(ids[-1:])[0].published.strftime("%Y-%m-%d")


def measure_fts_only(args: argparse.Namespace, url: str, scratch: Path, log: Any) -> dict[str, Any]:
    """Only the rows (``copy_store``, no index) and PostgreSQL FTS: the next step
    alone, in minutes instead of the full run's hour at 100k."""
    import psycopg

    from triage.core.fulltext import PageCache
    from triage.core.store.copy import copy_store

    local = scratch / "desk"
    shutil.copytree(args.desk, local, symlinks=True)
    solo = Desk(local)
    team = Desk(scratch / "copier", store=url)
    try:
        for desk in (solo, team):  # the parts that create tables of their own
            _ = desk.analyser
            PageCache(desk.store)
        log("rows only to PostgreSQL")
        report, rows_s = _timed(lambda: copy_store(solo.store, team.store))
        for desk in (solo, team):  # read marks reorder latest_ids: the full run's mix
            prepare(desk)
        queries = _search.build_queries(solo)
        since = recent_since(solo)
        result: dict[str, Any] = {
            "desk": args.desk.name,
            "stories": report.rows.get("stories", 0),
            "rows_seconds": round(rows_s, 1),
            "recent_since": since,
        }
    finally:
        solo.close()
        team.close()
    with psycopg.connect(url, autocommit=True) as conn:
        result["pg_settings"] = pg_settings(conn)
        log("PostgreSQL full-text search: build")
        fts = build_pg_fts(conn)
        fts["search"], fts["matches"] = time_pg_fts(conn, queries, args.repeats, since)
        result["pg_fts"] = fts
    result["load_average"] = [round(x, 1) for x in os.getloadavg()]
    return result


def measure(args: argparse.Namespace, url: str, scratch: Path, log: Any) -> dict[str, Any]:
    import psycopg

    record = args.desk.with_name(args.desk.name + ".json")
    built = json.loads(record.read_text()) if record.exists() else {}
    log(f"copying {args.desk} to scratch (the original is never opened)")
    local = scratch / "desk"
    shutil.copytree(args.desk, local, symlinks=True)
    sqlite_bytes = _dir_bytes(local) - _dir_bytes(local / INDEX_DIR)
    sqlite_index_bytes = _dir_bytes(local / INDEX_DIR)
    result: dict[str, Any] = {
        "desk": args.desk.name,
        "real_text": bool(built.get("real_text")),
        "sqlite_store_mb": _mb(sqlite_bytes),
        "sqlite_index_mb": _mb(sqlite_index_bytes),
    }
    solo = Desk(local)
    copier = Desk(scratch / "copier", store=url)
    terminal: Desk | None = None
    try:
        result["stories"] = solo.store.count()
        result["waiting_for_analysis"] = solo.pending_analysis()
        log(f"{result['stories']} stories; desk copy to PostgreSQL")
        result["copy"] = copy_desk(solo, copier)
        log(f"copy: {result['copy']}")
        copier.close()

        log("a new terminal builds its index from the shared store")
        terminal, result["new_terminal"] = new_terminal(url, scratch / "terminal")
        log(f"new terminal: {result['new_terminal']}")

        for desk in (solo, terminal):
            prepare(desk)
        queries = _search.build_queries(solo)
        result["queries"] = {
            kind: sum(q.kind == kind for q in queries)
            for kind in dict.fromkeys(q.kind for q in queries)
        }
        desks = {"sqlite": solo, "pg": terminal}
        log(f"search: {len(queries)} queries x {args.repeats} on both desks")
        result["search"] = search_both(desks, queries, args.repeats)
        log(f"search: {result['search']}")
        result["store_answered"] = {
            name: store_answered(desk, args.repeats * 4) for name, desk in desks.items()
        }
        log(f"store answered: {result['store_answered']}")
        result["whoosh_matches"] = whoosh_matches(terminal, queries)

        conn: Any
        with psycopg.connect(url, autocommit=True) as conn:
            result["pg_settings"] = pg_settings(conn)
            result["pg_database_mb"] = _mb(
                conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            )
            log("PostgreSQL full-text search over the same stories: build")
            fts = build_pg_fts(conn)
            log(f"fts: {fts}")
            since = recent_since(solo)
            fts["search"], fts["matches"] = time_pg_fts(conn, queries, args.repeats, since)
            result["pg_fts"] = fts
            log(f"fts search: {fts['search']} matches {fts['matches']}")

        log("editor actions on both desks")
        result["edits"] = {name: edits(desk, args.repeats * 4) for name, desk in desks.items()}
        log(f"edits: {result['edits']}")

        log(f"another terminal ingests {args.follow} stories; this one follows")
        result["follow"] = follow(copier, terminal, args.follow, scratch)
        log(f"follow: {result['follow']}")
        result["opensearch"] = opensearch_available()
    finally:
        solo.close()
        copier.close()
        if terminal is not None:
            terminal.close()
    result["load_average"] = [round(x, 1) for x in os.getloadavg()]
    return result


def _medians(found: dict[str, dict[str, float]]) -> str:
    return ", ".join(f"{k} {v['median']} ({v['p95']})" for k, v in found.items())


def show(result: dict[str, Any]) -> None:
    """The figures as a few readable lines and tables."""
    text = "mixed real and generated" if result["real_text"] else "generated"
    print(f"desk {result['desk']}: {result['stories']} stories ({text} text)")
    if result["waiting_for_analysis"]:
        print(f"  of which {result['waiting_for_analysis']} not clustered yet (build unfinished)")
    print(
        f"SQLite store {result['sqlite_store_mb']} MB + Whoosh {result['sqlite_index_mb']} MB;"
        f" PostgreSQL database {result['pg_database_mb']} MB"
    )
    c = result["copy"]
    print(
        f"desk copy -> PostgreSQL: {c['seconds']} s ({c['stories_per_s']} stories/s):"
        f" rows {c['rows_seconds']} s ({c['rows_stories_per_s']} stories/s),"
        f" the copying terminal's index {c['index_seconds']} s"
    )
    t = result["new_terminal"]
    print(
        f"new terminal: index of {t['stories']} stories built in {t['seconds']} s"
        f" ({t['stories_per_s']}/s), {t['index_mb']} MB on disk, {t['shards']} shards"
    )
    f = result["follow"]
    print(
        f"following: another terminal added {f['stories_added']} stories ({f['how']}) in"
        f" {f['ingest_seconds']} s ({f['ingest_stories_per_s']}/s); this one wrote"
        f" {f['catch_up_written']} in {f['catch_up_seconds']} s"
        f" ({f['catch_up_ms_per_story']} ms/story); a sync with nothing new"
        f" {f['nothing_new_sync_ms']} ms"
    )
    s = result["search"]
    fts = result["pg_fts"]
    print("\nfirst page of 50 with snippets, ms median (p95):")
    columns = (
        ("SQLite recent", s["sqlite_recent"]),
        ("PG recent", s["pg_recent"]),
        ("SQLite all", s["sqlite_all"]),
        ("PG all", s["pg_all"]),
        ("PG FTS", fts["search"]),
    )
    print("kind      " + "".join(f"{name:>16}" for name, _ in columns))
    for kind in result["queries"]:
        cells = "".join(f"{col[kind]['median']:>9} ({col[kind]['p95']:>5})" for _, col in columns)
        print(f"{kind:<10}{cells}")
    if "term-recent" in fts["search"]:
        recent = fts["search"]["term-recent"]
        print(
            f"PG FTS ranking only the newest {RECENT} stories: term"
            f" {recent['median']} ({recent['p95']})"
        )
    print(
        "matches per kind (every day), Whoosh / PostgreSQL FTS: "
        + ", ".join(
            f"{k} {result['whoosh_matches'][k]} / {fts['matches'].get(k, 0)}"
            for k in result["queries"]
        )
    )
    print("\nanswered by the store (Desk.search, page of 50), ms median (p95):")
    for name, found in result["store_answered"].items():
        print(
            f"  {name}: " + ", ".join(f"{k} {v['median']} ({v['p95']})" for k, v in found.items())
        )
    print("\neditor actions, ms median (p95):")
    for name, found in result["edits"].items():
        print(
            f"  {name}: " + ", ".join(f"{k} {v['median']} ({v['p95']})" for k, v in found.items())
        )
    print(
        f"\nPostgreSQL FTS build {fts['build_seconds']} s {fts['build_steps_s']};"
        f" tsvector table {fts['tsvector_table_mb']} MB, GIN {fts['gin_mb']} MB,"
        f" outlet+speaker GIN {fts['gin_source_speaker_mb']} MB"
    )
    print(f"PostgreSQL: {result['pg_settings']}")
    print(f"OpenSearch: {result['opensearch']}")
    print(f"load average {result['load_average']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desk", type=Path, required=True, help="a built desk directory")
    parser.add_argument("--url", default=None, help="an empty PostgreSQL database to use")
    parser.add_argument("--repeats", type=int, default=5, help="rounds of the query mix")
    parser.add_argument("--follow", type=int, default=300, help="stories the terminal follows")
    parser.add_argument("--scratch", type=Path, help="work here instead of a temporary dir")
    parser.add_argument("--json", action="store_true", help="one JSON line")
    parser.add_argument(
        "--fts-only",
        action="store_true",
        help="only copy the rows and measure PostgreSQL FTS (one JSON line)",
    )
    args = parser.parse_args()
    if not args.desk.is_dir():
        sys.exit(f"no desk at {args.desk}")

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    with _pg.database(args.url) as url:
        scratch = Path(tempfile.mkdtemp(prefix="triage-teamscale-", dir=args.scratch))
        try:
            result = (measure_fts_only if args.fts_only else measure)(args, url, scratch, log)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    if args.json or args.fts_only:
        print(json.dumps(result, sort_keys=True))
    else:
        show(result)


if __name__ == "__main__":
    main()
