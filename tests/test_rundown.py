"""Rundowns that carry the work: export (md, json, csv) and show --json give each
story's cluster (size, origin, copies) and its quotes with speakers."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from triage.demo import demo_paths


@pytest.fixture
def worked(cli: Any) -> dict[str, Any]:
    """The demo desk with one quote tagged; returns that quote and the biggest cluster."""
    assert cli("ingest", *map(str, demo_paths())).status == 0
    biggest = cli("clusters", "--json").json()[0]
    assert biggest["size"] >= 3
    member = biggest["stories"][0]["id"]
    quotes = cli("quotes", member, "--json").json()
    quote = next(q for q in quotes if q["speaker"])
    assert cli("tag", "--quote", quote["id"], "pull").status == 0
    return {"cluster": biggest, "quote": quote, "story": member}


def test_json_export_has_clusters_and_tagged_quotes(cli: Any, worked: dict[str, Any]) -> None:
    rows = cli("export", "--format", "json", "--sort", "biggest").json()
    cluster = worked["cluster"]
    lead = rows[: cluster["size"]]
    assert {r["id"] for r in lead} == {s["id"] for s in cluster["stories"]}
    origin = next(s for s in cluster["stories"] if s["relation"] == "origin")
    copies = [s for s in cluster["stories"] if s["relation"] == "copy"]
    for row in lead:
        assert row["cluster"]["id"] == cluster["id"]
        assert row["cluster"]["size"] == cluster["size"]
        assert row["cluster"]["origin"]["id"] == origin["id"]
        assert row["cluster"]["copies"] == len(copies)
    by_id = {r["id"]: r for r in rows}
    tagged = by_id[worked["story"]]["tagged_quotes"]
    assert [(q["id"], q["speaker"], q["tags"]) for q in tagged] == [
        (worked["quote"]["id"], worked["quote"]["speaker"], ["pull"])
    ]
    others = [r for r in rows if r["id"] != worked["story"]]
    assert all(r["tagged_quotes"] == [] for r in others), "only tagged quotes go in"
    alone = [r for r in rows if r["cluster"] and r["cluster"]["size"] == 1]
    assert alone and all(r["cluster"]["relation"] == "origin" for r in alone)


def test_markdown_and_csv_carry_the_same(cli: Any, worked: dict[str, Any]) -> None:
    quote, cluster = worked["quote"], worked["cluster"]
    md = cli("export", "--sort", "biggest").out
    assert f"cluster of {cluster['size']}" in md
    assert "this story is the origin" in md
    assert quote["speaker"] in md and "`pull`" in md
    table = list(csv.DictReader(io.StringIO(cli("export", "--format", "csv").out)))
    row = next(r for r in table if r["id"] == worked["story"])
    assert row["cluster"] == cluster["id"] and row["cluster_size"] == str(cluster["size"])
    assert row["origin"] and quote["speaker"] in row["tagged_quotes"]
    copies = [s["source"] for s in cluster["stories"] if s["relation"] == "copy"]
    assert row["copies"] == "; ".join(copies)


def test_show_json_has_every_quote_and_the_cluster(cli: Any, worked: dict[str, Any]) -> None:
    shown = cli("show", worked["story"], "--json").json()
    assert shown["cluster"]["id"] == worked["cluster"]["id"]
    assert shown["cluster"]["size"] == worked["cluster"]["size"]
    listed = cli("quotes", worked["story"], "--json").json()
    assert [q["id"] for q in shown["quotes"]] == [q["id"] for q in listed]
    tagged = next(q for q in shown["quotes"] if q["id"] == worked["quote"]["id"])
    assert tagged["tags"] == ["pull"] and tagged["speaker"] == worked["quote"]["speaker"]


def test_export_orders(cli: Any) -> None:
    assert cli("ingest", *map(str, demo_paths())).status == 0
    newest = [r["id"] for r in cli("export", "--format", "json").json()]
    oldest = [r["id"] for r in cli("export", "--format", "json", "--sort", "oldest").json()]
    assert len(newest) == 34 and set(newest) == set(oldest) and newest != oldest
    with pytest.raises(SystemExit) as refused:
        cli("export", "--sort", "random")
    assert refused.value.code == 2


def test_show_names_the_cluster(cli: Any, worked: dict[str, Any]) -> None:
    shown = cli("show", worked["story"]).out
    assert f"cluster of {worked['cluster']['size']}" in shown
    assert worked["cluster"]["id"] in shown


def test_markdown_lead_ends_on_a_word_and_counts_one_story(cli: Any, tmp_path: Any) -> None:
    folder = tmp_path / "Quay Post"
    folder.mkdir()
    body = " ".join(f"harbourmaster{n}" for n in range(60))  # ~900 characters, no sentence end
    (folder / "pilots.txt").write_text(f"Harbour pilots vote\n\n{body}\n", encoding="utf-8")
    assert cli("ingest", str(folder)).status == 0
    story = cli("search", "--json", "pilots").json()[0]
    assert cli("tag", story["id"], "x").status == 0
    md = cli("export", "tag:x", "--format", "md").out
    assert "\n1 story\n" in md
    lead = next(line for line in md.splitlines() if line.startswith("> "))
    assert lead.endswith("…") and len(lead) <= 2 + 400
    words = lead[2:-1].split()
    assert words == body.split()[: len(words)], "cut between words, never inside one"
