"""Plain data types shared by every part of triage.

These are frozen dataclasses with no behaviour beyond small derived properties, so
that the store, the search index, the CLI and the UI can pass them around freely
(including across threads) without worrying about mutation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while a long operation runs."""


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime (seconds precision)."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class Story:
    """One news item, as stored in the desk.

    Attributes:
        id: Short stable identifier derived from the story's identity key.
        title: Clean headline (no markup, no control characters).
        url: Canonical link (``file://`` URI for article files).
        source: Outlet name (feed title or the link's domain).
        author: Byline, possibly empty.
        published: Publication time in UTC (falls back to updated, then fetch time).
        summary: The feed's summary, clean text.
        body: The fullest text available, clean text with ``\\n\\n`` between paragraphs.
        guid: The feed's GUID, possibly empty.
        feeds: URLs (or file paths) of every feed that carried the story.
        tags: Editor tags, lower-case.
        read: Whether the editor has marked it read.
        fetched: When triage first stored it.
        note: A one-line note about how the body was obtained (e.g. a failed
            full-text extraction), empty when there is nothing to say.
        dated: False when the source gave no trustworthy date: ``published`` is
            then the time triage first saw the story.
    """

    id: str
    title: str
    url: str
    source: str
    published: datetime
    body: str
    summary: str = ""
    author: str = ""
    guid: str = ""
    feeds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    read: bool = False
    fetched: datetime = field(default_factory=utc_now)
    note: str = ""
    dated: bool = True


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation found in a text.

    Offsets index the text the quote was extracted from (a story body, or a file's
    full text), so ``text[start:end]`` is the quotation without its marks.

    Attributes:
        text: The quoted words, without the quotation marks.
        start: Offset of the first quoted character.
        end: Offset just past the last quoted character.
        speaker: The fullest name the text gives for who said it, or "" if unknown.
        speaker_start: Offset of the speaker mention the attribution used, if named.
        speaker_end: End offset of that mention.
        cue: The attribution verb or phrase ("said", "told", "according to"), or "".
        confidence: 0..1, how sure the extractor is that this is a quotation.
        role: The speaker's role when the text gives one ("Kremlin spokesman").
    """

    text: str
    start: int
    end: int
    speaker: str = ""
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str = ""
    confidence: float = 1.0
    role: str = ""


@dataclass(frozen=True, slots=True)
class StoredQuote:
    """A quote as kept in the desk: the extracted quote plus its identity and tags."""

    id: str
    story_id: str
    quote: Quote
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Feed:
    """A subscribed feed and what triage remembers about fetching it."""

    url: str
    name: str = ""
    tags: tuple[str, ...] = ()
    full_text: bool = False
    etag: str = ""
    last_modified: str = ""
    last_success: datetime | None = None
    last_error: str = ""
    last_attempt: datetime | None = None
    failures: int = 0
    item_count: int = 0


@dataclass(frozen=True, slots=True)
class SourceError:
    """One input that could not be ingested, with a one-line reason."""

    source: str
    error: str


@dataclass(frozen=True, slots=True)
class AlertHit:
    """The new stories one alert (a saved search marked as an alert) matched."""

    name: str
    query: str
    story_ids: tuple[str, ...]


@dataclass(slots=True)
class IngestReport:
    """What one ingest run did; ``errors`` holds one entry per failing source.

    ``new_ids`` are the stories the rules on ingest ran over in this run (the new
    ones, once quoted and indexed); ``ruled`` how many of them a rule acted on;
    ``rule_errors`` one line per rule or alert whose query could not run;
    ``alerts`` the alerts those new stories matched.
    """

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    not_modified: int = 0
    errors: list[SourceError] = field(default_factory=list)
    story_ids: list[str] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)
    ruled: int = 0
    rule_errors: list[str] = field(default_factory=list)
    alerts: list[AlertHit] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """Return the summary object printed by ``triage ingest --json``."""
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "not_modified": self.not_modified,
            "errors": [{"source": e.source, "error": e.error} for e in self.errors],
        }


@dataclass(frozen=True, slots=True)
class PreparedStory:
    """A story ready to upsert: the story plus its identity and content hash."""

    story: Story
    identity: str
    hash: str
    dated: bool


def story_hash(story: Story, dated: bool) -> str:
    """Hash of what an ingest may change in a story, to tell updates from re-ingests.

    The publication time counts only when the feed gave one (an undated entry
    gets the fetch time, which changes every run); the note counts when there is
    one, so a new full-text failure reason is saved.
    """
    fields = [
        story.title,
        story.body,
        story.summary,
        story.url,
        story.author,
        story.published.isoformat() if dated else "",
    ]
    if story.note:
        fields.append(story.note)
    digest = hashlib.blake2b(digest_size=16)
    for value in fields:
        digest.update(value.encode())
        digest.update(b"\x00")
    return digest.hexdigest()
