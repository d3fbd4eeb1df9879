"""Schema changes of the store of record, versioned, for both engines.

Opening a store brings its schema up to date inside one write transaction:

1. the baseline, :func:`triage.core.store.schema.create_schema`, which is
   idempotent (``CREATE ... IF NOT EXISTS`` and column checks) and has always run
   on every open, so desks of every earlier version keep upgrading as they did;
   on PostgreSQL it runs through the dialect translation of
   :mod:`triage.core.store.postgres`, plus the few things only that engine needs;
2. then each numbered :data:`MIGRATIONS` step the store has not had yet, recorded
   as ``schema_version`` in ``meta``. A step gives its SQL per engine when the
   engines differ.

A small runner rather than Alembic: the store's SQL is hand-written (no SQLAlchemy
models to diff), a desk must upgrade itself when an editor opens it (no separate
``upgrade`` command to forget), and SQLite's limited ``ALTER TABLE`` would push
Alembic into its batch mode for every change (docs/decisions/0012).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from triage.core.store.connection import Connection
from triage.core.store.schema import create_schema

VERSION_KEY = "schema_version"

Step = Callable[[Connection], None]


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered schema change, with what it runs on each engine."""

    version: int
    name: str
    sqlite: Step
    postgresql: Step


POSTGRES_BEFORE_BASELINE = (
    # Terminals of a team desk: each keeps its own search index, so each has its own
    # index queue. A story change is queued for every terminal (the trigger below),
    # a terminal's own rebuild only for itself.
    "CREATE TABLE IF NOT EXISTS desk_terminals (name TEXT PRIMARY KEY, seen TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS index_queue_all ("
    " terminal TEXT NOT NULL DEFAULT coalesce(current_setting('triage.terminal', true), ''),"
    " story_id TEXT NOT NULL, seq INTEGER NOT NULL, rowid BIGSERIAL,"
    " PRIMARY KEY (terminal, story_id))",
    # the core's index_queue is this terminal's part of it (an updatable view; a view
    # takes no defaults from its table, so they are given again)
    "CREATE OR REPLACE VIEW index_queue AS SELECT terminal, story_id, seq, rowid"
    " FROM index_queue_all"
    " WHERE terminal = coalesce(current_setting('triage.terminal', true), '')",
    "ALTER VIEW index_queue ALTER COLUMN rowid"
    " SET DEFAULT nextval(pg_get_serial_sequence('index_queue_all', 'rowid'))",
    "ALTER VIEW index_queue ALTER COLUMN terminal"
    " SET DEFAULT coalesce(current_setting('triage.terminal', true), '')",
    "CREATE OR REPLACE FUNCTION triage_queue_for_all() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN"
    "  IF pg_trigger_depth() = 1"
    "   AND coalesce(current_setting('triage.local_queue', true), '') <> 'on' THEN"
    "   INSERT INTO index_queue_all (terminal, story_id, seq)"
    "   SELECT name, NEW.story_id, NEW.seq FROM desk_terminals WHERE name <> NEW.terminal"
    "   ON CONFLICT (terminal, story_id) DO UPDATE"
    "   SET seq = greatest(index_queue_all.seq, EXCLUDED.seq),"
    "   rowid = nextval(pg_get_serial_sequence('index_queue_all', 'rowid'));"
    "  END IF;"
    "  RETURN NULL;"
    " END $$",
    "CREATE OR REPLACE TRIGGER index_queue_for_all AFTER INSERT OR UPDATE ON index_queue_all"
    " FOR EACH ROW EXECUTE FUNCTION triage_queue_for_all()",
)
"""What a PostgreSQL store needs before the baseline (whose ``CREATE TABLE IF NOT
EXISTS index_queue`` then finds the view and leaves it)."""


def _postgres_before_baseline(conn: Connection) -> None:
    """Run :data:`POSTGRES_BEFORE_BASELINE` on a new store (redefining the view and
    trigger on every open would lock the queue; later changes are numbered steps)."""
    if conn.execute("SELECT to_regclass('index_queue_all')").fetchone()[0] is not None:
        return
    for statement in POSTGRES_BEFORE_BASELINE:
        conn.execute(statement)


EDITORS = (
    # who set a tag (the default editor, '', is everyone on a desk of one)
    "ALTER TABLE story_tags ADD COLUMN tagged_by TEXT NOT NULL DEFAULT ''",
    # read marks of named editors (the default editor keeps story_state, as before)
    "CREATE TABLE IF NOT EXISTS editor_state ("
    " editor TEXT NOT NULL, story_id TEXT NOT NULL, read INTEGER NOT NULL DEFAULT 0,"
    " changed TEXT NOT NULL, PRIMARY KEY (editor, story_id))",
    # saved searches of named editors
    "CREATE TABLE IF NOT EXISTS editor_searches ("
    " editor TEXT NOT NULL, name TEXT NOT NULL, query TEXT NOT NULL,"
    " position INTEGER NOT NULL, PRIMARY KEY (editor, name))",
    # a story handed to a colleague
    "CREATE TABLE IF NOT EXISTS assignments ("
    " story_id TEXT NOT NULL, editor TEXT NOT NULL, assigned_by TEXT NOT NULL,"
    " at TEXT NOT NULL, PRIMARY KEY (story_id, editor))",
    "CREATE INDEX IF NOT EXISTS assignments_editor ON assignments (editor)",
    "CREATE INDEX IF NOT EXISTS story_tags_by ON story_tags (tagged_by)",
)


def _editors(conn: Connection) -> None:
    """Editors: who tagged, per-editor read marks and saved searches, assignments.
    The same SQL on both engines (the PostgreSQL connection translates it)."""
    for statement in EDITORS:
        conn.execute(statement)


def _postgres_notify(conn: Connection) -> None:
    """Tell every listening app of a change an editor would see: one notification
    per changing statement, the table's name as payload (the channel and the
    tables are those of :mod:`triage.core.store.postgres`).

    Checked on every open rather than numbered: some of those tables (the
    clusterer's corrections) are created on first use, after the store opened.
    """
    from triage.core.store.postgres import CHANNEL, NOTIFYING

    present = {
        str(r[0])
        for r in conn.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = c.relname || '_notify'"
        )
    }
    missing = [
        table
        for table in NOTIFYING
        if table not in present
        and conn.execute("SELECT to_regclass(?)", (table,)).fetchone()[0] is not None
    ]
    if not missing:
        return
    conn.execute(
        "CREATE OR REPLACE FUNCTION triage_notify() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME); RETURN NULL; END $$"
    )
    for table in missing:
        conn.execute(
            f"CREATE OR REPLACE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE"
            f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION triage_notify()"
        )


def _editor_search_sorts(conn: Connection) -> None:
    """A named editor's saved searches remember the story list's order, as the
    default editor's do ('' for the default order)."""
    conn.execute("ALTER TABLE editor_searches ADD COLUMN sort TEXT NOT NULL DEFAULT ''")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "editors", _editors, _editors),
    Migration(2, "editor search sorts", _editor_search_sorts, _editor_search_sorts),
)
"""Numbered steps after the baseline, oldest first."""


def migrate(conn: Connection, dialect: str, steps: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Bring a store's schema up to date (inside the caller's write transaction);
    returns the schema version it is at."""
    if dialect == "postgresql":
        _postgres_before_baseline(conn)
    create_schema(conn)
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (VERSION_KEY,)).fetchone()
    current = int(row[0]) if row else 0
    for step in steps:
        if step.version > current:
            (step.postgresql if dialect == "postgresql" else step.sqlite)(conn)
            current = step.version
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                (VERSION_KEY, str(current)),
            )
    if dialect == "postgresql":
        _postgres_notify(conn)
    return current
