"""One ingest run over a set of sources, stage by stage (see :mod:`triage.core.ingest.sources`)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from triage.core.analysis import Analyser, analyse_and_index, worker
from triage.core.errors import ParseError
from triage.core.fetch import FetchPolicy, FetchResult
from triage.core.fulltext import enrich
from triage.core.ingest.articles import parse_article_file
from triage.core.ingest.feeds import parse_feed
from triage.core.ingest.opml import parse_opml, vet_opml
from triage.core.ingest.sources import (
    fetch_urls,
    parse_fetched,
    plan_sources,
    prepare_entries,
    read_file,
)
from triage.core.models import IngestReport, PreparedStory, Progress, SourceError, utc_now
from triage.core.rules import RuleEngine
from triage.core.search import IndexWriter
from triage.core.store import Feeds, Store

ARTICLE_BATCH = 50
"""Article files stored per transaction: a commit per file cost a disk sync each."""


class Pipeline:
    """Runs the store, analyse and index stages for one desk."""

    def __init__(
        self,
        path: Path,
        store: Store,
        writer: IndexWriter,
        analyser: Analyser,
        progress: Progress | None = None,
        policy: FetchPolicy | None = None,
    ) -> None:
        """``path``: the desk directory (an analysis worker opens it itself)."""
        self.path = path
        self.store = store
        self.feeds = Feeds(store)
        self.writer = writer
        self.analyser = analyser
        self.progress = progress
        self.policy = policy or FetchPolicy()
        self.report = IngestReport()
        self._may_follow = False
        self._allow_private = False  # see run()
        self._follower: subprocess.Popen[bytes] | None = None

    def _tell(self, stage: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(stage, done, total)

    def _fail(self, source: str, error: str) -> None:
        self.report.errors.append(SourceError(source, error))

    def run(
        self, sources: Sequence[str], full_text: bool = False, allow_private: bool = False
    ) -> IngestReport:
        """Ingest every source; failures are recorded per source and never stop the run.

        An OPML file's loopback and private-network feeds are refused (each one an
        error naming it) unless ``allow_private``."""
        self._allow_private = allow_private
        plan = plan_sources(sources)
        self.report.errors.extend(plan.errors)
        urls = list(plan.urls)
        for path in plan.opml_files:
            urls.extend(self._subscribe_opml(path))
        for url in urls:
            if self.feeds.get(url) is None:
                self.feeds.add(url, full_text=full_text or None)
        self.writer.ensure()
        self._may_follow = True
        try:
            self._fetch_and_store(list(dict.fromkeys(urls)), full_text)
            for path in plan.feed_files:
                self._store_feed_file(path)
            files = plan.article_files
            for first in range(0, len(files), ARTICLE_BATCH):
                with self.store.write():  # one commit (one disk sync) per batch of files
                    for path in files[first : first + ARTICLE_BATCH]:
                        self._store_article(path)
                self._tell("files", min(first + ARTICLE_BATCH, len(files)), len(files))
                self._follow()
            self.finish()
        finally:
            self._abandon_follower()
        return self.report

    def refresh(self, only_due: bool = True, finish: bool = True) -> IngestReport:
        """Fetch every subscribed feed (those not backing off, unless ``only_due`` is off).

        With ``finish`` off, return once the new stories are stored (the story list
        shows them) and leave analysis and indexing to a later :meth:`finish`: the
        app does that in the background, so an editor sees new stories in about
        the time the fetch takes.
        """
        feeds = self.feeds.due() if only_due else self.feeds.all()
        self._fetch_and_store([f.url for f in feeds], full_text=False)
        if finish:
            self.finish()
        return self.report

    def finish(self, background: bool = False) -> None:
        """Analyse and index whatever is pending (also what an interrupted run left).

        ``background``: see :func:`triage.core.analysis.worker.analyse_and_index`.
        """
        self._tell("analyse", 0, 1)
        follower, self._follower = self._follower, None
        analyse_and_index(
            self.path, self.analyser, self.writer, self.progress, background, follower
        )
        self.apply_rules()

    def apply_rules(self) -> None:
        """Run the rules on ingest over the new stories, then the alerts (see
        :mod:`triage.core.rules`); what they did goes into the report."""
        run = RuleEngine(self.store, self.writer.index).run_pending()
        self.report.new_ids.extend(run.new_ids)
        self.report.ruled += run.ruled
        self.report.rule_errors.extend(run.errors)
        self.report.alerts.extend(run.alerts)

    def _follow(self) -> None:
        """Once an ingest has stored a large backlog's worth, start the analyser, so
        it quotes what is stored while the rest is read (see
        :func:`triage.core.analysis.worker.start_follower`)."""
        if (
            self._may_follow
            and self._follower is None
            and self.report.added >= min(worker.FOLLOW_MIN_STORIES, worker.PARALLEL_MIN_STORIES)
            and (os.cpu_count() or 1) > 1
        ):
            self._follower = worker.start_follower(self.path)

    def _abandon_follower(self) -> None:
        """Stop a follower the run never handed over (it failed before the end)."""
        if self._follower is not None:
            worker.release(self._follower, stored=False)
            self._follower.wait()
            self._follower = None

    # -- sources -----------------------------------------------------------------

    def _subscribe_opml(self, path: Path) -> list[str]:
        try:
            listed = parse_opml(read_file(path))
        except ParseError as exc:
            self._fail(str(path), str(exc))
            return []
        taken, refused = vet_opml(listed, self._allow_private)
        for item, why in refused:
            self._fail(item.url, f"refused (listed in {path.name}): {why}")
        for item in taken:
            tags = [item.category] if item.category else []
            self.feeds.add(item.url, name=item.name, tags=tags)
        return [item.url for item in taken]

    def _fetch_and_store(self, urls: list[str], full_text: bool) -> None:
        if not urls:
            return
        feeds = {url: self.feeds.get(url) for url in urls}
        requests = [
            (url, f.etag if f else "", f.last_modified if f else "") for url, f in feeds.items()
        ]
        parsed: dict[str, list[PreparedStory] | ParseError] = {}
        titles: dict[str, str] = {}  # each feed's own title, to name one added by URL

        def parse(result: FetchResult) -> None:
            """Parse each body as it arrives, while the slower feeds are still on the wire."""
            if result.error or result.not_modified:
                return
            url, feed = result.request.url, feeds.get(result.request.url)
            try:
                found = parse_fetched(result, feed.name if feed else "")
                titles[url] = found.title
                parsed[url] = prepare_entries(found.entries, url, found.link, utc_now())
            except ParseError as exc:
                parsed[url] = exc
            except Exception as exc:  # the fetcher would swallow it: record it instead
                parsed[url] = ParseError(f"cannot read this feed: {type(exc).__name__}: {exc}")

        results = fetch_urls(requests, self.policy, progress=self.progress, each=parse)
        for url, entries in parsed.items():
            feed = feeds.get(url)
            if not isinstance(entries, ParseError) and (full_text or (feed and feed.full_text)):
                parsed[url] = self._with_full_text(entries)
        with self.store.write():
            for result in results:
                url = result.request.url
                self._record(result, parsed.get(url), titles.get(url, ""))

    def _record(
        self,
        result: FetchResult,
        parsed: list[PreparedStory] | ParseError | None,
        title: str = "",
    ) -> None:
        """Store one feed's outcome: its new stories and fetch state, or its failure.

        Every feed of a refresh is recorded in one transaction (one disk sync, not
        one per feed), so a crash never records an ETag for stories that were not
        stored (the next fetch would get a 304 and miss them).
        """
        url = result.request.url
        if result.not_modified and not result.error:
            self.feeds.record_success(url, result.etag, result.last_modified, None)
            self.report.not_modified += 1
        elif result.error or not isinstance(parsed, list):
            error = result.error or str(parsed or "the feed was not parsed")
            self.feeds.record_failure(url, error)
            self._fail(url, error)
        else:
            self._store(parsed)
            self.feeds.record_success(
                url, result.etag, result.last_modified, len(parsed), title=title
            )

    def _with_full_text(self, prepared: list[PreparedStory]) -> list[PreparedStory]:
        return enrich(self.store, prepared, self.policy, progress=self.progress)

    def _store_feed_file(self, path: Path) -> None:
        try:
            parsed = parse_feed(read_file(path), location=path.resolve().as_uri())
        except ParseError as exc:
            self._fail(str(path), str(exc))
            return
        key = str(path.resolve())
        self._store(prepare_entries(parsed.entries, key, parsed.link, utc_now()))

    def _store_article(self, path: Path) -> None:
        try:
            entry = parse_article_file(path, read_file(path))
        except ParseError as exc:
            self._fail(str(path), str(exc))
            return
        self._store(prepare_entries([entry], str(path.resolve()), "", utc_now()))

    def _store(self, prepared: list[PreparedStory]) -> None:
        store = self.store
        with store.write():
            for item in prepared:
                change = store.upsert_story(item.story, item.identity, item.hash, item.dated)
                if change == "added":
                    self.report.added += 1
                elif change == "updated":
                    self.report.updated += 1
                else:
                    self.report.unchanged += 1
                self.report.story_ids.append(
                    store.story_id_for_identity(item.identity) or item.story.id
                )
        self._follow()
