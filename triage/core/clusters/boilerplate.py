"""An outlet's boilerplate: what recurs across its own stories and says nothing of any.

A feed repeats itself: a show's title template ("Episode 513: ...", "... | TV
Patrol"), a sponsor's blurb, a comment counter ("165 comments"), a landlord's
viewing notice under every listing, a digest's stock wording. Read as words, these
make the outlet's stories look alike and mark unrelated ones as copies of each
other. No list of phrases can keep up with every outlet, so each outlet's (each
feed's: the source name) recurring lines and title parts are learned from its own
earlier stories: a part seen in :data:`RECURRING` earlier stories of the same
source is boilerplate, and is taken out of the story before any feature, shingle or
name is read.

These pure functions cut a story into the parts that may recur (its title's parts
around a separator, its body's lines and sentences) and key each by a hash of its
words with digits blanked ("Episode 513" and "Episode 514" are one template); the
engine counts the keys per source and strips those that recur.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Collection
from dataclasses import dataclass

RECURRING = 2
"""Earlier stories of one source a part must appear in to be its boilerplate."""

MIN_WORDS = 2
"""Parts of fewer words are not keyed (a lone word is the story's, not a template)."""

_SEPARATOR = re.compile(r"\s+[|\-–—»·•]\s+|:\s+|\s+[|»·•]|[|»·•]\s+")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")
_WORD = re.compile(r"[^\W_]+")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Parts:
    """A story cut into the parts that may recur, each with its key.

    Attributes:
        title: (key, text) of the whole title and of its parts around separators.
        body: (key, text) of the body's lines and their sentences.
    """

    title: tuple[tuple[int, str], ...]
    body: tuple[tuple[int, str], ...]

    @property
    def keys(self) -> frozenset[int]:
        """Every key, once."""
        return frozenset(k for k, _ in self.title) | frozenset(k for k, _ in self.body)


def _key(kind: str, text: str) -> int | None:
    """The part's key: its folded words, digits blanked; None for a part too short."""
    words = _WORD.findall(text.casefold())
    if len(words) < MIN_WORDS:
        return None
    shape = _DIGITS.sub("0", " ".join(words))  # a run of digits never spans the space
    return zlib.crc32(f"{kind}\x1f{shape}".encode()) & 0x7FFFFFFF


def parts(title: str, body: str) -> Parts:
    """Cut ``title`` and ``body`` into keyed parts (see the module docstring)."""
    title_parts: dict[int, str] = {}
    pieces = [p for p in _SEPARATOR.split(title) if p.strip()]
    for text in [title, *pieces] if len(pieces) > 1 else [title]:
        key = _key("t", text)
        if key is not None:
            title_parts.setdefault(key, text)
    body_parts: dict[int, str] = {}
    for line in body.split("\n"):
        if not line.strip():
            continue
        sentences = _SENTENCE.split(line.strip())
        for text in [line] + (sentences if len(sentences) > 1 else []):
            key = _key("b", text)
            if key is not None:
                body_parts.setdefault(key, text)
    return Parts(tuple(title_parts.items()), tuple(body_parts.items()))


def strip(title: str, body: str, cut: Parts, boiler: Collection[int]) -> tuple[str, str]:
    """Return ``title`` and ``body`` without the parts whose keys are in ``boiler``
    (a title that is all template, "Episode 514", is dropped whole)."""
    new_title = title
    for key, text in cut.title:
        if key in boiler:
            new_title = "" if text == title else new_title.replace(text, " ")
    new_body = body
    for key, text in cut.body:
        if key in boiler:
            new_body = new_body.replace(text, " ")
    return new_title.strip(), new_body
