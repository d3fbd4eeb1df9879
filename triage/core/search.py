"""The full-text search index: the only module that imports Whoosh.

Whoosh is pure Python and unmaintained upstream, so everything that touches it is
kept here, behind :class:`SearchIndex`. The index is *derived* data: the store of
record (SQLite) holds every story and all editor state, and the index can be
rebuilt from it at any time (``triage reindex``). That lets us:

* write the index in batches from one writer (a Whoosh commit costs seconds on a
  large index, so per-story commits are never done);
* resolve ``tag:`` and ``is:unread`` against the store at query time, so tagging
  never waits for a Whoosh commit. The parser accepts them as ordinary fields and
  we replace them with :class:`DocSetQuery` nodes that match a precomputed set of
  story ids, which keeps arbitrary boolean nesting correct.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import matching, query, sorting
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    SimpleAnalyzer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import DATETIME, ID, TEXT, Schema
from whoosh.index import LockError
from whoosh.qparser import AndGroup, MultifieldParser
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.qparser.plugins import GtLtPlugin, PlusMinusPlugin
from whoosh.support.charset import accent_map

SCHEMA_VERSION = 2
"""Bump when the schema changes; an index of another version is rebuilt."""

DEFAULT_FIELDS = ("title", "body")
VIRTUAL_FIELDS = ("tag", "is")
LOCK_WAIT_SECONDS = 60.0


class SearchError(Exception):
    """A query that cannot be parsed, or an index that cannot be opened."""


class IndexUnavailable(SearchError):
    """The index is missing, corrupt, or of another schema version; reindex fixes it."""


def _text_analyzer() -> Any:
    """Words folded to unaccented lower case *before* stemming, so "brûlée" == "brulee"."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter()
        | StemFilter()
    )


def _name_analyzer() -> Any:
    return SimpleAnalyzer() | CharsetFilter(accent_map)


def build_schema() -> Schema:
    """The news schema: stemmed, accent-folded prose; plain names; dates; ids."""
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(analyzer=_text_analyzer(), field_boost=2.0),
        body=TEXT(analyzer=_text_analyzer()),
        source=TEXT(analyzer=_name_analyzer()),
        author=TEXT(analyzer=_name_analyzer()),
        speaker=TEXT(analyzer=_name_analyzer()),
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
    """A page of hits plus the total number of matches."""

    hits: list[Hit]
    total: int


# A function that answers a virtual field: ("tag", "urgent") -> set of story ids,
# or None for "every story" (e.g. is:all).
VirtualResolver = Callable[[str, str], set[str] | None]

# A function that answers a ``published:`` range from the store of record:
# (start, end, start_excluded, end_excluded) -> story ids; naive times are UTC and
# None is an open end.
DateResolver = Callable[[datetime | None, datetime | None, bool, bool], set[str]]


class DocSetQuery(query.Query):  # type: ignore[misc]
    """Matches the documents whose ``id`` is in a given set of story ids.

    Used for everything the store knows and the index does not (tags, read state).
    Story ids are mapped to document numbers through the ``id`` column, cached per
    searcher, so the cost is a set lookup per document rather than one term
    lookup per id.
    """

    def __init__(self, ids: frozenset[str], label: str = "", boost: float = 1.0) -> None:
        self.ids = ids
        self.label = label
        self.boost = boost

    def __repr__(self) -> str:
        return f"DocSetQuery({self.label!r}, {len(self.ids)} ids)"

    def __str__(self) -> str:
        return self.label

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DocSetQuery) and other.ids == self.ids

    def __hash__(self) -> int:
        return hash((self.label, len(self.ids)))

    def estimate_size(self, ixreader: Any) -> int:
        return len(self.ids)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        docnums = (
            sorted(doc for doc, story in _id_column(searcher).items() if story in self.ids)
            if len(self.ids) > 64
            else sorted(doc for story in self.ids for doc in _docnums_for(searcher, story))
        )
        return matching.ListMatcher(docnums, all_weights=self.boost)


_column_cache: dict[int, tuple[Any, dict[int, str]]] = {}
_column_lock = threading.Lock()


def _id_column(searcher: Any) -> dict[int, str]:
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
            if len(_column_cache) > 8:
                _column_cache.clear()
            _column_cache[key] = entry
    return entry[1]


def _docnums_for(searcher: Any, story_id: str) -> list[int]:
    return list(searcher.document_numbers(id=story_id))


def rewrite_virtual(q: Any, resolve: VirtualResolver, dates: DateResolver | None = None) -> Any:
    """Replace ``tag:…`` / ``is:…`` terms in a parsed query by :class:`DocSetQuery` nodes.

    With ``dates``, ``published:`` ranges are answered by the store too: Whoosh
    walks a trie of numeric terms for a date range (~50 ms CPU on 10k stories for
    a few days), an indexed SQLite range is a millisecond or two.
    """
    if dates is not None and isinstance(q, query.DateRange) and q.fieldname == "published":
        found = dates(q.startdate, q.enddate, bool(q.startexcl), bool(q.endexcl))
        return DocSetQuery(frozenset(found), str(q), boost=q.boost)
    if isinstance(q, query.Term) and q.fieldname in VIRTUAL_FIELDS:
        ids = resolve(q.fieldname, str(q.text))
        return (
            query.Every() if ids is None else DocSetQuery(frozenset(ids), f"{q.fieldname}:{q.text}")
        )
    if isinstance(q, query.Phrase) and q.fieldname in VIRTUAL_FIELDS:
        ids = resolve(q.fieldname, " ".join(q.words))
        return (
            query.Every()
            if ids is None
            else DocSetQuery(frozenset(ids), f"{q.fieldname}:{q.words}")
        )
    if isinstance(q, (query.Prefix, query.Wildcard)) and q.fieldname in VIRTUAL_FIELDS:
        ids = resolve(q.fieldname, str(q.text) + "*")
        return (
            query.Every()
            if ids is None
            else DocSetQuery(frozenset(ids), f"{q.fieldname}:{q.text}*")
        )
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
        **{name: schema[name] for name in schema.names()}, tag=ID(), **{"is": ID()}
    )
    parser = MultifieldParser(list(DEFAULT_FIELDS), parser_schema, group=AndGroup)
    parser.add_plugin(DateParserPlugin(free=False, callback=errors.append))
    parser.add_plugin(GtLtPlugin())
    # "-word" excludes, but only at the start of a word: "follow-up" stays one word.
    parser.add_plugin(PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
    return parser


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
    errors: list[str] = []
    parser = _make_parser(schema or build_schema(), errors)
    try:
        parsed = parser.parse(_compact_dates(stripped))
    except Exception as exc:  # Whoosh raises assorted errors for odd syntax
        raise SearchError(f"cannot parse query {stripped!r}: {exc}") from None
    if errors:
        raise SearchError(f"cannot read the date {errors[0]!r} in query {stripped!r}")
    return rewrite_virtual(parsed, resolve, dates)


def query_terms(q: Any) -> set[str]:
    """The analysed words a query looks for in titles and bodies (for highlighting)."""
    try:
        return {str(text) for field, text in q.iter_all_terms() if field in DEFAULT_FIELDS}
    except Exception:
        return set()


_HIGHLIGHT_ANALYZER = _text_analyzer()
_TOKEN_TEXT = re.compile(r"[\w*]+(?:\.?[\w*]+)*")
_ANALYSED: dict[str, str] = {}
_ANALYSED_LIMIT = 200_000


def _analysed(word: str) -> str:
    """The index term of one token ("" for a stop word), memoised.

    Every filter of the text analyser works token by token, so analysing a word
    alone gives the same term as analysing it in its sentence. Running Whoosh's
    filter chain on a whole body costs ~10 ms per story; the words of news
    repeat, so a dictionary makes highlighting a page of results nearly free.
    """
    term = _ANALYSED.get(word)
    if term is None:
        term = next((t.text for t in _HIGHLIGHT_ANALYZER(word)), "")
        if len(_ANALYSED) >= _ANALYSED_LIMIT:
            _ANALYSED.clear()
        _ANALYSED[word] = term
    return term


class _Highlighter:
    """Which surface words of texts analyse to a query's terms, remembered across texts.

    A page of results shares most of its vocabulary, so each distinct word is
    analysed once per query rather than once per occurrence; finding the spans is
    then one C-level regex scan per text.
    """

    def __init__(self, terms: frozenset[str]) -> None:
        self.terms = terms
        self.seen: set[str] = set()
        self.hits: set[str] = set()

    def spans(self, text: str) -> list[tuple[int, int]]:
        words = set(_TOKEN_TEXT.findall(text))
        for word in words - self.seen:
            if _analysed(word) in self.terms:
                self.hits.add(word)
        self.seen |= words
        here = words & self.hits
        if not here:
            return []
        return [match.span() for match in _word_pattern(frozenset(here)).finditer(text)]


@lru_cache(maxsize=256)
def _word_pattern(words: frozenset[str]) -> re.Pattern[str]:
    """Whole tokens only: not preceded by a word character or "x.", not followed by a
    word character or ".x" (the tokenizer's own boundaries)."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w*])(?<![\w*]\.)(?:{alternatives})(?![\w*])(?!\.[\w*])")


_HIGHLIGHTERS: dict[frozenset[str], _Highlighter] = {}


def term_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Character spans of the words in ``text`` that match analysed query terms.

    The text is analysed the same way the index analyses bodies (stemming, accent
    folding), so a search for "strikes" highlights "striking" too.
    """
    if not terms or not text:
        return []
    key = frozenset(terms)
    highlighter = _HIGHLIGHTERS.get(key)
    if highlighter is None or len(highlighter.seen) > _ANALYSED_LIMIT:
        if len(_HIGHLIGHTERS) >= 32:
            _HIGHLIGHTERS.clear()
        highlighter = _HIGHLIGHTERS[key] = _Highlighter(key)
    return highlighter.spans(text)


class IndexBatch:
    """Adds documents through an open Whoosh writer (see :meth:`SearchIndex.writing`)."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer
        self.touched = False

    def add(self, documents: Iterable[IndexDocument], delete_ids: Iterable[str] = ()) -> int:
        """Replace the given stories' documents; return how many were added.

        Deletes every id first, then adds the documents: far cheaper than
        ``update_document``, which opens a searcher per call.
        """
        docs = list(documents)
        to_delete = {d.id for d in docs} | set(delete_ids)
        if not docs and not to_delete:
            return 0
        self.touched = True
        writer = self._writer
        for story_id in to_delete:
            writer.delete_by_term("id", story_id)
        for doc in docs:
            writer.add_document(
                id=doc.id,
                title=doc.title,
                body=doc.body,
                source=doc.source,
                author=doc.author,
                speaker=" ; ".join(doc.speakers),
                feed=" ".join(doc.feeds) or None,
                published=doc.published.replace(tzinfo=None),
            )
        return len(docs)


class SearchIndex:
    """A Whoosh index in a directory, written in batches by one writer.

    Searchers are cached and refreshed after a commit (ours or another process's),
    so repeated queries do not reopen segment files.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.schema = build_schema()
        self._index: Any = None
        self._searcher: Any = None
        self._lock = threading.RLock()

    # -- opening -----------------------------------------------------------------

    @property
    def version_file(self) -> Path:
        return self.path / "triage-schema-version"

    def exists(self) -> bool:
        """Whether an index of the current schema version is on disk."""
        try:
            version = int(self.version_file.read_text().strip())
        except (OSError, ValueError):
            return False
        if version != SCHEMA_VERSION:
            return False
        try:
            return bool(whoosh_index.exists_in(str(self.path)))
        except Exception:  # present but corrupt: opening it reports why
            return True

    def create(self) -> None:
        """Create an empty index, replacing whatever is in the directory."""
        with self._lock:
            self.close()
            self.path.mkdir(parents=True, exist_ok=True)
            for stale in self.path.iterdir():
                if stale.is_file():
                    stale.unlink()
            self._index = whoosh_index.create_in(str(self.path), self.schema)
            self.version_file.write_text(f"{SCHEMA_VERSION}\n")

    def _open(self) -> Any:
        if self._index is None:
            if not self.exists():
                raise IndexUnavailable(
                    f"no search index of version {SCHEMA_VERSION} at {self.path}; "
                    "run `triage reindex`"
                )
            try:
                self._index = whoosh_index.open_dir(str(self.path), schema=self.schema)
            except Exception as exc:
                raise self._unreadable(exc) from None
        return self._index

    def _unreadable(self, exc: BaseException) -> IndexUnavailable:
        """Forget the handles of a damaged index and say, in one line, how to fix it.

        A truncated or deleted segment file (a disk filling up, a stray ``rm``)
        surfaces from Whoosh as EOFError, struct.error, FileNotFoundError and the
        like, at open, search or write time; the store of record is unaffected.
        """
        self.close()
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return IndexUnavailable(
            f"search index at {self.path} is unreadable ({reason}); run `triage reindex`"
        )

    def close(self) -> None:
        """Release the cached searcher and index handles."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = None
            self._index = None

    def searcher(self) -> Any:
        """A current searcher, refreshed if the index changed since the last call."""
        with self._lock:
            if self._searcher is None:
                index = self._open()
                try:
                    self._searcher = index.searcher()
                except Exception as exc:
                    raise self._unreadable(exc) from None
            else:
                try:
                    self._searcher = self._searcher.refresh()
                except Exception as exc:
                    self.close()
                    raise IndexUnavailable(f"search index unreadable: {exc}") from None
            return self._searcher

    # -- writing -----------------------------------------------------------------

    def write(self, documents: Iterable[IndexDocument], delete_ids: Iterable[str] = ()) -> int:
        """Replace the given stories' documents in one commit; return how many were added.

        Raises:
            SearchError: When another writer holds the lock for too long.
        """
        with self.writing() as batch:
            return batch.add(documents, delete_ids)

    @contextlib.contextmanager
    def writing(self) -> Iterator[IndexBatch]:
        """One Whoosh writer for several batches, committed once when the block ends.

        A Whoosh commit writes a segment and merges the small ones, so its cost
        grows with the index: committing every 300 stories made indexing a 1k desk
        take twice as long as one writer with one commit (45 s of 78 s in commits).
        Nothing is committed if the block raises. The writer lock is awaited for at
        most :data:`LOCK_WAIT_SECONDS`.

        Raises:
            SearchError: When another writer holds the lock for too long.
        """
        with self._lock:
            ix = self._open()
            try:
                writer = ix.writer(timeout=LOCK_WAIT_SECONDS, delay=0.1)
            except LockError:
                raise SearchError("search index is locked by another writer") from None
            except Exception as exc:
                raise self._unreadable(exc) from None
            batch = IndexBatch(writer)
            try:
                yield batch
                if batch.touched:
                    writer.commit()
                else:
                    writer.cancel()
            except BaseException as exc:
                with contextlib.suppress(Exception):
                    writer.cancel()
                if isinstance(exc, Exception) and not isinstance(exc, SearchError):
                    raise self._unreadable(exc) from None
                raise

    # -- reading -----------------------------------------------------------------

    def doc_count(self) -> int:
        """Number of live documents in the index."""
        return int(self.searcher().doc_count())

    def search(
        self,
        q: Any,
        *,
        limit: int | None = 50,
        sort: str = "relevance",
        restrict: frozenset[str] | None = None,
    ) -> Results:
        """Run a parsed query; ``sort`` is ``relevance`` or ``date`` (newest first).

        Args:
            q: A query from :func:`parse_query`.
            limit: Most hits to return (None for all).
            sort: ``relevance`` or ``date``.
            restrict: If given, only these story ids can match.
        """
        searcher = self.searcher()
        # optimize=False: score every match in one pass. Whoosh's block-quality
        # skipping saves scoring but then cannot count, and len(results) re-runs the
        # query to count it; one full pass is 1.5-2x cheaper than skip + recount
        # (10k stories: two-term AND 27 ms vs 40 ms CPU, phrase 33 vs 70 ms).
        kwargs: dict[str, Any] = {"limit": limit, "optimize": False}
        if restrict is not None:
            kwargs["filter"] = DocSetQuery(restrict, "restrict")
        if sort == "date":
            kwargs["sortedby"] = sorting.FieldFacet("published", reverse=True)
        try:
            results = searcher.search(q, **kwargs)
        except Exception as exc:
            raise SearchError(f"search failed: {exc}") from None
        ids = _id_column(searcher)
        hits = [Hit(id=ids[hit.docnum], score=float(hit.score or 0.0)) for hit in results]
        return Results(hits=hits, total=len(results))

    def indexed_ids(self) -> set[str]:
        """Every story id the index holds (for consistency checks)."""
        return set(_id_column(self.searcher()).values())
