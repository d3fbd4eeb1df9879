"""The story clusterer's own SQLite tables and the queries it runs on them.

The clusterer keeps everything it needs (titles, sources, term postings, document
frequencies, sampled shingles, links between stories, editor corrections) in tables
prefixed ``cluster_`` so it never depends on the store's schema. It never commits:
the caller owns the transaction, so a story and its cluster land together.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from triage.core.clusters.conflicts import FROM_FEED
from triage.core.clusters.df import DocumentFrequencies
from triage.core.store import Connection, chunks

_POSTINGS_TABLE = """CREATE TABLE IF NOT EXISTS cluster_term (
    term TEXT NOT NULL,
    published TEXT NOT NULL,
    story_id TEXT NOT NULL,
    weight REAL NOT NULL,
    PRIMARY KEY (term, published, story_id)
) WITHOUT ROWID"""
"""Postings: one b-tree in (term, time) order, which the candidate query reads alone.
The key's columns come first, in its order (SQLite 3.40's integrity check misreads a
WITHOUT ROWID table whose key columns are declared out of order)."""

POSTINGS_LAYOUT = 2
"""The postings' layout version (1: a table with an index by term and one by story)."""

SCHEMA = (
    _POSTINGS_TABLE
    + """;

CREATE TABLE IF NOT EXISTS cluster_story (
    story_id TEXT PRIMARY KEY,
    cluster_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    published TEXT NOT NULL,
    names TEXT NOT NULL, -- space-separated outlet keys
    quotes TEXT NOT NULL,
    features TEXT NOT NULL,
    vector TEXT NOT NULL,
    years TEXT NOT NULL,
    shingles BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS cluster_story_by_cluster ON cluster_story (cluster_id);
-- covering: clusters by size and their members by date, without reading the vectors
CREATE INDEX IF NOT EXISTS cluster_story_members ON cluster_story (cluster_id, published, story_id);
CREATE TABLE IF NOT EXISTS cluster_df (
    term TEXT PRIMARY KEY,
    df INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cluster_meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cluster_link (
    story_id TEXT NOT NULL,
    other_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cluster_link_by_story ON cluster_link (story_id);
CREATE INDEX IF NOT EXISTS cluster_link_by_other ON cluster_link (other_id);
CREATE TABLE IF NOT EXISTS cluster_boiler (
    source TEXT NOT NULL,
    key INTEGER NOT NULL,
    story_id TEXT NOT NULL,
    PRIMARY KEY (source, key, story_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cluster_boiler_by_story ON cluster_boiler (story_id);
CREATE TABLE IF NOT EXISTS cluster_correction (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    story_a TEXT NOT NULL,
    story_b TEXT NOT NULL
);
"""
)
"""Every table and index; ``cluster_correction`` is the only one rebuild keeps."""

DERIVED_TABLES = (
    "cluster_story",
    "cluster_term",
    "cluster_df",
    "cluster_meta",
    "cluster_link",
    "cluster_boiler",
)


def iso(moment: datetime) -> str:
    """Format a time as sortable UTC text (naive times are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def iso_window(moment: datetime, span: timedelta) -> tuple[str, str]:
    """``(iso(moment - span), iso(moment + span))``, saturating at the limits of
    ``datetime``: a story dated 0001-01-01 or 9999-12-31 (hostile input an older
    desk kept) must not overflow the cluster stage for every story after it."""
    low = datetime.min.replace(tzinfo=UTC)
    high = datetime.max.replace(tzinfo=UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    since = moment - span if moment - low > span else low
    until = moment + span if high - moment > span else high
    return iso(since), iso(until)


@dataclass(frozen=True, slots=True)
class StoredStory:
    """One row of ``cluster_story``, decoded."""

    story_id: str
    cluster_id: str
    seq: int
    title: str
    source: str
    url: str
    published: str
    names: frozenset[str]
    quotes: tuple[str, ...]
    features_json: str
    vector_json: str
    years: frozenset[str]  # event markers: years mentioned and lead name words
    shingles: bytes

    @property
    def features(self) -> frozenset[str]:
        """Every feature the story counted into document frequencies."""
        return self.decode_features()

    def decode_features(self) -> frozenset[str]:
        """Decode :attr:`features` as a set (a method, so callers can defer the cost)."""
        return _parse_features(self.features_json)

    @property
    def vector(self) -> Mapping[str, float]:
        """The stored unit tf-idf vector, shared with its other readers: read-only."""
        return _parse_vector(self.vector_json)


@lru_cache(maxsize=4096)
def _parse_vector(text: str) -> dict[str, float]:
    """Decode a stored vector, memoised: a recent story is a candidate for many that
    follow it. 4096 deep (terms interned, ~30 MB), not 1024: the deeper memo paid
    on the ingest benchmark."""
    return {sys.intern(term): weight for term, weight in json.loads(text).items()}


@lru_cache(maxsize=1024)
def _parse_features(text: str) -> frozenset[str]:
    """Decode a stored feature list, memoised like :func:`_parse_vector` (the conflict
    test reads a candidate's features): interned. A set of a long story's features
    costs ~11 KB, so the memo is 1024 deep (~11 MB), not 4096 (~45 MB)."""
    return frozenset(map(sys.intern, json.loads(text)))


_STORY_COLUMNS = (
    "story_id, cluster_id, seq, title, source, url, published, names, quotes, features, vector, "
    "years, shingles"
)
_VIEW_COLUMNS = (
    "story_id, cluster_id, seq, title, source, url, published, names, quotes, '[]', '{}', "
    "years, x''"
)


def _decode(row: Sequence[object]) -> StoredStory:
    return StoredStory(
        story_id=str(row[0]),
        cluster_id=str(row[1]),
        seq=int(row[2]),  # type: ignore[call-overload]
        title=str(row[3]),
        source=str(row[4]),
        url=str(row[5]),
        published=str(row[6]),
        names=frozenset(str(row[7]).split()),
        quotes=tuple(json.loads(str(row[8]))),
        features_json=str(row[9]),
        vector_json=str(row[10]),
        years=frozenset(str(row[11]).split()),
        shingles=bytes(row[12]),  # type: ignore[call-overload]
    )


class ClusterTables:
    """Typed access to the clusterer's tables over a caller-owned connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        self._upgrade_postings()
        self.df = DocumentFrequencies(conn)

    def _upgrade_postings(self) -> None:
        """Rewrite the postings of a desk made before they became one b-tree.

        They were a plain table with an index by term and one by story: three
        b-trees to write per posting, scattered pages in every commit, and a table
        row to read per posting a candidate query found. The layout in use is
        recorded in ``cluster_meta`` (both engines have it). Runs inside the
        write transaction the tables are opened in, so it is all or nothing.
        """
        found = self.conn.execute(
            "SELECT value FROM cluster_meta WHERE key = 'postings'"
        ).fetchone()
        if found is not None and int(found[0]) >= POSTINGS_LAYOUT:
            return
        self.conn.execute("DROP INDEX IF EXISTS cluster_term_by_term")
        self.conn.execute("DROP INDEX IF EXISTS cluster_term_by_story")
        self.conn.execute("ALTER TABLE cluster_term RENAME TO cluster_term_old")
        self.conn.execute(_POSTINGS_TABLE)
        self.conn.execute(
            "INSERT INTO cluster_term (term, story_id, weight, published) "
            "SELECT term, story_id, weight, published FROM cluster_term_old"
        )
        self.conn.execute("DROP TABLE cluster_term_old")
        self._record_layout()

    def _record_layout(self) -> None:
        self.conn.execute(
            "INSERT INTO cluster_meta VALUES ('postings', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (POSTINGS_LAYOUT,),
        )

    def next_seq(self) -> int:
        """Return a fresh assignment number (orders stories with equal times)."""
        row = self.conn.execute("SELECT value FROM cluster_meta WHERE key = 'seq'").fetchone()
        value = (int(row[0]) if row else 0) + 1
        self.conn.execute("INSERT OR REPLACE INTO cluster_meta VALUES ('seq', ?)", (value,))
        return value

    def story_count(self) -> int:
        """Return how many stories are clustered (the N of idf)."""
        row = self.conn.execute("SELECT value FROM cluster_meta WHERE key = 'count'").fetchone()
        return int(row[0]) if row else 0

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """Return df for each known term of ``terms`` (unknown ones are absent)."""
        return self.df.get(terms)

    def add_frequencies(self, terms: Iterable[str], delta: int) -> None:
        """Add ``delta`` to each term's document frequency, dropping zeros."""
        self.df.add(terms, delta)

    def count_in(self, terms: Sequence[str]) -> dict[str, int]:
        """Count a new story's ``terms`` into document frequencies and return each
        one's df after it."""
        return self.df.count_in(terms)

    def insert_story(self, story: StoredStory) -> None:
        """Store a story's row and the postings of its vector."""
        self.conn.execute(
            f"INSERT INTO cluster_story ({_STORY_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                story.story_id,
                story.cluster_id,
                story.seq,
                story.title,
                story.source,
                story.url,
                story.published,
                " ".join(sorted(story.names)),
                json.dumps(list(story.quotes)),
                story.features_json,
                story.vector_json,
                " ".join(sorted(story.years)),
                story.shingles,
            ),
        )
        self.conn.executemany(
            "INSERT INTO cluster_term (term, story_id, weight, published) VALUES (?, ?, ?, ?)",
            [(term, story.story_id, w, story.published) for term, w in story.vector.items()],
        )
        self._add_count(1)

    def delete_story(self, story: StoredStory) -> None:
        """Forget a story's row, postings and links (corrections stay)."""
        story_id = story.story_id
        deleted = self.conn.execute("DELETE FROM cluster_story WHERE story_id = ?", (story_id,))
        if deleted.rowcount:
            self._add_count(-deleted.rowcount)
        # its postings are those of its stored vector, found by their key
        self.conn.executemany(
            "DELETE FROM cluster_term WHERE term = ? AND published = ? AND story_id = ?",
            [(term, story.published, story_id) for term in story.vector],
        )
        self.conn.execute("DELETE FROM cluster_boiler WHERE story_id = ?", (story_id,))
        self.conn.execute(
            "DELETE FROM cluster_link WHERE story_id = ? OR other_id = ?", (story_id, story_id)
        )

    def _add_count(self, delta: int) -> None:
        self.conn.execute(
            "INSERT INTO cluster_meta VALUES ('count', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
            (delta,),
        )

    def get(self, story_id: str) -> StoredStory | None:
        """Return one stored story, or None if it was never assigned."""
        row = self.conn.execute(
            f"SELECT {_STORY_COLUMNS} FROM cluster_story WHERE story_id = ?", (story_id,)
        ).fetchone()
        return _decode(row) if row else None

    def many(self, story_ids: Sequence[str]) -> list[StoredStory]:
        """Return the stored stories among ``story_ids``."""
        found: list[StoredStory] = []
        for chunk in chunks(story_ids):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT {_STORY_COLUMNS} FROM cluster_story WHERE story_id IN ({marks})", chunk
            )
            found.extend(_decode(row) for row in rows)
        return found

    def members(self, cluster_id: str, text_only: bool = False) -> list[StoredStory]:
        """Return a cluster's stories in assignment order.

        With ``text_only`` the comparison data (features, vector, shingles) is left
        empty: showing a cluster needs none of it, and for a cluster of hundreds it
        was most of the bytes read.
        """
        columns = _VIEW_COLUMNS if text_only else _STORY_COLUMNS
        rows = self.conn.execute(
            f"SELECT {columns} FROM cluster_story WHERE cluster_id = ? ORDER BY seq",
            (cluster_id,),
        )
        return [_decode(row) for row in rows]

    def postings(
        self, terms: Sequence[str], since: str, until: str
    ) -> list[tuple[str, str, float]]:
        """Return (story, term, weight) for ``terms`` among stories in a time window."""
        if not terms:
            return []
        marks = ",".join("?" * len(terms))
        rows = self.conn.execute(
            f"SELECT story_id, term, weight FROM cluster_term WHERE term IN ({marks}) "
            "AND published BETWEEN ? AND ?",
            [*terms, since, until],
        )
        found: list[tuple[str, str, float]] = rows.fetchall()  # TEXT, TEXT, REAL columns
        return found

    def cluster_sizes(self, cluster_ids: Iterable[str]) -> dict[str, int]:
        """Return cluster id -> member count."""
        ids = list(set(cluster_ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT cluster_id, COUNT(*) FROM cluster_story WHERE cluster_id IN ({marks}) "
            "GROUP BY cluster_id",
            ids,
        )
        return {str(c): int(n) for c, n in rows}

    def sizes_of_stories(self, story_ids: Sequence[str]) -> dict[str, int]:
        """Return story id -> size of its cluster, in one query."""
        if not story_ids:
            return {}
        marks = ",".join("?" * len(story_ids))
        rows = self.conn.execute(
            "SELECT s.story_id, COUNT(*) FROM cluster_story AS s JOIN cluster_story AS m "
            f"ON m.cluster_id = s.cluster_id WHERE s.story_id IN ({marks}) GROUP BY s.story_id",
            list(story_ids),
        )
        return {str(s): int(n) for s, n in rows}

    def ids_by_size(self, min_size: int = 2) -> list[str]:
        """Story ids of every cluster with ``min_size`` members or more, biggest first.

        Ties go to the cluster with the newest story; members of one cluster stay
        together, newest first ("the biggest story now" leads the story list).
        """
        rows = self.conn.execute(
            "WITH c AS (SELECT cluster_id, count(*) AS n, max(published) AS latest"
            " FROM cluster_story GROUP BY cluster_id HAVING count(*) >= ?)"
            " SELECT s.story_id FROM cluster_story AS s JOIN c ON c.cluster_id = s.cluster_id"
            " ORDER BY c.n DESC, c.latest DESC, s.cluster_id, s.published DESC",
            (min_size,),
        )
        return [str(r[0]) for r in rows]

    def recurring(
        self, source: str, keys: Collection[int], story_id: str, least: int
    ) -> frozenset[int]:
        """Those of ``keys`` that other stories of ``source`` carry in at least
        ``least`` clusters (see :mod:`triage.core.clusters.boilerplate`): text that
        recurs within one cluster is one event's (a wire report copied), not the
        source's."""
        if not keys or not source:
            return frozenset()
        found: set[int] = set()
        for chunk in chunks(sorted(keys)):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                "SELECT b.key FROM cluster_boiler AS b JOIN cluster_story AS s "
                "ON s.story_id = b.story_id WHERE b.source = ? AND b.story_id != ? "
                f"AND b.key IN ({marks}) GROUP BY b.key "
                "HAVING COUNT(DISTINCT s.cluster_id) >= ?",
                [source, story_id, *chunk, least],
            )
            found.update(int(r[0]) for r in rows)
        return frozenset(found)

    def add_parts(self, source: str, story_id: str, keys: Iterable[int]) -> None:
        """Count a story's part keys for its source."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO cluster_boiler VALUES (?, ?, ?)",
            [(source, key, story_id) for key in sorted(keys)],
        )

    def outlets_in(self, cluster_ids: Iterable[str]) -> list[tuple[str, str, str, str, bool]]:
        """Return (cluster, story, source, link, read from a feed) of every member of
        ``cluster_ids``."""
        found: list[tuple[str, str, str, str, bool]] = []
        for chunk in chunks(sorted(set(cluster_ids))):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                "SELECT cluster_id, story_id, source, url, years FROM cluster_story "
                f"WHERE cluster_id IN ({marks})",
                chunk,
            )
            found.extend(
                (str(c), str(s), str(o), str(u), FROM_FEED in str(y).split())
                for c, s, o, u, y in rows
            )
        return found

    def relabel(self, old_cluster: str, new_cluster: str) -> None:
        """Move every member of one cluster into another."""
        self.conn.execute(
            "UPDATE cluster_story SET cluster_id = ? WHERE cluster_id = ?",
            (new_cluster, old_cluster),
        )

    def move(self, story_id: str, cluster_id: str) -> None:
        """Put one story into a cluster."""
        self.conn.execute(
            "UPDATE cluster_story SET cluster_id = ? WHERE story_id = ?", (cluster_id, story_id)
        )

    def ranked_cluster_ids(self, story_ids: Sequence[str] | None, by: str, limit: int) -> list[str]:
        """The first ``limit`` clusters holding any of ``story_ids`` (every cluster when
        None), biggest first (``by="size"``; ties to the latest story) or latest story
        first (``by="recent"``)."""
        if by not in ("size", "recent"):
            raise ValueError(f"clusters are ranked by size or recent, not {by!r}")
        ranks: list[tuple[str, int, str]] = []  # cluster, size, latest story's time
        query = "SELECT cluster_id, count(*), max(published) FROM cluster_story"
        if story_ids is None:
            ranks = [
                (str(c), int(n), str(t))
                for c, n, t in self.conn.execute(f"{query} GROUP BY cluster_id")
            ]
        else:
            clusters = sorted(set(self.clusters_of(story_ids).values()))
            for chunk in chunks(clusters):
                marks = ",".join("?" * len(chunk))
                rows = self.conn.execute(
                    f"{query} WHERE cluster_id IN ({marks}) GROUP BY cluster_id", chunk
                )
                ranks.extend((str(c), int(n), str(t)) for c, n, t in rows)
        if by == "size":
            ranks.sort(key=lambda r: r[0])
            ranks.sort(key=lambda r: (r[1], r[2]), reverse=True)
        else:
            ranks.sort(key=lambda r: (r[2], r[0]), reverse=True)
        return [cluster for cluster, _, _ in ranks[:limit]]

    def cluster_ids(self, story_ids: Sequence[str] | None) -> list[str]:
        """Return the distinct clusters of the given stories (all when None)."""
        if story_ids is None:
            rows = self.conn.execute("SELECT DISTINCT cluster_id FROM cluster_story")
            return sorted(str(r[0]) for r in rows)
        return sorted(set(self.clusters_of(story_ids).values()))

    def clusters_of(self, story_ids: Sequence[str]) -> dict[str, str]:
        """Return story id -> cluster id for the stored ones among ``story_ids`` (reads
        no vectors or text, unlike :meth:`many`)."""
        found: dict[str, str] = {}
        for chunk in chunks(story_ids):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT story_id, cluster_id FROM cluster_story WHERE story_id IN ({marks})",
                chunk,
            )
            found.update(rows.fetchall())
        return found

    def add_links(self, story_id: str, links: Iterable[tuple[str, str, str]]) -> None:
        """Record shared text between ``story_id`` and earlier stories: (other, kind, text)."""
        self.conn.executemany(
            "INSERT INTO cluster_link VALUES (?, ?, ?, ?)",
            [(story_id, other, kind, text) for other, kind, text in links],
        )

    def links_among(self, story_ids: Sequence[str]) -> list[tuple[str, str, str, str]]:
        """Return (story, other, kind, text) links whose both ends are in ``story_ids``."""
        if not story_ids:
            return []
        wanted = set(story_ids)
        marks = ",".join("?" * len(story_ids))
        rows = self.conn.execute(
            f"SELECT story_id, other_id, kind, text FROM cluster_link WHERE story_id IN ({marks})",
            list(story_ids),
        )
        return [(str(s), str(o), str(k), str(t)) for s, o, k, t in rows if str(o) in wanted]

    def add_correction(self, kind: str, story_a: str, story_b: str) -> None:
        """Persist an editor correction ("merge", "split" or "apart": never together)."""
        self.conn.execute(
            "INSERT INTO cluster_correction (kind, story_a, story_b) VALUES (?, ?, ?)",
            (kind, story_a, story_b),
        )

    def drop_apart(self, group_a: Sequence[str], group_b: Sequence[str]) -> None:
        """Forget keep-apart constraints between two groups (a later merge wins)."""
        left, right = set(group_a), set(group_b)
        rows = self.conn.execute(
            "SELECT seq, story_a, story_b FROM cluster_correction WHERE kind = 'apart'"
        ).fetchall()
        stale = [
            (seq,) for seq, a, b in rows if (a in left and b in right) or (a in right and b in left)
        ]
        self.conn.executemany("DELETE FROM cluster_correction WHERE seq = ?", stale)

    def corrected_cluster(self, cluster_id: str) -> bool:
        """Whether any member of the cluster is named in an editor's correction."""
        row = self.conn.execute(
            "SELECT 1 FROM cluster_story s JOIN cluster_correction c "
            "ON c.story_a = s.story_id OR c.story_b = s.story_id WHERE s.cluster_id = ? LIMIT 1",
            (cluster_id,),
        ).fetchone()
        return row is not None

    def corrections(self, story_id: str) -> list[tuple[str, str, str]]:
        """Return (kind, story_a, story_b) corrections involving a story, oldest first."""
        rows = self.conn.execute(
            "SELECT kind, story_a, story_b FROM cluster_correction "
            "WHERE story_a = ? OR story_b = ? ORDER BY seq",
            (story_id, story_id),
        )
        return [(str(k), str(a), str(b)) for k, a, b in rows]

    def clear_derived(self) -> None:
        """Drop everything rebuild recomputes; editor corrections survive."""
        for table in DERIVED_TABLES:
            self.conn.execute(f"DELETE FROM {table}")
        self._record_layout()
        self.df.clear()
