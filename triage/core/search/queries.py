"""Query language: Whoosh syntax plus ``tag:``/``is:``/``published:`` answered by the store."""

from __future__ import annotations

import contextlib
import re
import threading
from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate
from pickle import loads
from typing import Any

from whoosh import formats, matching, query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import ID, Schema
from whoosh.matching import binary, wrappers
from whoosh.qparser import AndGroup, MultifieldParser
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.qparser.plugins import GtLtPlugin, PlusMinusPlugin
from whoosh.system import _INT_SIZE
from whoosh.util import make_binary_tree

from triage.core.search.layout import Span
from triage.core.search.schema import (
    DEFAULT_FIELDS,
    VIRTUAL_FIELDS,
    AllBut,
    DateResolver,
    QueryError,
    VirtualResolver,
    build_schema,
    day_key,
)


class DocSetQuery(query.Query):  # type: ignore[misc]
    """Matches the documents whose ``id`` is in a given set of story ids.

    Used for everything the store knows and the index does not (tags, read state).
    Story ids are mapped to document numbers through the ``id`` column, cached per
    searcher, so the cost is a set lookup per document rather than one term
    lookup per id.
    """

    def __init__(
        self,
        ids: frozenset[str],
        label: str = "",
        boost: float = 1.0,
        negate: bool = False,
        days: tuple[str | None, str | None] | None = None,
        column: bool = False,
    ) -> None:
        self.ids = ids
        self.label = label
        self.boost = boost
        self.negate = negate  # match every document whose id is *not* in ``ids``
        self.days = days  # a published: range: first and last UTC day (None: open)
        self.column = column  # always read the cached id column (many queries, one reader)

    def __repr__(self) -> str:
        return f"DocSetQuery({self.label!r}, {len(self.ids)} ids)"

    def __str__(self) -> str:
        return self.label

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, DocSetQuery) and other.ids == self.ids and other.negate == self.negate
        )

    def __hash__(self) -> int:
        return hash((self.label, len(self.ids)))

    def estimate_size(self, ixreader: Any) -> int:
        return int(ixreader.doc_count()) - len(self.ids) if self.negate else len(self.ids)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        if self.negate:
            docnums = sorted(
                doc for doc, story in id_column(searcher).items() if story not in self.ids
            )
            return matching.ListMatcher(docnums, all_weights=self.boost)
        docnums = (
            sorted(doc for doc, story in id_column(searcher).items() if story in self.ids)
            if self.column or len(self.ids) > 64
            else sorted(doc for story in self.ids for doc in _docnums_for(searcher, story))
        )
        return matching.ListMatcher(docnums, all_weights=self.boost)


_column_cache: dict[int, tuple[Any, dict[int, str]]] = {}
_column_lock = threading.Lock()


def id_column(searcher: Any) -> dict[int, str]:
    """docnum -> story id for every live document of this searcher's reader.

    Cached per reader; the entry keeps its reader so that a new reader that happens
    to get a dead one's ``id()`` can never be handed the dead one's mapping.
    """
    reader = searcher.reader()
    key = id(reader)
    with _column_lock:
        entry = _column_cache.get(key)
    if entry is None or entry[0] is not reader:
        column = reader.column_reader("id")
        entry = (reader, {doc: column[doc] for doc in reader.all_doc_ids()})
        with _column_lock:
            if len(_column_cache) > 1024:  # one reader per shard
                _column_cache.clear()
            _column_cache[key] = entry
    return entry[1]


def _docnums_for(searcher: Any, story_id: str) -> list[int]:
    return list(searcher.document_numbers(id=story_id))


class AdjacentPhrase(query.Phrase):  # type: ignore[misc]
    """A phrase (words next to each other, in order) checked against whole posting lists.

    Whoosh's own phrase matcher steps through every document holding all the
    words, building span objects from the decoded positions of each: a phrase of
    two common words ("has been") cost most of a 70 ms search on a 100k desk.
    Here each word's postings in a segment are read a block at a time (see
    :func:`_adjacent`), the documents holding every word are found by set
    intersection, and a document matches when some position ``p`` of the first
    word has the i-th word at ``p + i`` -- what Whoosh's matcher accepts at the
    default slop of 1. The matches are then scored by the very intersection of
    term matchers Whoosh's phrase wraps, so scores, order and counts stay the
    same. Any other slop, or a phrase of one word, is left to Whoosh.
    """

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        fieldname = self.fieldname
        if self.slop != 1 or len(self.words) < 2 or fieldname not in searcher.schema:
            return super().matcher(searcher, context)
        field = searcher.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            return super().matcher(searcher, context)  # Whoosh's error for the case
        reader = searcher.reader()
        words: list[bytes] = []
        for word in self.words:
            try:
                word = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (fieldname, word) not in reader:
                return matching.NullMatcher()  # a missing word: nothing matches
            words.append(word)
        docs = _adjacent(reader, fieldname, words, field.format)
        if not docs:
            return matching.NullMatcher()
        terms = [query.Term(fieldname, word).matcher(searcher, context) for word in words]
        found: Any = _ListedDocs(make_binary_tree(binary.IntersectionMatcher, terms), docs)
        if self.boost != 1.0:
            found = matching.WrappingMatcher(found, boost=self.boost)
        return found


def _adjacent(reader: Any, fieldname: str, words: list[bytes], field_format: Any) -> list[int]:
    """Document numbers (ascending) where ``words`` stand next to each other, in order.

    The rarest word's postings are read whole; a word far commoner than the
    documents still in question is looked up in them (a skip per document)
    rather than read whole, as in "new york" on a day of many "new"s.
    """
    decode = (
        _positions if type(field_format) is formats.Positions else field_format.decoder("positions")
    )
    frequency = [reader.doc_frequency(fieldname, word) for word in words]
    order = sorted(range(len(words)), key=frequency.__getitem__)
    postings: dict[int, dict[int, bytes]] = {}
    common: set[int] = set()
    for rank, number in enumerate(order):
        if rank and frequency[number] > _LOOKUP_RATIO * len(common):
            postings[number] = _looked_up(reader, fieldname, words[number], sorted(common))
        else:
            postings[number] = _postings(reader, fieldname, words[number])
        common = set(postings[number]) if not rank else common & postings[number].keys()
        if not common:
            return []
    found = []
    for doc in sorted(common):
        starts = set(decode(postings[0][doc]))
        for offset in range(1, len(words)):
            starts.intersection_update([p - offset for p in decode(postings[offset][doc])])
            if not starts:
                break
        if starts:
            found.append(doc)
    return found


_LOOKUP_RATIO = 8
"""A phrase word found in this many times more documents than are left to check is
looked up in each of them instead of read whole (see :func:`_adjacent`)."""


def _looked_up(reader: Any, fieldname: str, word: bytes, docs: list[int]) -> dict[int, bytes]:
    """docnum -> encoded value of a term's live postings in the given (sorted) documents."""
    matcher = reader.postings(fieldname, word)
    found: dict[int, bytes] = {}
    for doc in docs:
        if not matcher.is_active():
            break
        matcher.skip_to(doc)
        if matcher.is_active() and matcher.id() == doc:
            found[doc] = matcher.value()
    return found


def _positions(value: bytes) -> Iterable[int]:
    """The positions of a :class:`whoosh.formats.Positions` posting value.

    What ``Positions.decode_positions`` returns, without its Python loop: the
    value is a count (4 bytes) then the position deltas pickled (protocol 2).
    A delta under 256 pickles as ``K`` and one byte, under 65536 as ``M`` and
    two; a lone delta, or a list of ``K`` deltas after a first of either kind
    (what nearly every posting is), is read straight from the bytes. Anything
    else goes to ``pickle.loads`` (after the pickle's stop byte, which Whoosh may
    strip: bytes after a stop are ignored).
    """
    if value[4:9] == _PICKLED_HEAD:
        kind = value[9]
        if kind == _K and len(value) == 13 and value[11:] == b"a.":
            return (value[10],)
        if kind == _M and len(value) == 14 and value[12:] == b"a.":
            return (value[10] | value[11] << 8,)
        if kind == _MARK and value.endswith(b"e."):
            first = value[11] | value[12] << 8 if value[10] == _M else None
            rest = value[10 if first is None else 13 : -2]
            if len(rest) % 2 == 0 and rest[::2] == b"K" * (len(rest) // 2):
                return accumulate(rest[1::2], initial=first)
    return accumulate(loads(value[_INT_SIZE:] + b"."))


_PICKLED_HEAD = b"\x80\x02]q\x00"  # protocol 2, an empty list, memoised
_K, _M, _MARK = ord("K"), ord("M"), ord("(")


def _postings(reader: Any, fieldname: str, word: bytes) -> dict[int, bytes]:
    """docnum -> encoded value of every live posting of a term in a segment reader.

    Whoosh's ``all_items`` steps through a posting list one Python call at a time;
    the segment matcher of the pinned Whoosh keeps each block's ids and values
    as sequences, so whole blocks are read at once (any other matcher the slow way).
    """
    matcher = reader.postings(fieldname, word)
    leaf, deleted = matcher, frozenset[int]()
    if isinstance(matcher, wrappers.FilterMatcher) and matcher._exclude:
        leaf, deleted = matcher.child, matcher._ids  # the reader's deleted documents
    if not isinstance(leaf, W3LeafMatcher):
        return dict(matcher.all_items())
    found: dict[int, bytes] = {}
    while leaf.is_active():
        leaf._read_ids()
        leaf._read_values()
        found.update(zip(leaf._ids, leaf._values, strict=True))
        leaf._next_block()
    for doc in deleted & found.keys():
        del found[doc]
    return found


class _ListedDocs(matching.WrappingMatcher):  # type: ignore[misc]
    """The documents of a sorted list that ``child`` also matches, scored by ``child``."""

    def __init__(self, child: Any, docs: list[int], at: int = 0) -> None:
        super().__init__(child)
        self._docs = docs
        self._at = at
        self._align()

    def _align(self) -> None:
        """Move to the first listed document at or after ``_at`` that the child matches."""
        child, docs = self.child, self._docs
        while self._at < len(docs) and child.is_active():
            child.skip_to(docs[self._at])
            if not child.is_active():
                break
            here = child.id()
            if here == docs[self._at]:
                return
            self._at = bisect_left(docs, here, self._at)
        self._at = len(docs)

    def copy(self) -> Any:
        return _ListedDocs(self.child.copy(), self._docs, self._at)

    def _replacement(self, newchild: Any) -> Any:
        return _ListedDocs(newchild, self._docs, self._at)

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else matching.NullMatcher()

    def reset(self) -> None:
        self.child.reset()
        self._at = 0
        self._align()

    def is_active(self) -> bool:
        return self._at < len(self._docs)

    def id(self) -> int:
        return self._docs[self._at]

    def next(self) -> bool:
        self._at += 1
        self._align()
        return False

    def skip_to(self, target: int) -> None:
        if self.is_active() and target > self._docs[self._at]:
            self._at = bisect_left(self._docs, target, self._at)
            self._align()

    def all_ids(self) -> Any:
        while self.is_active():
            yield self.id()
            self.next()

    def supports_block_quality(self) -> bool:
        return False


def may_match(q: Any, reader: Any) -> bool:
    """False only when ``q`` can match no document of ``reader``: a word it requires
    is in none of them.

    A relevance search of the recent scope reads every day's shard for a word
    that is rare or absent in most of them, and Whoosh builds a matcher tree for
    each segment of each shard before finding nothing: most of such a query's
    time on a 100k desk. One term-dictionary look-up per required word answers
    the same for a shard. Anything this does not understand may match.
    """
    if isinstance(q, query.Term):
        try:
            return (q.fieldname, q.text) in reader
        except Exception:  # an odd field or value: let the search itself say
            return True
    if isinstance(q, query.Phrase):
        return all(may_match(query.Term(q.fieldname, word), reader) for word in q.words)
    if isinstance(q, query.And):
        return all(may_match(sub, reader) for sub in q.subqueries)
    if isinstance(q, (query.Or, query.DisjunctionMax)):
        return any(may_match(sub, reader) for sub in q.subqueries)
    if isinstance(q, (query.AndNot, query.AndMaybe)):
        return may_match(q.a, reader)
    if isinstance(q, query.Require):
        return may_match(q.a, reader) and may_match(q.b, reader)
    return True


def for_span(q: Any, span: Span) -> Any:
    """``q`` as it reads in the shard of ``span``: a date range covering the shard matches all.

    A shard strictly inside a ``published:`` range needs no id set, so the store
    only lists the ids of the range's edge shards, those holding its first and
    last days (see ``Desk.resolve_dates``); without this rewrite the shards in
    between would match nothing.
    """
    if isinstance(q, DocSetQuery):
        if q.days is None:
            return q
        return query.Every(boost=q.boost) if span.inside(*q.days) else q
    return q.apply(lambda child: for_span(child, span))


def day_bounds(q: Any) -> tuple[str | None, str | None]:
    """The first and last UTC day a query can match, from ``published:`` ranges it requires.

    Only ranges every match must satisfy count (the query itself, or a conjunct
    of an AND, or the positive side of an AND NOT); ``None`` is an open end.
    """
    if isinstance(q, DocSetQuery) and q.days is not None and not q.negate:
        return q.days
    parts: list[Any] = []
    if isinstance(q, query.And):
        parts = list(q.subqueries)
    elif isinstance(q, query.AndNot):
        parts = [q.a]
    first: str | None = None
    last: str | None = None
    for start, end in (day_bounds(part) for part in parts):
        first = start if first is None or (start is not None and start > first) else first
        last = end if last is None or (end is not None and end < last) else last
    return first, last


class DaySpan(DocSetQuery):
    """Matches every document: it only tells the sharded index which UTC days to read
    (see :func:`day_bounds`), for a query whose other parts pick the documents."""

    def __init__(self, days: tuple[str | None, str | None]) -> None:
        super().__init__(frozenset(), "days", days=days)

    def estimate_size(self, ixreader: Any) -> int:
        return int(ixreader.doc_count())

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        return query.Every().matcher(searcher, context)


def within_stories(q: Any, story_ids: frozenset[str], days: tuple[str | None, str | None]) -> Any:
    """``q`` restricted to some stories, which fall on the UTC days ``days`` (first, last).

    The index reads only those days' shards, and maps the ids through its cached id
    column: the rules on ingest ask this once per rule of the same few shards.
    """
    return query.And([q, DaySpan(days), DocSetQuery(story_ids, "stories", column=True)])


def _doc_set(ids: set[str] | AllBut | None, label: str) -> Any:
    if ids is None:
        return query.Every()
    if isinstance(ids, AllBut):
        return DocSetQuery(ids.excluded, label, negate=True)
    return DocSetQuery(frozenset(ids), label)


def rewrite_virtual(q: Any, resolve: VirtualResolver, dates: DateResolver | None = None) -> Any:
    """Replace ``tag:…`` / ``is:…`` terms in a parsed query by :class:`DocSetQuery` nodes.

    With ``dates``, ``published:`` ranges are answered by the store too: Whoosh
    walks a trie of numeric terms for a date range, an indexed SQLite range is
    far cheaper.
    """
    if dates is not None and isinstance(q, query.DateRange) and q.fieldname == "published":
        found = dates(q.startdate, q.enddate, bool(q.startexcl), bool(q.endexcl))
        days = (
            day_key(q.startdate) if q.startdate else None,
            day_key(q.enddate) if q.enddate else None,
        )
        return DocSetQuery(frozenset(found), str(q), boost=q.boost, days=days)
    if isinstance(q, query.Term) and q.fieldname in VIRTUAL_FIELDS:
        return _doc_set(resolve(q.fieldname, str(q.text)), f"{q.fieldname}:{q.text}")
    if isinstance(q, query.Phrase) and q.fieldname in VIRTUAL_FIELDS:
        return _doc_set(resolve(q.fieldname, " ".join(q.words)), f"{q.fieldname}:{q.words}")
    if type(q) is query.Phrase:
        return AdjacentPhrase(q.fieldname, q.words, q.slop, q.boost, q.char_ranges)
    if isinstance(q, (query.Prefix, query.Wildcard)) and q.fieldname in VIRTUAL_FIELDS:
        return _doc_set(resolve(q.fieldname, str(q.text) + "*"), f"{q.fieldname}:{q.text}*")
    if isinstance(q, query.Not):
        return query.Not(rewrite_virtual(q.query, resolve, dates))
    if isinstance(q, query.BinaryQuery):
        return q.__class__(
            rewrite_virtual(q.a, resolve, dates), rewrite_virtual(q.b, resolve, dates)
        )
    if isinstance(q, query.CompoundQuery):
        return q.__class__(
            [rewrite_virtual(sub, resolve, dates) for sub in q.subqueries], boost=q.boost
        )
    return q


def _make_parser(schema: Schema, errors: list[str]) -> MultifieldParser:
    parser_schema = Schema(
        **{name: schema[name] for name in schema.names()},
        **{name: ID() for name in VIRTUAL_FIELDS},
    )
    parser = MultifieldParser(list(DEFAULT_FIELDS), parser_schema, group=AndGroup)
    parser.add_plugin(DateParserPlugin(free=False, callback=errors.append))
    parser.add_plugin(GtLtPlugin())
    # "-word" excludes, but only at the start of a word: "follow-up" stays one word.
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
    return parser


_TAGGED_BY = re.compile(r"(?<!\w)tagged-by:", re.IGNORECASE)
_WORD_MINUS = re.compile(r"(?<![^\s(])-(?=[^\s-])")


def matches_nothing(q: Any) -> bool:
    """Whether a parsed query can match no story (e.g. only stop words, as in "the")."""
    return isinstance(q, query.NullQuery.__class__)


def _only_negated(text: str, parsed: Any) -> bool:
    """Whoosh drops a query whose every clause is ``-x`` (nothing left to subtract from)."""
    return isinstance(parsed, query.NullQuery.__class__) and bool(_WORD_MINUS.search(text))


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ](\d{2}):(\d{2}))?\b")
_DATE_CLAUSE = re.compile(r"\b(published|date):(\[[^\]]*\]|\{[^}]*\}|[<>]=?\S+|\S+)", re.I)


def _compact_dates(text: str) -> str:
    """Rewrite ISO dates in ``published:`` clauses into the digits Whoosh's date parser reads.

    Whoosh reads ``2026-11-20`` inside a range as arithmetic on years; editors type
    ISO dates, so ``published:[2026-11-20 to 2026-11-21]`` becomes
    ``published:[20261120 to 20261121]``. ``date:`` is accepted as an alias.
    """

    def compact(match: re.Match[str]) -> str:
        return "".join(part for part in match.groups() if part)

    return _DATE_CLAUSE.sub(lambda m: "published:" + _ISO_DATE.sub(compact, m.group(2)), text)


def parse_query(
    text: str,
    resolve: VirtualResolver,
    schema: Schema | None = None,
    dates: DateResolver | None = None,
) -> Any:
    """Parse Whoosh query language (plus ``tag:`` and ``is:``) into a query tree.

    An empty query or ``*`` matches everything. ``dates``, if given, answers
    ``published:`` ranges (see :func:`rewrite_virtual`).

    Raises:
        SearchError: When the text cannot be parsed.
    """
    stripped = text.strip()
    if stripped in ("", "*"):
        return query.Every()
    check_query_size(stripped)
    shown = _shown(stripped)
    errors: list[str] = []
    parser = _make_parser(schema or build_schema(), errors)
    fields = _TAGGED_BY.sub("taggedby:", stripped)  # a field name is one word
    try:
        parsed = parser.parse(_compact_dates(fields))
    except RecursionError:
        raise QueryError(f"query {shown} is nested too deeply") from None
    except Exception:  # Whoosh raises assorted errors for odd syntax
        parsed = None
    try:
        if (parsed is None or _only_negated(fields, parsed)) and _WORD_MINUS.search(fields):
            # "-tag:lead" means "NOT tag:lead", as it reads; Whoosh drops a query of only
            # minus clauses and fails on a group of one, as in "(-tag:lead) AND is:unread"
            with contextlib.suppress(Exception):  # then the first answer stands
                parsed = parser.parse(_compact_dates(_WORD_MINUS.sub("NOT ", fields)))
        if parsed is None:
            raise ValueError(stripped)
        if not errors:
            return rewrite_virtual(parsed, resolve, dates)
    except RecursionError:
        raise QueryError(f"query {shown} is nested too deeply") from None
    except Exception:  # Whoosh raises assorted errors; their text is no message for an editor
        if not (_DATE_CLAUSE.search(stripped) or errors):
            raise QueryError(
                f"cannot parse query {shown} (check its quotes, brackets and field names)"
            ) from None
    date = f" {_shown(errors[0])}" if errors else ""
    raise QueryError(
        f"cannot read the date{date} in query {shown}: write dates as YYYY-MM-DD"
        " or YYYY-MM-DDTHH:MM, e.g. published:>2026-11-20 or"
        " published:[2026-11-01 to 2026-11-20]"
    )


MAX_QUERY_CHARS = 2_000
"""Longest query parsed: far past anything typed, short of what makes the parser
recurse or a reader highlight thousands of terms in every story."""

MAX_QUERY_WORDS = 200
"""Most words (terms, operators, clauses) in one query, for the same reason."""


def check_query_size(text: str) -> None:
    """Refuse a query too long to be one an editor typed, with a clear error.

    Raises:
        QueryError: When ``text`` has more than :data:`MAX_QUERY_CHARS` characters
            or :data:`MAX_QUERY_WORDS` words.
    """
    words = len(text.split())
    if len(text) > MAX_QUERY_CHARS or words > MAX_QUERY_WORDS:
        raise QueryError(
            f"query too long ({words} words, {len(text)} characters): at most"
            f" {MAX_QUERY_WORDS} words and {MAX_QUERY_CHARS} characters"
        )


def _shown(text: str) -> str:
    """A query as quoted in an error: repr'd, and cut when long."""
    return repr(text if len(text) <= 80 else text[:79] + "…")


def query_terms(q: Any) -> set[str]:
    """The analysed words a query looks for in titles and bodies (for highlighting)."""
    try:
        return {str(text) for field, text in q.iter_all_terms() if field in DEFAULT_FIELDS}
    except Exception:
        return set()
