"""The desk's cache of article pages fetched for full text.

Only the extracted text and the HTTP validators are kept, not the HTML, so the
cache stays small. A later ingest sends the validators in a conditional request and
reuses the text on a 304; a failure is remembered too, so a page that just failed is
not asked for again on every refresh (see :data:`RETRY_FAILED_AFTER`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from triage.core.models import utc_now
from triage.core.store import Store, from_iso, iso

SCHEMA = """
CREATE TABLE IF NOT EXISTS page_cache (
    url TEXT PRIMARY KEY,
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    fetched TEXT NOT NULL,
    status INTEGER,
    body_text TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT ''
)
"""

RETRY_FAILED_AFTER = timedelta(hours=1)
"""A failed page is tried again only after this long (it may have been a blip)."""
KEEP_FOR = timedelta(days=60)
"""Pages not fetched or revalidated for this long are forgotten."""


@dataclass(frozen=True, slots=True)
class CachedPage:
    """What the desk remembers about one article page.

    Attributes:
        url: The page's URL, as requested.
        etag: Validator for If-None-Match, possibly empty.
        last_modified: Validator for If-Modified-Since, possibly empty.
        fetched: When the page was last fetched or revalidated.
        status: The last HTTP status, None when no response came.
        text: The extracted article text (empty after a failure).
        error: One line saying why the last attempt failed, empty on success.
    """

    url: str
    etag: str = ""
    last_modified: str = ""
    fetched: datetime | None = None
    status: int | None = None
    text: str = ""
    error: str = ""

    @property
    def usable(self) -> bool:
        """Whether the cached text can answer a 304."""
        return not self.error and bool(self.text)

    def failed_recently(self, now: datetime) -> bool:
        """A failure young enough that retrying now would only bother the server."""
        return (
            bool(self.error)
            and self.fetched is not None
            and (now - self.fetched < RETRY_FAILED_AFTER)
        )


class PageCache:
    """The ``page_cache`` table of one desk (this thread's connection)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        with store.write() as conn:
            conn.execute(SCHEMA)

    def get_many(self, urls: Iterable[str]) -> dict[str, CachedPage]:
        """Cached pages by URL (URLs never fetched are absent)."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, CachedPage] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.store.conn.execute(
                f"SELECT * FROM page_cache WHERE url IN ({marks})", chunk
            )
            for row in rows:
                found[row["url"]] = CachedPage(
                    url=row["url"],
                    etag=row["etag"],
                    last_modified=row["last_modified"],
                    fetched=from_iso(row["fetched"]),
                    status=row["status"],
                    text=row["body_text"],
                    error=row["error"],
                )
        return found

    def put_many(self, pages: Iterable[CachedPage]) -> None:
        """Record fetched pages, and forget pages not seen for :data:`KEEP_FOR`."""
        now = utc_now()
        rows = [
            (p.url, p.etag, p.last_modified, iso(p.fetched or now), p.status, p.text, p.error)
            for p in pages
        ]
        with self.store.write() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO page_cache"
                " (url, etag, last_modified, fetched, status, body_text, error)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.execute("DELETE FROM page_cache WHERE fetched < ?", (iso(now - KEEP_FOR),))

    def count(self) -> int:
        """Number of cached pages (for tests and diagnostics)."""
        return int(self.store.conn.execute("SELECT count(*) FROM page_cache").fetchone()[0])
