"""``triage assign``, ``unassign`` and ``assignments``: handing stories to colleagues."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table
from rich.text import Text

from triage.cli.commands import CliError, _story
from triage.core.desk import Desk
from triage.core.store import EditorError


def cmd_assign(desk: Desk, args: argparse.Namespace) -> int:
    """Assign (or with ``unassign``, take back) a story to an editor."""
    story = _story(desk, args.id)
    try:
        if args.command == "unassign":
            if not desk.editors.unassign(story.id, args.assignee):
                raise CliError(f"{story.id} is not assigned to {args.assignee}")
            print(f"{story.id} no longer assigned to {args.assignee}")
            return 0
        done = desk.editors.assign(story.id, args.assignee)
    except EditorError as exc:
        raise CliError(str(exc), status=2) from None
    print(f"assigned {story.id} to @{done.editor}")
    return 0


def cmd_assignments(desk: Desk, args: argparse.Namespace) -> int:
    """List assignments (every one, or one editor's), newest first."""
    try:
        found = desk.editors.assignments("me" if args.mine else args.to)
    except EditorError as exc:
        raise CliError(str(exc), status=2) from None
    stories = {s.id: s for s in desk.store.get_stories([a.story_id for a in found])}
    if args.json:
        rows = [
            {
                "story_id": a.story_id,
                "editor": a.editor,
                "assigned_by": a.assigned_by,
                "at": a.at.isoformat(),
                "title": stories[a.story_id].title if a.story_id in stories else "",
            }
            for a in found
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    table = Table("story", "to", "by", "at", "title", box=None)
    for a in found:
        title = stories[a.story_id].title if a.story_id in stories else ""
        table.add_row(
            Text(a.story_id[:12]),
            Text("@" + a.editor),
            Text("@" + a.assigned_by if a.assigned_by else "-"),
            Text(a.at.strftime("%Y-%m-%d %H:%M")),
            Text(title),
        )
    Console().print(table)
    return 0
