"""Editor state in a query: ``tag:``, ``is:`` and ``published:`` answered by the store.

The index holds only what stories say; tags, read marks and exact publication
times live in the store of record. A query's virtual fields are resolved here,
at query time, into sets of story ids that :func:`parse_query` splices into the
Whoosh query, so a tag is searchable the instant it is set.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from triage.core.search.schema import AllBut, day_key, day_start
from triage.core.search.shards import ShardedIndex
from triage.core.store import HIDDEN_TAG, PINNED_TAG, EditorError, Editors, Store, Tags, iso


class StoreFilters:
    """Resolvers for :func:`parse_query` over one store and its index."""

    def __init__(self, store: Store, index: ShardedIndex) -> None:
        self.store = store
        self.index = index

    def resolve_virtual(self, field: str, value: str) -> set[str] | AllBut | None:
        """Answer ``tag:``, ``is:`` (read, unread, tagged, hidden, pinned), ``tagged-by:``
        and ``assigned:`` (``me``: this terminal's editor) from the store of record."""
        if field == "tag":
            return Tags(self.store).story_ids_with_tag(value)
        if field in ("taggedby", "assigned"):
            editors = Editors(self.store)
            try:
                if field == "taggedby":
                    return editors.story_ids_tagged_by(value)
                return editors.story_ids_assigned_to(value)
            except EditorError:
                return set()
        value = value.lower()
        if value in ("read", "unread"):
            read = self.store.read_ids()
            return read if value == "read" else AllBut(frozenset(read))
        if value in ("hidden", "pinned"):  # what the rules' hide and pin set
            tag = HIDDEN_TAG if value == "hidden" else PINNED_TAG
            return Tags(self.store).story_ids_with_tag(tag)
        if value == "tagged":
            rows = self.store.conn.execute("SELECT DISTINCT story_id FROM story_tags")
            return {str(r[0]) for r in rows}
        return None

    def resolve_dates(
        self, start: datetime | None, end: datetime | None, start_excl: bool, end_excl: bool
    ) -> set[str]:
        """Answer a ``published:`` range from the store's date index (naive times are UTC).

        Only the ids in the index shards holding the range's first and last UTC
        days are listed: the index matches the shards in between whole
        (``search.queries.for_span``), so a week's range on a busy desk costs two
        days of ids. Stored times have whole seconds, so bounds with microseconds
        are rounded to the second that keeps the comparison exact.
        """
        clauses, args = [], []
        if start is not None:
            whole = start.replace(microsecond=0, tzinfo=UTC)
            if start.microsecond and not start_excl:
                whole += timedelta(seconds=1)
            clauses.append("published > ?" if start_excl else "published >= ?")
            args.append(iso(whole))
        if end is not None:
            whole = end.replace(microsecond=0, tzinfo=UTC)
            if end.microsecond and end_excl:
                whole += timedelta(seconds=1)
            clauses.append("published < ?" if end_excl else "published <= ?")
            args.append(iso(whole))
        edges: list[tuple[str, str]] = []
        first, last = self.index.spans_of(
            day_key(start) if start is not None else None, day_key(end) if end is not None else None
        )
        if first is not None and first.last is not None:  # before the next shard begins
            edges.append(("published < ?", iso(_midnight_after(first.last))))
        if last is not None and last.first is not None:  # from the last shard's first day
            edges.append(("published >= ?", iso(day_start(datetime.fromisoformat(last.first)))))
        open_edge = (first is not None and first.last is None) or (
            last is not None and last.first is None
        )
        if edges and not open_edge:  # an open-ended edge shard needs every id in range
            clauses.append(f"({' OR '.join(clause for clause, _ in edges)})")
            args.extend(arg for _, arg in edges)
        where = " AND ".join(clauses) or "1 = 1"
        rows = self.store.conn.execute(f"SELECT id FROM stories WHERE {where}", args)
        return {str(r[0]) for r in rows}


def _midnight_after(day: str) -> datetime:
    """The first moment (UTC) after the day ``YYYY-MM-DD``."""
    return day_start(datetime.fromisoformat(day)) + timedelta(days=1)
