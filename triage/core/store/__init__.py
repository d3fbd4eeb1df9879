"""The store of record: one SQLite database (WAL) holding stories, editor state and
feed state. Everything else on a desk (the search index, clusters) can be rebuilt
from it. :class:`Store` owns the connection and the story rows; :class:`Tags`,
:class:`Feeds`, :class:`Quotes` and :class:`Rules` are views of their tables over a store's
connection."""

from triage.core.store.database import DB_NAME, SORTS, Store, chunks, from_iso, iso
from triage.core.store.feeds import Feeds, backoff_delay
from triage.core.store.quotes import Quotes, quote_id
from triage.core.store.rules import RuleRow, Rules
from triage.core.store.tags import HIDDEN_TAG, PINNED_TAG, TagError, Tags, normalize_tag

__all__ = [
    "DB_NAME",
    "HIDDEN_TAG",
    "PINNED_TAG",
    "SORTS",
    "Feeds",
    "Quotes",
    "RuleRow",
    "Rules",
    "Store",
    "TagError",
    "Tags",
    "backoff_delay",
    "chunks",
    "from_iso",
    "iso",
    "normalize_tag",
    "quote_id",
]
