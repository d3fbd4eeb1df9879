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
    FeverBackend,
    ServerError,
    Servers,
    fever_api_key,
    forget_key,
    load_key,
    remember_key,
    sync_server,
)
from triage.core.textclean import safe_line

PASSWORD_ENV = "TRIAGE_SERVER_PASSWORD"


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
    """The Fever key: from the password when one is given, else from the keyring."""
    if os.environ.get(PASSWORD_ENV):
        return fever_api_key(user, os.environ[PASSWORD_ENV])
    kept = load_key(url, user)
    if kept:
        return kept
    return fever_api_key(user, _password(user, url))


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
    records = [r for r in servers.all() if not args.url or r.url == args.url]
    if not records:
        raise ServerCliError("no server to sync: add one with `triage servers add fever URL`")
    total_ids: list[str] = []
    failed = False
    for record in records:
        backend = FeverBackend(record.url, _key(record.user, record.url))
        try:
            report = sync_server(desk.store, backend, record.url)
        except ServerError as exc:
            servers.record_result(record.url, str(exc))
            print(f"triage: error: {safe_line(exc)}", file=sys.stderr)  # may echo the server
            failed = True
            continue
        finally:
            backend.close()
        total_ids.extend(report.story_ids)
        if args.json:
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
    if total_ids:
        desk.pipeline().finish()
    return 1 if failed else 0
