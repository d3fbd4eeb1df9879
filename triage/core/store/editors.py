"""Editors of a shared desk: who tagged what, their own saved searches, assignments.

Every terminal runs as an editor (``--as NAME``, ``$TRIAGE_EDITOR`` or ``editor``
in config.toml). Tags are the desk's, shared, and remember who set them and when;
read marks (in :class:`~triage.core.store.database.Store`) and saved searches
belong to each editor; an assignment hands a story to a colleague. The default
editor, ``""``, is the desk of one that every desk was before editors: its read
marks and saved searches stay in the tables they always were in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from triage.core.store.database import Store, from_iso, iso

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")


class EditorError(ValueError):
    """A name that cannot be an editor's."""


def normalize_editor(name: str) -> str:
    """An editor's name as stored: lower case, ``@`` dropped (``@Ana`` is ``ana``).

    Raises:
        EditorError: For a name that is empty or not letters, digits, ``.``, ``_``, ``-``.
    """
    cleaned = name.strip().lstrip("@").lower()
    if not _NAME.match(cleaned):
        raise EditorError(f"not an editor's name: {name!r} (letters, digits, . _ -)")
    return cleaned


@dataclass(frozen=True, slots=True)
class Assignment:
    """A story handed to an editor, by whom and when."""

    story_id: str
    editor: str
    assigned_by: str
    at: datetime


@dataclass(frozen=True, slots=True)
class TagMark:
    """A tag on a story, who set it and when."""

    tag: str
    tagged_by: str
    added: datetime


class Editors:
    """Assignments, tag authorship and a named editor's saved searches."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- tags ----------------------------------------------------------------------

    def story_ids_tagged_by(self, editor: str) -> set[str]:
        """Stories carrying a tag this editor set (``me``: this store's editor)."""
        who = self._who(editor)
        rows = self.store.conn.execute(
            "SELECT DISTINCT story_id FROM story_tags WHERE tagged_by = ?", (who,)
        )
        return {str(r[0]) for r in rows}

    def tag_marks(self, story_id: str) -> list[TagMark]:
        """A story's tags with who set each and when, oldest first."""
        rows = self.store.conn.execute(
            "SELECT tag, tagged_by, added FROM story_tags WHERE story_id = ? ORDER BY added, tag",
            (story_id,),
        )
        return [TagMark(str(r[0]), str(r[1]), from_iso(str(r[2]))) for r in rows]

    # -- assignments ---------------------------------------------------------------

    def assign(self, story_id: str, editor: str) -> Assignment:
        """Hand a story to an editor (again: the newer assignment replaces the older)."""
        who = self._who(editor)
        now = datetime.now(UTC).replace(microsecond=0)
        with self.store.write(alone=False) as conn:
            conn.execute(
                "INSERT INTO assignments (story_id, editor, assigned_by, at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(story_id, editor) DO UPDATE SET assigned_by = excluded.assigned_by,"
                " at = excluded.at",
                (story_id, who, self.store.editor, iso(now)),
            )
        return Assignment(story_id, who, self.store.editor, now)

    def unassign(self, story_id: str, editor: str) -> bool:
        """Take a story back from an editor; returns whether it was assigned."""
        with self.store.write(alone=False) as conn:
            gone = conn.execute(
                "DELETE FROM assignments WHERE story_id = ? AND editor = ?",
                (story_id, self._who(editor)),
            ).rowcount
        return gone > 0

    def assignments(self, editor: str | None = None) -> list[Assignment]:
        """Every assignment (or one editor's), newest first."""
        where, args = ("", ()) if editor is None else (" WHERE editor = ?", (self._who(editor),))
        rows = self.store.conn.execute(
            f"SELECT story_id, editor, assigned_by, at FROM assignments{where}"
            " ORDER BY at DESC, story_id",
            args,
        )
        return [Assignment(str(r[0]), str(r[1]), str(r[2]), from_iso(str(r[3]))) for r in rows]

    def assignments_of(self, story_id: str) -> list[Assignment]:
        """Who a story is assigned to, newest first."""
        rows = self.store.conn.execute(
            "SELECT story_id, editor, assigned_by, at FROM assignments WHERE story_id = ?"
            " ORDER BY at DESC, editor",
            (story_id,),
        )
        return [Assignment(str(r[0]), str(r[1]), str(r[2]), from_iso(str(r[3]))) for r in rows]

    def story_ids_assigned_to(self, editor: str) -> set[str]:
        """Stories assigned to an editor (``me``: this store's editor)."""
        return {a.story_id for a in self.assignments(editor)}

    # -- a named editor's saved searches -------------------------------------------

    def save_search(self, name: str, query: str, sort: str = "") -> None:
        """Save (or replace) one of this editor's searches, with the story list's order
        for it ('' for the default); new ones go last."""
        with self.store.write() as conn:
            row = conn.execute(
                "SELECT coalesce(max(position), 0) + 1 FROM editor_searches WHERE editor = ?",
                (self.store.editor,),
            )
            position = int(row.fetchone()[0])
            conn.execute(
                "INSERT INTO editor_searches (editor, name, query, position, sort)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(editor, name)"
                " DO UPDATE SET query = excluded.query, sort = excluded.sort",
                (self.store.editor, name.strip(), query, position, sort),
            )

    def set_search_sort(self, query: str, sort: str) -> int:
        """Remember ``sort`` for every search of ``query`` this editor saved; returns
        how many."""
        with self.store.write() as conn:
            changed = conn.execute(
                "UPDATE editor_searches SET sort = ? WHERE editor = ? AND query = ?",
                (sort, self.store.editor, query),
            )
            return changed.rowcount

    def search_sorts(self) -> dict[str, str]:
        """This editor's saved query -> the order remembered for it."""
        rows = self.store.conn.execute(
            "SELECT query, sort FROM editor_searches WHERE editor = ? AND sort != ''"
            " ORDER BY position",
            (self.store.editor,),
        )
        return {str(r[0]): str(r[1]) for r in rows}

    def delete_search(self, name: str) -> bool:
        """Forget one of this editor's searches; returns whether it existed."""
        with self.store.write() as conn:
            gone = conn.execute(
                "DELETE FROM editor_searches WHERE editor = ? AND name = ?",
                (self.store.editor, name),
            ).rowcount
        return gone > 0

    def saved_searches(self) -> list[tuple[str, str]]:
        """This editor's saved searches as ``(name, query)``, in the order saved."""
        rows = self.store.conn.execute(
            "SELECT name, query FROM editor_searches WHERE editor = ? ORDER BY position",
            (self.store.editor,),
        )
        return [(str(r[0]), str(r[1])) for r in rows]

    def _who(self, editor: str) -> str:
        if editor.strip().lstrip("@").lower() == "me":
            return self.store.editor
        return normalize_editor(editor)
