"""The people a report's lead is about, and when two reports are about different people.

Two reports of one kind of event on one beat (a player arrested, a coach fired, a
club's offer to a free agent) share their topic words, their team and their city;
what differs is *who*. News style names a person in full at first mention and by
surname afterwards ("Jane Roe ... Roe said"), which tells a person from a place or a
firm ("San Marco", "Acme Corp") without a list of names: a capitalised run of two or
three words whose last word recurs on its own, and never in lower case, is a person
the story is about. These pure functions keep the surnames of the people the title
and lead name (``p:roe``) beside the story's other markers, and compare two stories'
markers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from triage.core.clusters.signals import COMMON_WORDS, normal_word, split_lead, title_case

_CAPITAL = r"[A-Z][a-z]+(?:['’-][A-Za-z]+)?"
_FULL_NAME = re.compile(
    r"(?<![\w'’-])(" + _CAPITAL + r"(?:[^\S\n]+[A-Z]\.)?(?:[^\S\n]+" + _CAPITAL + r"){1,2})"
    r"(?![\w'’-]|[^\S\n]+[A-Z])"
)
"""Two or three capitalised words (a middle initial allowed), not part of a longer run."""


def lead_people(title: str, body: str) -> frozenset[str]:
    """Return ``p:surname`` markers for the people the title and lead name in full
    and the story then calls by surname alone (see the module docstring).

    A title in headline case is skipped: every word of it is capitalised.
    """
    lead, _ = split_lead(body)
    texts = [lead] if title_case(title) else [title, lead]
    story = title + "\n" + body
    found: set[str] = set()
    for text in texts:
        for match in _FULL_NAME.finditer(text):
            words = match.group(1).split()
            if any(w.lower() in COMMON_WORDS for w in words):
                continue
            if _called_alone(words[-1], story):
                found.add("p:" + normal_word(words[-1]))
    return frozenset(found)


_BREAKS = frozenset('.!?;:,"”)')
"""What ends a run of names: "said Roe. Roe left" calls Roe alone."""


def _called_alone(surname: str, story: str) -> bool:
    """Whether the story calls someone by ``surname`` alone: capitalised, after a word
    that is not (not the tail of "Jane Roe", "Fifth Avenue"), and never written in
    lower case (a capitalised "Police say" is a common noun)."""
    if next(_standalone(surname.lower(), story), None) is not None:
        return False
    for start in _standalone(surname, story):
        before = story[max(0, start - 40) : start].split()
        if not before or not before[-1][:1].isupper() or before[-1][-1] in _BREAKS:
            return True
    return False


def _joins(char: str) -> bool:
    """Whether ``char`` is part of a word (a regex ``\\w``) or joins one (' ’ -)."""
    return char.isalnum() or char in "_'’-"


def _standalone(word: str, text: str) -> Iterator[int]:
    """The offsets where ``word`` (letters, perhaps joined by ' ’ -, ending in a
    letter) stands alone in ``text``: no word character or joiner before it, no word
    character after it. The pattern ``(?<![\\w'’-])word\\b`` by plain search, without
    compiling a pattern per surname."""
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        if (start == 0 or not _joins(text[start - 1])) and (
            end == len(text) or not (text[end].isalnum() or text[end] == "_")
        ):
            yield start
        start = text.find(word, start + 1)


@lru_cache(maxsize=4096)
def _people(markers: frozenset[str]) -> frozenset[str]:
    """The lead surnames among a story's markers (memoised: a stored story's markers
    are compared with every new story it is a candidate for)."""
    return frozenset(m[2:] for m in markers if m.startswith("p:"))


@lru_cache(maxsize=4096)
def _lead_words(markers: frozenset[str]) -> frozenset[str]:
    """The lead name words and surnames among a story's markers, as bare words."""
    return frozenset(m[2:] for m in markers if m[:2] in ("w:", "p:"))


def people_conflict(ours: Iterable[str], theirs: Iterable[str]) -> bool:
    """Whether each lead is about people the other lead never names.

    Both stories must name someone in their lead; a report of the same event names
    the same person in its lead, at least by surname.
    """
    a, b = frozenset(ours), frozenset(theirs)
    our_people, their_people = _people(a), _people(b)
    if not our_people or not their_people:
        return False
    return not our_people & _lead_words(b) and not their_people & _lead_words(a)
