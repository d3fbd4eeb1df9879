"""Full text for summary-only feeds: fetch each story's page and keep its article text.

Many outlets' feeds carry a headline and one sentence, which is too little for
search, clustering and quotations. For a feed with the full-text setting, the
pipeline hands its prepared stories to :func:`enrich`, which for every story whose
body is only a summary:

* reuses the body already stored for it, when an earlier run extracted it and the
  feed has not changed the entry (no request at all);
* otherwise fetches the linked page with the fetching layer's limits, one request
  per host at a time and a pause between two requests to the same host, sending
  the validators of the cached copy so an unchanged page costs a 304;
* extracts the article (:mod:`triage.core.fulltext.extract`) and makes it the
  story's body, the feed's summary staying its ``summary``.

When that fails (HTTP error, timeout, page too large, not HTML, nothing extracted)
the summary stays the body and the story's ``note`` says why in one line; the
ingest carries on.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from triage.core.fetch import FetchPolicy, FetchRequest, FetchResult, fetch_all
from triage.core.fulltext.cache import CachedPage, PageCache
from triage.core.fulltext.extract import decode_html, extract_article, is_html, word_count
from triage.core.links import url_parts
from triage.core.models import PreparedStory, Story, story_hash, utc_now
from triage.core.store import Store

__all__ = [
    "HOST_DELAY",
    "MIN_FULL_WORDS",
    "PACER",
    "HostPacer",
    "enrich",
    "fetch_paced",
    "needs_full_text",
]

log = logging.getLogger(__name__)

MIN_FULL_WORDS = 120
"""A body shorter than this many words is taken to be a summary, not the article."""
HOST_DELAY = 0.5
"""Seconds between the end of one request to a host and the next request to it."""
PAGE_MAX_BYTES = 5 * 1024 * 1024
"""Cap on one article page (decoded), below the feed cap: no article needs more."""
UNAVAILABLE = "full text unavailable"
_TRUNCATED = re.compile(
    r"(\.\.\.|…|\[…\]|\[\.\.\.\]|read more|continue reading|read the full (story|article))"
    r"\W*$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class _Outcome:
    """The article text of one page, or why there is none."""

    text: str = ""
    reason: str = ""


def needs_full_text(story: Story) -> bool:
    """Whether a story's body is only a summary worth replacing with the article.

    That is a body shorter than :data:`MIN_FULL_WORDS`, or one that ends the way
    truncated summaries do ("…", "Read more"), for a story with a web link.
    """
    if url_parts(story.url)[0] not in ("http", "https"):
        return False
    return word_count(story.body) < MIN_FULL_WORDS or bool(_TRUNCATED.search(story.body))


def _with_body(item: PreparedStory, body: str, note: str) -> PreparedStory:
    """The prepared story with a new body and note, and its content hash recomputed.

    The note is part of the hash, so a failure note reaches the store even when
    the body did not change, and an unchanged re-ingest stays "unchanged".
    """
    story = replace(item.story, body=body, note=note)
    return replace(item, story=story, hash=story_hash(story, item.dated))


def _stored_full_bodies(store: Store, items: Sequence[PreparedStory]) -> dict[str, str]:
    """Bodies already extracted for these stories, when the feed has not changed them.

    A stored body counts when it is fuller than what the feed gives now, carries no
    note (so it is not a failure) and the entry's title and summary are the ones it
    was extracted for; otherwise the page is worth asking for again.
    """
    found: dict[str, str] = {}
    conn = store.conn
    for item in items:
        row = conn.execute(
            "SELECT title, summary, body, note FROM stories WHERE identity = ?", (item.identity,)
        ).fetchone()
        if row is None or row["note"]:
            continue
        if word_count(row["body"]) <= word_count(item.story.body):
            continue
        if row["title"] == item.story.title and row["summary"] == item.story.summary:
            found[item.identity] = str(row["body"])
    return found


def _host(url: str) -> str:
    _, host, port, _ = url_parts(url)
    return f"{host}:{port or ''}"


class HostPacer:
    """Remembers when each host last answered us, so the next request can wait its turn.

    One pacer is shared by every ingest in the process (:data:`PACER`), so two
    feeds of the same outlet, ingested one after the other or from two threads,
    still keep their page requests apart.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait_for(self, hosts: Sequence[str], delay: float) -> None:
        """Sleep until ``delay`` has passed since the last answer of each of ``hosts``."""
        with self._lock:
            due = max((self._last.get(h, -math.inf) + delay for h in hosts), default=-math.inf)
        pause = due - self.clock()
        if pause > 0:
            self.sleep(pause)

    def done(self, hosts: Sequence[str]) -> None:
        """Record that ``hosts`` just answered."""
        now = self.clock()
        with self._lock:
            if len(self._last) > 10_000:  # a long-running app: forget hosts long quiet
                self._last = {h: t for h, t in self._last.items() if now - t < 3600}
            self._last.update(dict.fromkeys(hosts, now))


PACER = HostPacer()


def fetch_paced(
    requests: Sequence[FetchRequest],
    policy: FetchPolicy,
    host_delay: float = HOST_DELAY,
    pacer: HostPacer | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[FetchResult]:
    """Fetch pages in rounds holding at most one request per host, pacing each host.

    Different hosts are fetched concurrently within a round; a host with several
    pages gets one per round, and a round starts only when ``host_delay`` has
    passed since each of its hosts last answered, so a publisher never sees two of
    our requests closer than that. Results come back in request order;
    ``progress(done, total)`` is called after each round.
    """
    pacer = pacer or PACER
    queues: dict[str, list[FetchRequest]] = {}
    for request in requests:
        queues.setdefault(_host(request.url), []).append(request)
    by_request: dict[int, FetchResult] = {}
    depth = max((len(q) for q in queues.values()), default=0)
    for round_number in range(depth):
        hosts = [h for h, q in queues.items() if len(q) > round_number]
        batch = [queues[h][round_number] for h in hosts]
        pacer.wait_for(hosts, host_delay)
        try:
            results = fetch_all(batch, policy)
        finally:
            pacer.done(hosts)
        for request, result in zip(batch, results, strict=True):
            by_request[id(request)] = result
        if progress is not None:
            progress(len(by_request), len(requests))
    return [by_request[id(r)] for r in requests]


def _page_outcome(result: FetchResult, cached: CachedPage | None, title: str) -> _Outcome:
    """Read one fetch result into article text or a reason."""
    if result.error:
        return _Outcome(reason=result.error)
    if result.not_modified:
        if cached is not None and cached.usable:
            return _Outcome(text=cached.text)
        return _Outcome(reason="page not modified but no cached copy")
    content_type = result.headers.get("content-type", "")
    if not is_html(content_type):
        kind = content_type.split(";", 1)[0].strip()
        return _Outcome(reason=f"not an HTML page ({kind})")
    markup = decode_html(result.content, content_type)
    text = extract_article(markup, result.final_url or result.request.url, title)
    if not text:
        return _Outcome(reason="no article text found on the page")
    return _Outcome(text=text)


def _fetch_outcomes(
    cache: PageCache,
    wanted: dict[str, str],
    policy: FetchPolicy,
    host_delay: float,
    progress: Callable[[int, int], None] | None,
) -> dict[str, _Outcome]:
    """Outcomes for ``wanted`` (URL to story title), from the cache or the network."""
    now = utc_now()
    cached = cache.get_many(wanted)
    outcomes: dict[str, _Outcome] = {}
    requests: list[FetchRequest] = []
    for url in wanted:
        page = cached.get(url)
        if page is not None and page.failed_recently(now):
            outcomes[url] = _Outcome(reason=page.error)
            continue
        usable = page is not None and page.usable
        requests.append(
            FetchRequest(
                url=url,
                etag=page.etag if page and usable else "",
                last_modified=page.last_modified if page and usable else "",
                key=url,
            )
        )
    page_policy = replace(policy, per_host=1, max_bytes=min(policy.max_bytes, PAGE_MAX_BYTES))
    fresh: list[CachedPage] = []
    for result in fetch_paced(requests, page_policy, host_delay, progress=progress):
        url = result.request.key
        outcome = _page_outcome(result, cached.get(url), wanted[url])
        outcomes[url] = outcome
        fresh.append(_cache_entry(url, result, outcome, cached.get(url), now))
    if fresh:
        cache.put_many(fresh)
    return outcomes


def _cache_entry(
    url: str, result: FetchResult, outcome: _Outcome, old: CachedPage | None, now: datetime
) -> CachedPage:
    if outcome.reason:
        return CachedPage(url=url, fetched=now, status=result.status, error=outcome.reason)
    return CachedPage(
        url=url,
        etag=result.etag or (old.etag if old and result.not_modified else ""),
        last_modified=result.last_modified
        or (old.last_modified if old and result.not_modified else ""),
        fetched=now,
        status=result.status,
        text=outcome.text,
    )


def enrich(
    store: Store,
    prepared: list[PreparedStory],
    policy: FetchPolicy,
    *,
    host_delay: float | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[PreparedStory]:
    """Replace summary-only bodies with the article text of each story's page.

    Args:
        store: The store being ingested into (it holds the page cache).
        prepared: One feed's prepared stories, as :func:`prepare_entries` made them.
        policy: The fetching limits of this ingest (timeouts, size cap, retries).
        host_delay: Pause between two requests to one host; :data:`HOST_DELAY`
            when None.
        progress: Called as ``progress("fulltext", done, total)`` as pages arrive,
            like the pipeline's other stages.

    Returns:
        The stories in the same order; those that needed full text have the
        article as body (summary kept as ``summary``) or, when it could not be
        had, their summary as body and a one-line ``note`` saying why.
    """
    candidates = [item for item in prepared if needs_full_text(item.story)]
    if not candidates:
        return prepared
    stored = _stored_full_bodies(store, candidates)
    wanted = {
        item.story.url: item.story.title for item in candidates if item.identity not in stored
    }
    outcomes: dict[str, _Outcome] = {}
    if wanted:
        delay = HOST_DELAY if host_delay is None else host_delay

        def pages_done(done: int, total: int) -> None:
            if progress is not None:
                progress("fulltext", done, total)

        outcomes = _fetch_outcomes(PageCache(store), wanted, policy, delay, pages_done)
    result: list[PreparedStory] = []
    for item in prepared:
        if not needs_full_text(item.story):
            result.append(item)
        elif item.identity in stored:
            result.append(_with_body(item, stored[item.identity], ""))
        else:
            result.append(_apply(item, outcomes[item.story.url]))
    return result


def _apply(item: PreparedStory, outcome: _Outcome) -> PreparedStory:
    summary_body = item.story.body
    if outcome.reason:
        return _with_body(item, summary_body, f"{UNAVAILABLE}: {outcome.reason}")
    if word_count(outcome.text) <= word_count(summary_body):
        reason = "the page has no more text than the feed"
        return _with_body(item, summary_body, f"{UNAVAILABLE}: {reason}")
    return _with_body(item, outcome.text, "")
