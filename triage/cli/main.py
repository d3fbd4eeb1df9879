"""The ``triage`` command: the TUI by default, and a headless CLI over the same core.

Every subcommand goes through :class:`triage.core.desk.Desk`, so scripts and tests
see exactly what the app sees. Errors are one line on stderr (never a traceback);
the exit status is 0 on success, 1 when a source or an operation failed, 2 for
usage errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from triage import __version__
from triage.cli.commands import COMMANDS, CliError, open_desk
from triage.core.desk import DESK_ENV, INDEX_ENV, SORTS
from triage.core.errors import ExtractorUnavailable
from triage.core.textclean import safe_line


def _add_index_option(parser: argparse.ArgumentParser, top: bool) -> None:
    parser.add_argument(
        "--index",
        metavar="DIR",
        default=None if top else argparse.SUPPRESS,
        help=f"desk directory (default: ${INDEX_ENV} or ./index)",
    )
    parser.add_argument(
        "--as",
        dest="editor",
        metavar="NAME",
        default=None if top else argparse.SUPPRESS,
        help="the editor this terminal runs as (default: $TRIAGE_EDITOR, or editor in"
        " config.toml, or the desk's default editor)",
    )
    parser.add_argument(
        "--desk",
        metavar="URL",
        default=None if top else argparse.SUPPRESS,
        help=f"a team desk's store, postgresql://... (default: ${DESK_ENV}, or store in"
        " config.toml, or the desk directory's own file)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; ``--index`` is accepted before or after the subcommand."""
    parser = argparse.ArgumentParser(
        prog="triage",
        description="A keyboard-driven desk for news editors. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"triage {__version__}")
    _add_index_option(parser, top=True)
    parser.add_argument("--demo", action="store_true", help="open the bundled demo desk")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        child = sub.add_parser(name, help=help_text, description=help_text)
        _add_index_option(child, top=False)
        return child

    p = command("ingest", "read feeds, OPML, article files or directories into the desk")
    p.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="feed URL (http/https), feed or OPML file, article file, or directory",
    )
    p.add_argument("--full-text", action="store_true", help="fetch full articles for summaries")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="let an OPML file subscribe to loopback and private-network addresses",
    )

    p = command("fetch", "refresh every subscribed feed")
    p.add_argument("--all", action="store_true", help="include feeds that are backing off")
    p.add_argument(
        "--alerts",
        action="store_true",
        help="print the new stories each alert (a saved search marked as one) matched",
    )
    p.add_argument("--json", action="store_true", help="print a JSON summary")

    rules = command("rules", "rules on ingest: a query and what to do to new stories it matches")
    rules_sub = rules.add_subparsers(
        dest="rules_command",
        metavar="ACTION",
        required=True,
        help="list, add, remove, apply or try",
    )
    p = rules_sub.add_parser("list", help="list the rules, in the order they run")
    _add_index_option(p, top=False)
    p.add_argument("--json", action="store_true", help="print JSON")
    p = rules_sub.add_parser(
        "add",
        help="add a rule: QUERY ACTION… or 'QUERY -> ACTIONS'"
        " (actions: tag NAME, mark read, hide, pin)",
    )
    _add_index_option(p, top=False)
    p.add_argument("query", help='the stories it acts on, e.g. speaker:Peskov or source:"X"')
    p.add_argument("actions", nargs="*", metavar="ACTION", help="tag NAME, mark read, hide, pin")
    p = rules_sub.add_parser("remove", help="delete a rule (what it did stays)")
    _add_index_option(p, top=False)
    p.add_argument("id", type=int, help="the rule's number, as rules list shows it")
    p = rules_sub.add_parser(
        "apply", help="apply a rule to every story on the desk now (rules act on new ones)"
    )
    _add_index_option(p, top=False)
    p.add_argument("id", type=int, help="the rule's number, as rules list shows it")
    p = rules_sub.add_parser("try", help="how many stories of the desk a query matches now")
    _add_index_option(p, top=False)
    p.add_argument("query", nargs="+", help="a rule's query")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("alerts", "mark saved searches as alerts (fetch --alerts reports them)")
    p.add_argument("name", nargs="?", help="a saved search's name (none: list the alerts)")
    p.add_argument("--off", action="store_true", help="stop alerting on it")
    p.add_argument("--json", action="store_true", help="print JSON (listing)")

    feeds = command("feeds", "manage subscriptions")
    feeds_sub = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    p = feeds_sub.add_parser("add", help="subscribe to a feed")
    _add_index_option(p, top=False)
    p.add_argument("url", help="the feed's http:// or https:// address")
    p.add_argument("--name", default="", help="a title for the feed (default: its own)")
    p.add_argument("--tag", action="append", default=[], help="tag its stories (repeatable)")
    p.add_argument(
        "--full-text",
        dest="full_text",
        action="store_true",
        default=None,
        help="fetch each story's full article",
    )
    p.add_argument(
        "--no-full-text", dest="full_text", action="store_false", help="use the feed's text only"
    )
    p = feeds_sub.add_parser("list", help="list subscriptions with their fetch state")
    _add_index_option(p, top=False)
    p.add_argument("--json", action="store_true", help="print JSON")
    p = feeds_sub.add_parser("remove", help="unsubscribe (stories stay)")
    _add_index_option(p, top=False)
    p.add_argument("url", help="the feed's address, as feeds list shows it")
    p = feeds_sub.add_parser("import", help="subscribe to every feed of an OPML file")
    _add_index_option(p, top=False)
    p.add_argument("file", help="an OPML file")
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="subscribe to loopback and private-network addresses too (refused by default)",
    )
    p = feeds_sub.add_parser("export", help="print subscriptions as OPML 2.0")
    _add_index_option(p, top=False)
    p.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")

    servers = command("servers", "feed servers (Fever API) as sources")
    servers_sub = servers.add_subparsers(
        dest="servers_command", metavar="ACTION", required=True, help="add, list or remove"
    )
    p = servers_sub.add_parser(
        "add", help=f"add a server (password from ${'TRIAGE_SERVER_PASSWORD'} or a prompt)"
    )
    _add_index_option(p, top=False)
    p.add_argument("kind", choices=("fever",), help="the server's API (fever)")
    p.add_argument("url", help="the server's API address")
    p.add_argument("--user", required=True, metavar="EMAIL", help="the account on the server")
    p = servers_sub.add_parser("list", help="list servers with their feeds")
    _add_index_option(p, top=False)
    p.add_argument("--json", action="store_true", help="one JSON object per server")
    p = servers_sub.add_parser("remove", help="forget a server (stories stay)")
    _add_index_option(p, top=False)
    p.add_argument("url", help="the server's API address, as added")

    p = command("sync", "sync feeds, items and read/saved marks with the feed servers")
    p.add_argument("url", nargs="?", default=None, help="only this server")
    p.add_argument("--json", action="store_true", help="the sync report as JSON")

    p = command("search", "search stories with the query language")
    p.add_argument("query", nargs="*", help='words, "phrases", source:x, tag:x, is:unread, -x')
    p.add_argument("--limit", type=int, default=20, help="at most this many (default 20)")
    p.add_argument(
        "--sort", choices=("relevance", "date"), default="relevance", help="order of the hits"
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="by relevance, read every day (by default the search may stop once the"
        " newest ~10k stories gave a page of hits)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("show", "print one story")
    p.add_argument("id", help="a story id (search and clusters print them)")
    p.add_argument("--json", action="store_true", help="print JSON")

    for name, help_text in (("tag", "add tags to"), ("untag", "remove tags from")):
        p = command(name, f"{help_text} a story (or --quote / --cluster)")
        p.add_argument("id", metavar="ID", help="a story id (or quote / cluster id, see below)")
        p.add_argument("tags", nargs="+", metavar="TAG", help="one or more tags")
        kind = p.add_mutually_exclusive_group()
        kind.add_argument("--quote", action="store_true", help="ID is a quote id")
        kind.add_argument(
            "--cluster",
            action="store_true",
            help="every story of a cluster: ID is a cluster id or a story id of it",
        )

    for name in ("read", "unread"):
        p = command(name, f"mark stories {name}")
        p.add_argument("ids", nargs="+", metavar="ID", help="story ids")

    for name, help_text in (("assign", "hand a story to an editor"), ("unassign", "take it back")):
        p = command(name, help_text)
        p.add_argument("id", metavar="ID", help="a story id")
        p.add_argument("assignee", metavar="@EDITOR", help="the editor (@ana, or me)")
    p = command("assignments", "list assigned stories, newest first")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--mine", action="store_true", help="only those assigned to me (--as)")
    who.add_argument("--to", default=None, metavar="NAME", help="only this editor's")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("export", "write matching stories as a rundown")
    p.add_argument("query", nargs="*", help="the stories to export (default: all)")
    p.add_argument("--format", choices=("md", "json", "csv"), default="md", help="default md")
    p.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")
    p.add_argument(
        "--limit",
        type=int,
        default=1000,
        help="at most this many (default: %(default)s; says so when more match)",
    )
    p.add_argument(
        "--sort",
        choices=SORTS,
        default="newest",
        help="order: newest (default), oldest, unread (unread first), feed, biggest (story first)",
    )

    command("reindex", "rebuild the search index from the store (editor state kept)")
    command("recluster", "rebuild every cluster from scratch (corrections kept)")
    command(
        "compact",
        "merge the segments of each finished index shard into one (faster search;"
        " run when idle, e.g. nightly)",
    )

    p = command("clusters", "list story clusters")
    p.add_argument("query", nargs="*", help="only clusters of stories matching this")
    p.add_argument("--min-size", type=int, default=1, help="only clusters this big or bigger")
    p.add_argument("--limit", type=int, default=None, help="at most this many")
    p.add_argument("--json", action="store_true", help="print JSON")

    cluster = command("cluster", "correct clusters")
    cluster_sub = cluster.add_subparsers(dest="cluster_command", metavar="ACTION", required=True)
    p = cluster_sub.add_parser("merge", help="merge the clusters of two stories or clusters")
    _add_index_option(p, top=False)
    p.add_argument("a", help="a story or cluster id")
    p.add_argument("b", help="another story or cluster id")
    p = cluster_sub.add_parser("split", help="move a story out of its cluster")
    _add_index_option(p, top=False)
    p.add_argument("story_id", help="the story to take out")

    desk = sub.add_parser(
        "desk", help="move a desk between SQLite and PostgreSQL", description="desk actions"
    )
    desk_sub = desk.add_subparsers(
        dest="desk_command", metavar="ACTION", required=True, help="copy"
    )
    p = desk_sub.add_parser(
        "copy",
        help="copy everything in one desk into an empty one (SQLite <-> PostgreSQL)",
        description="SRC and DST: a desk directory or a postgresql:// URL",
    )
    p.add_argument("source", metavar="SRC", help="the desk to copy")
    p.add_argument("destination", metavar="DST", help="an empty desk (created if missing)")
    p.add_argument("--json", action="store_true", help="rows copied per table, as JSON")

    p = command(
        "quotes",
        "list quotations: of the newest 200 stories, one story, a speaker or a tag"
        " (or from files with --file)",
    )
    p.add_argument("story_id", nargs="?", help="only this story's quotes")
    p.add_argument("--speaker", default=None, help="only quotes of this speaker")
    p.add_argument("--tag", default=None, help="only quotes with this tag")
    p.add_argument(
        "--file", nargs="+", default=None, metavar="PATH", help="extract from these files"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``triage`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from triage.cli.app import run_app

            return run_app(args.index, demo=args.demo, store=args.desk, editor=args.editor)
        if args.command == "desk":
            from triage.cli.desks import cmd_desk

            return cmd_desk(args)
        with open_desk(args.index, args.desk, args.editor) as desk:
            if args.command in ("assign", "unassign", "assignments"):
                from triage.cli.editors import cmd_assign, cmd_assignments

                run = cmd_assignments if args.command == "assignments" else cmd_assign
                return run(desk, args)
            return COMMANDS[args.command](desk, args)
    except CliError as exc:  # its text may echo input: the sanitiser for error lines
        print(f"triage: error: {safe_line(exc)}", file=sys.stderr)
        return exc.status
    except ExtractorUnavailable as exc:  # a broken install: say so, never work around it
        print(f"triage: error: {safe_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("triage: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
