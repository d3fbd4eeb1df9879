"""Messages between the widgets and the main screen, named for what happened or what is asked.

Widgets never call the desk: they post a request (``TagStories``, ``MarkRead``) and
the main screen does the I/O in a worker, then posts what happened
(``StoriesLoaded``, ``RefreshFinished``) back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from triage.core.clusters import Cluster
from triage.core.models import IngestReport, StoredQuote, Story

# -- what happened --------------------------------------------------------------------


@dataclass
class StoriesLoaded(Message):
    """A page of the current query is ready (``generation`` tells stale pages apart).

    ``offset`` 0 replaces the list; otherwise the stories continue it from there.
    """

    stories: list[Story]
    total: int
    sizes: dict[str, int]
    query: str
    generation: int
    offset: int = 0
    more: bool = False  # older days not searched yet: ``total`` is a lower bound


@dataclass
class StorySelected(Message):
    """The cursor rests on a story: the reader, clusters and quotes follow it."""

    story_id: str


@dataclass
class StoryOpened(Message):
    """The editor asked to read a story (enter)."""

    story_id: str


@dataclass
class DetailLoaded(Message):
    """The selected story with its cluster, quotes and highlight spans."""

    story: Story
    cluster: Cluster | None
    quotes: list[StoredQuote]
    terms: list[tuple[int, int]]
    sources: dict[str, str] = field(default_factory=dict)


@dataclass
class ClustersLoaded(Message):
    """Every cluster of the current query, for the clusters pane's list mode."""

    clusters: list[Cluster]


@dataclass
class QuoteSelected(Message):
    """The cursor rests on a quote: the reader scrolls to it."""

    quote: StoredQuote


@dataclass
class SearchFailed(Message):
    """The query could not be run; the status line shows why."""

    error: str


@dataclass
class WorkFailed(Message):
    """A desk call in a worker failed; the status line says what and why."""

    what: str
    error: str


@dataclass
class RefreshProgress(Message):
    """A refresh stage advanced (posted from the refresh worker's thread)."""

    stage: str
    done: int
    total: int


@dataclass
class StoriesFetched(Message):
    """A refresh stored its new stories; quotes, clusters and the index follow."""

    report: IngestReport


@dataclass
class RefreshFinished(Message):
    """A refresh ended: its stories are analysed and searchable."""

    report: IngestReport


# -- what is asked --------------------------------------------------------------------


@dataclass
class LoadMoreStories(Message):
    """The story cursor is near the end of the loaded page."""


@dataclass
class UnreadOnlyToggled(Message):
    """The story list should show only unread stories (or everything again)."""

    unread_only: bool


@dataclass
class MarkRead(Message):
    """Mark stories read (or unread)."""

    story_ids: list[str]
    read: bool = True


@dataclass
class StepStory(Message):
    """From the reader: read the next (``step`` 1) or previous (-1) story of the list."""

    step: int
    unread: bool = False  # skip to the next unread story


@dataclass
class LoadToEnd(Message):
    """The editor asked for the true end of the list (``G``): load every page."""


@dataclass
class MarkAllRead(Message):
    """Mark every story of a group read: ``story_ids``, or the current search when None."""

    story_ids: list[str] | None = None
    what: str = "search"


@dataclass
class MergePick(Message):
    """``m`` on a story: the first pick is merged into the second pick's cluster."""

    story_id: str


@dataclass
class SplitStory(Message):
    """Take a story out of its cluster."""

    story_id: str


@dataclass
class TagStories(Message):
    """Ask for tags to add to (``remove`` False) or take from stories."""

    story_ids: list[str]
    remove: bool = False


@dataclass
class TagQuote(Message):
    """Ask for tags to add to (``remove`` False) or take from quotes."""

    quote_ids: list[str]
    remove: bool = False


@dataclass
class OpenLink(Message):
    """Open a story's link in the browser."""

    url: str


@dataclass
class CopyQuote(Message):
    """Copy a quote with its attribution to the clipboard."""

    quote: StoredQuote


@dataclass
class ClusterModeChanged(Message):
    """The clusters pane switched between the story's cluster and the list of all."""

    mode: str


@dataclass
class QuoteScopeChanged(Message):
    """The quotes pane switched between the story's quotes and its cluster's."""

    whole_cluster: bool
