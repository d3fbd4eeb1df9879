"""The headless CLI: JSON shapes, exit codes, desk location, state across processes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from helpers import run_triage, write_articles

from triage.demo import demo_paths


@pytest.fixture
def cli(cli_any: Any) -> Any:
    """These commands run on both engines of the store (``--desk URL`` on PostgreSQL)."""
    return cli_any


def test_ingest_json_summary_and_exit_status(cli: Any, tmp_path: Path) -> None:
    files = write_articles(tmp_path / "in", 3)
    result = cli("ingest", "--json", *map(str, files))
    assert result.status == 0
    assert result.json() == {
        "added": 3,
        "updated": 0,
        "unchanged": 0,
        "not_modified": 0,
        "errors": [],
    }
    again = cli("ingest", "--json", *map(str, files), str(tmp_path / "nope.txt"))
    assert again.status == 1
    summary = again.json()
    assert summary["unchanged"] == 3
    assert summary["errors"] == [
        {"source": str(tmp_path / "nope.txt"), "error": "no such file or directory"}
    ]
    assert again.err.strip() == f"triage: error: {tmp_path / 'nope.txt'}: no such file or directory"


def test_usage_error_exits_2(cli: Any) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli("search", "--sort", "sideways", "x")
    assert exit_info.value.code == 2


def test_search_show_tag_read_json_shapes(cli: Any) -> None:
    assert cli("ingest", *map(str, demo_paths())).status == 0
    hits = cli("search", "--json", "strike").json()
    assert hits, "the demo corpus has a port strike"
    first = hits[0]
    assert {"id", "title", "source", "url", "published", "score", "tags", "snippet"} <= set(first)
    assert first["published"].endswith("Z")
    story_id = first["id"]
    assert cli("tag", story_id, "Lead", "follow-up").status == 0
    assert cli("read", story_id).status == 0
    shown = cli("show", "--json", story_id).json()
    assert {
        "id",
        "title",
        "source",
        "url",
        "published",
        "summary",
        "body",
        "tags",
        "feeds",
        "read",
    } <= set(shown)
    assert shown["tags"] == ["follow-up", "lead"] and shown["read"] is True
    assert [h["id"] for h in cli("search", "--json", "tag:lead").json()] == [story_id]
    assert cli("untag", story_id, "lead").status == 0
    assert cli("unread", story_id).status == 0
    shown = cli("show", "--json", story_id[:8]).json()  # a unique prefix works too
    assert shown["tags"] == ["follow-up"] and shown["read"] is False


def test_unknown_story_is_one_line_error(cli: Any) -> None:
    result = cli("show", "ffffffffffff")
    assert result.status == 1
    assert result.err.strip() == "triage: error: no story with id 'ffffffffffff'"


def test_index_option_before_or_after_and_env(tmp_path: Path) -> None:
    article = write_articles(tmp_path / "in", 1)[0]
    desk_a, desk_b, desk_c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert run_triage("--index", str(desk_a), "ingest", str(article)).returncode == 0
    assert run_triage("ingest", str(article), "--index", str(desk_b)).returncode == 0
    env = {**os.environ, "TRIAGE_INDEX": str(desk_c)}
    assert run_triage("ingest", str(article), env=env).returncode == 0
    for desk in (desk_a, desk_b, desk_c):
        assert (desk / "triage.sqlite3").is_file()
    cwd = tmp_path / "work"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "TRIAGE_INDEX"}
    assert run_triage("ingest", str(article), cwd=cwd, env=env).returncode == 0
    assert (cwd / "index" / "triage.sqlite3").is_file()


def test_state_written_by_one_process_is_seen_by_the_next(tmp_path: Path) -> None:
    article = write_articles(tmp_path / "in", 1)[0]
    desk = str(tmp_path / "desk")
    run_triage("--index", desk, "ingest", str(article))
    found = run_triage("--index", desk, "search", "--json", "*")
    import json

    story_id = json.loads(found.stdout)[0]["id"]
    assert run_triage("--index", desk, "tag", story_id, "exclusive").returncode == 0
    tagged = json.loads(run_triage("--index", desk, "search", "--json", "tag:exclusive").stdout)
    assert [t["id"] for t in tagged] == [story_id]
    assert "Traceback" not in found.stderr


def test_export_formats(cli: Any, tmp_path: Path) -> None:
    cli("ingest", *map(str, demo_paths()))
    out = tmp_path / "rundown.csv"
    assert cli("export", "strike", "--format", "csv", "-o", str(out)).status == 0
    lines = out.read_text().splitlines()
    assert lines[0] == (
        "id,title,source,url,published,tags,read,"
        "cluster,cluster_size,cluster_relation,origin,copies,tagged_quotes"
    )
    assert len(lines) > 1
    md = cli("export", "strike", "--format", "md").out
    assert md.startswith("# Rundown: strike") and "## [" in md
    data = cli("export", "strike", "--format", "json").json()
    assert isinstance(data, list) and data and "body" in data[0]


def test_feeds_add_list_remove_and_opml_round_trip(cli: Any, tmp_path: Path) -> None:
    assert cli("feeds", "add", "https://a.example/rss", "--name", "A", "--tag", "local").status == 0
    assert cli("feeds", "add", "https://b.example/feed", "--full-text").status == 0
    listed = cli("feeds", "list", "--json").json()
    assert [(f["url"], f["name"], f["full_text"]) for f in listed] == [
        ("https://b.example/feed", "", True),
        ("https://a.example/rss", "A", False),
    ]
    opml = tmp_path / "subs.opml"
    assert cli("feeds", "export", "-o", str(opml)).status == 0
    assert cli("feeds", "remove", "https://a.example/rss").status == 0
    assert cli("feeds", "remove", "https://a.example/rss").status == 1
    assert cli("feeds", "import", str(opml)).status == 0
    urls = {f["url"] for f in cli("feeds", "list", "--json").json()}
    assert urls == {"https://a.example/rss", "https://b.example/feed"}


def test_seeds_search_lists_exactly_the_politico_pair(cli: Any, seeds_dir: Path) -> None:
    files = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    assert cli("ingest", *files).status == 0
    hits = cli("search", "--json", "Lykhoviy").json()
    names = sorted(Path(h["url"]).name for h in hits)
    assert names == sorted(p.name for p in seeds_dir.glob("00[12]_*.txt"))
    again = cli("ingest", "--json", *files).json()
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, len(files))


def test_human_output_prints_markup_literally(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "x.txt").write_text("[bold red]Loud[/] title [/]\n\nBody [link=file:///etc]x[/link]")
    cli("ingest", str(folder))
    out = cli("search", "loud").out
    assert "[bold red]Loud[/]" in out
