"""Search figures: the desk's query path against SQLite FTS5 on the same stories."""

from __future__ import annotations

import random
import sqlite3
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from _stats import Samples

from triage.core.desk import Desk

BENCH_TAG = "bench-hot"
PAGE = 50


@dataclass(frozen=True, slots=True)
class BenchQuery:
    """One query in the desk's language and its FTS5 equivalent.

    Attributes:
        kind: The figure it counts towards (term, two-term, field, tag, date, phrase).
        text: The desk query.
        match: The FTS5 MATCH expression ("" for none).
        where: Extra SQL condition on the FTS table (dates, tags).
        args: Parameters of ``where``.
    """

    kind: str
    text: str
    match: str
    where: str = ""
    args: tuple[object, ...] = ()


def _body_words(
    desk: Desk, rng: random.Random, sample: int = 300
) -> tuple[dict[str, int], list[tuple[str, str]], list[str], list[str]]:
    """Document frequencies of body words, adjacent word pairs, outlets and speakers."""
    ids = desk.store.latest_ids(sample * 4)
    stories = desk.store.get_stories(rng.sample(ids, min(sample, len(ids))))
    frequency: dict[str, int] = {}
    pairs: list[tuple[str, str]] = []
    for story in stories:
        words = [w.strip(".,\u201c\u201d:").lower() for w in story.body.split()]
        for word in set(words):
            frequency[word] = frequency.get(word, 0) + 1
        if len(words) >= 2:  # a real feed entry may have no body
            start = rng.randrange(max(1, len(words) - 2))
            pairs.append((words[start], words[start + 1]))
    speakers = [
        q.quote.speaker
        for q in desk.quotes.for_stories([s.id for s in stories])
        if q.quote.speaker and " " not in q.quote.speaker
    ]
    return frequency, pairs, sorted({s.source for s in stories}), sorted(set(speakers))


def build_queries(desk: Desk, seed: int = 5, per_kind: int = 6) -> list[BenchQuery]:
    """A fixed mix of what editors type, drawn from the desk itself."""
    rng = random.Random(seed)
    frequency, pairs, outlets, speakers = _body_words(desk, rng)
    total = max(1, max(frequency.values()))
    plain = [w for w in frequency if w.isalpha() and len(w) > 4]
    common = sorted(w for w in plain if 0.05 * total <= frequency[w] <= 0.5 * total)
    rare = sorted(w for w in plain if 2 <= frequency[w] < 0.05 * total)
    queries: list[BenchQuery] = []
    for word in rng.sample(common, min(per_kind // 2, len(common))) + rng.sample(
        rare, min(per_kind - per_kind // 2, len(rare))
    ):
        queries.append(BenchQuery("term", word, word))
    for _ in range(per_kind):
        a, b = rng.choice(common), rng.choice(rare or common)
        queries.append(BenchQuery("two-term", f"{a} {b}", f"{a} AND {b}"))
    for outlet in rng.sample(outlets, min(per_kind // 2, len(outlets))):
        parts = [p for p in outlet.lower().split() if p.isalpha()] or ["x"]
        word = parts[1] if len(parts) > 1 else parts[0]  # real outlets: one word
        queries.append(BenchQuery("field", f"source:{word}", f'source:"{word}"'))
    for name in rng.sample(speakers, min(per_kind - per_kind // 2, len(speakers))):
        # one plain word of the name: real speakers carry punctuation FTS5 cannot parse
        word = next((p for p in name.lower().split() if p.isalpha()), "x")
        queries.append(BenchQuery("field", f"speaker:{word}", f'speaker:"{word}"'))
    word = rng.choice(common)
    queries.append(BenchQuery("tag", f"tag:{BENCH_TAG}", "", "tagged = 1"))
    queries.append(BenchQuery("tag", f"tag:{BENCH_TAG} {word}", word, "tagged = 1"))
    newest = desk.store.get_stories(desk.store.latest_ids(1))[0].published
    for days in (1, 3, 7):
        since = (newest - timedelta(days=days)).strftime("%Y-%m-%d")
        until = newest.strftime("%Y-%m-%d")
        queries.append(
            BenchQuery("date", f"published:[{since} to {until}]", "", "published >= ?", (since,))
        )
    queries.append(
        BenchQuery("date", f"{word} published:>{since}", word, "published >= ?", (since,))
    )
    for a, b in rng.sample(pairs, min(per_kind, len(pairs))):
        a, b = a.strip("'\"").replace('"', ""), b.strip("'\"").replace('"', "")
        queries.append(BenchQuery("phrase", f'"{a} {b}"', f'"{a} {b}"'))
    return queries


def tag_some(desk: Desk, count: int = 200, seed: int = 9) -> None:
    """Tag a sample of stories so that ``tag:`` queries have something to find."""
    rng = random.Random(seed)
    ids = sorted(desk.store.all_ids())
    desk.tags.tag_stories(rng.sample(ids, min(count, len(ids))), [BENCH_TAG])


def time_desk(
    desk: Desk, queries: list[BenchQuery], repeats: int, **how: Any
) -> tuple[dict[str, Samples], dict[str, Samples]]:
    """Wall and CPU milliseconds per first page per kind of query.

    By default the CLI's search: relevance, the recent scope, limit 50, snippets.
    ``how`` overrides :meth:`Desk.search` arguments: ``scope="all"`` for the
    archive, ``sort="date", limit=300, snippets=False`` for the app's story list.
    """
    how = {"limit": PAGE, "snippets": True, **how}
    for q in queries:  # warm the searcher and the page cache once
        desk.search(q.text, **how)
    wall: dict[str, Samples] = {}
    cpu: dict[str, Samples] = {}
    for _ in range(repeats):
        for q in queries:
            start, start_cpu = time.perf_counter(), time.thread_time()
            desk.search(q.text, **how)
            wall.setdefault(q.kind, Samples()).add((time.perf_counter() - start) * 1000)
            cpu.setdefault(q.kind, Samples()).add((time.thread_time() - start_cpu) * 1000)
    return wall, cpu


def build_fts(desk: Desk, path: Path) -> tuple[sqlite3.Connection, float]:
    """An FTS5 table over the desk's stories (porter stemming, accents removed)."""
    conn = sqlite3.connect(str(path))
    conn.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, title, body, source, speaker,"
        " published UNINDEXED, tagged UNINDEXED,"
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    tagged = desk.tags.story_ids_with_tag(BENCH_TAG)
    start = time.perf_counter()
    batch: list[tuple[object, ...]] = []
    for story in desk.store.iter_stories():
        speakers = " ; ".join(
            sorted({q.quote.speaker for q in desk.quotes.for_stories([story.id])})
        )
        batch.append(
            (
                story.id,
                story.title,
                story.body,
                story.source,
                speakers,
                story.published.strftime("%Y-%m-%d"),
                int(story.id in tagged),
            )
        )
        if len(batch) >= 500:
            conn.executemany("INSERT INTO fts VALUES (?,?,?,?,?,?,?)", batch)
            batch.clear()
    conn.executemany("INSERT INTO fts VALUES (?,?,?,?,?,?,?)", batch)
    conn.commit()
    return conn, time.perf_counter() - start


def _fts_page(conn: sqlite3.Connection, q: BenchQuery) -> list[tuple[object, ...]]:
    where = [w for w in (q.match and "fts MATCH ?", q.where) if w]
    args: tuple[object, ...] = ((q.match,) if q.match else ()) + q.args
    order = "ORDER BY bm25(fts, 0, 2.0, 1.0)" if q.match else "ORDER BY published DESC"
    snippet = "snippet(fts, 2, '[', ']', '...', 16)" if q.match else "substr(body, 1, 120)"
    sql = f"SELECT id, title, {snippet} FROM fts WHERE {' AND '.join(where)} {order} LIMIT {PAGE}"
    return conn.execute(sql, args).fetchall()


def time_fts(
    conn: sqlite3.Connection, queries: list[BenchQuery], repeats: int
) -> dict[str, Samples]:
    """Milliseconds per first page of the same queries in FTS5."""
    for q in queries:
        _fts_page(conn, q)
    found: dict[str, Samples] = {}
    for _ in range(repeats):
        for q in queries:
            start = time.perf_counter()
            _fts_page(conn, q)
            found.setdefault(q.kind, Samples()).add((time.perf_counter() - start) * 1000)
    return found
