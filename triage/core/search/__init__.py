"""The full-text search index: the only package that imports Whoosh.

It also owns the index writer (:class:`IndexWriter`, which drains the store's
index queue) and the resolvers of a query's editor-state fields
(:class:`StoreFilters`).

Whoosh is pure Python and unmaintained upstream, so everything that touches it is
kept here, behind :class:`ShardedIndex` (one :class:`SearchIndex` per day).
The index is *derived* data: the store of record (SQLite) holds every story and
all editor state, and the index can be rebuilt from it at any time
(``triage reindex``). That lets us:

* write the index in batches from one writer (a Whoosh commit costs seconds on a
  large index, so per-story commits are never done);
* resolve ``tag:`` and ``is:unread`` against the store at query time, so tagging
  never waits for a Whoosh commit. The parser accepts them as ordinary fields and
  we replace them with :class:`DocSetQuery` nodes that match a precomputed set of
  story ids, which keeps arbitrary boolean nesting correct.
"""

from triage.core.search.filters import StoreFilters
from triage.core.search.highlight import SNIPPET_SCAN_CHARS, Snippet, make_snippet, page_snippet
from triage.core.search.index import IndexBatch, SearchIndex
from triage.core.search.queries import (
    DocSetQuery,
    matches_nothing,
    parse_query,
    query_terms,
    rewrite_virtual,
    within_stories,
)
from triage.core.search.schema import (
    DEFAULT_FIELDS,
    SCHEMA_VERSION,
    VIRTUAL_FIELDS,
    AllBut,
    DateResolver,
    Hit,
    IndexDocument,
    IndexUnavailable,
    QueryError,
    Results,
    SearchError,
    VirtualResolver,
    build_schema,
    day_key,
    day_start,
)
from triage.core.search.shards import (
    INDEX_DIR,
    RECENT_STORIES,
    IndexBusy,
    Scope,
    ShardBatch,
    ShardedIndex,
)
from triage.core.search.spans import term_spans
from triage.core.search.writer import IndexWriter

__all__ = [
    "DEFAULT_FIELDS",
    "INDEX_DIR",
    "RECENT_STORIES",
    "SCHEMA_VERSION",
    "SNIPPET_SCAN_CHARS",
    "VIRTUAL_FIELDS",
    "AllBut",
    "DateResolver",
    "DocSetQuery",
    "Hit",
    "IndexBatch",
    "IndexBusy",
    "IndexDocument",
    "IndexUnavailable",
    "IndexWriter",
    "QueryError",
    "Results",
    "Scope",
    "SearchError",
    "SearchIndex",
    "ShardBatch",
    "ShardedIndex",
    "Snippet",
    "StoreFilters",
    "VirtualResolver",
    "build_schema",
    "day_key",
    "day_start",
    "make_snippet",
    "matches_nothing",
    "page_snippet",
    "parse_query",
    "query_terms",
    "rewrite_virtual",
    "term_spans",
    "within_stories",
]
