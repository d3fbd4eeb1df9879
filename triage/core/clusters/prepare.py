"""The part of a cluster assignment that depends on the story alone, done ahead.

Assigning a story reads it into signals (tokens, names, numbers, shingles,
quotations, cited outlets) and event markers (years, lead names, weekdays,
counts) before it touches the desk's statistics. That part is pure, and it is
about a third of an assignment. The assignment itself must wait until every
earlier story is clustered, but the pure part need not: the analyser child of a
large ingest, which quotes stories as they are stored and is otherwise idle until
the store stage ends, prepares them too (:class:`Prepared`), so clustering, the
critical path of the ingest, has less left to do.

:class:`PreparedMemo` holds them until they are used, in a compact form (~6 KB a
story rather than ~40 KB of dicts, floats and big ints) and up to a cap. An entry
is keyed by the story's ``seq``, so a story changed since it was prepared is
simply computed again.
"""

from __future__ import annotations

import json
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from triage.core.clusters.config import ClusterConfig
from triage.core.clusters.conflicts import FROM_FEED, UNDATED, event_markers
from triage.core.clusters.signals import StorySignals, extract, pack_shingles
from triage.core.models import Quote, Story

PREPARED_LIMIT = 6000
"""Most stories held prepared at once (~40 MB): beyond, the rest is computed when
assigned, as it would have been without the memo."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """What an assignment needs from the story alone.

    Attributes:
        signals: The story's signals (see :func:`cluster_signals.extract`).
        markers: Its event markers (see :func:`cluster_conflicts.event_markers`).
        features_json: Its features as the stored JSON list.
        shingles: Its shingle hashes packed as stored.
    """

    signals: StorySignals
    markers: frozenset[str]
    features_json: str
    shingles: bytes


def prepare(story: Story, quotes: Sequence[Quote], config: ClusterConfig) -> Prepared:
    """Compute the pure part of assigning ``story`` (with its extracted ``quotes``)."""
    signals = extract(story, quotes, config.use_entities, config.use_title, config.lead_boost)
    markers = event_markers(
        signals.counts, story.title, story.body, config, story.published.year, signals.language
    )
    if not story.dated:
        markers |= {UNDATED}
    if from_feed(story):
        markers |= {FROM_FEED}
    return Prepared(
        signals=signals,
        markers=markers,
        features_json=json.dumps(list(signals.counts)),
        shingles=pack_shingles(signals.shingles),
    )


_ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
"""Suffixes of article files, as ingest reads them (``triage.core.ingest.sources``,
a layer above this one)."""


def from_feed(story: Story) -> bool:
    """Whether ``story`` was read from a feed (fetched, or a feed file), not from an
    article file, whose source is only its folder's name: the source name of a feed
    story is its feed's, so one source name is one outlet's stream."""
    return any(
        feed.startswith(("http://", "https://")) or not feed.lower().endswith(_ARTICLE_SUFFIXES)
        for feed in story.feeds
    )


@dataclass(frozen=True, slots=True)
class _Packed:
    """A :class:`Prepared` in few objects: the feature names as their compressed
    JSON text, the counts and shingles as machine arrays."""

    seq: int
    features: bytes
    counts: array[float]
    shingle_keys: array[int]
    shingle_starts: array[int]
    quotes: tuple[str, ...]
    names: frozenset[str]
    markers: frozenset[str]
    language: str


def _pack(seq: int, prepared: Prepared) -> _Packed:
    signals = prepared.signals
    counts = array("f", signals.counts.values())
    if counts != array("d", signals.counts.values()):  # not all exact in 4 bytes
        counts = array("d", signals.counts.values())
    return _Packed(
        seq=seq,
        features=zlib.compress(prepared.features_json.encode(), 1),
        counts=counts,
        shingle_keys=array("I", signals.shingles.keys()),
        shingle_starts=array("I", signals.shingles.values()),
        quotes=signals.quotes,
        names=signals.names,
        markers=prepared.markers,
        language=signals.language,
    )


def _unpack(packed: _Packed) -> Prepared:
    features_json = zlib.decompress(packed.features).decode()
    features: list[str] = json.loads(features_json)
    signals = StorySignals(
        counts=dict(zip(features, packed.counts, strict=True)),
        shingles=dict(zip(packed.shingle_keys, packed.shingle_starts, strict=True)),
        quotes=packed.quotes,
        names=packed.names,
        language=packed.language,
    )
    return Prepared(
        signals=signals,
        markers=packed.markers,
        features_json=features_json,
        shingles=pack_shingles(packed.shingle_keys),
    )


class PreparedMemo:
    """Prepared stories by id, each for one ``seq``, until an assignment takes them."""

    def __init__(self, limit: int = PREPARED_LIMIT) -> None:
        self.limit = limit
        self.used = 0
        """How many assignments took a prepared story (a test and a measure)."""
        self._held: dict[str, _Packed] = {}

    def __len__(self) -> int:
        return len(self._held)

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._held

    @property
    def full(self) -> bool:
        """Whether it holds as many as it may."""
        return len(self._held) >= self.limit

    def put(self, story_id: str, seq: int, prepared: Prepared) -> None:
        """Hold ``prepared`` for version ``seq`` of a story (ignored when full)."""
        if story_id in self._held or not self.full:
            self._held[story_id] = _pack(seq, prepared)

    def take(self, story_id: str, seq: int) -> Prepared | None:
        """Hand out (and forget) the story's prepared part if it is for ``seq``."""
        packed = self._held.pop(story_id, None)
        if packed is None or packed.seq != seq:
            return None
        self.used += 1
        return _unpack(packed)
