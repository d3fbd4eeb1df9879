"""One sync with a feed server: read everything first, then store, then merge marks.

Order, and why:

1. **Read** the server's feeds, every new item (``since_id``, one batch at a time)
   and its unread and saved ids. Nothing is written yet, so a wrong key, a server
   that is down or slow or answers garbage leaves the desk and the server as they
   were.
2. **Store** each batch of items through the ingest path
   (:func:`triage.core.ingest.prepare_entries`: identity by link, so a story that
   also came from a direct feed is the same story), with the items' agreed state
   and the cursor, in **one transaction per batch**: a sync killed midway repeats
   no item and skips none.
3. **Merge** read and saved state item by item, three ways, against the state both
   sides last agreed on (``server_items``):

   - the desk changed since the last sync → **triage wins**: the desk's mark is
     pushed (also when the server changed the same item meanwhile);
   - else the server changed → the server's mark is applied to the desk;
   - an item new to the desk whose story was already there (it came from a direct
     feed) is read if either side has it read, and saved if either side saved it.

   The agreed state of an item is updated only after the server acknowledged its
   push, so the difference between the desk and the agreed state *is* the journal
   of pending pushes: a sync killed during the pushes resends them (marks are
   idempotent) and loses none.

Analysis and indexing of the new stories are the caller's next step (the
pipeline's ``finish``), as after any ingest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from triage.core.ingest import Entry, prepare_entries
from triage.core.models import utc_now
from triage.core.store import Store, Tags
from triage.core.sync.backend import (
    ServerBackend,
    ServerError,
    ServerFeed,
    ServerItem,
    ServerState,
)
from triage.core.sync.credentials import key_at_hand
from triage.core.sync.fever import FeverBackend, fever_api_key
from triage.core.sync.state import AgreedItem, ServerRecord, Servers
from triage.core.textclean import clean_line, html_to_text, strip_controls

SAVED_TAG = "saved"
MAX_BATCHES = 100_000  # a server that never stops answering new items is stopped here


@dataclass
class SyncReport:
    """What one sync did."""

    server: str
    feeds: int = 0
    items: int = 0
    added: int = 0
    pulled: int = 0
    pushed: int = 0
    story_ids: list[str] = field(default_factory=list)


def _entry(item: ServerItem, feed: ServerFeed | None) -> Entry | None:
    """The item as an ingest entry, cleaned like a feed's (None: nothing to keep)."""
    body = html_to_text(item.html)
    title = clean_line(item.title)
    if not title and not body:
        return None
    return Entry(
        title=title or clean_line(body[:120]) or "(untitled)",
        link=strip_controls(item.url).strip(),
        body=body,
        summary=body[:500],
        author=clean_line(item.author),
        published=item.published,
        source=clean_line(feed.title) if feed and feed.title else "",
    )


def _store_batch(
    store: Store,
    servers: Servers,
    url: str,
    items: list[ServerItem],
    feeds: dict[str, ServerFeed],
    state: ServerState,
    report: SyncReport,
) -> list[AgreedItem]:
    """Store one batch's stories (inside the caller's transaction); returns the
    items' agreed state, and merges it into stories the desk already had."""
    known = servers.known_ids(url, [i.item_id for i in items])
    by_feed: dict[str, list[ServerItem]] = {}
    for item in items:
        if item.item_id not in known:
            by_feed.setdefault(item.feed_id, []).append(item)
    agreed: list[AgreedItem] = []
    tags = Tags(store)
    now = utc_now()
    for feed_id, group in by_feed.items():
        feed = feeds.get(feed_id)
        pairs = [(item, e) for item in group if (e := _entry(item, feed)) is not None]
        key = feed.url if feed else f"{url}#feed-{feed_id}"
        prepared = prepare_entries([e for _, e in pairs], key, feed.site_url if feed else "", now)
        for (item, _), ready in zip(pairs, prepared, strict=True):
            existed = store.story_id_for_identity(ready.identity)
            if store.upsert_story(ready.story, ready.identity, ready.hash, ready.dated) == "added":
                report.added += 1
            story_id = store.story_id_for_identity(ready.identity) or ready.story.id
            report.story_ids.append(story_id)
            server_read = item.item_id not in state.unread
            server_saved = item.item_id in state.saved
            if server_read and (existed is None or not store.read_ids([story_id])):
                store.set_read([story_id], True)
            if server_saved:
                tags.tag_stories([story_id], [SAVED_TAG])
            agreed.append(AgreedItem(item.item_id, story_id, server_read, server_saved))
    return agreed


def sync_server(
    store: Store,
    backend: ServerBackend,
    url: str,
    after_batch: Callable[[int, int], None] | None = None,
) -> SyncReport:
    """Sync the desk with the server at ``url`` (a row of :class:`Servers`).

    ``after_batch(done, total)`` is told after each stored batch.

    Raises:
        ServerError: On any fault reading from the server (nothing was changed)
            or pushing to it (what was acknowledged is kept, the rest is pushed
            on the next sync).
    """
    servers = Servers(store)
    record = servers.get(url)
    if record is None:
        raise KeyError(url)
    report = SyncReport(server=url)
    # 1. read
    feeds = backend.feeds()
    batches: list[tuple[list[ServerItem], int]] = []
    cursor = record.since_id
    for _ in range(MAX_BATCHES):
        items, after = backend.items_since(cursor)
        if after <= cursor:
            break
        batches.append((items, after))
        cursor = after
    state = backend.state()
    # 2. store
    servers.set_feeds(url, feeds)
    report.feeds = len(feeds)
    by_id = {f.feed_id: f for f in feeds}
    for done, (items, after) in enumerate(batches, 1):
        with store.write():
            agreed = _store_batch(store, servers, url, items, by_id, state, report)
            servers.agree(url, agreed)
            servers.set_cursor(url, after)
        report.items += len(items)
        if after_batch:
            after_batch(done, len(batches))
    # 3. merge
    pushes = _merge(store, servers, url, state, report)
    for item, read, saved in pushes:
        backend.push(item.item_id, read, saved)
        servers.agree(
            url,
            [
                AgreedItem(
                    item.item_id,
                    item.story_id,
                    item.read if read is None else read,
                    item.saved if saved is None else saved,
                )
            ],
        )
        report.pushed += 1
    servers.record_result(url, "")
    return report


def _merge(
    store: Store, servers: Servers, url: str, state: ServerState, report: SyncReport
) -> list[tuple[AgreedItem, bool | None, bool | None]]:
    """Apply the server's changes to the desk (one transaction) and return the desk's
    changes still to push: ``(item, read or None, saved or None)``."""
    tags = Tags(store)
    pushes: list[tuple[AgreedItem, bool | None, bool | None]] = []
    with store.write():
        agreed = servers.agreed(url)
        story_ids = list({a.story_id for a in agreed})
        read = store.read_ids(story_ids)
        saved = tags.story_ids_with_tag(SAVED_TAG)
        settled: list[AgreedItem] = []
        mark_read: list[str] = []
        mark_unread: list[str] = []
        tag: list[str] = []
        untag: list[str] = []
        for item in agreed:
            local_read, local_saved = item.story_id in read, item.story_id in saved
            server_read = item.item_id not in state.unread
            server_saved = item.item_id in state.saved
            new_read, new_saved = item.read, item.saved
            push_read: bool | None = None
            push_saved: bool | None = None
            if local_read != item.read:  # the desk changed: triage wins
                if server_read != local_read:
                    push_read = local_read
                else:
                    new_read = local_read
            elif server_read != item.read:
                (mark_read if server_read else mark_unread).append(item.story_id)
                new_read = server_read
            if local_saved != item.saved:
                if server_saved != local_saved:
                    push_saved = local_saved
                else:
                    new_saved = local_saved
            elif server_saved != item.saved:
                (tag if server_saved else untag).append(item.story_id)
                new_saved = server_saved
            if (new_read, new_saved) != (item.read, item.saved):
                settled.append(AgreedItem(item.item_id, item.story_id, new_read, new_saved))
            if push_read is not None or push_saved is not None:
                pushes.append(
                    (
                        AgreedItem(item.item_id, item.story_id, new_read, new_saved),
                        push_read,
                        push_saved,
                    )
                )
        if mark_read:
            store.set_read(mark_read, True)
        if mark_unread:
            store.set_read(mark_unread, False)
        if tag:
            tags.tag_stories(tag, [SAVED_TAG])
        if untag:
            tags.untag_stories(untag, [SAVED_TAG])
        servers.agree(url, settled)
        report.pulled = len(mark_read) + len(mark_unread) + len(tag) + len(untag)
    return pushes


@dataclass(frozen=True, slots=True)
class ServerOutcome:
    """One server's part of :func:`sync_servers`: its report, or the one-line error."""

    url: str
    report: SyncReport | None = None
    error: str = ""


def sync_servers(
    store: Store,
    open_backend: Callable[[ServerRecord], ServerBackend | None],
    only: str | None = None,
) -> list[ServerOutcome]:
    """Sync every server of the desk (or only the one at ``only``), one after another.

    ``open_backend`` gives a record's backend, or None when no credential is at hand
    (the app cannot prompt): that server is reported as an error and skipped. A
    failing server never stops the others, and its error is kept on its record.
    """
    servers = Servers(store)
    outcomes: list[ServerOutcome] = []
    for record in servers.all():
        if only and record.url != only:
            continue
        backend = open_backend(record)
        if backend is None:
            error = f"{record.url}: no kept key for {record.user} (run `triage sync` once)"
            outcomes.append(ServerOutcome(record.url, error=error))
            continue
        try:
            report = sync_server(store, backend, record.url)
        except ServerError as exc:
            servers.record_result(record.url, str(exc))
            outcomes.append(ServerOutcome(record.url, error=str(exc)))
        else:
            outcomes.append(ServerOutcome(record.url, report=report))
        finally:
            backend.close()
    return outcomes


def backend_at_hand(record: ServerRecord) -> ServerBackend | None:
    """The record's backend with a key found without asking (``$TRIAGE_SERVER_PASSWORD``
    or the keyring), or None: what the app uses, since it cannot prompt."""
    if record.kind != "fever":
        return None
    key = key_at_hand(record.url, record.user, fever_api_key)
    return FeverBackend(record.url, key) if key else None
