"""The store of record: stories and all editor state, in SQLite or PostgreSQL.

Everything an editor does (tags, read marks, saved searches, feed state, cluster
corrections) is a short transaction here, durable the moment it returns and
independent of the search index. :class:`Store` is the one interface; what differs
between the engines (connecting, how writers queue, the SQL dialect) lives in its
backend, :mod:`triage.core.store.sqlite` (a desk file, the default) or
:mod:`triage.core.store.postgres` (a team desk, ``postgresql://...``). Write
transactions queue one at a time on both, so concurrent writers (a CLI ingest,
the open app, a CLI tag) wait for each other instead of failing.

Stories whose search document is stale are listed in ``index_queue`` in the same
transaction that changed them; the indexer drains the queue after its Whoosh
commit, so a crash at any instant leaves at worst some stories to re-index.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from triage.core.models import Story
from triage.core.store.connection import Connection, Row, is_postgres
from triage.core.store.migrations import migrate
from triage.core.store.sqlite import SqliteBackend

if TYPE_CHECKING:
    from triage.core.store.postgres import PostgresBackend
from triage.core.textclean import clean_field, safe_line, safe_text

DB_NAME = "triage.sqlite3"
"""The store's file inside a desk directory."""

StoryChange = Literal["added", "updated", "unchanged"]
T = TypeVar("T")


def iso(moment: datetime) -> str:
    """Store times as sortable ISO 8601 UTC text (years zero-padded to four digits,
    which ``strftime("%Y")`` does not do below 1000 on every platform)."""
    m = moment.astimezone(UTC)
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"


def from_iso(text: str) -> datetime:
    """Read a time written by :func:`iso`; an unreadable one (an older desk's
    unpadded year) is read as the epoch rather than failing every listing."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError):
        match = re.match(r"^(\d{1,4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z$", text)
        if match:
            try:
                y, mo, d, h, mi, se = (int(g) for g in match.groups())
                return datetime(max(y, 1), mo, d, h, mi, se, tzinfo=UTC)
            except ValueError:
                pass
        return datetime(1970, 1, 1, tzinfo=UTC)


def safe_story(story: Story, body: bool = True) -> Story:
    """``story`` with no escape sequence, control character or bidi override in any
    field: the store's one sanitiser, applied to every story written, whatever path
    its text came by. Stories read back get it too, without ``body`` (the long text
    fields, cleaned when written by every version, cost too much to scan on each
    read): a desk written by an older version may hold a raw link or outlet name."""
    return replace(
        story,
        title=safe_line(story.title),
        url=clean_field(story.url),
        source=safe_line(story.source),
        author=safe_line(story.author),
        guid=clean_field(story.guid),
        summary=safe_text(story.summary) if body else story.summary,
        body=safe_text(story.body) if body else story.body,
        note=safe_line(story.note),
    )


SORTS = ("unread", "newest", "oldest", "feed", "biggest")
"""The story list's orders, as an editor picks them (``biggest`` is ``ranked`` by
cluster size, which the desk works out; see :meth:`Store.ordered_ids`)."""

_NEWEST = "s.published DESC, s.id DESC"
ORDERS = {
    # the default editor's read marks; ordered_ids puts a named editor's in their place
    "unread": f"s.id IN (SELECT story_id FROM story_state WHERE read = 1), {_NEWEST}",
    "newest": _NEWEST,
    "oldest": "s.published ASC, s.id ASC",
    "feed": f"lower(s.source), {_NEWEST}",
    "ranked": f"coalesce(r.rank, 4611686018427387904), {_NEWEST}",  # 2**62: after every rank
}


class Store:
    """Stories and their editor state, in one database of either engine.

    ``location`` is a desk file's path (SQLite) or a ``postgresql://`` URL; on
    PostgreSQL, ``terminal`` names the terminal whose search index this store's
    index queue feeds (each terminal keeps its own index). One ``Store`` holds one
    connection; it may be used from one thread at a time (the desk gives each
    thread its own). ``editor`` names whose read marks and saved searches these
    are, and who sets its tags (``""``, the default editor: a desk of one, whose
    marks are the ones every desk had before editors).
    """

    def __init__(self, location: Path | str, terminal: str = "", editor: str = "") -> None:
        self.backend: SqliteBackend | PostgresBackend
        if is_postgres(location):
            from triage.core.store.postgres import PostgresBackend  # psycopg: team desks only

            self.backend = PostgresBackend(str(location), terminal, editor)
        else:
            self.backend = SqliteBackend(Path(location))
        self.location = self.backend.location
        self.editor = editor
        self.dialect = self.backend.dialect
        self.path = None if is_postgres(location) else Path(location)
        self.conn: Connection = self.backend.conn
        self._depth = 0
        self._lock = threading.RLock()
        with self.write() as conn:
            migrate(conn, self.dialect)
            self.backend.opened()
        self.backend.schema_changed()

    def close(self) -> None:
        """Close the connection (on PostgreSQL, give it back to the pool)."""
        self.backend.close()

    @contextmanager
    def fetcher(self) -> Iterator[bool]:
        """Try to be the one terminal fetching feeds for this desk; yields whether
        this one is (on a team desk, a PostgreSQL advisory lock elects it; a desk
        file lets every terminal fetch, as before)."""
        with self.backend.fetcher() as elected:
            yield elected

    def announce_fetch(self, stage: str, done: int, total: int) -> None:
        """While this terminal fetches a team desk's feeds (inside :meth:`fetcher`),
        show the other terminals how far it has come; nothing on a desk file."""
        self.backend.announce_fetch(self.editor, stage, done, total)

    @contextmanager
    def write(self, alone: bool = True) -> Iterator[Connection]:
        """A write transaction; nested calls join the outer one.

        Writers queue one at a time (see the backends): SQLite's busy timeout alone
        lets a writer that commits and begins again starve the others. On
        PostgreSQL an editor's mark (``alone`` off: single upserts or deletes of
        rows no read-then-write depends on) skips that queue and relies on the
        server's row locks, so it does not wait behind an ingest's transaction.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            with self.backend.transaction(alone) as conn:
                self._depth = 1
                try:
                    yield conn
                finally:
                    self._depth = 0

    # -- meta --------------------------------------------------------------------

    def get_meta(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- stories -----------------------------------------------------------------

    def upsert_story(
        self, story: Story, identity: str, content_hash: str, dated: bool = True
    ) -> StoryChange:
        """Insert or update a story by identity; editor state is never touched.

        An undated entry (``dated`` false) keeps the publication time it was first
        stored with, so re-fetching it does not move it to the top of the list.
        Returns whether the story was added, updated (content changed) or unchanged.
        Feeds listed on the story are linked to it in every case.
        """
        story = safe_story(story)
        with self.write() as conn:
            row = conn.execute(
                "SELECT id, content_hash, origin FROM stories WHERE identity = ?", (identity,)
            ).fetchone()
            origin = story.feeds[0] if story.feeds else ""
            owned = row is not None and (not row["origin"] or row["origin"] in story.feeds)
            change: StoryChange
            if row is None:
                conn.execute(
                    "INSERT INTO stories (id, identity, title, url, source, author, published,"
                    " fetched, summary, body, guid, note, content_hash, seq, dated)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,1,?)",
                    (
                        story.id,
                        identity,
                        story.title,
                        story.url,
                        story.source,
                        story.author,
                        iso(story.published),
                        iso(story.fetched),
                        story.summary,
                        story.body,
                        story.guid,
                        story.note,
                        content_hash,
                        int(dated),
                    ),
                )
                conn.execute("UPDATE stories SET origin = ? WHERE id = ?", (origin, story.id))
                change = "added"
                # the rules on ingest run over it once it is quoted and indexed
                conn.execute("INSERT OR IGNORE INTO rule_queue (story_id) VALUES (?)", (story.id,))
            elif row["content_hash"] != content_hash and owned:
                conn.execute(
                    "UPDATE stories SET title=?, url=?, source=?, author=?,"
                    " published=CASE WHEN ? = 1 THEN ? ELSE published END,"
                    " dated=CASE WHEN ? = 1 THEN 1 ELSE dated END,"
                    " summary=?, body=?, guid=?, note=?, content_hash=?, seq=seq+1 WHERE id=?",
                    (
                        story.title,
                        story.url,
                        story.source,
                        story.author,
                        int(dated),
                        iso(story.published),
                        int(dated),
                        story.summary,
                        story.body,
                        story.guid,
                        story.note,
                        content_hash,
                        row["id"],
                    ),
                )
                if not row["origin"]:
                    conn.execute("UPDATE stories SET origin = ? WHERE id = ?", (origin, row["id"]))
                change = "updated"
            else:
                change = "unchanged"
            story_id = story.id if row is None else str(row["id"])
            new_feeds = [(story_id, feed) for feed in story.feeds]
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO story_feeds (story_id, feed) VALUES (?, ?)", new_feeds
            )
            if change == "unchanged" and conn.total_changes != before:
                change = "updated"  # a new feed carries it: the index's feed field changes
                conn.execute("UPDATE stories SET seq = seq + 1 WHERE id = ?", (story_id,))
            if change != "unchanged":
                conn.execute(
                    "INSERT OR REPLACE INTO index_queue (story_id, seq)"
                    " SELECT id, seq FROM stories WHERE id = ?",
                    (story_id,),
                )
        return change

    def story_id_for_identity(self, identity: str) -> str | None:
        """The id of the story with this identity key, if stored."""
        row = self.conn.execute("SELECT id FROM stories WHERE identity = ?", (identity,)).fetchone()
        return str(row[0]) if row else None

    def _rows_to_stories(self, rows: Sequence[Row]) -> list[Story]:
        ids = [str(r["id"]) for r in rows]
        feeds = self._grouped("SELECT story_id, feed FROM story_feeds", ids)
        tags = self._grouped("SELECT story_id, tag FROM story_tags", ids)
        read = self.read_ids(ids)
        return [
            safe_story(
                body=False,
                story=Story(
                    id=str(r["id"]),
                    title=r["title"],
                    url=r["url"],
                    source=r["source"],
                    published=from_iso(r["published"]),
                    body=r["body"],
                    summary=r["summary"],
                    author=r["author"],
                    guid=r["guid"],
                    feeds=tuple(sorted(feeds.get(r["id"], ()))),
                    tags=tuple(sorted(tags.get(r["id"], ()))),
                    read=r["id"] in read,
                    fetched=from_iso(r["fetched"]),
                    note=r["note"],
                    dated=bool(r["dated"]),
                ),
            )
            for r in rows
        ]

    def _grouped(self, select: str, ids: Sequence[str]) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for chunk in chunks(ids):
            marks = ",".join("?" * len(chunk))
            for key, value in self.conn.execute(f"{select} WHERE story_id IN ({marks})", chunk):
                grouped.setdefault(key, []).append(value)
        return grouped

    def get_stories(self, ids: Sequence[str]) -> list[Story]:
        """Stories by id, in the order given (unknown ids are skipped)."""
        rows: dict[str, Row] = {}
        for chunk in chunks(ids):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(f"SELECT * FROM stories WHERE id IN ({marks})", chunk):
                rows[str(row["id"])] = row
        return self._rows_to_stories([rows[i] for i in ids if i in rows])

    def get_story(self, story_id: str) -> Story | None:
        """One story by id or unique id prefix."""
        found = self.get_stories([story_id])
        if found:
            return found[0]
        matches = self.conn.execute(
            "SELECT id FROM stories WHERE id LIKE ? LIMIT 2", (story_id.lower() + "%",)
        ).fetchall()
        return self.get_stories([matches[0][0]])[0] if len(matches) == 1 else None

    def iter_stories(self, batch: int = 500, oldest_first: bool = True) -> Iterator[Story]:
        """Every story, in publication order, fetched in batches."""
        order = "ASC" if oldest_first else "DESC"
        last: tuple[str, str] = ("", "") if oldest_first else ("~", "~")
        op = ">" if oldest_first else "<"
        while True:
            rows = self.conn.execute(
                f"SELECT * FROM stories WHERE (published, id) {op} (?, ?)"
                f" ORDER BY published {order}, id {order} LIMIT ?",
                (*last, batch),
            ).fetchall()
            if not rows:
                return
            yield from self._rows_to_stories(rows)
            last = (rows[-1]["published"], rows[-1]["id"])

    def count(self) -> int:
        """Number of stories in the desk."""
        return int(self.conn.execute("SELECT count(*) FROM stories").fetchone()[0])

    def all_ids(self) -> set[str]:
        """Every story id."""
        return {str(r[0]) for r in self.conn.execute("SELECT id FROM stories")}

    def latest_ids(
        self,
        limit: int,
        offset: int = 0,
        unread_only: bool = False,
        unread_first: bool = True,
        leave_out: Sequence[str] = (),
    ) -> list[str]:
        """A page of story ids, unread first then newest first (the story list's order).

        Each part is read in the order of the ``published`` index and stops at the
        page: sorting the whole desk by read state first cost seconds on a large desk.
        Stories with a tag in ``leave_out`` (hidden, pinned) are not listed.
        """
        newest = " ORDER BY published DESC, id DESC LIMIT ? OFFSET ?"
        read_ids, by = self.read_marks()
        marks = ",".join("?" * len(leave_out))
        out = f" AND id NOT IN (SELECT story_id FROM story_tags WHERE tag IN ({marks}))"
        out = out if leave_out else ""
        if not (unread_only or unread_first):
            rows = self.conn.execute(
                f"SELECT id FROM stories WHERE 1 = 1{out}{newest}", (*leave_out, limit, offset)
            )
            return [str(r[0]) for r in rows]
        unread = [
            str(r[0])
            for r in self.conn.execute(
                f"SELECT id FROM stories WHERE id NOT IN ({read_ids}){out}{newest}",
                (*by, *leave_out, limit, offset),
            )
        ]
        if unread_only or len(unread) == limit:
            return unread
        skip = max(0, offset - self.unread_count(leave_out))
        read = self.conn.execute(
            f"SELECT id FROM stories WHERE id IN ({read_ids}){out}{newest}",
            (*by, *leave_out, limit - len(unread), skip),
        )
        return unread + [str(r[0]) for r in read]

    def ordered_ids(
        self,
        sort: str,
        limit: int,
        offset: int = 0,
        *,
        among: Sequence[str] | None = None,
        unread_only: bool = False,
        ranked: Sequence[str] = (),
        leave_out: Sequence[str] = (),
    ) -> list[str]:
        """A page of story ids in one of the story list's orders (see :data:`SORTS`).

        Args:
            sort: ``unread`` (unread first, then newest), ``newest``, ``oldest``,
                ``feed`` (by outlet, then newest) or ``ranked`` (the ``ranked``
                ids first, in their order, then the rest newest first).
            limit: Most ids to return.
            offset: Ids to skip.
            among: Only these stories (a search's matches); None for the desk.
            unread_only: Only unread stories.
            ranked: The order ``ranked`` puts first (e.g. biggest cluster first).
            leave_out: Stories with any of these tags are not listed (hidden, pinned).

        The order is SQLite's, over the whole set, so every page continues the
        one before it (a page is never sorted on its own).

        Raises:
            ValueError: For an unknown ``sort``.
        """
        if sort not in ORDERS:
            raise ValueError(f"unknown sort {sort!r} (choose from {', '.join(SORTS)})")
        if among is None and not ranked and sort in ("unread", "newest"):
            return self.latest_ids(
                limit,
                offset,
                unread_only=unread_only,
                unread_first=sort == "unread",
                leave_out=leave_out,
            )
        joins, where = [], []
        if among is not None:
            self._temp_ids("story_pick", among)
            joins.append("JOIN story_pick AS p ON p.id = s.id")
        if sort == "ranked":
            self._temp_ids("story_rank", ranked)
            joins.append("LEFT JOIN story_rank AS r ON r.id = s.id")
        marked, by = self.read_marks()
        params: list[object] = []
        if unread_only:
            where.append(f"s.id NOT IN ({marked})")
            params.extend(by)
        if leave_out:
            marks = ",".join("?" * len(leave_out))
            where.append(f"s.id NOT IN (SELECT story_id FROM story_tags WHERE tag IN ({marks}))")
            params.extend(leave_out)
        order = ORDERS[sort]
        if sort == "unread":  # this editor's read marks
            order = f"s.id IN ({marked}), {_NEWEST}"
            params.extend(by)
        sql = (
            f"SELECT s.id FROM stories AS s {' '.join(joins)}"
            f"{' WHERE ' + ' AND '.join(where) if where else ''}"
            f" ORDER BY {order} LIMIT ? OFFSET ?"
        )
        return [str(r[0]) for r in self.conn.execute(sql, (*params, limit, offset))]

    def _temp_ids(self, table: str, ids: Sequence[str]) -> None:
        """Fill a temporary table of this connection with ``ids`` (rank = position)."""
        self.conn.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {table} (id TEXT PRIMARY KEY, rank INTEGER)"
        )
        self.conn.execute(f"DELETE FROM {table}")  # unqualified: the temporary table comes first
        # one statement (one implicit transaction): a row per statement in autocommit
        # mode cost a second for 8k ids
        rows = (
            "SELECT value, ordinality - 1 FROM json_array_elements_text(CAST(? AS json))"
            " WITH ORDINALITY"
            if self.dialect == "postgresql"
            else "SELECT value, key FROM json_each(?) ORDER BY key"
        )
        self.conn.execute(
            f"INSERT OR IGNORE INTO {table} (id, rank) {rows}",
            (json.dumps(list(ids)),),
        )

    # -- index queue -------------------------------------------------------------

    def pending_index(self, limit: int) -> list[tuple[str, int]]:
        """Stories whose search document is stale, oldest change first."""
        rows = self.conn.execute(
            "SELECT story_id, seq FROM index_queue ORDER BY rowid LIMIT ?", (limit,)
        )
        return [(str(r[0]), int(r[1])) for r in rows]

    def pending_index_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM index_queue").fetchone()[0])

    def mark_indexed(self, done: Iterable[tuple[str, int]]) -> None:
        """Drop queue entries that were indexed, unless the story changed meanwhile."""
        with self.write() as conn:
            conn.executemany("DELETE FROM index_queue WHERE story_id = ? AND seq = ?", list(done))

    def queue_days_for_index(self, first: str | None, last: str | None) -> int:
        """Put every story published from day ``first`` to day ``last`` (inclusive
        ``YYYY-MM-DD``, None: open-ended) on the index queue; return how many."""
        low = first or ""
        high = f"{last}T99" if last else "\uffff"
        with self.write() as conn:
            return conn.execute(
                "INSERT OR REPLACE INTO index_queue (story_id, seq) SELECT id, seq FROM stories"
                " WHERE published >= ? AND published < ?",
                (low, high),
            ).rowcount

    def queue_all_for_index(self) -> None:
        """Put every story on the index queue (used by ``reindex``; on a team desk,
        only this terminal's index is rebuilt)."""
        with self.write() as conn, self.backend.own_queue():
            conn.execute(
                "INSERT OR REPLACE INTO index_queue (story_id, seq) SELECT id, seq FROM stories"
            )

    # -- read state (this store's editor's) -----------------------------------------

    def read_marks(self) -> tuple[str, tuple[str, ...]]:
        """A subquery of the ids this editor marked read, and its parameters: the
        default editor's marks are ``story_state``, a named editor's ``editor_state``."""
        if not self.editor:
            return "SELECT story_id FROM story_state WHERE read = 1", ()
        return (
            "SELECT story_id FROM editor_state WHERE editor = ? AND read = 1",
            (self.editor,),
        )

    def read_ids(self, ids: Sequence[str] | None = None) -> set[str]:
        """Ids marked read, among ``ids`` (or all)."""
        marked, by = self.read_marks()
        if ids is None:
            rows = self.conn.execute(marked, by)
            return {str(r[0]) for r in rows}
        found: set[str] = set()
        for chunk in chunks(ids):
            marks = ",".join("?" * len(chunk))
            found.update(
                str(r[0])
                for r in self.conn.execute(
                    f"{marked} AND story_id IN ({marks})",
                    (*by, *chunk),
                )
            )
        return found

    def set_read(self, story_ids: Sequence[str], read: bool = True) -> None:
        """Mark stories read or unread (one short transaction)."""
        now = iso(datetime.now(UTC))
        with self.write(alone=False) as conn:
            if not self.editor:
                conn.executemany(
                    "INSERT INTO story_state (story_id, read, changed) VALUES (?, ?, ?)"
                    " ON CONFLICT(story_id) DO UPDATE SET read = excluded.read,"
                    " changed = excluded.changed",
                    [(sid, int(read), now) for sid in story_ids],
                )
                return
            conn.executemany(
                "INSERT INTO editor_state (editor, story_id, read, changed) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(editor, story_id) DO UPDATE SET read = excluded.read,"
                " changed = excluded.changed",
                [(self.editor, sid, int(read), now) for sid in story_ids],
            )

    def unread_count(self, leave_out: Sequence[str] = ()) -> int:
        """Stories not marked read (two index counts, not a join over the desk), less
        those with a tag in ``leave_out``."""
        marked, by = self.read_marks()
        row = self.conn.execute(
            f"SELECT (SELECT count(*) FROM stories) - (SELECT count(*) FROM ({marked}) AS r"
            " WHERE r.story_id IN (SELECT id FROM stories))",
            by,
        ).fetchone()
        return int(row[0]) - (self.tagged_count(leave_out, unread=True) if leave_out else 0)

    def tagged_count(self, tags: Sequence[str], unread: bool = False) -> int:
        """Stories with any of ``tags`` (only unread ones, with ``unread``)."""
        if not tags:
            return 0
        marks = ",".join("?" * len(tags))
        marked, by = self.read_marks()
        unread_only = f" AND story_id NOT IN ({marked})" if unread else ""
        row = self.conn.execute(
            f"SELECT count(DISTINCT story_id) FROM story_tags WHERE tag IN ({marks})"
            f" AND story_id IN (SELECT id FROM stories){unread_only}",
            (*tags, *(by if unread else ())),
        ).fetchone()
        return int(row[0])


def chunks(items: Sequence[T], size: int = 500) -> Iterator[list[T]]:
    """Split ids into runs short enough for one ``IN (...)`` clause (SQLite caps parameters)."""
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]
