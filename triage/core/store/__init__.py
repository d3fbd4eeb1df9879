"""The store of record: one database holding stories, editor state and feed state,
in SQLite (a desk file, WAL) or PostgreSQL (a team desk). Everything else on a desk
(the search index, clusters) can be rebuilt from it. :class:`Store` owns the
connection and the story rows; :class:`Tags`, :class:`Feeds`, :class:`Quotes`
and :class:`Rules` are views of their tables over a store's connection."""

from triage.core.store.connection import (
    Connection,
    Cursor,
    Row,
    is_database_error,
    is_postgres,
)
from triage.core.store.database import DB_NAME, SORTS, Store, chunks, from_iso, iso
from triage.core.store.editors import (
    Assignment,
    EditorError,
    Editors,
    TagMark,
    normalize_editor,
)
from triage.core.store.feeds import Feeds, backoff_delay
from triage.core.store.fetching import FetchProgress
from triage.core.store.location import STORE_POINTER, store_location, terminal_name
from triage.core.store.quotes import Quotes, quote_id
from triage.core.store.rules import RuleRow, Rules
from triage.core.store.tags import HIDDEN_TAG, PINNED_TAG, TagError, Tags, normalize_tag

__all__ = [
    "DB_NAME",
    "HIDDEN_TAG",
    "PINNED_TAG",
    "SORTS",
    "STORE_POINTER",
    "Assignment",
    "Connection",
    "Cursor",
    "EditorError",
    "Editors",
    "Feeds",
    "FetchProgress",
    "Quotes",
    "Row",
    "RuleRow",
    "Rules",
    "Store",
    "TagError",
    "TagMark",
    "Tags",
    "backoff_delay",
    "chunks",
    "from_iso",
    "is_database_error",
    "is_postgres",
    "iso",
    "normalize_editor",
    "normalize_tag",
    "quote_id",
    "store_location",
    "terminal_name",
]
