"""``triage desk copy SRC DST``: move a desk between SQLite and PostgreSQL.

SRC and DST are each a desk directory or a ``postgresql://`` URL (a team desk's
store; its index goes to this terminal's directory for it). The destination must
be empty; everything in the source comes along (see :mod:`triage.core.store.copy`)
and the destination's search index is built from it.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from triage.cli.commands import CliError, desk_location
from triage.core.desk import Desk
from triage.core.store import is_database_error, is_postgres
from triage.core.store.copy import CopyError


@contextmanager
def _opened(name: str, path: Path, store: str | None) -> Iterator[Desk]:
    """Open one side of the copy as named (no environment or config consulted)."""
    try:
        desk = Desk(path, store=store)
    except Exception as exc:
        if not (isinstance(exc, OSError) or is_database_error(exc)):
            raise
        raise CliError(f"cannot open desk {name}: {exc}") from None
    try:
        yield desk
    except Exception as exc:
        if not is_database_error(exc):
            raise
        raise CliError(f"desk database error: {exc}") from None
    finally:
        desk.close()


def cmd_desk(args: argparse.Namespace) -> int:
    """Run a ``desk`` action (only ``copy`` for now)."""
    source_dir, source_store = desk_location(None, args.source)
    target_dir, target_store = desk_location(None, args.destination)
    if source_dir == target_dir and source_store == target_store:
        raise CliError("source and destination are the same desk", status=2)
    if not is_postgres(args.source) and not source_dir.is_dir():
        raise CliError(f"no desk at {args.source}", status=2)
    with (
        _opened("SRC", source_dir, source_store) as source,
        _opened("DST", target_dir, target_store) as target,
    ):
        try:
            report = source.copy_into(target)
        except CopyError as exc:
            raise CliError(f"cannot copy: {exc}") from None
    if args.json:
        print(json.dumps({"rows": report.rows, "total": report.total}, sort_keys=True))
    else:
        stories = report.rows.get("stories", 0)
        print(f"copied {report.total} rows ({stories} stories) in {len(report.rows)} tables")
    return 0
