"""What a rule does to the stories it matches: tag, mark read, hide, pin.

An editor writes actions as words, ``tag kremlin, mark read`` (``tag:kremlin``,
``read``, ``hide`` and ``pin`` work too); :func:`parse_actions` reads them and
:meth:`Actions.text` writes them back the same way every time, so what the store
keeps is canonical. Every action is a set operation (add a tag, set a mark), so
rules commute: the order they run in never changes the outcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from triage.core.store import HIDDEN_TAG, PINNED_TAG, TagError, normalize_tag

ARROW = re.compile(r"\s*(?:->|→|=>)\s*")


class RuleError(ValueError):
    """A rule that cannot be used: no query, unknown actions, or a query that cannot parse."""


@dataclass(frozen=True, slots=True)
class Actions:
    """The actions of one rule."""

    tags: tuple[str, ...] = ()
    read: bool = False
    hide: bool = False
    pin: bool = False

    def text(self) -> str:
        """The actions as an editor writes them: ``tag kremlin, mark read, hide, pin``."""
        words = [f"tag {tag}" for tag in self.tags]
        words += [
            word
            for flag, word in ((self.read, "mark read"), (self.hide, "hide"), (self.pin, "pin"))
            if flag
        ]
        return ", ".join(words)

    def tags_to_set(self) -> list[str]:
        """The tags the actions add, hide and pin included (they are tags too)."""
        extra = [HIDDEN_TAG] * self.hide + [PINNED_TAG] * self.pin
        return list(dict.fromkeys([*self.tags, *extra]))


def parse_actions(text: str) -> Actions:
    """Read ``tag X``/``tag:X``, ``mark read``/``read``, ``hide``, ``pin`` (commas optional).

    Raises:
        RuleError: For an unknown word, a ``tag`` without a name, or no action at all.
    """
    words = [w for w in re.split(r"[\s,;]+", text.strip()) if w]
    tags: list[str] = []
    read = hide = pin = False
    at = 0
    while at < len(words):
        word = words[at].lower()
        at += 1
        if word == "mark" and at < len(words) and words[at].lower() == "read":
            at += 1
            read = True
        elif word == "read":
            read = True
        elif word == "hide":
            hide = True
        elif word == "pin":
            pin = True
        elif word.startswith("tag:") or word == "tag":
            name = words[at - 1][4:] if word.startswith("tag:") else ""
            if not name and word == "tag" and at < len(words):
                name, at = words[at], at + 1
            try:
                tags.append(normalize_tag(name))
            except TagError:
                raise RuleError("tag needs a name: tag NAME") from None
        else:
            raise RuleError(
                f"unknown action {words[at - 1]!r} (use: tag NAME, mark read, hide, pin)"
            )
    if not (tags or read or hide or pin):
        raise RuleError("a rule needs an action: tag NAME, mark read, hide or pin")
    return Actions(tuple(dict.fromkeys(tags)), read, hide, pin)


def split_rule(text: str) -> tuple[str, str]:
    """``QUERY -> ACTIONS`` (or ``→``) as its query and its actions.

    Raises:
        RuleError: When there is no arrow, or nothing before it.
    """
    parts = ARROW.split(text.strip(), maxsplit=1)
    if len(parts) != 2 or not parts[0].strip():
        raise RuleError("write a rule as QUERY -> ACTIONS, e.g. speaker:Peskov -> tag kremlin")
    return parts[0].strip(), parts[1].strip()
