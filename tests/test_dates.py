"""Dates from hostile and foreign feeds: read, distrusted when absurd, flagged when missing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from triage.core.export import relative_time
from triage.core.ingest.dates import parse_date_text

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Desk test</title>
<link>https://example.org/</link><language>{lang}</language>{items}</channel></rss>"""
ITEM = "<item><title>{title}</title><link>https://example.org/{slug}</link>{date}</item>"


def rss(items: list[tuple[str, str]], lang: str = "en") -> str:
    body = "".join(
        ITEM.format(title=t, slug=f"s{i}", date=f"<pubDate>{d}</pubDate>" if d else "")
        for i, (t, d) in enumerate(items)
    )
    return RSS.format(lang=lang, items=body)


def stories(cli, path: Path) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    assert cli("ingest", str(path)).status == 0
    found = cli("search", "--json", "--all", "--limit", "100", "*")
    assert found.status == 0, found.err
    return {str(s["title"]): s for s in found.json()}  # type: ignore[union-attr]


def test_portuguese_dates_parse_with_the_feed_language() -> None:
    assert parse_date_text("Seg, 24 Set 2018 10:00:00 -0300", "pt-BR") == datetime(
        2018, 9, 24, 13, 0, tzinfo=UTC
    )
    assert parse_date_text("Qua, 26 Set 2018", "pt") == datetime(2018, 9, 26, tzinfo=UTC)


def test_unreadable_dates_are_none_never_an_error() -> None:
    for text in ("", "soon", "x" * 10_000, "9999-12-31T23:59:59-05:00", "2 days ago"):
        assert parse_date_text(text, "en") is None
    assert parse_date_text(5, "en") is None


def test_limit_dates_ingest_as_undated_and_the_desk_keeps_working(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = tmp_path / "limits.xml"
    feed.write_text(
        rss(
            [
                ("Year one story", "Mon, 01 Jan 0001 00:00:00 +0000"),
                ("Year max story", "Fri, 31 Dec 9999 23:59:59 +0000"),
                ("Future story", "Mon, 01 Jan 2091 00:00:00 +0000"),
                ("Nineteen eighty story", "Tue, 01 Jan 1980 00:00:00 +0000"),
                ("Good story", "Mon, 24 Sep 2018 10:00:00 +0000"),
            ]
        )
    )
    found = stories(cli, feed)
    assert found["Good story"]["dated"] is True
    assert found["Good story"]["published"] == "2018-09-24T10:00:00Z"
    now = datetime.now(UTC)
    for title in ("Year one story", "Year max story", "Future story", "Nineteen eighty story"):
        assert found[title]["dated"] is False
        published = datetime.fromisoformat(str(found[title]["published"]).replace("Z", "+00:00"))
        assert abs((now - published).total_seconds()) < 600
    for args in (
        ("reindex",),
        ("recluster",),
        ("export", "--format", "csv"),
        ("ingest", str(feed)),
    ):
        done = cli(*args)
        assert done.status == 0, (args, done.err)


def test_json_feed_and_front_matter_limits_cost_nothing_but_the_date(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = tmp_path / "f.json"
    feed.write_text(
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "J",
                "items": [
                    {
                        "id": "1",
                        "title": "Overflow item",
                        "url": "https://example.org/1",
                        "date_published": "9999-12-31T23:59:59-05:00",
                    },
                    {
                        "id": "2",
                        "title": "Authors five",
                        "url": "https://example.org/2",
                        "authors": 5,
                    },
                ],
            }
        )
    )
    old = tmp_path / "old.txt"
    old.write_text("---\ndate: 0001-01-01T00:00:00+05:00\n---\nOld file headline\n\nBody.\n")
    good = tmp_path / "good.txt"
    good.write_text("Good file headline\n\nBody text.\n")
    assert cli("ingest", str(feed), str(old), str(good)).status == 0
    found = {s["title"]: s for s in cli("search", "--json", "--all", "*").json()}  # type: ignore[union-attr]
    assert {"Overflow item", "Authors five", "Old file headline", "Good file headline"} <= set(
        found
    )
    assert found["Overflow item"]["dated"] is False


def test_undated_story_keeps_its_first_seen_time_on_reingest(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = tmp_path / "undated.xml"
    feed.write_text(rss([("No date story", "")]))
    first = stories(cli, feed)["No date story"]
    assert first["dated"] is False
    again = cli("ingest", str(feed))
    assert "updated 0" in again.out
    second = stories(cli, feed)["No date story"]
    assert second["published"] == first["published"]


def test_age_column_shows_time_weekday_date_and_year() -> None:
    now = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)  # a Friday
    assert relative_time(datetime(2026, 3, 20, 9, 5, tzinfo=UTC), now) == "09:05"
    assert relative_time(datetime(2026, 3, 17, 9, 5, tzinfo=UTC), now) == "Tue"
    assert relative_time(datetime(2026, 1, 12, tzinfo=UTC), now) == "12 Jan"
    assert relative_time(datetime(2018, 3, 12, tzinfo=UTC), now) == "12 Mar 2018"
