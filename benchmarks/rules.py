"""What the rules on ingest cost: one run of five rules over a refresh's new stories.

Reads real feed files from ``../shared/realfeeds-dev/feeds/`` into a temporary desk
(the real pipeline, no rules), then, ``--repeats`` times, puts every story back on
the rules' queue and times one run of five rules (a source, a title word, a speaker,
a phrase, a negation) and one alert over all of them, as if the whole desk had
just arrived, and over the newest 50 (a refresh's worth). The ingest of the same
files is timed once, for scale. Prints medians.

Usage::

    python benchmarks/rules.py                  # the first 60 feed files, 5 repeats
    python benchmarks/rules.py --feeds 286 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from _stats import Samples

from triage.core.desk import Desk

FEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "realfeeds-dev" / "feeds"
REFRESH = 50
"""Stories of a typical refresh: the newest ones, on a few days' index shards."""
RULES = [
    ('source:"bbc"', "tag bbc"),
    ("title:football", "mark read"),
    ("speaker:trump", "tag trump, pin"),
    ('"interest rates"', "tag economy"),
    ("title:live NOT title:election", "hide"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=60, help="feed files to read (default 60)")
    parser.add_argument("--repeats", type=int, default=5, help="rule runs to time (default 5)")
    args = parser.parse_args()
    if not FEEDS.is_dir():
        raise SystemExit(f"{FEEDS} is not available")
    files = sorted(p for p in FEEDS.iterdir() if p.is_file())[: args.feeds]
    with tempfile.TemporaryDirectory() as tmp:
        desk = Desk(Path(tmp) / "desk")
        start = time.perf_counter()
        report = desk.ingest([str(p) for p in files])
        ingest_ms = (time.perf_counter() - start) * 1000
        for query, actions in RULES:
            desk.rules.add(query, actions)
        desk.tags.save_search("economy", '"interest rates" OR inflation')
        desk.rules.rows.set_alert("economy", True)
        stories = desk.store.count()
        runs, refreshes = Samples(), Samples()
        matched = 0
        for _ in range(args.repeats):
            for newest, samples in ((None, runs), (REFRESH, refreshes)):
                with desk.store.write() as conn:  # as if these stories had just arrived
                    conn.execute("DELETE FROM story_tags")
                    conn.execute("DELETE FROM story_state")
                    conn.execute(
                        "INSERT OR IGNORE INTO rule_queue SELECT id FROM stories"
                        " ORDER BY published DESC LIMIT ?",
                        (newest or -1,),
                    )
                start = time.perf_counter()
                run = desk.rules.run_pending()
                samples.add((time.perf_counter() - start) * 1000)
                matched = run.ruled if newest is None else matched
        desk.close()
    print(
        json.dumps(
            {
                "feed_files": len(files),
                "stories": stories,
                "ingest_errors": len(report.errors),
                "ingest_ms": round(ingest_ms),
                "rules": len(RULES),
                "stories_ruled": matched,
                "rules_run_ms": runs.summary(),
                f"rules_run_ms_newest_{REFRESH}": refreshes.summary(),
                "rules_ms_per_1000_stories": round(runs.median / max(stories, 1) * 1000, 1),
                "rules_share_of_ingest": round(runs.median / ingest_ms, 3),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
