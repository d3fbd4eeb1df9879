"""The index schema, its analyzers, and the values that cross the search API."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    SimpleAnalyzer,
    StemFilter,
    StopFilter,
)
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import DATETIME, ID, TEXT, Schema
from whoosh.support.charset import accent_map

SCHEMA_VERSION = 3
"""Bump when the schema changes; an index of another version is rebuilt."""

DEFAULT_FIELDS = ("title", "body")
VIRTUAL_FIELDS = ("tag", "is", "taggedby", "assigned")
LOCK_WAIT_SECONDS = 60.0


class SearchError(Exception):
    """A query that cannot be parsed, or an index that cannot be opened."""


class QueryError(SearchError):
    """A query the editor typed that cannot be parsed (a usage error, not a desk fault)."""


class IndexUnavailable(SearchError):
    """The index is missing, corrupt, or of another schema version; reindex fixes it."""


def text_analyzer() -> Any:
    """Words folded to unaccented lower case *before* stemming, so "brûlée" == "brulee"."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter()
        | StemFilter()
    )


def name_analyzer() -> Any:
    return SimpleAnalyzer() | CharsetFilter(accent_map)


def postings_codec() -> Any:
    """Whoosh's segment codec with uncompressed posting blocks: what every writer uses.

    Whoosh zlib-compresses each term's posting block, however small (its "under 20
    bytes, don't" test is overwritten on the next line), and a zlib call has a
    fixed cost of microseconds. A day shard's terms mostly hold one to three
    postings, so that cost was a large share of indexing for little disk saved
    (docs/decisions/0003). Every block records its own compression, so indexes
    written before read as they are.
    """
    return W3Codec(compression=0)


def build_schema() -> Schema:
    """The news schema: stemmed, accent-folded prose; plain names; dates; ids."""
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(analyzer=text_analyzer(), field_boost=2.0),
        body=TEXT(analyzer=text_analyzer()),
        source=TEXT(analyzer=name_analyzer()),
        author=TEXT(analyzer=name_analyzer()),
        speaker=TEXT(analyzer=name_analyzer()),
        feed=ID(),
        published=DATETIME(sortable=True),
    )


@dataclass(frozen=True, slots=True)
class IndexDocument:
    """What the index needs of one story."""

    id: str
    title: str
    body: str
    source: str
    author: str
    published: datetime
    speakers: Sequence[str] = ()
    feeds: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching story id and its relevance score."""

    id: str
    score: float


@dataclass(frozen=True, slots=True)
class Results:
    """A page of hits plus the number of matches.

    ``more`` is true when part of the index was not read (older days, see
    :mod:`triage.core.search.shards`): ``total`` then counts what was read.
    """

    hits: list[Hit]
    total: int
    more: bool = False


def day_start(moment: datetime) -> datetime:
    """Midnight UTC of the moment's UTC day (naive times are UTC)."""
    moment = moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def day_key(moment: datetime) -> str:
    """The UTC day of a moment, ``YYYY-MM-DD`` (naive times are UTC): an index shard's name."""
    return day_start(moment).strftime("%Y-%m-%d")


@dataclass(frozen=True, slots=True)
class AllBut:
    """Every story except these: how ``is:unread`` is answered.

    On a large desk most stories are unread, and listing them all costs more than
    the search (100k ids per keystroke); the read ones are the short list.
    """

    excluded: frozenset[str]


# A function that answers a virtual field: ("tag", "urgent") -> set of story ids,
# AllBut(ids), or None for "every story" (e.g. is:all).
VirtualResolver = Callable[[str, str], set[str] | AllBut | None]

# A function that answers a ``published:`` range from the store of record:
# (start, end, start_excluded, end_excluded) -> story ids; naive times are UTC and
# None is an open end.
DateResolver = Callable[[datetime | None, datetime | None, bool, bool], set[str]]
