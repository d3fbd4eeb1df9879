"""Ingest: sources in, stories stored, analysed and indexed.

An ingest run has three resumable stages, each writing its own progress to the
store of record so that a process killed at any instant loses nothing:

1. **store**: every source (feed URL, feed file, OPML, article file, directory) is
   read and its entries upserted by identity, one transaction per source;
2. **analyse**: stories whose content changed since their last analysis get their
   quotations extracted and are placed in a cluster, in publication order;
3. **index**: stories on the index queue are written to Whoosh in batches, one
   commit per batch, then taken off the queue.

A later run (or ``triage reindex``) picks up whatever an interrupted run left.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from triage.core.errors import ParseError
from triage.core.fetch import FetchPolicy, FetchRequest, FetchResult, fetch_all
from triage.core.ingest.dates import trustworthy
from triage.core.ingest.feeds import Entry, ParsedFeed, parse_feed
from triage.core.ingest.identity import content_key, is_home_page, normalize_url, story_id
from triage.core.models import (
    IngestReport,
    PreparedStory,
    Progress,
    SourceError,
    Story,
    story_hash,
    utc_now,
)

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".rdf", ".json", ".feed"})
OPML_SUFFIXES = frozenset({".opml"})

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest local file read, so a stray disk image is refused rather than slurped."""


@dataclass(slots=True)
class SourcePlan:
    """The sources of one run, sorted by kind."""

    urls: list[str] = field(default_factory=list)
    feed_files: list[Path] = field(default_factory=list)
    article_files: list[Path] = field(default_factory=list)
    opml_files: list[Path] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)


def url_scheme(source: str) -> str:
    """The lower-cased scheme of a source argument ("" for a path, or for text that
    ``urlsplit`` refuses, such as a bracketed host that is no IP address)."""
    try:
        return urlsplit(source).scheme.lower()
    except ValueError:
        return ""


def is_url(source: str) -> bool:
    """Whether a source argument is an http(s) URL rather than a path."""
    return url_scheme(source) in ("http", "https")


def _sniff_kind(path: Path) -> str:
    """Guess a file's kind from its first bytes when its suffix says nothing."""
    try:
        with path.open("rb") as handle:
            head = handle.read(2048).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    except OSError:
        return "article"
    if head.startswith(b"<opml") or b"<opml" in head[:300]:
        return "opml"
    if head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")) or head.startswith(b"{"):
        return "feed"
    return "article"


def _kind_of(path: Path, explicit: bool) -> str | None:
    suffix = path.suffix.lower()
    if suffix in OPML_SUFFIXES:
        return "opml"
    if suffix in FEED_SUFFIXES:
        return "opml" if _sniff_kind(path) == "opml" else "feed"
    if suffix in ARTICLE_SUFFIXES:
        return "article"
    return _sniff_kind(path) if explicit else None


SPECIAL_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))
"""Kernel and device file systems: never news, and /proc/self/environ holds secrets."""

SPECIAL_REFUSAL = "refused: a kernel or device file (/proc, /sys, /dev)"


def is_special(path: Path) -> bool:
    """Whether ``path`` resolves (through every symlink) into /proc, /sys or /dev."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        return True  # a symlink loop or an unreadable link: nothing to read
    return any(resolved == root or root in resolved.parents for root in SPECIAL_ROOTS)


def walk_folder(folder: Path) -> tuple[list[Path], list[SourceError]]:
    """The regular files under ``folder`` (hidden entries skipped), sorted, and the
    symlinks refused: one that leaves the folder (``ln -s /etc/passwd W/p.txt``)
    or reaches /proc, /sys or /dev is not followed, and said so. Symlinked folders
    are never descended."""
    try:
        root = folder.resolve()
    except (OSError, RuntimeError):
        return [], [SourceError(str(folder), "cannot resolve the folder")]
    files: list[Path] = []
    refused: list[SourceError] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        here = Path(dirpath)
        for name in [*filenames, *dirnames]:
            child = here / name
            if name.startswith(".") or not child.is_symlink():
                continue
            try:
                target = child.resolve(strict=True)
            except (OSError, RuntimeError):
                continue  # dangling or looping: nothing to read
            if is_special(child) or not (target == root or root in target.parents):
                refused.append(SourceError(str(child), "symlink leaves the folder; not followed"))
        skipped = {error.source for error in refused}
        for name in filenames:
            child = here / name
            if name.startswith(".") or str(child) in skipped:
                continue
            if child.is_file():
                files.append(child)
    return sorted(files), refused


def plan_sources(sources: Iterable[str]) -> SourcePlan:
    """Sort source arguments into URLs, feed files, article files and OPML files.

    Directories are walked recursively (hidden entries skipped) and only files of
    known kinds are taken from them; a file named explicitly is sniffed if its
    suffix is unknown.
    """
    plan = SourcePlan()
    buckets = {"feed": plan.feed_files, "article": plan.article_files, "opml": plan.opml_files}
    for source in sources:
        if is_url(source):
            plan.urls.append(source)
            continue
        scheme = url_scheme(source)
        if "://" in source and len(scheme) > 1:  # "c:\\..." is a Windows path, not a URL
            plan.errors.append(
                SourceError(source, f"unsupported URL scheme {scheme!r} (only http and https)")
            )
            continue
        path = Path(source).expanduser()
        if is_special(path):
            plan.errors.append(SourceError(source, SPECIAL_REFUSAL))
            continue
        if path.is_dir():
            files, refused = walk_folder(path)
            plan.errors.extend(refused)
            for child in files:
                kind = _kind_of(child, explicit=False)
                if kind:
                    buckets[kind].append(child)
        elif path.is_file():
            buckets[_kind_of(path, explicit=True) or "article"].append(path)
        elif not path.exists():
            plan.errors.append(SourceError(source, "no such file or directory"))
        else:
            plan.errors.append(SourceError(source, "not a regular file"))
    return plan


def read_file(path: Path) -> bytes:
    """Read a local source, refusing files too large to be news.

    Raises:
        ParseError: When the file is too large or cannot be read.
    """
    if is_special(path):
        raise ParseError(SPECIAL_REFUSAL)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ParseError(f"file larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror or exc}") from None


IDENTIFYING_SCHEMES = ("http://", "https://", "file://")
"""Links that may identify a story: a ``javascript:`` or junk link is no address."""


def prepare_entries(
    entries: Sequence[Entry], feed_key: str, site_link: str, fetched: datetime
) -> list[PreparedStory]:
    """Decide each entry's identity and build its :class:`Story`.

    The link identifies an entry only when it is unique within its feed and is not
    the site's home page (podcast and some news feeds give every item the same
    link; collapsing them would lose stories). Otherwise the GUID is used, when it
    too is unique within the feed (a feed repeating a GUID keeps every item), and
    as a last resort a hash of the content.
    """
    normalized = [normalize_url(e.link) if e.link else "" for e in entries]
    counts: dict[str, int] = {}
    for link in normalized:
        if link:
            counts[link] = counts.get(link, 0) + 1
    guids: dict[str, int] = {}
    for entry in entries:
        if entry.guid:
            guids[entry.guid] = guids.get(entry.guid, 0) + 1
    prepared: list[PreparedStory] = []
    for entry, link in zip(entries, normalized, strict=True):
        if (
            link.startswith(IDENTIFYING_SCHEMES)
            and counts[link] == 1
            and not is_home_page(link, site_link)
        ):
            identity = f"url:{link}"
        elif entry.guid and guids[entry.guid] == 1:
            identity = f"guid:{feed_key}:{entry.guid}"
        else:
            identity = content_key(entry.title, entry.body)
        trusted = trustworthy(entry.published, fetched)
        published = trusted or fetched
        story = Story(
            id=story_id(identity),
            title=entry.title,
            url=link or entry.link or feed_key,
            source=entry.source,
            published=published,
            body=entry.body,
            summary=entry.summary,
            author=entry.author,
            guid=entry.guid,
            feeds=(feed_key,),
            fetched=fetched,
            dated=trusted is not None,
        )
        dated = trusted is not None
        prepared.append(PreparedStory(story, identity, story_hash(story, dated), dated))
    return prepared


def parse_fetched(result: FetchResult, declared_name: str = "") -> ParsedFeed:
    """Parse a fetched feed body, with the response headers feedparser needs.

    Raises:
        ParseError: When the body is not a feed.
    """
    return parse_feed(
        result.content,
        location=result.final_url or result.request.url,
        content_type=result.headers.get("content-type", ""),
        declared_name=declared_name,
    )


def fetch_urls(
    urls: Sequence[tuple[str, str, str]],
    policy: FetchPolicy | None = None,
    progress: Progress | None = None,
    each: Callable[[FetchResult], None] | None = None,
) -> list[FetchResult]:
    """Fetch feeds given as ``(url, etag, last_modified)``, concurrently.

    ``each`` is called with every result as it arrives, in the fetch's event loop,
    so CPU work on one response overlaps the network wait of the others.
    """
    requests = [FetchRequest(url=u, etag=e, last_modified=m, key=u) for u, e, m in urls]
    done = 0

    def on_result(result: FetchResult) -> None:
        nonlocal done
        done += 1
        if each:
            each(result)
        if progress:
            progress("fetch", done, len(requests))

    return fetch_all(requests, policy or FetchPolicy(), progress=on_result)


def merge_reports(into: IngestReport, other: IngestReport) -> None:
    """Add ``other``'s counts and errors to ``into``."""
    into.added += other.added
    into.updated += other.updated
    into.unchanged += other.unchanged
    into.not_modified += other.not_modified
    into.errors.extend(other.errors)
    into.story_ids.extend(other.story_ids)


def utc_fetch_time() -> datetime:
    """The fetch time stamped on undated entries of this run."""
    return utc_now()
