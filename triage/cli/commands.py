"""The CLI's subcommands: each takes the open desk and parsed arguments, returns a status."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from triage.cli import render
from triage.config import Config, ConfigError, load_config
from triage.core.clusters import Cluster
from triage.core.desk import DESK_ENV, EDITOR_ENV, INDEX_ENV, Desk, locate_desk, team_desk_dir
from triage.core.errors import ParseError
from triage.core.export import (
    render_export,
    stored_quote_json,
    story_json,
    story_summary_json,
    work_json,
    write_atomically,
)
from triage.core.links import web_url
from triage.core.models import IngestReport, Story
from triage.core.rules import RuleError, split_rule
from triage.core.rules.actions import ARROW
from triage.core.search import QueryError, Scope, SearchError
from triage.core.store import (
    EditorError,
    TagError,
    is_database_error,
    is_postgres,
    normalize_tag,
)
from triage.core.textclean import safe_line

WEB = ("http", "https")


class CliError(Exception):
    """A failure reported as one line, with the exit status to use."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def desk_location(index: str | None, store: str | None = None) -> tuple[Path, str | None]:
    """The desk directory and store of record to open.

    The store: ``--desk`` > ``$TRIAGE_DESK`` > ``store`` in the config that applies
    (the desk directory's, else the user's) > the directory's own SQLite file. A
    PostgreSQL store's directory (this terminal's index) is ``--index`` /
    ``$TRIAGE_INDEX`` when given, else one of its own in the user's data directory.
    A ``--desk`` that is not a URL is a desk directory, as ``--index``.
    """
    chosen = store or os.environ.get(DESK_ENV) or None
    if chosen is not None and not is_postgres(chosen):
        return Path(chosen).expanduser(), None
    if chosen is None:
        path = locate_desk(index)
        configured = _configured(path).store
        if not configured:
            return path, None
        chosen = configured
    if index or os.environ.get(INDEX_ENV):
        return locate_desk(index), chosen
    return team_desk_dir(chosen), chosen


def _shown(store: str | None, path: Path) -> str:
    """Where the desk is, for a message (a URL without its password)."""
    if store is None:
        return str(path)
    try:
        parts = urlsplit(store)
        password = parts.password
    except ValueError:
        return "the store named by --desk"
    if password:
        netloc = parts.netloc.replace(f":{password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return store


def editor_name(path: Path, option: str | None) -> str:
    """Who this terminal runs as: ``--as`` > ``$TRIAGE_EDITOR`` > ``editor`` in the
    config that applies > the default editor (empty)."""
    chosen = option or os.environ.get(EDITOR_ENV)
    return _configured(path).editor if chosen is None else chosen


def _configured(path: Path) -> Config:
    """The config that applies, for its ``store`` and ``editor``. A broken file is
    said on stderr and the defaults used: commands ran regardless of the app's
    config before a desk could be named there, and still do."""
    try:
        return load_config(path)
    except ConfigError as exc:
        print(f"triage: warning: {exc} (its settings are not used)", file=sys.stderr)
        return Config()


@contextmanager
def open_desk(
    option: str | None, store: str | None = None, editor: str | None = None
) -> Iterator[Desk]:
    """Open the desk and turn the core's errors into one-line CLI errors."""
    path, location = desk_location(option, store)
    try:
        desk = Desk(path, store=location, editor=editor_name(path, editor))
    except EditorError as exc:
        raise CliError(str(exc), status=2) from None
    except Exception as exc:
        if not (isinstance(exc, OSError) or is_database_error(exc)):
            raise
        raise CliError(f"cannot open desk at {_shown(location, path)}: {exc}") from None
    try:
        yield desk
        for line in desk.repaired:
            print(f"triage: warning: {line}", file=sys.stderr)
    except QueryError as exc:
        raise CliError(str(exc), status=2) from None
    except SearchError as exc:
        raise CliError(str(exc)) from None
    except TagError as exc:
        raise CliError(str(exc), status=2) from None
    except Exception as exc:
        if not is_database_error(exc):
            raise
        raise CliError(f"desk database error: {exc}") from None
    finally:
        desk.close()


def _query(args: argparse.Namespace) -> str:
    return " ".join(args.query)


def _story(desk: Desk, story_id: str) -> Story:
    story = desk.store.get_story(story_id)
    if story is None:
        raise CliError(f"no story with id {story_id!r}")
    return story


def plural(count: int, one: str, many: str) -> str:
    """``1 story``, ``2 stories``."""
    return f"{count} {one if count == 1 else many}"


def _feed_url(url: str) -> str:
    """``url`` if it can be a feed's address; a usage error otherwise."""
    if web_url(url) is None:
        raise CliError(f"not a feed URL: {url!r} (give an http:// or https:// address)", 2)
    return url.strip()


def _print_report(report: IngestReport, as_json: bool) -> int:
    for error in report.errors:
        print(
            f"triage: error: {safe_line(error.source)}: {safe_line(error.error)}", file=sys.stderr
        )
    _print_rule_errors(report)
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        render.ingest_summary(report)
    return 1 if report.errors else 0


def cmd_ingest(desk: Desk, args: argparse.Namespace) -> int:
    from triage.core.ingest.sources import is_url  # the ingest path loads for ingest only

    urls = [s for s in dict.fromkeys(args.sources) if is_url(s)]
    fresh = [url for url in urls if desk.feeds.get(url) is None]
    report = desk.ingest(
        args.sources,
        full_text=args.full_text,
        progress=render.progress_printer(),
        allow_private=args.allow_private,
    )
    failed = {error.source for error in report.errors}
    for url in fresh:  # a URL is subscribed by ingest only if it could be read
        if url in failed:
            desk.feeds.remove(url)
    return _print_report(report, args.json)


def cmd_fetch(desk: Desk, args: argparse.Namespace) -> int:
    with desk.store.fetcher() as elected:
        if not elected:
            print("another terminal is fetching this desk's feeds: its stories arrive here")
            return 0
        printer = render.progress_printer()

        def progress(stage: str, done: int, total: int) -> None:
            if printer is not None:
                printer(stage, done, total)
            desk.store.announce_fetch(stage, done, total)  # a team desk's other terminals

        report = desk.pipeline(progress=progress).refresh(only_due=not args.all)
    if not args.alerts:
        return _print_report(report, args.json)
    for error in report.errors:
        print(f"triage: error: {error.source}: {error.error}", file=sys.stderr)
    _print_rule_errors(report)
    hits = [(hit, desk.store.get_stories(list(hit.story_ids))) for hit in report.alerts]
    if args.json:
        alerts = [
            {
                "name": hit.name,
                "query": hit.query,
                "stories": [story_summary_json(s) for s in found],
            }
            for hit, found in hits
        ]
        print(json.dumps({**report.to_json(), "alerts": alerts}, ensure_ascii=False, indent=2))
    else:
        render.alerts(hits)
    return 1 if report.errors else 0


def _print_rule_errors(report: IngestReport) -> None:
    for line in report.rule_errors:
        print(f"triage: warning: {line}", file=sys.stderr)


def cmd_rules(desk: Desk, args: argparse.Namespace) -> int:
    action = args.rules_command
    engine = desk.rules
    try:
        if action == "list":
            render.rules(engine.rules(), args.json)
        elif action == "add":
            query, actions = args.query, " ".join(args.actions)
            if not actions:
                query, actions = split_rule(args.query)
            rule = engine.add(query, actions)
            print(f"rule {rule.id}: {rule.text()}")
        elif action == "apply":
            count = engine.apply_now(args.id)
            if count is None:
                raise CliError(f"no rule {args.id} (rules list shows them)", 2)
            print(f"rule {args.id} applied to {plural(count, 'story', 'stories')}")
        elif action == "remove":
            if not engine.rows.remove(args.id):
                raise CliError(f"no rule {args.id} (rules list shows them)", 2)
            print(f"removed rule {args.id}")
        else:
            trial = engine.trial(ARROW.split(_query(args), maxsplit=1)[0])  # a whole rule too
            render.trial(trial, args.json)
    except RuleError as exc:
        raise CliError(str(exc), 2) from None
    return 0


def cmd_alerts(desk: Desk, args: argparse.Namespace) -> int:
    if args.name is None:
        alerts = desk.rules.rows.alerts()
        if args.json:
            listed = [{"name": name, "query": query} for name, query in alerts]
            print(json.dumps(listed, ensure_ascii=False, indent=2))
        elif not alerts:
            print("no alerts (triage alerts NAME marks a saved search as one)")
        for name, query in [] if args.json else alerts:
            print(f"{name}\t{query}")
        return 0
    if not desk.rules.rows.set_alert(args.name, not args.off):
        raise CliError(f"no saved search named {args.name!r} (save one in the app with s)", 2)
    print(f"{args.name}: {'no longer an alert' if args.off else 'alert'}")
    return 0


def cmd_feeds(desk: Desk, args: argparse.Namespace) -> int:
    action = args.feeds_command
    if action == "add":
        url = _feed_url(args.url)
        feed = desk.feeds.add(url, name=args.name, tags=args.tag, full_text=args.full_text)
        print(f"subscribed: {feed.url}" + (" (full text)" if feed.full_text else ""))
    elif action == "list":
        feeds = desk.feeds.all()
        if args.json:
            print(json.dumps([render.feed_json(f) for f in feeds], ensure_ascii=False, indent=2))
        elif not feeds:
            print("no feeds yet: triage feeds add URL, or triage feeds import FILE.opml")
        else:
            render.feeds_table(feeds)
    elif action == "remove":
        if not desk.feeds.remove(args.url):
            raise CliError(f"not subscribed: {args.url}")
        print(f"unsubscribed: {safe_line(args.url)}")
    elif action == "import":
        from triage.core.ingest.opml import parse_opml, vet_opml

        try:
            listed = parse_opml(Path(args.file).read_bytes())
        except (OSError, ParseError) as exc:
            raise CliError(f"{args.file}: {exc}") from None
        if not listed:
            raise CliError(f"{args.file}: no feeds found (is it an OPML file?)")
        taken, refused = vet_opml(listed, allow_private=args.allow_private)
        for item, why in refused:
            print(f"triage: refused {safe_line(item.url)!r}: {why}", file=sys.stderr)
        for item in taken:
            desk.feeds.add(item.url, name=item.name, tags=[item.category] if item.category else [])
        name = safe_line(args.file)
        print(f"subscribed to {plural(len(taken), 'feed', 'feeds')} from {name}")
    elif action == "export":
        from triage.core.ingest.opml import OpmlFeed, render_opml

        opml = render_opml(
            [OpmlFeed(f.url, f.name, f.tags[0] if f.tags else "") for f in desk.feeds.all()]
        )
        _write_output(args.output, opml)
    return 0


def _write_output(target: str, text: str) -> None:
    if target == "-":
        sys.stdout.write(text)
        return
    try:
        write_atomically(Path(target), text)
    except OSError as exc:
        raise CliError(f"cannot write {target}: {exc.strerror or exc}") from None
    print(f"wrote {target}", file=sys.stderr)


def cmd_search(desk: Desk, args: argparse.Namespace) -> int:
    scope: Scope = "all" if args.all else "recent"
    page = desk.search(_query(args), limit=args.limit, sort=args.sort, scope=scope)
    if args.json:
        rows = [render.search_row_json(row) for row in page.rows]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        render.search_table(page, _query(args))
    if page.more and args.sort == "relevance":
        print("triage: searched the newest stories only; --all searches every day", file=sys.stderr)
    return 0


def cmd_show(desk: Desk, args: argparse.Namespace) -> int:
    story = _story(desk, args.id)
    marks = desk.editors.tag_marks(story.id)
    if args.json:
        work = desk.story_work([story.id], all_quotes=True)[story.id]
        shown = {**story_json(story), **work_json(work)}
        shown["quotes"] = shown.pop("tagged_quotes")  # every quote, each with its tags
        shown["tagged"] = [  # who set each tag, and when (a shared desk's editors)
            {"tag": m.tag, "by": m.tagged_by, "at": m.added.isoformat()} for m in marks
        ]
        shown["assigned"] = sorted(a.editor for a in desk.editors.assignments_of(story.id))
        print(json.dumps(shown, ensure_ascii=False, indent=2))
    else:
        cluster = desk.story_work([story.id])[story.id].cluster
        render.story(story, desk.quotes.for_stories([story.id]), cluster)
        for line in render.editors_lines(marks, desk.editors.assignments_of(story.id)):
            render.console.print(line)
    return 0


def _tag_targets(desk: Desk, args: argparse.Namespace) -> list[str]:
    if args.cluster:
        members = desk.clusters.tables.members(args.id)  # a cluster id, as clusters --json
        if members:
            return [m.story_id for m in members]
        try:
            cluster = desk.clusters.cluster_of(_story(desk, args.id).id)
        except KeyError:
            raise CliError(f"no cluster for {args.id!r}") from None
        return [m.story_id for m in cluster.members]
    return [_story(desk, args.id).id]


def cmd_tag(desk: Desk, args: argparse.Namespace) -> int:
    untag = args.command == "untag"
    if args.quote:
        quote = desk.quotes.get(args.id)
        if quote is None:
            raise CliError(f"no quote with id {args.id!r}")
        change_quote = desk.tags.untag_quotes if untag else desk.tags.tag_quotes
        tags = change_quote([quote.id], args.tags)
        print(f"{'untagged' if untag else 'tagged'} quote {quote.id}: {' '.join(tags)}")
        return 0
    targets = _tag_targets(desk, args)
    if untag:
        had = {t for s in desk.store.get_stories(targets) for t in s.tags}
        missing = [t for t in args.tags if normalize_tag(t) not in had]
        if missing:
            raise CliError(f"not tagged {' '.join(missing)}: {args.id}")
    change = desk.tags.untag_stories if untag else desk.tags.tag_stories
    tags = change(targets, args.tags)
    counted = plural(len(targets), "story", "stories")
    print(f"{'untagged' if untag else 'tagged'} {counted}: {' '.join(tags)}")
    return 0


def cmd_read(desk: Desk, args: argparse.Namespace) -> int:
    ids = [_story(desk, i).id for i in args.ids]
    desk.store.set_read(ids, read=args.command == "read")
    print(f"marked {plural(len(ids), 'story', 'stories')} {args.command}")
    return 0


def cmd_export(desk: Desk, args: argparse.Namespace) -> int:
    page = desk.story_page(_query(args), sort=args.sort, limit=args.limit)
    stories = page.stories
    work = desk.story_work([s.id for s in stories])
    text = render_export(stories, args.format, title=_query(args), work=work)
    _write_output(args.output, text)
    if page.more or page.total > len(stories):
        total = f"{page.total}+" if page.more else str(page.total)
        print(
            f"triage: exported {len(stories)} of {total} matching stories ({args.sort}"
            f" first, --limit {args.limit}); raise --limit for more",
            file=sys.stderr,
        )
    return 0


def cmd_reindex(desk: Desk, args: argparse.Namespace) -> int:
    count = desk.reindex(progress=render.progress_printer())
    print(f"indexed {plural(count, 'story', 'stories')}")
    return 0


def cmd_compact(desk: Desk, args: argparse.Namespace) -> int:
    count = desk.index.compact(progress=render.progress_printer())
    print(f"compacted {plural(count, 'index shard', 'index shards')}")
    return 0


def cmd_recluster(desk: Desk, args: argparse.Namespace) -> int:
    desk.recluster()
    clusters = desk.clusters.clusters()
    stories = plural(desk.store.count(), "story", "stories")
    print(f"{stories} in {plural(len(clusters), 'cluster', 'clusters')}")
    return 0


def _clusters_for(desk: Desk, args: argparse.Namespace) -> list[Cluster]:
    query = _query(args)
    ids = None
    if query.strip() not in ("", "*"):
        ids = [row.story.id for row in desk.search(query, limit=None, snippets=False).rows]
    clusters = desk.clusters.clusters(ids, min_size=args.min_size)
    return clusters[: args.limit] if args.limit else clusters


def cmd_clusters(desk: Desk, args: argparse.Namespace) -> int:
    clusters = _clusters_for(desk, args)
    if args.json:
        print(json.dumps([render.cluster_json(c) for c in clusters], ensure_ascii=False, indent=2))
    else:
        render.clusters_table(clusters)
    return 0


def cmd_cluster(desk: Desk, args: argparse.Namespace) -> int:
    try:
        with desk.store.write():
            if args.cluster_command == "merge":
                cluster_id = desk.clusters.merge(args.a, args.b)
                print(f"merged into cluster {cluster_id}")
            else:
                cluster_id = desk.clusters.split(_story(desk, args.story_id).id)
                print(f"story {args.story_id} is now in cluster {cluster_id}")
    except KeyError as exc:
        raise CliError(f"unknown story or cluster: {exc.args[0] if exc.args else ''}") from None
    return 0


NEWEST_QUOTED = 200
"""Stories whose quotes ``triage quotes`` lists when given no story, speaker or tag."""


def cmd_quotes(desk: Desk, args: argparse.Namespace) -> int:
    if args.file:
        return render.quotes_from_files(args.file, args.json)
    if args.story_id:
        quotes = desk.quotes.for_stories([_story(desk, args.story_id).id])
        if args.speaker:
            needle = args.speaker.lower()
            quotes = [q for q in quotes if needle in q.quote.speaker.lower()]
    elif args.speaker:
        quotes = desk.quotes.by_speaker(args.speaker)
    elif args.tag:
        quotes = desk.quotes.with_tag(args.tag)
    else:
        ids = desk.store.latest_ids(NEWEST_QUOTED, unread_first=False)
        quotes = desk.quotes.for_stories(ids)
    if args.tag:
        quotes = [q for q in quotes if args.tag.lower() in q.tags]
    stories = (
        {}
        if args.json
        else {
            s.id: s for s in desk.store.get_stories(list(dict.fromkeys(q.story_id for q in quotes)))
        }
    )
    with render.tolerate_closed_pipe():
        if args.json:
            print(json.dumps([stored_quote_json(q) for q in quotes], ensure_ascii=False, indent=2))
        else:
            render.quotes_table(quotes, stories)
            if not (args.story_id or args.speaker or args.tag):
                # say the scope, or a big desk's few quotes read as extraction failing
                render.console.print(
                    f"{len(quotes)} quotes of the newest {NEWEST_QUOTED} stories"
                    " (a STORY_ID, --speaker or --tag searches the whole desk)",
                    style="dim",
                    highlight=False,
                    soft_wrap=True,
                )
    return 0


def _servers(desk: Desk, args: argparse.Namespace) -> int:
    from triage.cli.servers import ServerCliError, cmd_servers

    try:
        return cmd_servers(desk, args)
    except ServerCliError as exc:
        raise CliError(str(exc)) from None


def _sync(desk: Desk, args: argparse.Namespace) -> int:
    from triage.cli.servers import ServerCliError, cmd_sync

    try:
        return cmd_sync(desk, args)
    except ServerCliError as exc:
        raise CliError(str(exc)) from None


COMMANDS: dict[str, Callable[[Desk, argparse.Namespace], int]] = {
    "ingest": cmd_ingest,
    "fetch": cmd_fetch,
    "rules": cmd_rules,
    "alerts": cmd_alerts,
    "feeds": cmd_feeds,
    "search": cmd_search,
    "show": cmd_show,
    "tag": cmd_tag,
    "untag": cmd_tag,
    "read": cmd_read,
    "unread": cmd_read,
    "export": cmd_export,
    "reindex": cmd_reindex,
    "recluster": cmd_recluster,
    "compact": cmd_compact,
    "clusters": cmd_clusters,
    "cluster": cmd_cluster,
    "quotes": cmd_quotes,
    "servers": _servers,
    "sync": _sync,
}
