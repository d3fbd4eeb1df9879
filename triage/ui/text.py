"""Untrusted text made safe to show, and the small formatting the panes share.

Everything from feeds and articles goes through :func:`plain` before it reaches a
widget: control characters and bidi overrides become a visible replacement (one for one, so quote
and highlight offsets stay valid) and the result is a ``rich.text.Text``, which
is never parsed as markup.
"""

from __future__ import annotations

import re

from rich.text import Text

from triage.core.export import relative_time, story_age

__all__ = ["clean", "plain", "relative_time", "speaker_colour", "story_age"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
REPLACEMENT = "\ufffd"
SPEAKER_COLOURS = ("cyan", "magenta", "green", "yellow", "bright_blue", "bright_red", "orange1")


def clean(text: str, keep_newlines: bool = True) -> str:
    """Replace control characters (escape sequences included) one for one."""
    cleaned = _CONTROL.sub(REPLACEMENT, text)
    if not keep_newlines:
        cleaned = cleaned.replace("\n", " ").replace("\t", " ")
    return cleaned


def plain(text: str, style: str = "", one_line: bool = False) -> Text:
    """A literal ``Text`` for untrusted content (never markup)."""
    return Text(clean(text, keep_newlines=not one_line), style=style, end="")


def plural(count: int, one: str, many: str) -> str:
    """``1 story``, ``2 stories``."""
    return f"{count} {one if count == 1 else many}"


def speaker_colour(speaker: str, palette: dict[str, str]) -> str:
    """The colour of a speaker, assigned in order of appearance (kept in ``palette``)."""
    key = speaker.strip().lower()
    if key not in palette:
        palette[key] = SPEAKER_COLOURS[len(palette) % len(SPEAKER_COLOURS)]
    return palette[key]


def attribution(text: str, speaker: str, role: str, outlet: str) -> str:
    """A quote ready to paste: “…,” Speaker, role, said (Outlet).

    The role is the story's own words; the outlet is the story's source and sits
    in brackets after "said", so it never reads as the speaker's employer.
    """
    words = text.strip()
    if words.endswith((".", ",", ";", ":")):
        words = words[:-1]
    opening = f"“{words}”" if words.endswith(("?", "!", "…")) else f"“{words},”"
    if not speaker.strip():
        said = "unattributed"
    elif role.strip():
        said = f"{speaker.strip()}, {role.strip()}, said"
    else:
        said = f"{speaker.strip()} said"
    source = f" ({outlet.strip()})" if outlet.strip() else ""
    return f"{opening} {said}{source}"
