"""The story list's order from the store: unread first, newest first, paged."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from triage.core.desk import Desk
from triage.core.models import Story

START = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def desk(any_desk: Desk) -> Desk:
    """These tests run on both engines of the store."""
    return any_desk


def fill(desk: Desk, count: int) -> list[str]:
    """``count`` stories an hour apart; returns their ids newest first."""
    with desk.store.write():
        for n in range(count):
            story = Story(
                id=f"s{n:03d}",
                title=f"Story {n}",
                url=f"https://o.example/{n}",
                source="Wire",
                published=START + timedelta(hours=n),
                body="Text.",
            )
            desk.store.upsert_story(story, f"k{n}", hashlib.sha1(str(n).encode()).hexdigest())
    return [f"s{n:03d}" for n in reversed(range(count))]


def test_pages_put_unread_first_then_newest_across_the_boundary(desk: Desk) -> None:
    newest_first = fill(desk, 12)
    read = {"s011", "s007", "s003", "s002"}
    desk.store.set_read(sorted(read))
    expected = [i for i in newest_first if i not in read] + [i for i in newest_first if i in read]
    pages = [desk.store.latest_ids(5, offset=o) for o in (0, 5, 10)]
    assert pages[0] + pages[1] + pages[2] == expected  # the 5..10 page spans both parts
    assert desk.store.latest_ids(20) == expected
    assert desk.store.latest_ids(3, offset=1, unread_only=True) == expected[1:4]
    assert desk.store.latest_ids(20, unread_only=True) == expected[:8]
    assert desk.store.latest_ids(4, offset=2, unread_first=False) == newest_first[2:6]
    assert desk.store.unread_count() == 8
