"""``triage servers`` and ``triage sync``: a feed server (Fever API) as a source.

The password comes from ``$TRIAGE_SERVER_PASSWORD``, else a prompt (never echoed).
The Fever key derived from it (``md5(email:password)``, password-equivalent) is kept
in the system keyring when the ``keyring`` package has a backend; otherwise it is
kept nowhere and the password is asked for on each sync. Neither is ever written to
the desk or printed.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys

from triage.core.desk import Desk
from triage.core.sync import (
    PASSWORD_ENV,
    FeverBackend,
    ServerError,
    ServerRecord,
    Servers,
    fever_api_key,
    forget_key,
    key_at_hand,
    remember_key,
    sync_servers,
)
from triage.core.textclean import safe_line


class ServerCliError(Exception):
    """One line for the user, exit status 1."""


def _password(user: str, url: str) -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin.isatty():
        raise ServerCliError(
            f"no password for {user} at {url}: set ${PASSWORD_ENV} or run in a terminal"
        )
    try:
        return getpass.getpass(f"password for {user} at {url}: ")
    except (EOFError, KeyboardInterrupt):
        raise ServerCliError("no password given") from None


def _key(user: str, url: str) -> str:
    """The Fever key: from the password when one is given, else the keyring, else a prompt."""
    return key_at_hand(url, user, fever_api_key) or fever_api_key(user, _password(user, url))


def cmd_servers(desk: Desk, args: argparse.Namespace) -> int:
    servers = Servers(desk.store)
    action = args.servers_command
    if action == "add":
        url = args.url.strip()
        if not url.startswith(("http://", "https://")):
            raise ServerCliError(f"not an http(s) URL: {url!r}")
        key = fever_api_key(args.user, _password(args.user, url))
        backend = FeverBackend(url, key)
        try:
            backend.check()
        except ServerError as exc:
            raise ServerCliError(str(exc)) from None
        finally:
            backend.close()
        servers.add(url, args.kind, args.user)
        kept = remember_key(url, args.user, key)
        where = "key kept in the system keyring" if kept else "password asked on each sync"
        print(f"added {args.kind} server {url} for {args.user} ({where})")
    elif action == "list":
        records = servers.all()
        if args.json:
            rows = [
                {
                    "url": r.url,
                    "kind": r.kind,
                    "user": r.user,
                    "since_id": r.since_id,
                    "last_sync": r.last_sync,
                    "last_error": r.last_error,
                    "items": r.items,
                    "feeds": [{"url": f.url, "title": f.title, "group": f.group} for f in r.feeds],
                }
                for r in records
            ]
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for r in records:
                state = r.last_error or (f"synced {r.last_sync}" if r.last_sync else "never synced")
                print(
                    f"{r.kind}\t{r.url}\t{r.user}\t{len(r.feeds)} feeds\t{r.items} items\t{state}"
                )
                for f in r.feeds:
                    print(f"\t{f.group or '-'}\t{f.title or '-'}\t{f.url}")
    else:
        record = servers.get(args.url)
        if record is None or not servers.remove(args.url):
            raise ServerCliError(f"no server {args.url!r}")
        forget_key(record.url, record.user)
        print(f"removed server {args.url} (its stories stay)")
    return 0


def cmd_sync(desk: Desk, args: argparse.Namespace) -> int:
    servers = Servers(desk.store)
    if not any(not args.url or r.url == args.url for r in servers.all()):
        raise ServerCliError("no server to sync: add one with `triage servers add fever URL`")

    def open_backend(record: ServerRecord) -> FeverBackend:
        return FeverBackend(record.url, _key(record.user, record.url))

    outcomes = sync_servers(desk.store, open_backend, only=args.url)
    for outcome in outcomes:
        report = outcome.report
        if report is None:
            print(
                f"triage: error: {safe_line(outcome.error)}", file=sys.stderr
            )  # may echo the server
        elif args.json:
            print(
                json.dumps(
                    {
                        "server": report.server,
                        "feeds": report.feeds,
                        "items": report.items,
                        "added": report.added,
                        "pulled": report.pulled,
                        "pushed": report.pushed,
                    }
                )
            )
        else:
            print(
                f"{report.server}: {report.feeds} feeds, {report.items} new items"
                f" ({report.added} new stories), {report.pulled} marks from the server,"
                f" {report.pushed} pushed"
            )
    if any(o.report and o.report.story_ids for o in outcomes):
        pipeline = desk.pipeline()
        pipeline.finish()  # quotes, clusters, index, then the rules on ingest
        for line in pipeline.report.rule_errors:
            print(f"triage: warning: {safe_line(line)}", file=sys.stderr)
    return 0 if all(o.report for o in outcomes) else 1
