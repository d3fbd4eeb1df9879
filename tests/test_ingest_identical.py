"""Speed paths leave the analysis unchanged: real text through the worker and in-process.

A subset of the real articles in ``../shared/eval`` (written as article files, so
the real parsers run) and some real feed files of ``../shared/realfeeds-dev`` are
ingested twice: once with every speed path of the pipeline on (the analysis
worker following the store stage, batched stores), once with all of the analysis
done in this process after the store stage. Quote spans and speakers, and the
cluster partition, must come out identical. Skipped when ``../shared`` is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage.core.analysis import worker
from triage.core.desk import Desk

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ARTICLES_PER_FILE = 80
FEED_FILES = 8


def _write_corpus(target: Path) -> int:
    """Real articles as Markdown files (front matter: title, date) and real feed files."""
    count = 0
    for source in sorted((SHARED / "eval").glob("*.jsonl")):
        lines = source.read_text(encoding="utf-8").splitlines()[:ARTICLES_PER_FILE]
        folder = target / source.stem
        folder.mkdir(parents=True, exist_ok=True)
        for number, line in enumerate(lines):
            row = json.loads(line)
            text = str(row.get("text") or "")
            if not text.strip():
                continue
            title = str(row.get("title") or "").replace("\n", " ")
            front = ["---", f"title: {json.dumps(title)}"]
            if row.get("date"):
                front.append(f"date: {row['date']}")
            front.append("---")
            path = folder / f"{number:05d}.md"
            path.write_text("\n".join(front) + "\n" + text + "\n", encoding="utf-8")
            count += 1
    feeds = target / "feeds"
    feeds.mkdir()
    for path in sorted((SHARED / "realfeeds-dev" / "feeds").iterdir())[:FEED_FILES]:
        (feeds / path.name).write_bytes(path.read_bytes())
    return count


def _fingerprint(desk: Desk) -> tuple[dict[str, list[tuple[object, ...]]], set[frozenset[str]]]:
    """Quotes (spans, speaker, cue, confidence) and the cluster partition, keyed by identity."""
    identity = {
        str(row[0]): str(row[1])
        for row in desk.store.conn.execute("SELECT id, identity FROM stories")
    }
    quotes: dict[str, list[tuple[object, ...]]] = {key: [] for key in identity.values()}
    for stored in desk.quotes.for_stories(sorted(identity)):
        q = stored.quote
        quotes[identity[stored.story_id]].append(
            (q.start, q.end, q.speaker, q.speaker_start, q.speaker_end, q.cue, q.confidence)
        )
    clusters: set[frozenset[str]] = set()
    for story_id in identity:
        members = desk.clusters.cluster_of(story_id).members
        clusters.add(frozenset(identity[m.story_id] for m in members))
    return quotes, clusters


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (SHARED / "eval").is_dir() or not (SHARED / "realfeeds-dev" / "feeds").is_dir():
        pytest.skip("../shared (real articles and feeds) is not available")
    target = tmp_path_factory.mktemp("real")
    assert _write_corpus(target) >= 2 * ARTICLES_PER_FILE - 10
    return target


def test_the_worker_and_in_process_analysis_give_identical_quotes_and_clusters(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "FOLLOW_MIN_STORIES", 20)
    monkeypatch.setattr(worker, "PARALLEL_MIN_STORIES", 20)
    fast = Desk(tmp_path / "fast")
    report = fast.ingest([str(corpus)])
    assert not report.errors and report.added > 2 * ARTICLES_PER_FILE
    assert fast.pending_analysis() == 0 and fast.store.pending_index_count() == 0
    with_worker = _fingerprint(fast)
    fast.close()

    monkeypatch.setattr(worker, "FOLLOW_MIN_STORIES", 10**9)
    monkeypatch.setattr(worker, "PARALLEL_MIN_STORIES", 10**9)
    slow = Desk(tmp_path / "slow")
    slow.ingest([str(corpus)])
    in_process = _fingerprint(slow)
    slow.close()

    assert sum(len(q) for q in with_worker[0].values()) > 100  # real quotes were found
    assert len(with_worker[1]) < report.added  # some stories share a cluster
    assert with_worker[0] == in_process[0]
    assert with_worker[1] == in_process[1]
