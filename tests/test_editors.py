"""Editors of one desk: shared tags that remember who set them, read marks and saved
searches of one's own, assignments. On both engines of the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import write_articles

from triage.cli import main
from triage.core.desk import Desk


def terminal(tmp_path: Path, store_url: str | None, name: str) -> list[str]:
    """The arguments of one editor's terminal: on PostgreSQL each has its own directory."""
    if store_url is None:
        return ["--index", str(tmp_path / "desk"), "--as", name]
    return ["--desk", store_url, "--index", str(tmp_path / name), "--as", name]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def ids(capsys: pytest.CaptureFixture[str], where: list[str], query: str) -> list[str]:
    status, out, err = run(capsys, *where, "search", "--json", "--limit", "50", query)
    assert status == 0, err
    return sorted(h["id"] for h in json.loads(out))


def test_tags_are_shared_with_their_author_and_read_marks_are_each_editors_own(
    tmp_path: Path, store_url: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    ana, ben = terminal(tmp_path, store_url, "ana"), terminal(tmp_path, store_url, "ben")
    files = write_articles(tmp_path / "in", 3)
    assert run(capsys, *ana, "ingest", *map(str, files))[0] == 0
    story, other, _ = ids(capsys, ana, "*")
    assert run(capsys, *ana, "tag", story, "lead")[0] == 0
    assert run(capsys, *ben, "tag", other, "lead")[0] == 0
    assert ids(capsys, ben, "tag:lead") == sorted([story, other])
    assert ids(capsys, ben, "tagged-by:ana") == [story]
    assert ids(capsys, ana, "tagged-by:me") == [story]
    assert ids(capsys, ana, "tag:lead -tagged-by:ana") == [other]

    assert run(capsys, *ana, "read", story)[0] == 0
    assert ids(capsys, ana, "is:read") == [story]
    assert ids(capsys, ben, "is:read") == []
    shown = json.loads(run(capsys, *ben, "show", "--json", story)[1])
    assert shown["read"] is False and shown["tags"] == ["lead"]
    assert [(t["tag"], t["by"]) for t in shown["tagged"]] == [("lead", "ana")]
    status, out, _ = run(capsys, *ben, "show", story)
    assert status == 0 and "lead by @ana" in out
    # the default editor (no --as) keeps the desk's own marks, untouched by either
    default = [a for a in ana if a not in ("--as", "ana")]
    assert ids(capsys, default, "is:read") == []


def test_saved_searches_are_each_editors_own(tmp_path: Path, store_url: str | None) -> None:
    path = tmp_path / "desk"
    for name, query in (("ana", "tag:lead"), ("ben", "is:unread"), ("", "wind")):
        desk = Desk(path, store=store_url, editor=name)
        try:
            desk.tags.save_search("mine", query)
        finally:
            desk.close()
    for name, query in (("ana", "tag:lead"), ("ben", "is:unread"), ("", "wind")):
        desk = Desk(path, store=store_url, editor=name)
        try:
            assert desk.tags.saved_searches() == [("mine", query)]
        finally:
            desk.close()


def test_assign_a_story_to_a_colleague(
    tmp_path: Path, store_url: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    ana, ben = terminal(tmp_path, store_url, "ana"), terminal(tmp_path, store_url, "ben")
    files = write_articles(tmp_path / "in", 2)
    assert run(capsys, *ana, "ingest", *map(str, files))[0] == 0
    story = ids(capsys, ana, "*")[0]
    status, out, err = run(capsys, *ana, "assign", story, "@Ben")
    assert status == 0, err
    assert "@ben" in out
    mine = json.loads(run(capsys, *ben, "assignments", "--mine", "--json")[1])
    assert [(a["story_id"], a["editor"], a["assigned_by"]) for a in mine] == [(story, "ben", "ana")]
    assert mine[0]["title"]
    assert ids(capsys, ben, "assigned:me") == [story]
    assert json.loads(run(capsys, *ben, "show", "--json", story)[1])["assigned"] == ["ben"]
    assert ids(capsys, ana, "assigned:me") == []
    assert ids(capsys, ana, "assigned:ben") == [story]
    assert json.loads(run(capsys, *ana, "assignments", "--mine", "--json")[1]) == []
    assert len(json.loads(run(capsys, *ana, "assignments", "--json")[1])) == 1
    assert run(capsys, *ben, "unassign", story, "me")[0] == 0
    assert ids(capsys, ben, "assigned:me") == []
    assert run(capsys, *ben, "unassign", story, "me")[0] == 1


def test_a_name_that_cannot_be_an_editors_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, _, err = run(capsys, "--index", str(tmp_path), "--as", "two words", "search", "x")
    assert status == 2 and "editor" in err
    monkeypatch.setenv("TRIAGE_EDITOR", "ana")
    files = write_articles(tmp_path / "in", 1)
    assert run(capsys, "--index", str(tmp_path), "ingest", *map(str, files))[0] == 0
    story = ids(capsys, ["--index", str(tmp_path)], "*")[0]
    assert run(capsys, "--index", str(tmp_path), "tag", story, "lead")[0] == 0
    assert ids(capsys, ["--index", str(tmp_path)], "tagged-by:ana") == [story]


def test_a_broken_config_does_not_stop_a_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config.toml").write_text("editor = 3\n", encoding="utf-8")
    files = write_articles(tmp_path / "in", 1)
    status, _, err = run(capsys, "--index", str(tmp_path), "ingest", *map(str, files))
    assert status == 0
    assert "editor must be a string" in err and "warning" in err


def test_a_desk_from_before_editors_upgrades_when_opened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from triage.core.store.schema import create_schema

    path = tmp_path / "old"
    path.mkdir()
    conn = sqlite3.connect(path / "triage.sqlite3")
    create_schema(conn)  # the tables as they were, without the editors' columns
    conn.execute("INSERT INTO story_tags (story_id, tag, added) VALUES ('s1', 'lead', 'x')")
    conn.execute("INSERT INTO saved_searches (name, query, position) VALUES ('a', 'b', 1)")
    conn.commit()
    conn.close()
    desk = Desk(path, editor="ana")
    try:
        assert desk.tags.story_ids_with_tag("lead") == {"s1"}
        assert desk.editors.story_ids_tagged_by("ana") == set()
        assert desk.tags.saved_searches() == []  # ana's own, none yet
    finally:
        desk.close()
    default = Desk(path)
    try:
        assert default.tags.saved_searches() == [("a", "b")]
        assert default.store.get_meta("schema_version") == "2"
    finally:
        default.close()
