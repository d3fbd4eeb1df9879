"""Turn one story into the evidence the story clusterer compares.

Everything here is a pure function of a story's text, so the engine can compute it
once at assign time and keep only the compact result in its own tables: weighted
terms (words, named entities, numbers) for content similarity, a sample of hashed
word shingles for verbatim passages, the quotations it carries, and the outlets it
names as its source ("told X", "according to X").
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from triage.core.clusters.config import ClusterConfig
from triage.core.clusters.language import foreign_feature, names_from_capitals, words
from triage.core.language import ENGLISH, detect, stop_words
from triage.core.models import Quote, Story
from triage.core.quotes import quotes_match

SHINGLE_WORDS = 5
"""Words per passage shingle: long enough that chance matches are rare."""

SHINGLE_SAMPLE = 4
"""Keep one shingle in this many (by hash) so each story stores ~1/4 of them."""

MIN_QUOTE_WORDS = 6
"""Shorter quotations ("no comment") say nothing about who copied whom."""

TITLE_BOOST = 2
"""A title word counts as this many body occurrences: headlines name the event."""

LEAD_SENTENCES = 2
"""Sentences of the body that make up its lead."""

LEAD_BOOST = 1.5
"""A lead word counts as this many occurrences further down."""

ENTITY_BOOST = 3.0
"""Weight multiplier for capitalised names and numbers, which separate events."""

_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because
    been before being below between both but by can could did do does doing down during
    each few for from further had has have having he her here hers herself him himself his
    how i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said says say told according new one two
    would also may might must shall us via per mr mrs ms dr last first year years time
    week day today yesterday tomorrow monday tuesday wednesday thursday friday saturday
    sunday""".split()
)
_MONTHS = frozenset(
    """january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
_NOT_NAMES = _STOPWORDS | _MONTHS
"""Capitalised words that name no participant or place (dates in a dateline)."""
LANGUAGE_TAG = "#lang:"
"""Prefix of the pseudo-feature that counts a story into its language's total."""
COMMON_WORDS = _NOT_NAMES
"""Stop words, weekdays and months: words that name nothing an event is made of."""
_WORD = re.compile(r"[^\W_][\w'’\-]*")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_LEAD_END = re.compile(r"(?<=[a-z0-9)\"”])[.!?](?=\s+[A-Z“\"])|\n\s*\n")
_SENTENCE_END = re.compile(r"[.!?:;\"“”\n]\s*$")
_QUOTE_SPAN = re.compile(r"[\"“«]([^\"“”«»\n]{12,600})[\"”»]")

_NAME_WORD = r"(?:[A-Z][\w&'’\-]*(?:\.[A-Za-z]+)*|of|the|and)"
_OUTLET = r"(" + _NAME_WORD + r"(?:[^\S\n]+" + _NAME_WORD + r"){0,4})"
_ATTRIBUTION = re.compile(
    r"\btold\s+(?:the\s+)?"
    + _OUTLET
    + r"|\baccording\s+to\s+(?:a\s+|an\s+|the\s+)?(?:new\s+|recent\s+|earlier\s+)?"
    r"(?:(?:report|story|article|interview|investigation)\s+(?:by|in|from)\s+)?(?:the\s+)?"
    + _OUTLET
    + r"|\b(?:first\s+)?reported\s+(?:earlier\s+)?by\s+(?:the\s+)?"
    + _OUTLET
    + r"|\b(?:report|story|interview)\s+(?:by|in|from|with)\s+(?:the\s+)?"
    + _OUTLET
    + r"|\b(?:the\s+)?"
    + _OUTLET
    + r"\s+(?:first\s+|earlier\s+)?reported\b"
)


def fold(text: str) -> str:
    """Normalise text for comparison: NFKC, straight quotes, lower case."""
    text = unicodedata.normalize("NFKC", text)
    return text.replace("’", "'").replace("‘", "'").lower()


@lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:
    """:func:`fold` for one word, cached: news vocabulary is small and repetitive, and
    folding each word afresh was a tenth of a story's analysis time."""
    return fold(word)


@lru_cache(maxsize=1 << 16)
def _folded_bytes(word: str) -> bytes:
    """:func:`fold` of one word as UTF-8, cached (a shingle hashes five of them)."""
    return fold(word).encode()


@lru_cache(maxsize=1 << 16)
def _word_feature(raw: str) -> str | None:
    """The ``w:`` feature a word counts as, or None for stop words, short words and
    bare numbers (cached for the same reason as :func:`_fold_word`)."""
    word = _unpossessed(raw)
    if word in _STOPWORDS or len(word) < 3 or word.isdigit():
        return None
    return "w:" + _singular(word)


def word_feature(raw: str) -> str | None:
    """The ``w:`` feature an English word counts as, or None for a stop word, a short
    word or a bare number."""
    return _word_feature(raw)


def outlet_key(name: str) -> str:
    """Reduce an outlet name or domain to a comparable key ("The Washington Post",
    "washingtonpost.com" and "WASHINGTON POST" all become "washingtonpost")."""
    name = fold(name).strip()
    name = re.sub(r"^(?:https?://)?(?:www\.)?", "", name)
    name = re.sub(r"\.(?:com|org|net|eu|co\.uk|co|uk|de|fr|io|news)(?:/.*)?$", "", name)
    name = re.sub(r"^the\s+", "", name)
    return re.sub(r"[^a-z0-9]", "", name)


@dataclass(frozen=True, slots=True)
class StorySignals:
    """What one story contributes to clustering.

    Attributes:
        counts: Feature -> boosted count; features are ``w:word``, ``e:name``, ``n:number``.
        shingles: Sampled 32-bit hashes of folded 5-word windows, with the word index
            of each window's first word (to rebuild the shared text).
        quotes: Quotations of at least ``MIN_QUOTE_WORDS`` words, as written.
        names: Outlet keys the story cites as its source.
        language: ISO 639-1 code of the story's language (see
            :mod:`triage.core.clusters.language`).
    """

    counts: Mapping[str, float]
    shingles: Mapping[int, int]
    quotes: tuple[str, ...]
    names: frozenset[str]
    language: str = ENGLISH


@lru_cache(maxsize=4)
def _words(text: str) -> tuple[re.Match[str], ...]:
    """The word matches of ``text``, cached: a new story's body is re-read for each
    candidate it shares passages with (a body's hash is computed once)."""
    return tuple(_WORD.finditer(text))


def _entity_runs(text: str, language: str = ENGLISH) -> Iterable[str]:
    """Yield capitalised word runs ("Betty Ford Center"), skipping a lone
    sentence-initial word, which is usually just a capitalised common word (and, in
    a language that capitalises its nouns, any lone word)."""
    for name in _scan(text).runs:
        if language == ENGLISH:
            yield name
            continue
        kept = [w for w in name.split() if w not in stop_words(language)]
        if kept and names_from_capitals(language, len(kept)):
            yield " ".join(kept)


@dataclass(frozen=True, slots=True)
class _Scan:
    """One pass over a text's words (see :func:`_scan`).

    Attributes:
        words: Every word, in order.
        runs: Its capitalised runs as :func:`_entity_runs` reads them in English.
        title_case: Whether most of its words are capitalised (:func:`title_case`).
    """

    words: tuple[str, ...]
    runs: tuple[str, ...]
    title_case: bool


@lru_cache(maxsize=8)
def _scan(text: str) -> _Scan:
    """Read ``text``'s words, capital runs and case in one pass, cached: a story's
    title and lead are read for its features, its lead names and its people, and its
    body's words for its shingles."""
    words: list[str] = []
    runs: list[str] = []
    run: list[str] = []
    run_start = 0
    for match in _WORD.finditer(text):
        word = match.group()
        words.append(word)
        capital = (word[0].isupper() and not word.isupper()) or (word.isupper() and len(word) > 1)
        # A capital word extends the run when nothing but spaces separates them.
        if capital and (not run or not text[run_start : match.start()].strip()):
            run.append(word)
            run_start = match.end()
            continue
        if run:
            _finish_run(text, run, run_start, runs)
        run = [word] if capital else []
        run_start = match.end()
    if run:
        _finish_run(text, run, run_start, runs)
    long_words = [w for w in words if len(w) > 3]
    upper = len(long_words) >= 3 and sum(w[0].isupper() for w in long_words) > 0.6 * len(long_words)
    return _Scan(tuple(words), tuple(runs), upper)


def _finish_run(text: str, run: list[str], end: int, runs: list[str]) -> None:
    """Add the name a capital run ending at ``end`` makes to ``runs``, if any."""
    words = [w for w in (_fold_word(w).strip("'") for w in run) if w not in _STOPWORDS]
    if not words:
        return
    if len(run) == 1:
        start = end - len(run[0])
        if start == 0 or _SENTENCE_END.search(text[max(0, start - 3) : start]):
            return
    runs.append(" ".join(words))


def title_case(text: str) -> bool:
    """Whether most words are capitalised (a headline style), so capitals mark no names."""
    return _scan(text).title_case


@lru_cache(maxsize=8)
def split_lead(body: str, sentences: int = LEAD_SENTENCES) -> tuple[str, str]:
    """Split ``body`` after its first ``sentences`` sentences (the lead, which says
    what happened, where and when; the rest is background shared by the topic)."""
    cut = 0
    for _ in range(sentences):
        match = _LEAD_END.search(body, cut)
        if match is None:
            return body, ""
        cut = match.end()
    return body[:cut], body[cut:]


def normal_word(raw: str) -> str:
    """Fold a word the way ``w:`` features are keyed (case, possessive, plural)."""
    return _singular(_unpossessed(raw))


def _unpossessed(raw: str) -> str:
    """The folded word without its quotes and possessive ("Port's" -> "port")."""
    word = fold(raw).strip("'")
    return word[:-2] if word.endswith("'s") else word


def _singular(word: str) -> str:
    """A long word without a plural ``s`` ("girders" -> "girder"; "press" stays)."""
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def lead_names(title: str, body: str, language: str = ENGLISH) -> frozenset[str]:
    """Return the name words (as ``w:`` features) of the title and lead: the event's
    participants and place. Another report of the same event names them too."""
    lead, _ = split_lead(body)
    texts = [lead] if title_case(title) else [title, lead]
    found: set[str] = set()
    for text in texts:
        for name in _entity_runs(text, language):
            for raw in name.split():
                if language != ENGLISH:
                    feature = foreign_feature(raw, language)
                    if feature is not None:
                        found.add(feature)
                    continue
                word = normal_word(raw)
                if len(word) >= 3 and word not in _NOT_NAMES and not word.isdigit():
                    found.add("w:" + word)
    return frozenset(found)


def term_counts(
    title: str,
    body: str,
    use_entities: bool = True,
    title_boost: float = TITLE_BOOST,
    lead_boost: float = LEAD_BOOST,
    language: str = ENGLISH,
) -> dict[str, float]:
    """Count the story's features, title words weighted by ``title_boost`` and the
    lead's by ``lead_boost``, its words read as ``language`` writes them (see
    :mod:`triage.core.clusters.language`)."""
    counts: dict[str, float] = defaultdict(float)
    lead, rest = split_lead(body)
    english = language == ENGLISH
    for weight, text in ((title_boost, title), (lead_boost, lead), (1.0, rest)):
        scan = _scan(text)
        if english:
            # Each distinct word once: every occurrence of a feature in one text adds
            # the same weight, so adding it per occurrence in any order gives the same sum.
            for raw, times in Counter(scan.words).items():
                feature = _word_feature(raw)
                if feature is not None:
                    total = counts[feature]
                    for _ in range(times):
                        total += weight
                    counts[feature] = total
        else:
            for raw in words(text, language, _WORD):
                feature = foreign_feature(raw, language)
                if feature is not None:
                    counts[feature] += weight
        if not use_entities:
            continue
        if not scan.title_case:
            for name in _entity_runs(text, language):
                counts["e:" + name] += weight
        for number in _NUMBER.findall(text):
            if len(number) >= 2 and not number.startswith("0"):  # not "5", "05" (clock times)
                counts["n:" + number.replace(",", "")] += weight
    return dict(counts)


def idf_weight(df: int, total: int, common_cut: float) -> float:
    """Smoothed idf; zero for a term in most of the desk (once the desk has a few
    stories), which in a small desk would otherwise dominate every vector."""
    if total >= 4 and df > common_cut * total:
        return 0.0
    return math.log((total + 1) / (df + 1)) + 1


def weigh(
    counts: Mapping[str, float],
    idf: Mapping[str, float],
    top: int,
    entity_boost: float = ENTITY_BOOST,
    number_boost: float | None = None,
) -> dict[str, float]:
    """Return the ``top`` heaviest features as a unit-length tf-idf vector, names
    weighted ``entity_boost`` times a plain word and numbers ``number_boost`` times
    (``entity_boost`` when None). A number never weighs more than the story's
    heaviest word: in a short text a year would otherwise be its whole vector."""
    weights: dict[str, float] = {}
    numbers = entity_boost if number_boost is None else number_boost
    for feature, count in counts.items():
        kind = feature[0]
        if kind == "#":
            continue  # a tally (the story's language), not a feature
        boost = entity_boost if kind == "e" else numbers if kind == "n" else 1.0
        weight = (1.0 + math.log(count)) * idf.get(feature, 1.0) * boost
        if weight > 0:
            weights[feature] = weight
    if number_boost is not None:
        heaviest = max((w for f, w in weights.items() if f[0] != "n"), default=0.0)
        for feature, weight in list(weights.items()):
            if feature[0] == "n" and weight > heaviest:
                if heaviest > 0:
                    weights[feature] = heaviest
                else:
                    del weights[feature]
    kept = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:top]
    norm = math.sqrt(sum(w * w for _, w in kept)) or 1.0
    return {feature: w / norm for feature, w in kept}


def shingle_hashes(text: str) -> dict[int, int]:
    """Return sampled shingle hash -> word index of its first word in ``text``."""
    # The words of the lead and of the rest are the text's words: the lead ends on a
    # sentence mark or a blank line, which no word spans (and both were read already).
    lead, rest = split_lead(text)
    words = [_folded_bytes(word) for word in _scan(lead).words + _scan(rest).words]
    crc32 = zlib.crc32
    sampled: dict[int, int] = {}
    for index in range(len(words) - SHINGLE_WORDS + 1):
        key = crc32(b" ".join(words[index : index + SHINGLE_WORDS]))
        if key % SHINGLE_SAMPLE == 0 and key not in sampled:
            sampled[key] = index
    return sampled


def pack_shingles(shingles: Iterable[int]) -> bytes:
    """Store shingle hashes compactly (4 bytes each)."""
    return array("I", sorted(shingles)).tobytes()


def shared_spans(text: str, positions: Sequence[int]) -> list[str]:
    """Rebuild the passages of ``text`` covered by shared shingles at ``positions``."""
    words = _words(text)
    spans: list[list[int]] = []
    for start in sorted(positions):
        end = min(start + SHINGLE_WORDS, len(words))
        if spans and start <= spans[-1][1] + SHINGLE_WORDS:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return [text[words[s].start() : words[e - 1].end()] for s, e in spans if e > s]


def find_quotes(text: str, quotes: Sequence[Quote]) -> tuple[str, ...]:
    """Return the story's long quotations: the extractor's if it found any, else a
    small fallback that takes text between double quotation marks."""
    found = [q.text for q in quotes] or [m.group(1) for m in _QUOTE_SPAN.finditer(text)]
    kept = (" ".join(q.split()) for q in found)
    return tuple(dict.fromkeys(q for q in kept if len(q.split()) >= MIN_QUOTE_WORDS))


_ATTRIBUTION_WORDS = ("told", "according", "report", "story", "interview")
"""One of these is in every text :data:`_ATTRIBUTION` matches ("reported" holds "report")."""


def cited_outlets(text: str) -> frozenset[str]:
    """Return keys of the outlets the text names as its source."""
    if not any(word in text for word in _ATTRIBUTION_WORDS):
        return frozenset()  # most feed entries: no attribution to look for
    names: set[str] = set()
    for match in _ATTRIBUTION.finditer(text):
        name = next(group for group in match.groups() if group)
        words = name.split()
        while words and words[-1].lower() in {"of", "the", "and"}:
            words.pop()
        if words and words[0][0].isupper():
            names.add(outlet_key(" ".join(words)))
    return frozenset(n for n in names if len(n) >= 3)


def extract(
    story: Story,
    quotes: Sequence[Quote],
    use_entities: bool = True,
    use_title: bool = True,
    lead_boost: float = LEAD_BOOST,
) -> StorySignals:
    """Compute every signal of ``story`` (pure; no corpus statistics needed).

    Besides its features, the counts hold the story's language as ``#lang:xx``: it is
    counted into document frequencies like a feature (so the desk knows how many
    stories each language has) but never weighed."""
    boost = float(TITLE_BOOST) if use_title else 1.0
    language = detect(story.title, story.body)
    counts = term_counts(story.title, story.body, use_entities, boost, lead_boost, language)
    counts[LANGUAGE_TAG + language] = 1.0
    return StorySignals(
        counts=counts,
        shingles=shingle_hashes(story.body),
        quotes=find_quotes(story.body, quotes),
        names=cited_outlets(story.title + "\n" + story.body),
        language=language,
    )


def quotes_shared(ours: Sequence[str], theirs: Sequence[str]) -> list[str]:
    """Return those of ``ours`` that repeat one of ``theirs`` (trimmed or re-spelled)."""
    return [q for q in ours if any(quotes_match(q, other) for other in theirs)]


def shared_text(
    body: str,
    signals: StorySignals,
    theirs: tuple[Sequence[str], bytes],
    config: ClusterConfig,
) -> list[tuple[str, str]]:
    """Return (kind, text) for the quotes and substantial passages a new story (its
    ``body`` and ``signals``) shares with an earlier one, given as (quotations,
    packed shingles): the evidence that marks a rewrite."""
    their_quotes, their_shingles = theirs
    links: list[tuple[str, str]] = []
    quotes: list[str] = []
    if config.use_quotes:
        quotes = quotes_shared(signals.quotes, their_quotes)
        links.extend(("quote", q) for q in quotes)
    if config.use_passages:
        theirs_packed = array("I")
        theirs_packed.frombytes(their_shingles)
        shared = signals.shingles.keys() & theirs_packed  # in C, not a loop of lookups
        if len(shared) >= config.passage_shingles:
            positions = [signals.shingles[key] for key in shared]
            folded_quotes = [fold(q) for q in quotes]
            for span in shared_spans(body, positions):
                if not any(fold(span) in q or q in fold(span) for q in folded_quotes):
                    links.append(("passage", span))
    return links
