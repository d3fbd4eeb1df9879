"""Dates at the limits of ``datetime`` (years 0001 and 9999), replayed through the CLI.

Each attack once aborted a whole command or bricked the desk; now a bad date costs
that entry its date and nothing else.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from triage.core.desk import Desk
from triage.core.models import Story

EPOCH_ONE = "Mon, 01 Jan 0001 00:00:00 +0000"


def _rss(items: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<item><title>{t}</title><link>https://example.org/{n}</link>"
        f"<description>{t} body text about the harbour.</description>"
        f"<pubDate>{d}</pubDate></item>"
        for n, (t, d) in enumerate(items)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>L</title>{body}</channel></rss>'
    )


def _titles(cli) -> set[str]:  # type: ignore[no-untyped-def]
    done = cli("search", "--json", "--all", "--limit", "100", "*")
    assert done.status == 0, done.err
    return {row["title"] for row in done.json()}


def test_year_one_pubdate_leaves_every_command_working(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = tmp_path / "one.xml"
    feed.write_text(
        _rss([("Year one harbour", EPOCH_ONE), ("Sane harbour", "Mon, 24 Sep 2018 10:00:00 +0000")])
    )
    assert cli("ingest", str(feed)).status == 0
    for args in (
        ("search", "harbour"),
        ("export", "--format", "md"),
        ("export", "--format", "csv"),
        ("reindex",),
        ("recluster",),
        ("ingest", str(feed)),
        ("clusters",),
    ):
        done = cli(*args)
        assert done.status == 0, (args, done.err)
        assert "Traceback" not in done.err
    assert {"Year one harbour", "Sane harbour"} <= _titles(cli)


def test_json_feed_overflowing_date_with_offset_and_authors_five(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = tmp_path / "j.json"
    items = [
        {"id": "a", "title": "Offset overflow", "date_published": "9999-12-31T23:59:59-05:00"},
        {"id": "b", "title": "Authors five", "authors": 5, "url": "https://example.org/b"},
        {"id": "c", "title": "Author list of junk", "authors": [5, None, {"name": 7}]},
        {"id": "d", "title": "Modified overflow", "date_modified": "0001-01-01T00:00:00+05:00"},
    ]
    feed.write_text(json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}))
    done = cli("ingest", str(feed))
    assert done.status == 0, done.err
    assert {
        "Offset overflow",
        "Authors five",
        "Author list of junk",
        "Modified overflow",
    } <= _titles(cli)


def test_front_matter_year_one_with_offset_costs_only_its_date(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    old = tmp_path / "old.txt"
    old.write_text("---\ndate: 0001-01-01T00:00:00+05:00\n---\nOld harbour headline\n\nBody.\n")
    good = tmp_path / "good.txt"
    good.write_text("Good harbour headline\n\nBody text.\n")
    done = cli("ingest", str(old), str(good))
    assert done.status == 0, done.err
    assert "added 2" in done.out
    rows = {r["title"]: r for r in cli("search", "--json", "--all", "*").json()}  # type: ignore[union-attr]
    # the unreadable date falls back to the file's modification time, as if absent
    assert not str(rows["Old harbour headline"]["published"]).startswith("0001")
    assert rows["Good harbour headline"]["dated"] is True


def test_cluster_stage_survives_a_story_stored_at_year_9999(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A desk written by an older version (or another process) can hold 9999-12-31:
    the cluster window (published ± days) must saturate, not overflow."""
    desk = Desk(cli.index)
    try:
        for n, when in enumerate(
            (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), datetime(1, 1, 1, tzinfo=UTC))
        ):
            story = Story(
                id=f"limit{n}",
                title=f"Harbour crane limit story {n}",
                url=f"https://example.org/limit{n}",
                source="Limits",
                published=when,
                body="The harbour crane stopped. The port authority said work resumes Monday.",
            )
            desk.store.upsert_story(story, f"url:https://example.org/limit{n}", f"h{n}")
    finally:
        desk.close()
    article = tmp_path / "later.txt"
    article.write_text(
        "Harbour crane stopped again\n\nThe harbour crane stopped. Port says Monday.\n"
    )
    for args in (("ingest", str(article)), ("recluster",), ("clusters",), ("export",)):
        done = cli(*args)
        assert done.status == 0, (args, done.err)
    assert "Harbour crane limit story 0" in _titles(cli)
