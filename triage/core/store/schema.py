"""The store of record's tables, and the one change old desks need on opening."""

from __future__ import annotations

from triage.core.store.connection import Connection

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    identity TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    published TEXT NOT NULL,
    fetched TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    guid TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0,
    analysed INTEGER NOT NULL DEFAULT 0,
    quoted INTEGER NOT NULL DEFAULT 0,
    dated INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS stories_published ON stories (published DESC);
-- covering: a published: range reads ids from the index alone
CREATE INDEX IF NOT EXISTS stories_published_id ON stories (published, id);
CREATE INDEX IF NOT EXISTS stories_pending ON stories (published) WHERE analysed < seq;
CREATE TABLE IF NOT EXISTS story_feeds (
    story_id TEXT NOT NULL, feed TEXT NOT NULL, PRIMARY KEY (story_id, feed)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_state (
    story_id TEXT PRIMARY KEY, read INTEGER NOT NULL DEFAULT 0, changed TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS story_state_read ON story_state (read);
CREATE TABLE IF NOT EXISTS story_tags (
    story_id TEXT NOT NULL, tag TEXT NOT NULL, added TEXT NOT NULL,
    PRIMARY KEY (story_id, tag)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS story_tags_tag ON story_tags (tag);
CREATE TABLE IF NOT EXISTS index_queue (story_id TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS quote_tags (
    quote_id TEXT NOT NULL, tag TEXT NOT NULL, added TEXT NOT NULL,
    PRIMARY KEY (quote_id, tag)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS quote_tags_tag ON quote_tags (tag);
CREATE TABLE IF NOT EXISTS saved_searches (
    name TEXT PRIMARY KEY, query TEXT NOT NULL, position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    full_text INTEGER NOT NULL DEFAULT 0,
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    last_success TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    last_attempt TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    item_count INTEGER NOT NULL DEFAULT 0,
    added TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS quotes (
    id TEXT PRIMARY KEY,
    story_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    speaker TEXT NOT NULL DEFAULT '',
    speaker_start INTEGER,
    speaker_end INTEGER,
    cue TEXT NOT NULL DEFAULT '',
    confidence REAL NOT NULL DEFAULT 1.0,
    role TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS quotes_story ON quotes (story_id, start);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes (speaker COLLATE NOCASE);
-- feed servers (sync): the server, its feeds, and per item the last state both sides
-- agreed on (the base of a three-way merge: a desk mark that differs from it is a
-- change still to push, so a killed sync loses none)
CREATE TABLE IF NOT EXISTS servers (
    url TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    user TEXT NOT NULL,
    since_id INTEGER NOT NULL DEFAULT 0,
    last_sync TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    added TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS server_feeds (
    server TEXT NOT NULL, feed_id TEXT NOT NULL, url TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '', site_url TEXT NOT NULL DEFAULT '',
    grp TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (server, feed_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS server_items (
    server TEXT NOT NULL, item_id INTEGER NOT NULL, story_id TEXT NOT NULL,
    read INTEGER NOT NULL, saved INTEGER NOT NULL,
    PRIMARY KEY (server, item_id)
) WITHOUT ROWID;
-- rules on ingest: a query and what to do to the new stories it matches. The queue
-- lists stories added since the rules last ran over them (filled in the transaction
-- that adds the story, so a crash before the rules ran leaves them queued)
CREATE TABLE IF NOT EXISTS rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    query TEXT NOT NULL,
    actions TEXT NOT NULL,
    added TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rule_queue (story_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quote_shingles (
    shingle INTEGER NOT NULL, quote_id TEXT NOT NULL, PRIMARY KEY (shingle, quote_id)
) WITHOUT ROWID;
"""


def create_schema(conn: Connection) -> None:
    """Create every table and index a desk needs (inside the caller's transaction)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    _add_quoted_mark(conn)
    _add_dated_flag(conn)
    _add_search_sort(conn)
    _add_alert_flag(conn)
    _add_origin(conn)


def _add_quoted_mark(conn: Connection) -> None:
    """Give a desk made before quotes had their own mark its ``quoted`` column
    (its analysed stories were quoted in the same step)."""
    columns = {str(row[1]) for row in conn.execute("PRAGMA table_info(stories)")}
    if "quoted" not in columns:
        conn.execute("ALTER TABLE stories ADD COLUMN quoted INTEGER NOT NULL DEFAULT 0")
        conn.execute("UPDATE stories SET quoted = analysed")
    conn.execute(
        "CREATE INDEX IF NOT EXISTS stories_unquoted ON stories (published) WHERE quoted < seq"
    )


def _add_dated_flag(conn: Connection) -> None:
    """Give a desk made before undated stories were flagged its ``dated`` column.

    Its stories are taken as dated: which of them got a fetch time instead of a
    date was not recorded.
    """
    columns = {str(row[1]) for row in conn.execute("PRAGMA table_info(stories)")}
    if "dated" not in columns:
        conn.execute("ALTER TABLE stories ADD COLUMN dated INTEGER NOT NULL DEFAULT 1")


def _add_search_sort(conn: Connection) -> None:
    """Give saved searches their ``sort`` column (the story list's order when the
    search is recalled; '' for the default, unread first)."""
    columns = {str(row[1]) for row in conn.execute("PRAGMA table_info(saved_searches)")}
    if "sort" not in columns:
        conn.execute("ALTER TABLE saved_searches ADD COLUMN sort TEXT NOT NULL DEFAULT ''")


def _add_alert_flag(conn: Connection) -> None:
    """Give a desk made before alerts its saved searches' ``alert`` column (none is one)."""
    columns = {str(row[1]) for row in conn.execute("PRAGMA table_info(saved_searches)")}
    if "alert" not in columns:
        conn.execute("ALTER TABLE saved_searches ADD COLUMN alert INTEGER NOT NULL DEFAULT 0")


def _add_origin(conn: Connection) -> None:
    """Give ``stories`` its ``origin``: the feed (or file) that first stored the story.

    Only that source may change the story's text later; another feed carrying the
    same link only adds itself, so two feeds read in turn no longer flip the title
    back and forth (an old desk's stories take the next source that updates them).
    """
    columns = {str(row[1]) for row in conn.execute("PRAGMA table_info(stories)")}
    if "origin" not in columns:
        conn.execute("ALTER TABLE stories ADD COLUMN origin TEXT NOT NULL DEFAULT ''")
