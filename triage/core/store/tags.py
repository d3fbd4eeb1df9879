"""Editor tags on stories and quotes, and saved searches: single-row writes.

Tags are free-form, lower-case words. They live only in the store of record, so a
tag is durable and searchable (``tag:NAME``) the instant it is set, without a
search-index commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from triage.core.store.database import Store, chunks, iso
from triage.core.store.editors import Editors

_TAG_CHARS = re.compile(r"[^\w\-./:+]")

HIDDEN_TAG = "hidden"
"""Stories with this tag are left out of the story list (``is:hidden`` lists them)."""
PINNED_TAG = "pinned"
"""Stories with this tag stay at the top of the story list (``is:pinned`` lists them)."""


class TagError(ValueError):
    """A tag that cannot be used (empty after normalisation)."""


def normalize_tag(tag: str) -> str:
    """Lower-case, no spaces or punctuation beyond ``- . / : +``.

    Raises:
        TagError: When nothing usable is left.
    """
    cleaned = _TAG_CHARS.sub("-", tag.strip().lower()).strip("-")
    if not cleaned:
        raise TagError(f"not a usable tag: {tag!r}")
    return cleaned[:64]


class Tags:
    """Tags of stories and quotes, and the editor's saved searches."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def _editor(self) -> Editors:
        return Editors(self.store)

    def tag_stories(self, story_ids: Sequence[str], tags: Iterable[str]) -> list[str]:
        """Add tags to stories; returns the normalised tags."""
        clean = [normalize_tag(t) for t in tags]
        now = iso(datetime.now(UTC))
        with self.store.write(alone=False) as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO story_tags (story_id, tag, added, tagged_by)"
                " VALUES (?, ?, ?, ?)",
                [(sid, tag, now, self.store.editor) for sid in story_ids for tag in clean],
            )
        return clean

    def untag_stories(self, story_ids: Sequence[str], tags: Iterable[str]) -> list[str]:
        """Remove tags from stories; returns the normalised tags."""
        clean = [normalize_tag(t) for t in tags]
        with self.store.write(alone=False) as conn:
            conn.executemany(
                "DELETE FROM story_tags WHERE story_id = ? AND tag = ?",
                [(sid, tag) for sid in story_ids for tag in clean],
            )
        return clean

    def story_ids_with_tag(self, tag: str) -> set[str]:
        """Stories carrying ``tag``; a trailing ``*`` matches a prefix."""
        if tag.endswith("*"):
            prefix = tag[:-1].lower().replace("%", r"\%").replace("_", r"\_")
            rows = self.store.conn.execute(
                "SELECT story_id FROM story_tags WHERE tag LIKE ? ESCAPE '\\'", (prefix + "%",)
            )
        else:
            rows = self.store.conn.execute(
                "SELECT story_id FROM story_tags WHERE tag = ?", (tag.lower(),)
            )
        return {str(r[0]) for r in rows}

    def all_tags(self) -> list[tuple[str, int]]:
        """Every tag in use on stories or quotes, with how often, most used first."""
        rows = self.store.conn.execute(
            "SELECT tag, count(*) FROM (SELECT tag FROM story_tags UNION ALL"
            " SELECT tag FROM quote_tags) AS used GROUP BY tag ORDER BY count(*) DESC, tag"
        )
        return [(str(r[0]), int(r[1])) for r in rows]

    # -- quotes ------------------------------------------------------------------

    def tag_quotes(self, quote_ids: Sequence[str], tags: Iterable[str]) -> list[str]:
        """Add tags to quotes; returns the normalised tags."""
        clean = [normalize_tag(t) for t in tags]
        now = iso(datetime.now(UTC))
        with self.store.write(alone=False) as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO quote_tags (quote_id, tag, added) VALUES (?, ?, ?)",
                [(qid, tag, now) for qid in quote_ids for tag in clean],
            )
        return clean

    def untag_quotes(self, quote_ids: Sequence[str], tags: Iterable[str]) -> list[str]:
        """Remove tags from quotes."""
        clean = [normalize_tag(t) for t in tags]
        with self.store.write(alone=False) as conn:
            conn.executemany(
                "DELETE FROM quote_tags WHERE quote_id = ? AND tag = ?",
                [(qid, tag) for qid in quote_ids for tag in clean],
            )
        return clean

    def quote_tags(self, quote_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Tags of each quote id that has any."""
        found: dict[str, list[str]] = {}
        for chunk in chunks(quote_ids):
            marks = ",".join("?" * len(chunk))
            for qid, tag in self.store.conn.execute(
                f"SELECT quote_id, tag FROM quote_tags WHERE quote_id IN ({marks}) ORDER BY tag",
                chunk,
            ):
                found.setdefault(str(qid), []).append(str(tag))
        return {k: tuple(v) for k, v in found.items()}

    # -- saved searches ----------------------------------------------------------

    def save_search(self, name: str, query: str, sort: str = "") -> None:
        """Save (or replace) a named search, with the story list's order for it
        ('' for the default); new ones go last. A named editor's searches are their
        own (:mod:`triage.core.store.editors`)."""
        if self.store.editor:
            return self._editor.save_search(name, query, sort)
        with self.store.write() as conn:
            row = conn.execute("SELECT coalesce(max(position), 0) + 1 FROM saved_searches")
            position = int(row.fetchone()[0])
            conn.execute(
                "INSERT INTO saved_searches (name, query, position, sort) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(name) DO UPDATE SET query = excluded.query, sort = excluded.sort",
                (name.strip(), query, position, sort),
            )

    def set_search_sort(self, query: str, sort: str) -> int:
        """Remember ``sort`` for every saved search of ``query``; returns how many."""
        if self.store.editor:
            return self._editor.set_search_sort(query, sort)
        with self.store.write() as conn:
            changed = conn.execute(
                "UPDATE saved_searches SET sort = ? WHERE query = ?", (sort, query)
            )
            return changed.rowcount

    def search_sorts(self) -> dict[str, str]:
        """Saved query -> the order remembered for it (searches without one left out)."""
        if self.store.editor:
            return self._editor.search_sorts()
        rows = self.store.conn.execute(
            "SELECT query, sort FROM saved_searches WHERE sort != '' ORDER BY position"
        )
        return {str(r[0]): str(r[1]) for r in rows}

    def delete_search(self, name: str) -> bool:
        """Forget a saved search; returns whether it existed."""
        if self.store.editor:
            return self._editor.delete_search(name)
        with self.store.write() as conn:
            return conn.execute("DELETE FROM saved_searches WHERE name = ?", (name,)).rowcount > 0

    def saved_searches(self) -> list[tuple[str, str]]:
        """Saved searches as ``(name, query)``, in the order they were saved."""
        if self.store.editor:
            return self._editor.saved_searches()
        rows = self.store.conn.execute("SELECT name, query FROM saved_searches ORDER BY position")
        return [(str(r[0]), str(r[1])) for r in rows]
