"""Subscribed feeds and what triage remembers about fetching each one.

Conditional-GET validators (ETag, Last-Modified), the last success and error, and
a failure count that drives back-off all persist here, so a restart (or a crash)
neither refetches everything nor forgets that a feed is broken.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from triage.core.models import Feed
from triage.core.store.connection import Row
from triage.core.store.database import Store, from_iso, iso
from triage.core.textclean import clean_field, safe_line

MAX_BACKOFF = timedelta(hours=6)


def backoff_delay(failures: int) -> timedelta:
    """How long to leave a failing feed alone: 2^n minutes, capped at six hours."""
    if failures <= 1:
        return timedelta(0)
    return min(MAX_BACKOFF, timedelta(minutes=2 ** min(failures - 1, 10)))


class Feeds:
    """The desk's subscriptions."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @staticmethod
    def _row_to_feed(r: Row) -> Feed:
        return Feed(
            url=clean_field(r["url"]),
            name=safe_line(r["name"]),
            tags=tuple(json.loads(r["tags"])),
            full_text=bool(r["full_text"]),
            etag=clean_field(r["etag"]),  # response headers: a server's words too
            last_modified=safe_line(r["last_modified"]),
            last_success=from_iso(r["last_success"]) if r["last_success"] else None,
            last_error=safe_line(r["last_error"]),
            last_attempt=from_iso(r["last_attempt"]) if r["last_attempt"] else None,
            failures=int(r["failures"]),
            item_count=int(r["item_count"]),
        )

    def add(
        self, url: str, name: str = "", tags: Sequence[str] = (), full_text: bool | None = None
    ) -> Feed:
        """Subscribe to a feed (or update its name, tags and full-text setting).

        The name and address pass the store's sanitiser (a name given with
        ``--name`` or read from an OPML file becomes every story's outlet)."""
        url, name = clean_field(url), safe_line(name)
        with self.store.write() as conn:
            conn.execute(
                "INSERT INTO feeds (url, name, tags, full_text, added) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET"
                " name = CASE WHEN excluded.name != '' THEN excluded.name ELSE feeds.name END,"
                " tags = CASE WHEN excluded.tags != '[]' THEN excluded.tags ELSE feeds.tags END,"
                " full_text = CASE WHEN CAST(? AS INTEGER) IS NULL THEN feeds.full_text"
                " ELSE excluded.full_text END",
                (
                    url,
                    name,
                    json.dumps(sorted(set(tags))),
                    int(bool(full_text)),
                    iso(datetime.now(UTC)),
                    full_text,
                ),
            )
        feed = self.get(url)
        assert feed is not None
        return feed

    def remove(self, url: str) -> bool:
        """Unsubscribe; stories already ingested stay. Returns whether it existed."""
        with self.store.write() as conn:
            return conn.execute("DELETE FROM feeds WHERE url = ?", (url,)).rowcount > 0

    def get(self, url: str) -> Feed | None:
        """One subscription by URL."""
        row = self.store.conn.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        return self._row_to_feed(row) if row else None

    def all(self) -> list[Feed]:
        """Every subscription, by name."""
        rows = self.store.conn.execute("SELECT * FROM feeds ORDER BY lower(name), url")
        return [self._row_to_feed(r) for r in rows]

    def due(self, now: datetime | None = None) -> list[Feed]:
        """Subscriptions not currently backing off after repeated failures."""
        now = now or datetime.now(UTC)
        return [
            f
            for f in self.all()
            if f.last_attempt is None or now - f.last_attempt >= backoff_delay(f.failures)
        ]

    def record_success(
        self,
        url: str,
        etag: str,
        last_modified: str,
        item_count: int | None,
        title: str = "",
    ) -> None:
        """Remember a good fetch (``item_count`` None for a 304: keep the old count).

        ``title`` is the feed's own title (already cleaned by the parser): it names
        a feed subscribed by URL alone, and never replaces a name the editor gave.
        """
        now = iso(datetime.now(UTC))
        with self.store.write() as conn:
            conn.execute(
                "UPDATE feeds SET etag = ?, last_modified = ?, last_success = ?, last_attempt = ?,"
                " last_error = '', failures = 0, item_count = coalesce(?, item_count),"
                " name = CASE WHEN name = '' THEN ? ELSE name END"
                " WHERE url = ?",
                (etag, last_modified, now, now, item_count, title, url),
            )

    def set_tags(self, url: str, tags: Sequence[str]) -> Feed | None:
        """Replace a feed's tags (an empty list clears them); None when not subscribed."""
        with self.store.write() as conn:
            conn.execute(
                "UPDATE feeds SET tags = ? WHERE url = ?",
                (json.dumps(sorted({t for t in tags if t})), url),
            )
        return self.get(url)

    def record_failure(self, url: str, error: str) -> None:
        """Remember a failed fetch; repeated failures make the feed back off."""
        error = safe_line(error)
        now = iso(datetime.now(UTC))
        with self.store.write() as conn:
            conn.execute(
                "UPDATE feeds SET last_error = ?, last_attempt = ?, failures = failures + 1"
                " WHERE url = ?",
                (error, now, url),
            )

    def errors(self) -> list[Feed]:
        """Subscriptions whose last fetch failed."""
        return [f for f in self.all() if f.last_error]

    def unread_counts(self) -> dict[str, int]:
        """Feed URL -> how many of its stories are unread (feeds with none are left out)."""
        marked, by = self.store.read_marks()
        rows = self.store.conn.execute(
            "SELECT sf.feed, count(*) FROM story_feeds sf"
            f" WHERE sf.story_id NOT IN ({marked}) GROUP BY sf.feed",
            by,
        )
        return {str(feed): int(count) for feed, count in rows}
