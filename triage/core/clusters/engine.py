"""Incremental story clustering: which items are one story, and who had it first.

Each new story is compared only with candidates drawn from an inverted index of its
rarest terms within a time window (never with the whole desk), scored by tf-idf
cosine over words, names and numbers, and joins the cluster it matches on average
(average link keeps two similar events apart better than nearest-neighbour
chaining). Shared quotations and verbatim passages lower the bar to join and mark
the later story as a copy. Editor corrections are stored as facts about stories and
replayed on every assignment, so ``rebuild`` reproduces them.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from triage.core.clusters import boilerplate
from triage.core.clusters.config import ClusterConfig as ClusterConfig
from triage.core.clusters.conflicts import FROM_FEED, UNDATED, penalised_similarity
from triage.core.clusters.language import foreign_feature
from triage.core.clusters.prepare import Prepared, from_feed, prepare
from triage.core.clusters.prose import clean_story
from triage.core.clusters.signals import (
    LANGUAGE_TAG,
    StorySignals,
    idf_weight,
    normal_word,
    shared_text,
    weigh,
    word_feature,
)
from triage.core.clusters.split import review_split
from triage.core.clusters.tables import ClusterTables, StoredStory, iso, iso_window
from triage.core.clusters.types import Cluster as Cluster
from triage.core.clusters.types import ClusterMember as ClusterMember
from triage.core.clusters.types import Relation as Relation
from triage.core.clusters.types import SharedPassage as SharedPassage
from triage.core.language import ENGLISH
from triage.core.links import host_of
from triage.core.models import Quote, Story
from triage.core.store import Connection

_TITLE_WORD = re.compile(r"[^\W_][\w'’\-]*")

REBUILD_BATCH = 500
"""Stories a rebuild assigns per batch of document-frequency writes."""


def _host(url: str) -> str:
    """The link's host without ``www.`` (empty for a file or a missing link)."""
    if not url.startswith(("http:", "https:")):
        return ""
    host = host_of(url)
    return host.removeprefix("www.")


def same_outlet(ours: tuple[str, str, bool], theirs: tuple[str, str, bool]) -> bool:
    """Whether two stories, as (source, link, read from a feed), come from one outlet.

    Two stories of one feed's source name are (a link blog's links point at other
    hosts, yet its posts are its own). Otherwise, their links must be on one host,
    under the same source name or two names that both carry the host's name (two
    feeds of one outlet: "BBC News - Home" and "BBC News - World" on bbc.co.uk; a
    feed proxy's host names no outlet). Article files and stories without a link
    have no outlet to share (their source is a folder name). An aggregator's items
    are taken as one outlet's too: they join only as near-copies (a missed pair
    rather than a wrong join)."""
    if ours[2] and theirs[2] and ours[0] == theirs[0]:
        return True  # one feed's stream, whatever its links (relative ones too)
    host, their_host = _host(ours[1]), _host(theirs[1])
    if not host or host != their_host:
        return False
    if ours[0] == theirs[0]:
        return True
    label = _host_label(host)
    return len(label) >= 3 and label in _squeezed(ours[0]) and label in _squeezed(theirs[0])


def _host_label(host: str) -> str:
    """The name part of a host ("bbc" of "feeds.bbc.co.uk", "lemonde" of "lemonde.fr")."""
    parts = [p for p in host.split(".") if p]
    while len(parts) > 1 and (len(parts[-1]) <= 3 or parts[-1] in _SUFFIXES):
        parts.pop()
    return parts[-1] if parts else ""


_SUFFIXES = frozenset({"com", "net", "org", "co", "gov", "info", "news", "online"})


def _squeezed(name: str) -> str:
    """An outlet name folded, without spaces or punctuation ("The Guardian" ->
    "theguardian")."""
    return re.sub(r"[\W_]+", "", name.casefold())


def _title_words(title: str) -> frozenset[str]:
    return frozenset(normal_word(m) for m in _TITLE_WORD.findall(title))


def near_copy(similarity: float, title: str, other: str, config: ClusterConfig) -> bool:
    """Whether two stories of one outlet are one report (re-published, or updated):
    alike in text and sharing most title words. A show's or a section's title template
    ("Episode N: ...", "... | Weekend news") and its recurring boilerplate make its
    stories alike in text; their own title words still differ."""
    if config.same_source_copy <= 0:
        return True  # the rule switched off
    if similarity < config.same_source_copy:
        return False
    ours, theirs = _title_words(title), _title_words(other)
    if not ours or not theirs:
        return similarity >= 2 * config.same_source_copy
    return len(ours & theirs) >= config.same_title_share * len(ours | theirs)


_TITLE_NUMBER = re.compile(r"\d+")


def feed_copy(titles: tuple[str, str], times: tuple[str, str], config: ClusterConfig) -> bool:
    """Whether two near-alike stories of one feed can be one report: published within
    ``copy_window`` of each other (a daily "Day in pictures" or "Latest list" is a new
    report each day), with the same numbers in their titles ("Part 1" and "Part 2",
    "Episode 513" and "Episode 514" are a series). ``times`` are ISO texts."""
    if _TITLE_NUMBER.findall(titles[0]) != _TITLE_NUMBER.findall(titles[1]):
        return False
    apart = abs(datetime.fromisoformat(times[0]) - datetime.fromisoformat(times[1]))
    return apart <= config.copy_window


def headline_terms(title: str, vector: Mapping[str, float]) -> frozenset[str]:
    """The title's words that carry weight in the story's ``vector`` (as features):
    the stop words, the words common to the whole desk and the source's recurring title
    parts carry none, so what is left says what the headline reports."""
    tagged = (t for t in vector if t.startswith("w:") and "/" in t)
    language = next((t[2:].partition("/")[0] for t in tagged), "")
    found = set()
    for raw in _TITLE_WORD.findall(title):
        feature = foreign_feature(raw, language) if language else word_feature(raw)
        if feature is not None and feature in vector:
            found.add(feature)
    return frozenset(found)


def headlines_agree(
    ours: tuple[str, Mapping[str, float], str],
    theirs: tuple[str, Mapping[str, float], str],
    undated: bool,
    config: ClusterConfig,
) -> bool:
    """Whether two stories, as (title, vector, ISO time), report one event in their
    headlines: at least ``headline_words`` weighed title words in common, and at least
    ``headline_share`` of the words of both titles, published within
    ``headline_window`` (either side undated: its time says nothing). Two outlets'
    teasers of one event are written in few and different words, but their headlines
    name the same who, where and what ("At least five dead in Fort Lauderdale airport
    shooting", "5 dead, 8 injured in Fort Lauderdale airport shooting")."""
    if config.headline_words <= 0:
        return False
    our_terms = headline_terms(ours[0], ours[1])
    their_terms = headline_terms(theirs[0], theirs[1])
    shared = len(our_terms & their_terms)
    if shared < max(config.headline_words, config.headline_share * len(our_terms | their_terms)):
        return False
    if undated:
        return True
    apart = abs(datetime.fromisoformat(ours[2]) - datetime.fromisoformat(theirs[2]))
    return apart <= config.headline_window


def one_report(
    similarity: float,
    ours: tuple[str, Mapping[str, float], str],
    theirs: tuple[str, Mapping[str, float], str],
    feeds: bool,
    config: ClusterConfig,
) -> bool:
    """Whether two stories, as (title, vector, ISO time), can be one outlet's one
    report: a near-copy (:func:`near_copy`); between two stories of one feed
    (``feeds``), the numbers in their titles and the time between them must agree
    too (:func:`feed_copy`)."""
    copy = near_copy(similarity, ours[0], theirs[0], config)
    if copy and feeds and config.same_source_copy > 0:
        copy = feed_copy((ours[0], theirs[0]), (ours[2], theirs[2]), config)
    return copy


def short_gate(
    similarity: float, ours: int, theirs: int, config: ClusterConfig, headlines: bool = False
) -> float:
    """``similarity``, or 0 when the shorter story (by its number of weighed terms)
    is too short for it: a feed's title and line of summary are a teaser, written
    around its topic's words, which it shares with many stories, so a short pair with
    a feed story must be much closer than two articles to be one event. The bar falls
    from ``short_bar`` (at ``short_terms`` terms or fewer) to nothing at
    ``long_terms``. (An article given whole, a file, is a report even when short.)
    Headlines that agree (``headlines``, see :func:`headlines_agree`) lift the bar:
    the teasers then name the same event, not only its topic."""
    size = min(ours, theirs)
    if config.short_bar <= 0 or size >= config.long_terms or headlines:
        return similarity
    span = max(config.long_terms - config.short_terms, 1)
    share = min(1.0, (config.long_terms - size) / span)
    return similarity if similarity >= config.short_bar * share else 0.0


@dataclass(slots=True)
class _Evidence:
    """What a new story shares with one candidate."""

    similarity: float
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def shares_text(self) -> bool:
        return bool(self.links)


class ClusterEngine:
    """Assigns stories to clusters inside the caller's SQLite transaction."""

    def __init__(self, conn: Connection, config: ClusterConfig | None = None) -> None:
        self.tables = ClusterTables(conn)
        self.config = config or ClusterConfig()

    # ----- ingest -------------------------------------------------------------------

    def batch(self) -> AbstractContextManager[None]:
        """Keep document frequencies in memory for the stories assigned in this block
        (inside the caller's transaction); see :mod:`triage.core.clusters.df`."""
        return self.tables.df.batch()

    def assign(
        self, story: Story, quotes: Sequence[Quote], prepared: Prepared | None = None
    ) -> str:
        """Put a new or changed story into a cluster and return the cluster id
        (``prepared``: its pure part, computed ahead by :meth:`prepare`)."""
        with self.batch():
            return self._assign(story, quotes, prepared)

    def prepare(self, story: Story, quotes: Sequence[Quote]) -> Prepared:
        """Compute what assigning ``story`` needs from the story alone (see
        :mod:`triage.core.clusters.prepare`)."""
        return prepare(clean_story(story), quotes, self.config)

    def _assign(self, story: Story, quotes: Sequence[Quote], prepared: Prepared | None) -> str:
        story = clean_story(story)
        existing = self.tables.get(story.id)
        if existing is not None:
            self._forget(existing)
        title = story.title
        cut = boilerplate.parts(story.title, story.body) if from_feed(story) else None
        boiler = frozenset[int]()
        if cut is not None:
            boiler = self.tables.recurring(story.source, cut.keys, story.id, boilerplate.RECURRING)
        if cut is not None and boiler:
            # The source's recurring parts are taken out before anything is read.
            stripped, body = boilerplate.strip(story.title, story.body, cut, boiler)
            story = replace(story, title=stripped, body=body)
            prepared = None
        if prepared is None:
            prepared = self.prepare(story, quotes)
        signals, markers = prepared.signals, prepared.markers
        vector, frequencies = self._vector(signals)
        published = iso(story.published)
        evidence = self._evidence(story, title, signals, markers, vector, frequencies)
        forced, barred = self._corrections_for(story.id)
        outlet = (story.id, story.source, story.url, FROM_FEED in markers)
        cluster_id = forced or self._best_cluster(evidence, barred, outlet=outlet)
        if cluster_id is None:
            cluster_id = self._fresh_cluster_id(story.id)
        row = StoredStory(
            story_id=story.id,
            cluster_id=cluster_id,
            seq=self.tables.next_seq(),
            title=title,
            source=story.source,
            url=story.url,
            published=published,
            names=signals.names,
            quotes=signals.quotes,
            features_json=prepared.features_json,
            vector_json=json.dumps(vector),
            years=markers,
            shingles=prepared.shingles,
        )
        self.tables.insert_story(row)
        if cut is not None:
            self.tables.add_parts(story.source, story.id, cut.keys)
        self.tables.add_links(
            story.id,
            [(other, kind, text) for other, ev in evidence.items() for kind, text in ev.links],
        )
        self._review_neighbours(evidence, cluster_id)
        return self._review_split(story.id, cluster_id)

    def remove(self, story_id: str) -> None:
        """Take a story out of the desk's clusters (its corrections are kept)."""
        existing = self.tables.get(story_id)
        if existing is not None:
            self._forget(existing)

    def rebuild(self, stories: Iterable[tuple[Story, Sequence[Quote]]]) -> None:
        """Recluster from scratch (stories in date order), replaying corrections."""
        self.tables.clear_derived()
        pending = iter(stories)
        while chunk := list(itertools.islice(pending, REBUILD_BATCH)):
            with self.batch():
                for story, quotes in chunk:
                    self.assign(story, quotes)

    # ----- editor corrections -------------------------------------------------------

    def merge(self, a: str, b: str) -> str:
        """Join the clusters of ``a`` and ``b`` (cluster or story ids); persisted."""
        first, second = self._first_member(a), self._first_member(b)
        if first.cluster_id == second.cluster_id:
            return first.cluster_id
        if second.seq < first.seq:
            first, second = second, first
        self.tables.drop_apart(
            [m.story_id for m in self.tables.members(first.cluster_id)],
            [m.story_id for m in self.tables.members(second.cluster_id)],
        )
        self.tables.add_correction("merge", first.story_id, second.story_id)
        self.tables.relabel(second.cluster_id, first.cluster_id)
        return first.cluster_id

    def split(self, story_id: str) -> str:
        """Move a story into a cluster of its own; persisted, survives rebuild.

        Besides the split itself, the story is kept apart from each story it shared
        the cluster with, so a rebuild (or a later re-assign of either) can never
        put them back together, whatever order they arrive in.
        """
        stored = self.tables.get(story_id)
        if stored is None:
            raise KeyError(story_id)
        self.tables.add_correction("split", story_id, story_id)
        for member in self.tables.members(stored.cluster_id):
            if member.story_id != story_id:
                self.tables.add_correction("apart", story_id, member.story_id)
        if self.tables.cluster_sizes([stored.cluster_id]).get(stored.cluster_id, 0) <= 1:
            return stored.cluster_id
        cluster_id = self._fresh_cluster_id(story_id)
        self.tables.move(story_id, cluster_id)
        return cluster_id

    # ----- reading ------------------------------------------------------------------

    def cluster_of(self, story_id: str) -> Cluster:
        """Return the cluster holding ``story_id``."""
        from triage.core.clusters.view import build_cluster

        stored = self.tables.get(story_id)
        if stored is None:
            raise KeyError(story_id)
        return build_cluster(self.tables, stored.cluster_id)

    def clusters(self, story_ids: Iterable[str] | None = None, min_size: int = 1) -> list[Cluster]:
        """Return the clusters of the given stories (all when None), biggest first."""
        from triage.core.clusters.view import build_cluster

        ids = None if story_ids is None else list(story_ids)
        found = [build_cluster(self.tables, c) for c in self.tables.cluster_ids(ids)]
        kept = [c for c in found if c.size >= min_size]
        return sorted(kept, key=lambda c: (-c.size, c.id))

    def ranked(self, story_ids: Sequence[str] | None, by: str, limit: int) -> list[Cluster]:
        """The first ``limit`` clusters holding any of ``story_ids`` (of the whole desk
        when None), biggest first (``by="size"``) or latest story first (``"recent"``)."""
        from triage.core.clusters.view import build_cluster

        ids = self.tables.ranked_cluster_ids(story_ids, by, limit)
        return [build_cluster(self.tables, cluster_id) for cluster_id in ids]

    def sizes(self, story_ids: Sequence[str]) -> dict[str, int]:
        """Return story id -> size of its cluster (one query, for a UI badge)."""
        return self.tables.sizes_of_stories(list(story_ids))

    # ----- internals ----------------------------------------------------------------

    def _forget(self, stored: StoredStory) -> None:
        self.tables.add_frequencies(stored.features, -1)
        self.tables.delete_story(stored)

    def _vector(self, signals: StorySignals) -> tuple[dict[str, float], dict[str, int]]:
        """Count the story into df, then weigh its features by the desk's idf."""
        cfg = self.config
        features = list(signals.counts)
        frequencies = self.tables.count_in(features)
        total = self.tables.story_count() + 1
        idf: dict[str, float] = {}
        if self.config.use_idf:
            # idf depends on df alone here, and most features share a few small dfs.
            by_df: dict[int, float] = {}
            full: dict[str, float] = {}
            for f in features:
                df = frequencies.get(f, 1)
                weight = by_df.get(df)
                if weight is None:
                    weight = by_df[df] = idf_weight(df, total, cfg.common_cut)
                full[f] = weight
            if signals.language != ENGLISH:
                # Its words are counted among its language's stories only.
                prefix = f"w:{signals.language}/"
                in_language = frequencies.get(LANGUAGE_TAG + signals.language, 1)
                cut = cfg.language_common_cut if in_language >= cfg.language_min_stories else 1.0
                for f in features:
                    if f.startswith(prefix):
                        full[f] = idf_weight(frequencies.get(f, 1), in_language, cut)
            powered = {w: w**cfg.idf_power if w > 0 else 0.0 for w in set(full.values())}
            idf = {f: powered[w] for f, w in full.items()}
        vector = weigh(signals.counts, idf, cfg.vector_terms, cfg.entity_boost, cfg.number_boost)
        return vector, frequencies

    def _evidence(
        self,
        story: Story,
        title: str,
        signals: StorySignals,
        markers: frozenset[str],
        vector: dict[str, float],
        frequencies: dict[str, int],
    ) -> dict[str, _Evidence]:
        """Score the candidates the index offers; never scans the whole desk."""
        cfg = self.config
        total = self.tables.story_count() + 1
        window = cfg.window if UNDATED not in markers else cfg.undated_window
        best = self._candidates(story.id, vector, frequencies, story.published, total, window)
        published = iso(story.published)
        evidence: dict[str, _Evidence] = {}
        for stored in self.tables.many(best):
            similarity = penalised_similarity(
                (vector, markers, signals.counts),
                (stored.vector, stored.years, stored.decode_features),
                cfg,
            )
            if FROM_FEED in markers or FROM_FEED in stored.years:
                agree = headlines_agree(
                    (title, vector, published),
                    (stored.title, stored.vector, stored.published),
                    UNDATED in markers or UNDATED in stored.years,
                    cfg,
                )
                similarity = short_gate(similarity, len(vector), len(stored.vector), cfg, agree)
            copy = one_report(
                similarity,
                (title, vector, published),
                (stored.title, stored.vector, stored.published),
                FROM_FEED in markers and FROM_FEED in stored.years,
                cfg,
            )
            if not copy and same_outlet(
                (story.source, story.url, FROM_FEED in markers),
                (stored.source, stored.url, FROM_FEED in stored.years),
            ):
                continue  # one outlet's stories join only as near-copies
            found = evidence[stored.story_id] = _Evidence(similarity=similarity)
            if cfg.use_quotes or cfg.use_passages:
                theirs = (stored.quotes, stored.shingles)
                found.links = shared_text(story.body, signals, theirs, cfg)
        return evidence

    def _candidates(
        self,
        story_id: str,
        vector: Mapping[str, float],
        frequencies: dict[str, int],
        published: datetime,
        total: int,
        window: timedelta | None = None,
    ) -> list[str]:
        """Return the stories the index offers for ``vector`` (its heaviest rare terms,
        within the time window), best first; never scans the whole desk."""
        cfg = self.config
        common = max(30.0, cfg.common_fraction * total)
        ranked = sorted(vector, key=lambda t: (-vector[t], t))
        query = [t for t in ranked if 1 < frequencies.get(t, 1) <= common][: cfg.query_terms]
        since, until = "", "\uffff"
        if cfg.use_time:
            reach = cfg.window if window is None else window
            since, until = iso_window(published, reach)
        partial: dict[str, float] = defaultdict(float)
        for other, term, weight in self.tables.postings(query, since, until):
            if other != story_id:
                partial[other] += weight * vector[term]
        return sorted(partial, key=lambda s: (-partial[s], s))[: cfg.max_candidates]

    def _review_neighbours(self, evidence: dict[str, _Evidence], cluster_id: str) -> None:
        """Re-decide the closest earlier stories that sit in other clusters.

        A story decided early saw only part of its event; the new story may show
        it belongs elsewhere. Only ``config.review`` stories are re-decided per
        assign (the cost stays flat), from their stored vectors and markers, and
        never one in a cluster the editor has corrected.
        """
        cfg = self.config
        if cfg.review <= 0:
            return
        ranked = sorted(evidence, key=lambda s: (-evidence[s].similarity, s))
        near = [s for s in ranked if evidence[s].similarity >= cfg.review_floor]
        clusters = self.tables.clusters_of(near)
        others = [s for s in near if s in clusters and clusters[s] != cluster_id][: cfg.review]
        stored = {s.story_id: s for s in self.tables.many(others)}
        for story_id in others:
            self._review(stored[story_id])

    def _review(self, stored: StoredStory) -> None:
        """Move ``stored`` to the cluster it now matches best (or a cluster of its own)."""
        if self.tables.corrected_cluster(stored.cluster_id):
            return
        cfg = self.config
        vector = stored.vector
        frequencies = self.tables.document_frequencies(list(vector))
        moment = datetime.fromisoformat(stored.published)
        total = self.tables.story_count()
        window = cfg.window if UNDATED not in stored.years else cfg.undated_window
        best = self._candidates(stored.story_id, vector, frequencies, moment, total, window)
        sharing = {
            other if story == stored.story_id else story
            for story, other, _, _ in self.tables.links_among([stored.story_id, *best])
            if stored.story_id in (story, other)
        }
        features = stored.decode_features()
        evidence: dict[str, _Evidence] = {}
        for theirs in self.tables.many(best):
            similarity = penalised_similarity(
                (vector, stored.years, features),
                (theirs.vector, theirs.years, theirs.decode_features),
                cfg,
            )
            if FROM_FEED in stored.years or FROM_FEED in theirs.years:
                agree = headlines_agree(
                    (stored.title, vector, stored.published),
                    (theirs.title, theirs.vector, theirs.published),
                    UNDATED in stored.years or UNDATED in theirs.years,
                    cfg,
                )
                similarity = short_gate(similarity, len(vector), len(theirs.vector), cfg, agree)
            copy = one_report(
                similarity,
                (stored.title, vector, stored.published),
                (theirs.title, theirs.vector, theirs.published),
                FROM_FEED in stored.years and FROM_FEED in theirs.years,
                cfg,
            )
            if not copy and same_outlet(
                (stored.source, stored.url, FROM_FEED in stored.years),
                (theirs.source, theirs.url, FROM_FEED in theirs.years),
            ):
                continue  # one outlet's stories join only as near-copies
            links = [("link", "")] if theirs.story_id in sharing else []
            evidence[theirs.story_id] = _Evidence(similarity=similarity, links=links)
        target = self._best_cluster(
            evidence,
            frozenset(),
            leaving=stored.cluster_id,
            outlet=(stored.story_id, stored.source, stored.url, FROM_FEED in stored.years),
        )
        if target == stored.cluster_id:
            return
        if target is None:
            if self.tables.cluster_sizes([stored.cluster_id]).get(stored.cluster_id, 0) <= 1:
                return
            target = self._fresh_cluster_id(stored.story_id)
        self.tables.move(stored.story_id, target)

    def _review_split(self, story_id: str, cluster_id: str) -> str:
        """Cut the cluster if it has grown into two events; the cluster ``story_id``
        ends up in (see :func:`cluster_split.review_split`)."""
        return review_split(self.tables, self.config, story_id, cluster_id, self._fresh_cluster_id)

    def _best_cluster(
        self,
        evidence: dict[str, _Evidence],
        barred: frozenset[str],
        leaving: str = "",
        outlet: tuple[str, str, str, bool] | None = None,
    ) -> str | None:
        """Pick the cluster this story matches best (never a ``barred`` one), or None
        to start one. A story being re-decided does not count in the cluster it is
        ``leaving``. ``outlet``: the story's (id, source, link, read from a feed); a
        cluster holding a
        story of the same outlet that is not its near-copy is barred too (an
        outlet's stories are one event only as copies, whoever else joined them)."""
        if not evidence:
            return None
        cfg = self.config
        clusters = self.tables.clusters_of(list(evidence))
        by_cluster: dict[str, list[_Evidence]] = defaultdict(list)
        for story_id, ev in evidence.items():
            if story_id in clusters:
                by_cluster[clusters[story_id]].append(ev)
        if outlet is not None and cfg.same_source_copy > 0:
            barred = barred | self._outlet_clusters(outlet, by_cluster, evidence)
        sizes = self.tables.cluster_sizes(by_cluster)
        if leaving in sizes:
            sizes[leaving] -= 1
        total = self.tables.story_count()
        threshold = cfg.threshold + cfg.small_desk_margin * 10 / (10 + total)
        passing: list[tuple[float, str]] = []
        for cluster_id, items in sorted(by_cluster.items()):
            if cluster_id in barred:
                continue
            average = sum(ev.similarity for ev in items) / max(sizes.get(cluster_id, 1), 1)
            top = max(ev.similarity for ev in items)
            score = cfg.max_link_weight * top + (1 - cfg.max_link_weight) * average
            shares = any(ev.shares_text and ev.similarity >= cfg.link_threshold for ev in items)
            if shares:
                score = max(score, threshold + top)
            if score >= threshold:
                passing.append((-score, cluster_id))
        return min(passing)[1] if passing else None

    def _outlet_clusters(
        self,
        outlet: tuple[str, str, str, bool],
        clusters: Iterable[str],
        evidence: Mapping[str, _Evidence],
    ) -> frozenset[str]:
        """The clusters among ``clusters`` holding a story of ``outlet`` (id, source,
        link, read from a feed) that is not among ``evidence`` (the candidates it is a
        near-copy of). Only feed stories bar each other: a feed is one outlet's
        stream, while articles given one by one (files, a benchmark's) may well be two
        reports of one event from one site."""
        story_id, source_name, link, feed_story = outlet
        if not feed_story:
            return frozenset()  # an article file, or a story given without its feed
        ours = (source_name, link, feed_story)
        found = set()
        for cluster_id, member, source, url, feed in self.tables.outlets_in(clusters):
            if member == story_id or member in evidence or cluster_id in found:
                continue
            if feed and same_outlet(ours, (source, url, feed)):
                found.add(cluster_id)
        return frozenset(found)

    def _corrections_for(self, story_id: str) -> tuple[str | None, frozenset[str]]:
        """Replay the editor's corrections about this story.

        Returns:
            The cluster the latest split or merge forces (None when free), and the
            clusters it may not join because they hold a story kept apart from it.
        """
        forced: str | None = None
        apart: set[str] = set()
        for kind, story_a, story_b in self.tables.corrections(story_id):
            other_id = story_b if story_a == story_id else story_a
            if kind == "apart":
                apart.add(other_id)
            elif kind == "split":
                forced = self._fresh_cluster_id(story_id)
            else:
                other = self.tables.get(other_id)
                if other is not None:
                    forced = other.cluster_id
        barred = frozenset(s.cluster_id for s in self.tables.many(sorted(apart)))
        if forced in barred:
            forced = self._fresh_cluster_id(story_id)
        return forced, barred

    def _fresh_cluster_id(self, story_id: str) -> str:
        candidate, suffix = "c" + story_id, 1
        while self.tables.cluster_sizes([candidate]):
            suffix += 1
            candidate = f"c{story_id}.{suffix}"
        return candidate

    def _first_member(self, cluster_or_story: str) -> StoredStory:
        """Resolve a cluster id or story id to its cluster's first-assigned member."""
        members = self.tables.members(cluster_or_story)
        if members:
            return members[0]
        stored = self.tables.get(cluster_or_story)
        if stored is None:
            raise KeyError(cluster_or_story)
        return self.tables.members(stored.cluster_id)[0]
