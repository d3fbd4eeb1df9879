"""Quotations found in stories, kept in the store with stable ids.

A quote's id is derived from its story and its words, so re-extracting an updated
story keeps the ids (and the editor's quote tags) of the quotes that did not
change. Quotes are also indexed by word shingles of their folded text, so the same
quote told by several outlets (with small edits or transliteration variants) is
found with one SQL lookup instead of comparing every pair.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from triage.core.models import Quote, StoredQuote
from triage.core.quotes import quote_shingles, quotes_match
from triage.core.store.connection import Row
from triage.core.store.database import Store, chunks
from triage.core.store.tags import Tags

MAX_SHINGLE_POSTINGS = 200
"""Shingles carried by more quotes than this are too common to find a match with."""


def quote_id(story_id: str, text: str) -> str:
    """Stable id of a quote: its story plus its words."""
    digest = hashlib.blake2b(f"{story_id}\x00{text}".encode(), digest_size=5).hexdigest()
    return f"q{digest}"


def _signed(value: int) -> int:
    """SQLite integers are signed 64-bit; fold unsigned hashes into that range."""
    return value - (1 << 64) if value >= (1 << 63) else value


class Quotes:
    """The desk's quotations."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def replace(self, story_id: str, quotes: Sequence[Quote]) -> list[StoredQuote]:
        """Store a story's quotes, replacing what an earlier version of it had."""
        stored: list[StoredQuote] = []
        seen: set[str] = set()
        with self.store.write() as conn:
            old = [
                r[0] for r in conn.execute("SELECT id FROM quotes WHERE story_id = ?", (story_id,))
            ]
            conn.executemany("DELETE FROM quote_shingles WHERE quote_id = ?", [(q,) for q in old])
            conn.execute("DELETE FROM quotes WHERE story_id = ?", (story_id,))
            for quote in quotes:
                qid = quote_id(story_id, quote.text)
                if qid in seen:
                    qid = quote_id(story_id, f"{quote.text}\x00{quote.start}")
                seen.add(qid)
                conn.execute(
                    'INSERT INTO quotes (id, story_id, start, "end", text, speaker, speaker_start,'
                    " speaker_end, cue, confidence, role) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        qid,
                        story_id,
                        quote.start,
                        quote.end,
                        quote.text,
                        quote.speaker,
                        quote.speaker_start,
                        quote.speaker_end,
                        quote.cue,
                        quote.confidence,
                        quote.role,
                    ),
                )
                conn.executemany(
                    "INSERT OR IGNORE INTO quote_shingles (shingle, quote_id) VALUES (?, ?)",
                    [(_signed(s), qid) for s in quote_shingles(quote.text)],
                )
                stored.append(StoredQuote(id=qid, story_id=story_id, quote=quote))
        return stored

    @staticmethod
    def _row(row: Row, tags: dict[str, tuple[str, ...]] | None = None) -> StoredQuote:
        quote = Quote(
            text=row["text"],
            start=row["start"],
            end=row["end"],
            speaker=row["speaker"],
            speaker_start=row["speaker_start"],
            speaker_end=row["speaker_end"],
            cue=row["cue"],
            confidence=row["confidence"],
            role=row["role"],
        )
        qid = str(row["id"])
        return StoredQuote(qid, str(row["story_id"]), quote, (tags or {}).get(qid, ()))

    def _with_tags(self, rows: list[Row]) -> list[StoredQuote]:
        tags = Tags(self.store).quote_tags([str(r["id"]) for r in rows])
        return [self._row(r, tags) for r in rows]

    def for_stories(self, story_ids: Sequence[str]) -> list[StoredQuote]:
        """Quotes of the given stories, story by story (in the order given), by position."""
        order = {sid: index for index, sid in enumerate(story_ids)}
        rows: list[Row] = []
        for chunk in chunks(story_ids):
            marks = ",".join("?" * len(chunk))
            rows.extend(
                self.store.conn.execute(f"SELECT * FROM quotes WHERE story_id IN ({marks})", chunk)
            )
        rows.sort(key=lambda r: (order[r["story_id"]], r["start"]))
        return self._with_tags(rows)

    def get(self, qid: str) -> StoredQuote | None:
        """One quote by id (or unique id prefix)."""
        rows = self.store.conn.execute(
            "SELECT * FROM quotes WHERE id = ? OR id LIKE ? LIMIT 2", (qid, qid + "%")
        ).fetchall()
        exact = [r for r in rows if r["id"] == qid]
        chosen = exact or (rows if len(rows) == 1 else [])
        return self._with_tags(chosen)[0] if chosen else None

    def by_speaker(self, name: str, limit: int = 1000) -> list[StoredQuote]:
        """Quotes whose speaker contains ``name`` (case-insensitive)."""
        pattern = "%" + name.replace("%", "").replace("_", "") + "%"
        rows = self.store.conn.execute(
            "SELECT * FROM quotes WHERE speaker LIKE ? ORDER BY story_id, start LIMIT ?",
            (pattern, limit),
        ).fetchall()
        return self._with_tags(rows)

    def with_tag(self, tag: str) -> list[StoredQuote]:
        """Quotes carrying a tag."""
        rows = self.store.conn.execute(
            "SELECT q.* FROM quotes q JOIN quote_tags t ON t.quote_id = q.id WHERE t.tag = ?"
            " ORDER BY q.story_id, q.start",
            (tag.lower(),),
        ).fetchall()
        return self._with_tags(rows)

    def same_quote_elsewhere(self, quote: StoredQuote) -> list[StoredQuote]:
        """The same quotation in other stories, despite small edits and spelling variants."""
        shingles = [_signed(s) for s in quote_shingles(quote.quote.text)]
        if not shingles:
            return []
        counts: dict[str, int] = {}
        for chunk in chunks(shingles):
            marks = ",".join("?" * len(chunk))
            for (qid,) in self.store.conn.execute(
                f"SELECT quote_id FROM quote_shingles WHERE shingle IN ({marks})", chunk
            ):
                counts[qid] = counts.get(qid, 0) + 1
        candidates = [
            qid for qid, n in sorted(counts.items(), key=lambda kv: -kv[1]) if qid != quote.id
        ][:MAX_SHINGLE_POSTINGS]
        if not candidates:
            return []
        marks = ",".join("?" * len(candidates))
        rows = self.store.conn.execute(
            f"SELECT * FROM quotes WHERE id IN ({marks}) AND story_id != ?",
            (*candidates, quote.story_id),
        ).fetchall()
        return [q for q in self._with_tags(rows) if quotes_match(quote.quote.text, q.quote.text)]

    def count(self) -> int:
        """Number of quotes in the desk."""
        return int(self.store.conn.execute("SELECT count(*) FROM quotes").fetchone()[0])
