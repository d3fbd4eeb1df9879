"""Quotes in the desk: stored with stable ids, listed, tagged across processes, matched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import run_triage


@pytest.fixture
def cli(cli_any: Any) -> Any:
    """These commands run on both engines of the store (``--desk URL`` on PostgreSQL)."""
    return cli_any


GAZETTE = """Water warning for Ashby homes

Residents were told not to drink tap water on Wednesday.

\u201cWe are asking every household in the affected streets not to drink tap water until
further notice,\u201d said Helen Marsh, the water company's operations director.

Marsh added: \u201cThe levels we recorded were well above anything we would accept.\u201d
"""

LEDGER = """TAP WATER CHAOS in Ashby

Fury as thousands were told to stop drinking tap water, according to a report by the Gazette.

\u201cWe are asking every household in the affected streets not to drink tap water until
further notice,\u201d Helen Marsh told the Gazette.
"""


def write_pair(folder: Path) -> list[str]:
    (folder / "gazette").mkdir(parents=True)
    (folder / "ledger").mkdir(parents=True)
    (folder / "gazette" / "water.txt").write_text(GAZETTE, encoding="utf-8")
    (folder / "ledger" / "water.txt").write_text(LEDGER, encoding="utf-8")
    return [str(folder / "gazette"), str(folder / "ledger")]


def test_quotes_are_listed_with_offsets_into_the_body(cli: Any, tmp_path: Path) -> None:
    cli("ingest", *write_pair(tmp_path))
    quotes = cli("quotes", "--speaker", "marsh", "--json").json()
    assert len(quotes) >= 3
    for quote in quotes:
        body = cli("show", "--json", quote["story_id"]).json()["body"]
        assert body[quote["start"] : quote["end"]] == quote["text"]
        assert quote["speaker"] == "Helen Marsh"


def test_quote_tags_persist_across_processes_and_reingest(
    tmp_path: Path, store_url: str | None
) -> None:
    desk = str(tmp_path / "desk")
    if store_url:  # the directory remembers its store: later runs need only --index
        run_triage("--index", desk, "--desk", store_url, "feeds", "list")
    sources = write_pair(tmp_path)
    run_triage("--index", desk, "ingest", *sources)
    quotes = json.loads(run_triage("--index", desk, "quotes", "--json").stdout)
    first = quotes[0]
    tagged = run_triage("--index", desk, "tag", "--quote", first["id"], "On-Record")
    assert tagged.returncode == 0, tagged.stderr
    run_triage("--index", desk, "ingest", *sources)
    listed = json.loads(
        run_triage("--index", desk, "quotes", "--tag", "on-record", "--json").stdout
    )
    assert [q["id"] for q in listed] == [first["id"]]
    assert listed[0]["tags"] == ["on-record"]


def test_same_quote_is_found_in_the_rewrite(cli: Any, tmp_path: Path) -> None:
    from triage.core.desk import Desk

    cli("ingest", *write_pair(tmp_path))
    desk = Desk(cli.index)
    try:
        quotes = desk.quotes.by_speaker("Marsh")
        household = [q for q in quotes if q.quote.text.startswith("We are asking")]
        assert len(household) == 2
        elsewhere = desk.quotes.same_quote_elsewhere(household[0])
        assert [q.id for q in elsewhere] == [household[1].id]
    finally:
        desk.close()


def test_quotes_from_files_index_the_full_text(cli: Any, tmp_path: Path) -> None:
    write_pair(tmp_path)
    path = tmp_path / "gazette" / "water.txt"
    found = cli("quotes", "--file", str(path), "--json").json()
    text = path.read_text(encoding="utf-8")
    assert found and all(text[q["start"] : q["end"]] == q["text"] for q in found)
    assert {q["file"] for q in found} == {str(path)}
