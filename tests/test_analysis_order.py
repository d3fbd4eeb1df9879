"""Stories are clustered oldest first, an undated story at the start of its day.

The analyser takes the pending stories in batches, each the oldest by publication
time, except that a story without a trustworthy date counts by its day alone (its
time is only when it was first seen). A batch read that looks at fewer stories than
all pending ones must still take exactly these, across a day boundary too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from triage.core.desk import Desk
from triage.core.models import Story

STORIES = [
    # id, publication time, dated
    ("a", "2024-05-01T08:00", True),
    ("b", "2024-05-01T20:00", False),
    ("c", "2024-05-01T12:00", True),
    ("d", "2024-05-02T01:00", True),
    ("e", "2024-05-02T02:00", True),
    ("f", "2024-05-02T23:30", False),
    ("g", "2024-05-02T03:00", True),
    ("h", "2024-05-03T00:30", False),
    ("i", "2024-05-01T23:59", True),
]

EXPECTED = ["b", "a", "c", "i", "f", "d", "e", "g", "h"]
"""By day for the undated (b, f, h) and by time for the rest. With batches of three,
the second batch must reach f (undated, late on the day of its third-oldest story by
time) ahead of e."""


def test_batches_follow_publication_order_with_undated_stories_by_day(tmp_path: Path) -> None:
    desk = Desk(tmp_path / "desk")
    for story_id, moment, dated in STORIES:
        story = Story(
            id=story_id,
            title=f"Story {story_id}",
            url=f"https://outlet.example/{story_id}",
            source="Outlet",
            published=datetime.fromisoformat(moment).replace(tzinfo=UTC),
            body=f"Body of story {story_id}, about nothing in particular.",
        )
        desk.store.upsert_story(
            story, identity=f"id-{story_id}", content_hash=story_id, dated=dated
        )
    assert desk.pending_analysis() == len(STORIES)

    assert desk.analyse_pending(batch=3) == len(STORIES)

    order = [
        str(row[0])
        for row in desk.store.conn.execute("SELECT story_id FROM cluster_story ORDER BY seq")
    ]
    desk.close()
    assert order == EXPECTED
