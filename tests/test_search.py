"""Search semantics over a real Whoosh index in tmp_path: terms, phrases, fields, dates, state."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.core.desk import Desk
from triage.core.search import SNIPPET_SCAN_CHARS, SearchError, parse_query

STORIES = {
    "dock.txt": (
        "Dockers strike at Brennock port",
        "Port workers began a strike on Monday. Container traffic stopped.",
    ),
    "talks.txt": (
        "Strike talks collapse",
        "Union leaders said talks with the port authority had collapsed.",
    ),
    "storm.txt": (
        "Storm warning for the coast",
        "Forecasters warned of gusts. The port of Skelda closed early.",
    ),
    "cafe.txt": ("Café wins award", "The crème brûlée at a seaside café won a regional prize."),
}


STORIES_BY_TITLE = {title for title, _ in STORIES.values()}


@pytest.fixture
def news(desk: Desk, tmp_path: Path) -> dict[str, str]:
    """A desk with four stories; returns title → story id."""
    folder = tmp_path / "Harbour Gazette"
    folder.mkdir()
    for name, (title, body) in STORIES.items():
        (folder / name).write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    report = desk.ingest([str(folder)])
    assert report.added == len(STORIES)
    return {s.title: s.id for s in desk.store.get_stories(report.story_ids)}


def titles(desk: Desk, query: str) -> set[str]:
    return {row.story.title for row in desk.search(query, limit=None).rows}


def test_plain_words_and_across_title_and_body(desk: Desk, news: dict[str, str]) -> None:
    assert titles(desk, "strike") == {"Dockers strike at Brennock port", "Strike talks collapse"}
    assert titles(desk, "strike port") == {
        "Dockers strike at Brennock port",
        "Strike talks collapse",
    }
    assert titles(desk, "strike storm") == set()
    assert titles(desk, "striking") == titles(desk, "strike")  # stemming


def test_phrases_or_not_and_minus(desk: Desk, news: dict[str, str]) -> None:
    assert titles(desk, '"port authority"') == {"Strike talks collapse"}
    assert titles(desk, "storm OR award") == {"Storm warning for the coast", "Café wins award"}
    assert titles(desk, "port NOT strike") == {"Storm warning for the coast"}
    assert titles(desk, "port -strike") == {"Storm warning for the coast"}


def test_field_queries_and_accent_folding(desk: Desk, news: dict[str, str]) -> None:
    assert titles(desk, "title:strike") == {
        "Dockers strike at Brennock port",
        "Strike talks collapse",
    }
    assert titles(desk, "body:forecasters") == {"Storm warning for the coast"}
    assert len(titles(desk, 'source:"harbour gazette"')) == 4
    assert titles(desk, "creme brulee") == {"Café wins award"}


def test_empty_query_and_star_match_everything(desk: Desk, news: dict[str, str]) -> None:
    assert len(titles(desk, "")) == len(titles(desk, "*")) == 4


def test_tags_are_searchable_at_once_and_compose(desk: Desk, news: dict[str, str]) -> None:
    dock = news["Dockers strike at Brennock port"]
    desk.tags.tag_stories([dock], ["Follow-Up"])
    assert titles(desk, "tag:follow-up") == {"Dockers strike at Brennock port"}
    assert titles(desk, "strike -tag:follow-up") == {"Strike talks collapse"}
    assert titles(desk, "tag:follow-up OR storm") == {
        "Dockers strike at Brennock port",
        "Storm warning for the coast",
    }
    assert titles(desk, "tag:fol*") == {"Dockers strike at Brennock port"}
    desk.tags.untag_stories([dock], ["follow-up"])
    assert titles(desk, "tag:follow-up") == set()


def test_a_query_of_only_negated_terms_excludes_from_everything(
    desk: Desk, news: dict[str, str]
) -> None:
    desk.tags.tag_stories([news["Dockers strike at Brennock port"]], ["lead"])
    desk.store.set_read([news["Café wins award"]])
    assert titles(desk, "-tag:lead") == STORIES_BY_TITLE - {"Dockers strike at Brennock port"}
    assert titles(desk, "-is:read") == STORIES_BY_TITLE - {"Café wins award"}
    assert titles(desk, "-strike") == {"Storm warning for the coast", "Café wins award"}
    assert titles(desk, "-strike -tag:lead") == titles(desk, "-strike")
    assert titles(desk, "-strike -café") == {"Storm warning for the coast"}
    assert titles(desk, "-(strike OR storm)") == {"Café wins award"}
    assert titles(desk, "follow-up") == set()  # a hyphen inside a word is no negation
    # the app narrows to unread as "(QUERY) AND is:unread" (u on a negated-only query)
    assert titles(desk, "(-tag:lead) AND is:unread") == STORIES_BY_TITLE - {
        "Dockers strike at Brennock port",
        "Café wins award",
    }


def test_read_state_is_searchable(desk: Desk, news: dict[str, str]) -> None:
    desk.store.set_read([news["Café wins award"]])
    assert "Café wins award" not in titles(desk, "is:unread")
    assert titles(desk, "is:read") == {"Café wins award"}
    assert len(titles(desk, "is:unread")) == 3
    assert titles(desk, "port is:unread") == {
        "Dockers strike at Brennock port",
        "Strike talks collapse",
        "Storm warning for the coast",
    }
    assert titles(desk, "NOT is:unread") == {"Café wins award"}
    assert titles(desk, "café OR is:unread") == set(STORIES_BY_TITLE)


def test_date_ranges(desk: Desk, tmp_path: Path) -> None:
    feed = tmp_path / "dated.rss"
    items = "".join(
        f"<item><title>Day {day}</title><link>https://d.example/{day}</link>"
        f"<pubDate>{day} Nov 2026 12:00:00 GMT</pubDate>"
        f"<description>Body {day}</description></item>"
        for day in (18, 19, 20, 21)
    )
    feed.write_text(f"<rss version='2.0'><channel><title>D</title>{items}</channel></rss>")
    desk.ingest([str(feed)])
    assert titles(desk, "published:[2026-11-19 to 2026-11-20]") == {"Day 19", "Day 20"}
    assert titles(desk, "published:2026-11-21") == {"Day 21"}
    assert titles(desk, "published:>=2026-11-20") == {"Day 20", "Day 21"}
    ordered = [r.story.title for r in desk.search("body", sort="date").rows]
    assert ordered == ["Day 21", "Day 20", "Day 19", "Day 18"]


def test_snippets_highlight_the_matched_words(desk: Desk, news: dict[str, str]) -> None:
    row = desk.search("collapsed").rows[0]
    start, end = row.snippet.spans[0]
    assert row.snippet.text[start:end] == "collapsed"


def test_bad_query_is_a_search_error(desk: Desk) -> None:
    with pytest.raises(SearchError):
        parse_query("published:notadate", lambda field, value: set())


def test_reindex_rebuilds_without_losing_state(desk: Desk, news: dict[str, str]) -> None:
    dock = news["Dockers strike at Brennock port"]
    desk.tags.tag_stories([dock], ["lead"])
    desk.store.set_read([dock])
    assert desk.reindex() == 4
    assert titles(desk, "tag:lead is:read") == {"Dockers strike at Brennock port"}


def test_a_missing_or_outdated_index_is_rebuilt_from_the_store(
    desk: Desk, news: dict[str, str]
) -> None:
    desk.tags.tag_stories([news["Strike talks collapse"]], ["lead"])
    desk.index.close()
    (desk.index.path / "triage-schema-version").write_text("0\n")  # an index of an older triage
    assert titles(desk, "tag:lead collapse") == {"Strike talks collapse"}
    assert desk.index.exists()


def test_index_writes_posting_blocks_without_zlib(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each zlib call has a fixed cost, and a day shard's terms are mostly tiny lists."""
    import types
    import zlib

    from whoosh.codec import whoosh3

    calls: list[int] = []

    def counting_compress(data: bytes, level: int = -1) -> bytes:
        calls.append(len(data))
        return zlib.compress(data, level)

    # Only the postings codec's zlib: stored-field columns compress on their own.
    fake = types.SimpleNamespace(compress=counting_compress, decompress=zlib.decompress)
    monkeypatch.setattr(whoosh3, "zlib", fake)
    folder = tmp_path / "Harbour Gazette"
    folder.mkdir()
    (folder / "dock.txt").write_text("Dockers strike\n\nPort workers began a strike.\n")
    desk.ingest([str(folder)])
    assert titles(desk, "strike") == {"Dockers strike"}
    assert calls == []


def test_an_index_with_compressed_blocks_reads_beside_new_ones(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Indexes written before the codec change need no rebuild."""
    from whoosh.codec.whoosh3 import W3Codec

    from triage.core.search import index as index_module

    folder = tmp_path / "Harbour Gazette"
    folder.mkdir()
    (folder / "dock.txt").write_text("Dockers strike\n\nPort workers began a strike.\n")
    monkeypatch.setattr(index_module, "postings_codec", lambda: W3Codec(compression=3))
    desk.ingest([str(folder)])  # written as every index was before
    monkeypatch.undo()
    (folder / "talks.txt").write_text("Strike talks collapse\n\nUnion leaders walked out.\n")
    desk.ingest([str(folder)])
    assert titles(desk, "strike") == {"Dockers strike", "Strike talks collapse"}
    assert titles(desk, '"port workers"') == {"Dockers strike"}


def test_a_long_body_is_snippeted_from_its_opening_unless_only_its_tail_matches(
    desk: Desk, tmp_path: Path
) -> None:
    """A snippet looks for the query in the first SNIPPET_SCAN_CHARS characters of a
    body; past them only when the opening holds no match."""
    folder = tmp_path / "Long Reads"
    folder.mkdir()
    filler = " ".join(f"Boat {n} sailed past quietly." for n in range(1200))
    assert len(filler) > SNIPPET_SCAN_CHARS + 1000
    (folder / "opening.txt").write_text(
        f"Harbour essay\n\nThe harbour opened. {filler} {'harbour ' * 6}end.\n", encoding="utf-8"
    )
    (folder / "tail.txt").write_text(
        f"Coast essay\n\nThe coast. {filler} The lighthouse was lit.\n", encoding="utf-8"
    )
    desk.ingest([str(folder)])
    early = desk.search("harbour").rows[0].snippet
    assert early.text.startswith("The harbour opened.")
    assert [early.text[s:e] for s, e in early.spans] == ["harbour"]
    late = desk.search("lighthouse").rows[0].snippet
    assert late.text.startswith("…")
    assert [late.text[s:e] for s, e in late.spans] == ["lighthouse"]


def test_phrases_match_adjacent_words_in_order_and_never_a_replaced_text(
    desk: Desk, tmp_path: Path
) -> None:
    """Phrases are matched from whole posting lists (AdjacentPhrase): words next to
    each other and in order, over several segments, never in a deleted document."""
    folder = tmp_path / "Coast Courier"
    folder.mkdir()
    story = folder / "board.txt"
    story.write_text("Board news\n\nThe harbour board met the ferry crew.\n", encoding="utf-8")
    (folder / "other.txt").write_text(
        "Crew news\n\nThe crew met, then the board of the harbour said nothing.\n", encoding="utf-8"
    )
    desk.ingest([str(folder)])
    assert titles(desk, '"harbour board met"') == {"Board news"}
    assert titles(desk, '"board met"') == {"Board news"}
    assert titles(desk, '"met board"') == set()
    assert titles(desk, '"crew met" OR "board harbour"') == {"Crew news"}
    assert titles(desk, '"harbour met"~3') == {"Board news"}  # a slop: Whoosh's own matcher
    story.write_text("Board news\n\nThe pilot boat met the ferry crew.\n", encoding="utf-8")
    desk.ingest([str(folder)])  # the old text's document is deleted, the new one added
    assert titles(desk, '"harbour board met"') == set()
    assert titles(desk, '"pilot boat met"') == {"Board news"}
    assert desk.search('"ferry crew"').total == 1
