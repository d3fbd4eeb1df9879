"""Which days each index shard covers, and which shard a new story goes to.

A shard is named by the first day it was opened for, and covers every day up
to the next shard's first day; the oldest also takes anything older, the newest
anything newer. The names alone are the partition, so nothing else is written
and a desk indexed one shard per day (as earlier versions did) is a valid
layout as it is.

Shards close by size, on a day boundary: the *live* shard (the newest one that
does not start in the future) takes every new story until it holds
:data:`SHARD_STORIES`; then the first story of a later day than any it holds
opens the next shard. Why a size and not a calendar: Whoosh pays per shard
and per term in each shard, so a quiet desk indexed by day writes ~30 small
indexes where one would do, while one shard for a large desk makes every
search and commit pay for the whole of it (docs/decisions/0002). A busy desk
(3k stories a day) still gets a shard per day, as before.

Routing needs the stories in publication order to cut well, so the index queue
is written oldest first (``Desk.sync_index``). A story dated after tomorrow
(a feed's wrong clock) gets a shard of its own day instead, so the live shard
can still close and the days stay in order.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

SHARD_STORIES = 2_000
"""The live shard closes at the first new day once it holds this many stories.

A shard then holds this many plus at most a day's worth. Sized so that the
newest shard, which the story list reads whole, costs no more than a day of a
100k desk (~3.3k stories) did, while a desk of under ~60 stories a day needs a
single shard a month.
"""

ShardStats = Callable[[str], tuple[int, str | None]]
"""A shard on disk -> (live documents, its newest story's day or None)."""


@dataclass(frozen=True, slots=True)
class Span:
    """The days one shard covers (inclusive ``YYYY-MM-DD``; None is open-ended)."""

    key: str
    first: str | None
    last: str | None

    def overlaps(self, first: str | None, last: str | None) -> bool:
        """Whether any day from ``first`` to ``last`` (None: open) is in this span."""
        return (first is None or self.last is None or self.last >= first) and (
            last is None or self.first is None or self.first <= last
        )

    def inside(self, first: str | None, last: str | None) -> bool:
        """Whether the whole span lies strictly between ``first`` and ``last``.

        Strictly: a span holding the range's first or last day is an *edge*,
        matched by the ids the store lists (``Desk.resolve_dates``).
        """
        after_first = first is None or (self.first is not None and self.first > first)
        before_last = last is None or (self.last is not None and self.last < last)
        return after_first and before_last


def _day_before(key: str) -> str:
    return (date.fromisoformat(key) - timedelta(days=1)).isoformat()


def spans(keys: Sequence[str]) -> list[Span]:
    """The span of each shard, oldest first, from the shard names."""
    ordered = sorted(keys)
    return [
        Span(
            key=key,
            first=None if number == 0 else key,
            last=_day_before(ordered[number + 1]) if number + 1 < len(ordered) else None,
        )
        for number, key in enumerate(ordered)
    ]


def covering(keys: Sequence[str], day: str) -> str | None:
    """The shard (of sorted ``keys``) whose span holds ``day``; None without shards."""
    if not keys:
        return None
    return keys[max(bisect_right(keys, day) - 1, 0)]


class Router:
    """Decides the shard of each story of one write, keeping count as it goes.

    Args:
        keys: The shards on disk.
        stats: Count and newest day of a shard on disk (read once per shard).
        tomorrow: The day after today (UTC); a story dated later is "future".
        shard_stories: The size at which the live shard closes.
    """

    def __init__(
        self, keys: Sequence[str], stats: ShardStats, tomorrow: str, shard_stories: int
    ) -> None:
        self.keys = sorted(keys)
        self._stats = stats
        self._tomorrow = tomorrow
        self._shard_stories = shard_stories
        self._known: dict[str, tuple[int, str | None]] = {}
        self._live = self._newest_from_today()

    def route(self, day: str) -> str:
        """The shard for a story of ``day``, new or on disk; the story is counted in it."""
        key = covering(self.keys, day)
        if key is None or self._opens(key, day):
            key = day
            self.keys.append(day)
            self.keys.sort()
            self._known[day] = (0, None)
            self._live = self._newest_from_today()
        count, newest = self._get(key)
        self._known[key] = (count + 1, day if newest is None or day > newest else newest)
        return key

    def _opens(self, key: str, day: str) -> bool:
        """Whether a story of ``day`` opens a new shard instead of joining ``key``."""
        count, newest = self._get(key)
        if newest is None or newest >= day:
            return False  # empty, or already holding this day or a later one
        if day > self._tomorrow:
            return key <= self._tomorrow  # a future day leaves the live shard alone
        return key == self._live and count >= self._shard_stories

    def _newest_from_today(self) -> str | None:
        """The live shard: the newest one that does not start after tomorrow."""
        if not self.keys or self.keys[0] > self._tomorrow:
            return None
        return covering(self.keys, self._tomorrow)

    def _get(self, key: str) -> tuple[int, str | None]:
        if key not in self._known:
            self._known[key] = self._stats(key)
        return self._known[key]
