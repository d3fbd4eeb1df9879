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


def speaker_colour(speaker: str, palette: dict[str, str]) -> str:
    """The colour of a speaker, assigned in order of appearance (kept in ``palette``)."""
    key = speaker.strip().lower()
    if key not in palette:
        palette[key] = SPEAKER_COLOURS[len(palette) % len(SPEAKER_COLOURS)]
    return palette[key]


def attribution(text: str, speaker: str, role: str, outlet: str) -> str:
    """A quote ready to paste: “…,” Speaker, role, Outlet."""
    words = text.strip()
    if words.endswith((".", ",", ";", ":")):
        words = words[:-1]
    opening = f"“{words}”" if words.endswith(("?", "!", "…")) else f"“{words},”"
    credit = [part for part in (speaker.strip() or "unattributed", role.strip(), outlet.strip())]
    return " ".join([opening, ", ".join(p for p in credit if p)])
