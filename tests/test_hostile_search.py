"""Search under attack: totals exact, a missing shard noticed, huge queries refused."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from triage.core.desk import Desk
from triage.core.models import Story

WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()


def _fill(desk_dir: Path, count: int, days: int = 1) -> None:
    """``count`` stories whose bodies say "harbour" 0-6 times (some titles too), so
    the scores of the matches vary widely."""
    rnd = random.Random(1)
    desk = Desk(desk_dir)
    try:
        for n in range(count):
            body = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(5, 200)))
            body += " harbour" * rnd.randint(0, 6)
            story = Story(
                id=f"s{n:05d}",
                title=("Harbour " if n % 7 == 0 else "") + f"Story {n} {rnd.choice(WORDS)}",
                url=f"https://example.org/{n}",
                source="S",
                published=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=n * 24 * days / count),
                body=body,
            )
            desk.store.upsert_story(story, f"url:{n}", f"h{n}")
        desk.sync_index()
    finally:
        desk.close()


def _total(out: str) -> str:
    found = re.search(r"(\d+) of (\d+\+?) matching", out)
    assert found, out
    return found.group(2)


def test_search_total_is_exact_whatever_the_limit(cli) -> None:  # type: ignore[no-untyped-def]
    _fill(cli.index, 600)
    every = cli("search", "--json", "--all", "--limit", "10000", "harbour").json()
    true_count = str(len(every))  # type: ignore[arg-type]
    for limit in ("1", "3", "20"):
        done = cli("search", "--all", "--limit", limit, "harbour")
        assert done.status == 0, done.err
        assert _total(done.out) == true_count, (limit, done.out[-200:])
    assert cli("compact").status == 0
    assert _total(cli("search", "--all", "--limit", "1", "harbour").out) == true_count


def test_a_deleted_shard_is_noticed_and_its_days_reindexed(cli) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from triage.core.search import INDEX_DIR

    desk = Desk(cli.index)
    desk.index.shard_stories = 20  # many small shards, as on a busy desk
    desk.close()
    rnd_days = 30
    desk = Desk(cli.index)
    desk.index.shard_stories = 20
    try:
        for n in range(300):
            story = Story(
                id=f"d{n:04d}",
                title=f"Harbour day story {n}",
                url=f"https://example.org/d{n}",
                source="S",
                published=datetime(2024, 3, 1, tzinfo=UTC)
                + timedelta(hours=n * 24 * rnd_days / 300),
                body=f"The harbour story number {n}.",
            )
            desk.store.upsert_story(story, f"url:d{n}", f"h{n}")
        desk.sync_index()
        keys = desk.index.shard_keys()
    finally:
        desk.close()
    assert len(keys) >= 5
    shutil.rmtree(cli.index / INDEX_DIR / keys[len(keys) // 2])
    done = cli("search", "--all", "--limit", "1", "*")
    assert done.status == 0, done.err
    assert keys[len(keys) // 2] in done.err and "missing" in done.err
    assert _total(done.out) == "300"
    again = cli("search", "--all", "--limit", "1", "*")
    assert _total(again.out) == "300" and "missing" not in again.err


def test_a_huge_query_is_refused_with_a_clear_error(cli) -> None:  # type: ignore[no-untyped-def]
    _fill(cli.index, 20)
    huge = " ".join(f"w{n}" for n in range(10_000))
    nested = "(" * 5000 + "harbour" + ")" * 5000
    for text in (huge, " OR ".join(["harbour"] * 3000), nested):
        done = cli("search", "--all", text)
        assert done.status == 2
        assert "query too long" in done.err and "recursion" not in done.err
        assert len(done.err) < 300
    desk = Desk(cli.index)
    try:  # the reader's highlighting asks the same parser: nothing to highlight, no error
        assert desk.highlight_terms("harbour " * 1000, huge) == []
    finally:
        desk.close()
    assert cli("search", " OR ".join(["harbour"] * 50)).status == 0


def test_date_query_errors_never_leak_internals(cli) -> None:  # type: ignore[no-untyped-def]
    _fill(cli.index, 5)
    for text in (
        "published:abc",
        "published:2024-13-45",
        "published:>2024-01-01T25:00",
        "published:[2024-01-01T10:99 to ]",
        "published:>99999999999",
        "published:[2024-01-01 to x]",
        "date:>-5",
    ):
        done = cli("search", text)
        assert done.status == 2, (text, done.out)
        assert "YYYY-MM-DD" in done.err, done.err
        for leak in ("invalid literal", "int()", "must be in", "parseable", "Traceback"):
            assert leak not in done.err, (text, done.err)
