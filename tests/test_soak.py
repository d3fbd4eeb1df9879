"""Soak: thousands of stories ingested while editors tag without pause.

Excluded from the default run (``-m soak`` to run it). A CLI ingest reads a few
thousand generated stories in several batches (files and one large feed file)
while a second Desk in a thread tags and marks stories read as fast as it can
and a CLI process tags in a loop. Nothing may fail and nothing may be lost.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import run_triage
from test_durability import write_articles

from triage.core.desk import Desk

FILE_BATCHES = 4
PER_BATCH = 500
FEED_ITEMS = 1500
SEEDS = 50


def write_feed_file(path: Path, items: int) -> None:
    """One RSS file with ``items`` entries, each with a unique link and marker word."""
    entries = "".join(
        f"<item><title>Feed item {n} on the tramway</title>"
        f"<link>http://soak.invalid/item/{n}</link><guid>soak-{n}</guid>"
        f"<description>&lt;p&gt;Tramway works, marker feedx{n}. "
        f"&amp;quot;We are on schedule,&amp;quot; said Sam Reyes{n}, the engineer.&lt;/p&gt;"
        "</description></item>"
        for n in range(items)
    )
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Soak Courier</title><link>http://soak.invalid/</link>{entries}"
        "</channel></rss>",
        encoding="utf-8",
    )


@pytest.mark.soak
def test_thousands_of_stories_while_tagging(tmp_path: Path) -> None:
    started = time.monotonic()
    desk_dir = tmp_path / "desk"
    seeds = write_articles(tmp_path / "seeds", SEEDS, "seed", seed=11)[0].parent
    assert run_triage("--index", str(desk_dir), "ingest", str(seeds)).returncode == 0
    desk = Desk(desk_dir)
    ids = sorted(desk.store.all_ids())
    desk.close()

    sources = [
        str(write_articles(tmp_path / f"batch{b}", PER_BATCH, f"soak{b}", seed=b)[0].parent)
        for b in range(FILE_BATCHES)
    ]
    write_feed_file(tmp_path / "big.xml", FEED_ITEMS)
    sources.append(str(tmp_path / "big.xml"))

    stop = threading.Event()
    tagged: set[tuple[str, str]] = set()
    failures: list[str] = []

    def app_tagger() -> None:
        desk = Desk(desk_dir)
        n = 0
        try:
            while not stop.is_set():
                story_id, tag = ids[n % len(ids)], f"soak-{n}"
                try:
                    desk.tags.tag_stories([story_id], [tag])
                    desk.store.set_read([story_id], read=n % 2 == 0)
                    tagged.add((story_id, tag))
                    if n % 25 == 0:
                        desk.search("tramway OR harbour", limit=10, snippets=False)
                except Exception as exc:
                    failures.append(f"app: {type(exc).__name__}: {exc}")
                n += 1
        finally:
            desk.close()

    def cli_tagger() -> None:
        n = 0
        while not stop.is_set():
            story_id, tag = ids[-1 - n % len(ids)], f"cli-soak-{n}"
            done = run_triage("--index", str(desk_dir), "tag", story_id, tag, timeout=300)
            if done.returncode:
                failures.append(f"cli tag: {done.stderr.strip()}")
            else:
                tagged.add((story_id, tag))
            n += 1

    threads = [threading.Thread(target=app_tagger), threading.Thread(target=cli_tagger)]
    for thread in threads:
        thread.start()
    ingest = subprocess.run(
        [sys.executable, "-m", "triage.cli", "--index", str(desk_dir), "ingest", *sources],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    stop.set()
    for thread in threads:
        thread.join(timeout=300)
    assert ingest.returncode == 0, ingest.stderr
    assert not failures, failures[:5]

    total = SEEDS + FILE_BATCHES * PER_BATCH + FEED_ITEMS
    desk = Desk(desk_dir)
    try:
        stored = {
            (str(a), str(b))
            for a, b in desk.store.conn.execute("SELECT story_id, tag FROM story_tags")
        }
        assert tagged <= stored, f"lost {len(tagged - stored)} tags"
        assert desk.store.count() == total
        pending = desk.store.conn.execute(
            "SELECT count(*) FROM stories WHERE analysed < seq"
        ).fetchone()[0]
        assert pending == 0 and desk.store.pending_index_count() == 0
        assert desk.index.indexed_ids() == desk.store.all_ids()
        assert desk.search("feedx1499", snippets=False).total == 1
    finally:
        desk.close()
    sys.stderr.write(
        f"\nsoak: {total} stories, {len(tagged)} tags during the ingest, "
        f"{time.monotonic() - started:.0f} s in all\n"
    )
