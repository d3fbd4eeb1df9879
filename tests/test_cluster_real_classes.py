"""Clusters on the patterns real feeds carry: a show's episodes are not one event."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from triage.core.clusters.engine import ClusterEngine
from triage.core.models import Story

T0 = datetime(2031, 3, 4, 9, tzinfo=UTC)
SHOW = (
    "Welcome back to the Lantern Hour, the weekly show about tabletop games, "
    "hosted by Orla Penn and Basil Quint from the studio in Marrowby. "
)
TOPICS = [
    "This week the hosts review a cooperative card game about lighthouse keepers.",
    "Today a designer explains how she balanced a trading game set on river barges.",
    "The episode covers a dungeon crawler whose miniatures divided the whole forum.",
    "Listeners send questions about teaching heavy strategy games to new players.",
]


def item(story_id: str, title: str, body: str, source: str, hours: float) -> Story:
    host = source.lower().replace(" ", "")
    return Story(
        id=story_id,
        title=title,
        url=f"https://{host}.example/{story_id}",
        source=source,
        published=T0 + timedelta(hours=hours),
        body=body,
    )


def sizes(stories: list[Story]) -> list[int]:
    engine = ClusterEngine(sqlite3.connect(":memory:"))
    for story in stories:
        engine.assign(story, ())
    return sorted(c.size for c in engine.clusters())


def test_a_shows_episodes_do_not_cluster() -> None:
    episodes = [
        item(f"ep{n}", f"Episode {500 + n}: Lantern Hour", SHOW + topic, "Lantern Hour", n)
        for n, topic in enumerate(TOPICS)
    ]
    assert sizes(episodes) == [1, 1, 1, 1]
