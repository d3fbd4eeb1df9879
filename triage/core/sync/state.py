"""A desk's feed servers, their feeds, cursors and the last agreed item state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from triage.core.store import Store, iso
from triage.core.sync.backend import ServerFeed
from triage.core.textclean import clean_field, safe_line


@dataclass(frozen=True, slots=True)
class ServerRecord:
    """One server of the desk (no credential: see :mod:`.credentials`)."""

    url: str
    kind: str
    user: str
    since_id: int
    last_sync: str | None
    last_error: str
    feeds: tuple[ServerFeed, ...] = ()
    items: int = 0


@dataclass(frozen=True, slots=True)
class AgreedItem:
    """An item's story and the read/saved state both sides last agreed on."""

    item_id: int
    story_id: str
    read: bool
    saved: bool


class Servers:
    """The ``servers``, ``server_feeds`` and ``server_items`` tables of a store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, url: str, kind: str, user: str) -> None:
        """Add a server, or change the user of one already there (cursor kept)."""
        with self.store.write() as conn:
            conn.execute(
                "INSERT INTO servers (url, kind, user, added) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET kind = excluded.kind, user = excluded.user",
                (clean_field(url), kind, safe_line(user), iso(datetime.now(UTC))),
            )

    def remove(self, url: str) -> bool:
        """Forget a server, its feeds and item state (its stories stay)."""
        with self.store.write() as conn:
            gone = conn.execute("DELETE FROM servers WHERE url = ?", (url,)).rowcount
            conn.execute("DELETE FROM server_feeds WHERE server = ?", (url,))
            conn.execute("DELETE FROM server_items WHERE server = ?", (url,))
        return bool(gone)

    def get(self, url: str) -> ServerRecord | None:
        found = [s for s in self.all() if s.url == url]
        return found[0] if found else None

    def all(self) -> list[ServerRecord]:
        conn = self.store.conn
        records = []
        for row in conn.execute("SELECT * FROM servers ORDER BY url").fetchall():
            feeds = tuple(
                ServerFeed(
                    str(f[0]),
                    clean_field(f[1]),
                    safe_line(f[2]),
                    clean_field(f[3]),
                    safe_line(f[4]),
                )
                for f in conn.execute(
                    "SELECT feed_id, url, title, site_url, grp FROM server_feeds"
                    " WHERE server = ? ORDER BY grp, title, url",
                    (row["url"],),
                )
            )
            items = conn.execute(
                "SELECT COUNT(*) FROM server_items WHERE server = ?", (row["url"],)
            ).fetchone()[0]
            records.append(
                ServerRecord(
                    url=str(row["url"]),
                    kind=str(row["kind"]),
                    user=safe_line(row["user"]),
                    since_id=int(row["since_id"]),
                    last_sync=row["last_sync"],
                    last_error=safe_line(row["last_error"]),
                    feeds=feeds,
                    items=int(items),
                )
            )
        return records

    def set_feeds(self, url: str, feeds: Sequence[ServerFeed]) -> None:
        """Replace the server's subscriptions with what it lists now."""
        with self.store.write() as conn:
            conn.execute("DELETE FROM server_feeds WHERE server = ?", (url,))
            conn.executemany(
                "INSERT OR REPLACE INTO server_feeds (server, feed_id, url, title, site_url, grp)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(url, f.feed_id, f.url, f.title, f.site_url, f.group) for f in feeds],
            )

    def set_cursor(self, url: str, since_id: int) -> None:
        with self.store.write() as conn:
            conn.execute("UPDATE servers SET since_id = ? WHERE url = ?", (since_id, url))

    def record_result(self, url: str, error: str) -> None:
        """Note a finished sync (its time when it succeeded) or its failure."""
        with self.store.write() as conn:
            if error:
                conn.execute(
                    "UPDATE servers SET last_error = ? WHERE url = ?", (safe_line(error), url)
                )
            else:
                conn.execute(
                    "UPDATE servers SET last_error = '', last_sync = ? WHERE url = ?",
                    (iso(datetime.now(UTC)), url),
                )

    def agreed(self, url: str) -> list[AgreedItem]:
        rows = self.store.conn.execute(
            "SELECT item_id, story_id, read, saved FROM server_items WHERE server = ?"
            " ORDER BY item_id",
            (url,),
        )
        return [AgreedItem(int(r[0]), str(r[1]), bool(r[2]), bool(r[3])) for r in rows]

    def known_ids(self, url: str, ids: Sequence[int]) -> set[int]:
        found: set[int] = set()
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            found.update(
                int(r[0])
                for r in self.store.conn.execute(
                    f"SELECT item_id FROM server_items WHERE server = ? AND item_id IN ({marks})",
                    (url, *chunk),
                )
            )
        return found

    def agree(self, url: str, items: Sequence[AgreedItem]) -> None:
        """Record the state both sides now hold for these items."""
        with self.store.write() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO server_items (server, item_id, story_id, read, saved)"
                " VALUES (?, ?, ?, ?, ?)",
                [(url, i.item_id, i.story_id, int(i.read), int(i.saved)) for i in items],
            )
