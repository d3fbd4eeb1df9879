"""Unchanged input changes nothing: duplicate GUIDs, repeated runs, one link in two feeds."""

from __future__ import annotations

from pathlib import Path


def _rss(title: str, items: list[tuple[str, str, str]]) -> str:
    parts = []
    for t, link, guid in items:
        link_tag = f"<link>{link}</link>" if link else ""
        guid_tag = f"<guid isPermaLink='false'>{guid}</guid>" if guid else ""
        parts.append(
            f"<item><title>{t}</title>{link_tag}{guid_tag}"
            f"<description>{t}: the harbour reopened after the storm.</description>"
            "<pubDate>Mon, 24 Sep 2018 10:00:00 +0000</pubDate></item>"
        )
    body = "".join(parts)
    head = '<?xml version="1.0"?><rss version="2.0">'
    return f"{head}<channel><title>{title}</title>{body}</channel></rss>"


def _titles(cli) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(
        r["title"] for r in cli("search", "--json", "--all", "--limit", "100", "*").json()
    )


def test_duplicate_guids_without_links_keep_every_item(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = tmp_path / "dups.xml"
    feed.write_text(
        _rss(
            "Dups",
            [
                ("First harbour item", "", "same-guid"),
                ("Second harbour item", "", "same-guid"),
                ("Third harbour item", "", "other-guid"),
                ("Fourth harbour item", "", "other-guid"),
            ],
        )
    )
    first = cli("ingest", str(feed))
    assert first.status == 0 and "added 4" in first.out, first.out
    assert _titles(cli) == sorted(
        ["First harbour item", "Second harbour item", "Third harbour item", "Fourth harbour item"]
    )
    for _ in range(2):
        again = cli("ingest", str(feed))
        assert "added 0, updated 0, unchanged 4" in again.out, again.out


def test_same_link_in_two_feeds_does_not_flip_the_title(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = tmp_path / "a.xml"
    b = tmp_path / "b.xml"
    a.write_text(_rss("Outlet A", [("Title from A", "https://example.org/story", "")]))
    b.write_text(_rss("Outlet B", [("Title from B", "https://example.org/story", "")]))
    assert cli("ingest", str(a), str(b)).status == 0
    assert _titles(cli) == ["Title from A"]
    for order in ((a, b), (b, a), (b,), (a,)):
        again = cli("ingest", *map(str, order))
        assert "updated 0" in again.out, (order, again.out)
        assert _titles(cli) == ["Title from A"]
    a.write_text(_rss("Outlet A", [("Corrected title from A", "https://example.org/story", "")]))
    assert "updated 1" in cli("ingest", str(a), str(b)).out
    assert _titles(cli) == ["Corrected title from A"]
