"""Tests for incremental story clustering (triage.core.clusters.engine)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from triage.core.clusters.engine import Cluster, ClusterEngine, ClusterMember, SharedPassage
from triage.core.models import Story
from triage.core.quotes.extract import extract_quotes

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
T0 = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)

BRIDGE = (
    "Engineers closed the Harlow Street bridge in Marlow Ridge on Tuesday after inspectors "
    "found deep cracks in two of its steel girders, diverting about 14,000 vehicles a day.\n\n"
    '"We could not in good conscience keep traffic on a structure with cracks of this depth '
    'in the main girders," said city engineer Petra Olsvik at a briefing.\n\n'
    "The Marlow Ridge council said repairs would take at least eleven weeks and cost an "
    "estimated 3.2 million dollars, paid from the emergency infrastructure reserve.\n\n"
    "Commuters were directed to the Quarry Lane crossing, where queues stretched past the "
    "old tannery by mid-morning. Bus routes 7 and 12 will run on diversions until further "
    "notice, the transit authority said."
)
BRIDGE_REWRITE = (
    "Drivers in Marlow Ridge face weeks of detours: the Harlow Street bridge has been shut "
    "after cracks were discovered in its steel girders, the Harbour Gazette reported.\n\n"
    '"We could not in good conscience keep traffic on a structure with cracks of this depth '
    'in the main girders," city engineer Petra Olsvik told the Harbour Gazette.\n\n'
    "Council officials put the repair bill at about 3.2 million dollars and said the work "
    "would last at least eleven weeks. Traffic is being sent over the Quarry Lane crossing, "
    "where long queues formed on Tuesday morning."
)
OTHER_BRIDGE = (
    "The Fenwick Causeway in Oskerby was closed in 2019 after a barge struck one of its "
    "concrete piers during a storm, officials in Oskerby said on Friday.\n\n"
    '"Divers will examine every pier before we reopen a single lane," said harbour master '
    "Ingrid Tamsen, adding that the collision left a visible gash in the pier.\n\n"
    "The Oskerby authorities estimated the damage at 800,000 dollars. Ferries operated by "
    "Northsound Lines added extra sailings while the causeway stays shut, and the regional "
    "road agency opened a temporary pontoon for cyclists."
)
FOOTBALL = (
    "Keldby Rovers signed striker Tomas Arvenson from Lindholm United for a club record fee "
    "on Monday, ending a month of talks between the two clubs.\n\n"
    '"Tomas is exactly the kind of forward we have been chasing for two seasons," said '
    "Rovers manager Agnes Holt. Arvenson scored 19 league goals last season.\n\n"
    "The transfer fee was not disclosed, but local reports put it near nine million euros."
)
BREACH = (
    "Software maker Quillstone disclosed a data breach on Wednesday affecting roughly 2.4 "
    "million customer accounts, after attackers abused a flaw in its password reset tool.\n\n"
    '"We have closed the hole and forced a reset for every affected account," chief '
    "security officer Ramon Ekdahl said in a statement posted to the company blog.\n\n"
    "Regulators in Vastmark said they had opened an inquiry into the Quillstone breach."
)
BREACH_FOLLOW = (
    "Quillstone customers reported locked accounts on Thursday, a day after the company "
    "disclosed that attackers had abused its password reset tool to reach 2.4 million "
    "accounts.\n\nThe Vastmark data regulator confirmed its inquiry into the breach and said "
    "Quillstone had notified it within the required 72 hours. Security researchers said the "
    "reset flaw had been reported to Quillstone weeks earlier."
)


def story(
    story_id: str, body: str, source: str, hours: float = 0.0, title: str | None = None
) -> Story:
    """A synthetic story: first sentence as title unless one is given."""
    headline = title if title is not None else body.split(".")[0][:90]
    return Story(
        id=story_id,
        title=headline,
        url=f"https://{source.lower().replace(' ', '')}.example/{story_id}",
        source=source,
        published=T0 + timedelta(hours=hours),
        body=body,
    )


def desk() -> list[Story]:
    """A small desk in publication order: two bridge stories (one a rewrite), an
    unrelated bridge closure, a transfer, and a breach with another outlet's follow-up."""
    return [
        story("bridge", BRIDGE, "Harbour Gazette", 0),
        story("breach", BREACH, "Tech Ledger", 1),
        story("rewrite", BRIDGE_REWRITE, "Daily Courier", 3),
        story("football", FOOTBALL, "Sports Wire", 4),
        story("other-bridge", OTHER_BRIDGE, "Oskerby Post", 5),
        story("breach-2", BREACH_FOLLOW, "Byte Review", 26),
    ]


def engine_with(stories: list[Story], conn: sqlite3.Connection | None = None) -> ClusterEngine:
    engine = ClusterEngine(conn or sqlite3.connect(":memory:"))
    for item in stories:
        engine.assign(item, extract_quotes(item.body))
    return engine


def partition(engine: ClusterEngine) -> dict[str, str]:
    return {m.story_id: c.id for c in engine.clusters() for m in c.members}


def test_rewrite_is_a_copy_of_its_origin() -> None:
    engine = engine_with(desk())
    cluster = engine.cluster_of("rewrite")
    assert {m.story_id for m in cluster.members} == {"bridge", "rewrite"}
    assert cluster.origin == "bridge"
    relations = {m.story_id: (m.relation, m.copy_of) for m in cluster.members}
    assert relations == {"bridge": ("origin", None), "rewrite": ("copy", "bridge")}
    quotes = [p for p in cluster.shared if p.kind == "quote"]
    assert quotes and "good conscience" in quotes[0].text
    assert set(quotes[0].story_ids) == {"bridge", "rewrite"}


def test_similar_but_different_events_stay_apart() -> None:
    engine = engine_with(desk())
    assert engine.cluster_of("other-bridge").size == 1
    assert engine.cluster_of("football").size == 1
    assert {m.story_id for m in engine.cluster_of("breach").members} == {"breach", "breach-2"}
    follow = next(m for m in engine.cluster_of("breach").members if m.story_id == "breach-2")
    assert follow.relation == "related"


def test_outlet_named_as_source_becomes_origin() -> None:
    stories = desk()
    # Both undated (same fetch time) and the rewrite assigned first: only the
    # "told the Harbour Gazette" attribution can reveal who had it first.
    rewrite = story("rewrite", BRIDGE_REWRITE, "Daily Courier", 0)
    original = story("bridge", BRIDGE, "Harbour Gazette", 0)
    engine = engine_with([rewrite, original, *stories[3:5]])
    cluster = engine.cluster_of("bridge")
    assert cluster.origin == "bridge"
    assert cluster.title == original.title
    copy = next(m for m in cluster.members if m.story_id == "rewrite")
    assert (copy.relation, copy.copy_of) == ("copy", "bridge")


def test_cluster_shape_and_sizes() -> None:
    engine = engine_with(desk())
    clusters = engine.clusters()
    members = [m.story_id for c in clusters for m in c.members]
    assert sorted(members) == sorted(s.id for s in desk())  # each story exactly once
    for cluster in clusters:
        assert isinstance(cluster, Cluster)
        assert cluster.size == len(cluster.members)
        assert cluster.members[0].story_id == cluster.origin
        assert all(isinstance(m, ClusterMember) for m in cluster.members)
        assert all(isinstance(p, SharedPassage) for p in cluster.shared)
        assert all(isinstance(m.published, datetime) for m in cluster.members)
    assert [c.size for c in engine.clusters(min_size=2)] == [2, 2]
    assert {c.id for c in engine.clusters(["football"])} == {engine.cluster_of("football").id}
    assert engine.sizes(["bridge", "football", "nope"]) == {"bridge": 2, "football": 1}


def test_remove_and_reassign_changed_story() -> None:
    engine = engine_with(desk())
    engine.remove("rewrite")
    assert engine.cluster_of("bridge").size == 1
    with pytest.raises(KeyError):
        engine.cluster_of("rewrite")
    changed = story("football", FOOTBALL.replace("Monday", "Sunday"), "Sports Wire", 4)
    engine.assign(changed, ())
    engine.assign(changed, ())  # re-assigning the same story never duplicates it
    assert engine.sizes(["football"]) == {"football": 1}


def test_rebuild_equals_incremental() -> None:
    engine = engine_with(desk())
    before = partition(engine)
    engine.rebuild((s, extract_quotes(s.body)) for s in desk())
    assert partition(engine) == before


def test_corrections_survive_reopen_and_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    conn = sqlite3.connect(path)
    engine = engine_with(desk(), conn)
    split_id = engine.split("rewrite")
    merged = engine.merge("football", engine.cluster_of("other-bridge").id)
    conn.commit()
    conn.close()

    conn = sqlite3.connect(path)
    engine = ClusterEngine(conn)
    assert engine.cluster_of("rewrite").id == split_id
    assert engine.cluster_of("rewrite").size == 1
    assert engine.cluster_of("other-bridge").id == merged
    assert engine.sizes(["football"]) == {"football": 2}

    engine.rebuild((s, extract_quotes(s.body)) for s in desk())
    assert engine.cluster_of("rewrite").size == 1
    assert engine.cluster_of("bridge").size == 1
    assert engine.cluster_of("football").id == engine.cluster_of("other-bridge").id
    assert engine.cluster_of("breach").size == 2


def test_split_of_an_origin_survives_rebuild_and_reassign() -> None:
    # The split story is the earliest, so on rebuild it comes first and its former
    # co-member arrives later: only a keep-apart constraint stops it rejoining.
    engine = engine_with(desk())
    engine.split("bridge")
    assert engine.cluster_of("bridge").size == 1
    engine.rebuild((s, extract_quotes(s.body)) for s in desk())
    assert engine.cluster_of("bridge").size == 1
    assert engine.cluster_of("rewrite").id != engine.cluster_of("bridge").id
    rewrite = desk()[2]
    engine.assign(rewrite, extract_quotes(rewrite.body))
    assert engine.cluster_of("rewrite").id != engine.cluster_of("bridge").id
    incremental = partition(engine)
    engine.rebuild((s, extract_quotes(s.body)) for s in desk())
    assert partition(engine) == incremental


def test_merge_after_split_wins_over_rebuild() -> None:
    engine = engine_with(desk())
    engine.split("bridge")
    engine.merge("bridge", "rewrite")
    assert engine.cluster_of("bridge").size == 2
    engine.rebuild((s, extract_quotes(s.body)) for s in desk())
    assert {m.story_id for m in engine.cluster_of("bridge").members} == {"bridge", "rewrite"}


def test_engine_never_commits() -> None:
    conn = sqlite3.connect(":memory:")
    engine = engine_with(desk()[:2], conn)
    assert conn.in_transaction
    conn.rollback()
    assert engine.clusters() == []


def read_seed(path: Path) -> Story:
    title, _, body = path.read_text(encoding="utf-8").strip().partition("\n")
    return Story(
        id=path.stem[:3],
        title=title.strip(),
        url=path.as_uri(),
        source="seeds",
        published=T0,
        body=body.strip(),
    )


def test_seeds_rewrite_pair_shares_a_quote() -> None:
    if not SEEDS.is_dir():
        pytest.skip("shared seeds not present")
    stories = [read_seed(p) for p in sorted(SEEDS.glob("*.txt"))]
    engine = engine_with(stories)
    cluster = engine.cluster_of("001")
    ids = {m.story_id for m in cluster.members}
    assert "002" in ids
    assert not ids & {"000", "003", "004"}
    assert any(p.kind == "quote" and {"001", "002"} <= set(p.story_ids) for p in cluster.shared)
    copy = next(m for m in cluster.members if m.relation == "copy")
    assert copy.copy_of == cluster.origin


def test_idf_power_dampens_rare_word_weights() -> None:
    """The stored vector uses idf to the configured power (0 = plain counts)."""
    from triage.core.clusters.engine import ClusterConfig
    from triage.core.clusters.signals import idf_weight, term_counts, weigh

    stories = desk()
    vectors = []
    for power in (0.0, 1.0):
        engine = ClusterEngine(sqlite3.connect(":memory:"), ClusterConfig(idf_power=power))
        for item in stories:
            engine.assign(item, ())
        stored = engine.tables.get("breach-2")
        assert stored is not None
        vectors.append(stored.vector)
    counts = [term_counts(s.title, s.body) for s in stories]
    total = len(stories)
    full = {
        f: idf_weight(sum(f in c for c in counts), total, ClusterConfig().common_cut)
        for f in counts[-1]
    }
    top, boost = ClusterConfig().vector_terms, ClusterConfig().entity_boost
    numbers = ClusterConfig().number_boost
    plain = weigh(
        counts[-1], {f: 1.0 if w > 0 else 0.0 for f, w in full.items()}, top, boost, numbers
    )
    assert vectors[0] == pytest.approx(plain)
    assert vectors[1] == pytest.approx(weigh(counts[-1], full, top, boost, numbers))
    assert vectors[1] != pytest.approx(plain)


def test_review_moves_a_misplaced_story_back_unless_the_editor_corrected() -> None:
    engine = engine_with(desk())
    football = engine.cluster_of("football").id
    engine.tables.move("rewrite", football)  # as if decided before its origin arrived
    stored = engine.tables.get("rewrite")
    assert stored is not None
    engine._review(stored)
    assert engine.cluster_of("rewrite").id == engine.cluster_of("bridge").id

    engine.tables.move("rewrite", football)
    engine.split("football")  # an editor's correction in the cluster it sits in
    stored = engine.tables.get("rewrite")
    assert stored is not None and stored.cluster_id == football
    engine._review(stored)
    assert engine.tables.get("rewrite").cluster_id == football  # type: ignore[union-attr]


def test_review_is_off_with_zero() -> None:
    from triage.core.clusters.engine import ClusterConfig

    engine = ClusterEngine(sqlite3.connect(":memory:"), ClusterConfig(review=0))
    calls: list[str] = []
    engine._review = lambda stored: calls.append(stored.story_id)  # type: ignore[method-assign]
    for item in desk():
        engine.assign(item, extract_quotes(item.body))
    assert calls == []


def test_counting_terms_in_returns_each_document_frequency_after_the_story() -> None:
    from triage.core.clusters.tables import ClusterTables

    tables = ClusterTables(sqlite3.connect(":memory:"))
    assert tables.count_in(["w:bridge", "w:girder"]) == {"w:bridge": 1, "w:girder": 1}
    terms = ["w:bridge", "w:crane"] + [f"w:filler{n}" for n in range(600)]  # two chunks
    counted = tables.count_in(terms)
    assert counted["w:bridge"] == 2 and counted["w:crane"] == 1 and len(counted) == 602
    assert tables.document_frequencies(["w:bridge", "w:girder"]) == {"w:bridge": 2, "w:girder": 1}


def postings_of(conn: sqlite3.Connection, story_id: str) -> int:
    row = conn.execute("SELECT count(*) FROM cluster_term WHERE story_id = ?", (story_id,))
    return int(row.fetchone()[0])


def test_a_removed_or_changed_story_leaves_no_postings_behind() -> None:
    conn = sqlite3.connect(":memory:")
    engine = engine_with(desk(), conn)
    assert postings_of(conn, "rewrite") > 0
    engine.remove("rewrite")
    assert postings_of(conn, "rewrite") == 0
    # a changed story's old postings go with its old version (its time too): what
    # is left is exactly the new version's vector, at its new time
    moved = story("breach-2", BREACH_FOLLOW, "Byte Review", 30)
    engine.assign(moved, extract_quotes(moved.body))
    rows = conn.execute(
        "SELECT term, published FROM cluster_term WHERE story_id = ?", ("breach-2",)
    )
    postings = rows.fetchall()
    vector, published = conn.execute(
        "SELECT vector, published FROM cluster_story WHERE story_id = ?", ("breach-2",)
    ).fetchone()
    assert sorted(term for term, _ in postings) == sorted(json.loads(vector))
    assert {when for _, when in postings} == {published}


def test_a_desk_clustered_with_the_earlier_postings_layout_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    conn = sqlite3.connect(path)
    engine_with(desk()[:-1], conn)
    # the postings as desks of the earlier layout hold them: a plain table, two indexes
    conn.executescript(
        """
        ALTER TABLE cluster_term RENAME TO kept;
        CREATE TABLE cluster_term (term TEXT NOT NULL, story_id TEXT NOT NULL,
            weight REAL NOT NULL, published TEXT NOT NULL);
        INSERT INTO cluster_term SELECT term, story_id, weight, published FROM kept;
        DROP TABLE kept;
        CREATE INDEX cluster_term_by_term ON cluster_term (term, published);
        CREATE INDEX cluster_term_by_story ON cluster_term (story_id);
        DELETE FROM cluster_meta WHERE key = 'postings';
        """
    )
    conn.commit()
    postings = "SELECT term, story_id, weight, published FROM cluster_term"
    before = sorted(conn.execute(postings).fetchall())
    conn.close()

    conn = sqlite3.connect(path)
    engine = ClusterEngine(conn)
    assert sorted(conn.execute(postings).fetchall()) == before
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    indexes = conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'cluster_term'")
    assert {str(r[0]) for r in indexes} == {"cluster_term"}  # one b-tree, no index
    # the upgraded postings still find the earlier breach report for its follow-up
    follow = desk()[-1]
    engine.assign(follow, extract_quotes(follow.body))
    assert engine.cluster_of("breach-2").id == engine.cluster_of("breach").id
    assert partition(engine) == partition(engine_with(desk()))
