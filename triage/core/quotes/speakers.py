"""Who is speaking: tokens and the parsing of a speaker phrase.

An attribution names its speaker in many shapes ("water board spokeswoman
Helen Marsh", "Marsh", "the ministry", "he"). This module turns such a phrase into a
:class:`Speaker` (name, role and the offsets of the mention). Resolving short
forms against the rest of the article is :mod:`triage.core.quotes.mentions`' job.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from dataclasses import dataclass
from typing import NamedTuple

from triage.core.quotes.lexicon import (
    CUE_WORDS,
    NON_NAME_CAPITALS,
    ORG_WORDS,
    OTHER_PRONOUNS,
    PERSON_PRONOUNS,
    TITLE_WORDS,
)

TOKEN = re.compile(r"[^\W\d_](?:[\w’'\-]|\.(?=\w))*\.?|\d+(?:[.,]\d+)*\w*|[^\w\s]")
_ABBREVIATION = re.compile(
    r"(?:[A-Z]\.|(?:[A-Za-z]\.){2,}|(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Adm|Jr|Sr|St|Rev|Prof"
    r"|Maj|Cmdr|Gens|Sens|Reps|Supt|Insp|Det|Pres|Amb|Hon|Mt|Ft|No|Inc|Corp|Co|Ltd|Jan|Feb|Aug|Sept|Oct"
    r"|Nov|Dec|Calif|Ariz|Ala|Ark|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich|Minn|Miss|Mo|Mont"
    r"|Neb|Nev|Okla|Ore|Pa|Tenn|Tex|Va|Vt|Wash|Wis|Wyo)\.)"
)
_PARTICLES = frozenset({"de", "van", "von", "bin", "al", "da", "del", "der", "la", "le", "di"})
_POSSESSIVE = re.compile(r"(?:[’']s?)$")
_POSSESSIVE_ROLE = re.compile(r"[’']s$")
"""The owner's ending on a role ("CNN's Jake Tapper": the role is "CNN")."""
DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "our", "one"})
HONORIFICS = frozenset(
    "mr mr. mrs mrs. ms ms. miss mx mx. messrs messrs. mme mme. mlle mlle. herr frau".split()
)
"""Courtesy titles: they mark a name ("Ms Marsh") but are no role to print beside it."""


class Token(NamedTuple):
    """A word with its offsets; ``word`` has a trailing sentence period removed.

    A named tuple rather than a frozen dataclass: tokens are created by the
    thousand per article and tuples are several times cheaper to build.
    """

    word: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        """Whether the token could be part of a name."""
        return self.word[:1].isupper() and self.word.lower() not in NON_NAME_CAPITALS


@dataclass(frozen=True, slots=True)
class Speaker:
    """A parsed speaker mention.

    Attributes:
        name: The name (or noun phrase, or pronoun) as written.
        start: Offset of the mention.
        end: End offset of the mention.
        role: Title or description found with it.
        kind: "person", "org", "noun" (a common noun phrase) or "pronoun".
    """

    name: str
    start: int
    end: int
    role: str = ""
    kind: str = "person"


def tokenize(text: str, start: int, end: int) -> list[Token]:
    """Tokenise ``text[start:end]``, splitting sentence periods and possessives off words.

    A long range (the rest of a long paragraph, read after each of its quotes) is
    cut from one tokenisation of the whole text (:func:`_from_whole`), so an
    article with a thousand quotes in one paragraph costs linear time, not
    quadratic; the tokens are the same either way.
    """
    if end - start > _LONG_RANGE:
        found = _from_whole(text, start, end)
        if found is not None:
            return found
    return _tokenize(text, start, end)


_new_token = tuple.__new__
"""Builds a :class:`Token` from a (word, start, end) tuple without the named tuple's
Python-level ``__new__`` (a tokeniser makes hundreds of thousands)."""


def _tokenize(text: str, start: int, end: int) -> list[Token]:
    tokens: list[Token] = []
    append = tokens.append
    abbreviation = _ABBREVIATION.fullmatch
    for match in TOKEN.finditer(text, start, end):
        word = match.group()
        begin, finish = match.span()
        if word[-1] == "." and len(word) > 1 and not abbreviation(word):
            append(_new_token(Token, (word[:-1], begin, finish - 1)))
            append(_new_token(Token, (".", finish - 1, finish)))
        else:
            append(_new_token(Token, (word, begin, finish)))
    return tokens


_LONG_RANGE = 2000
"""Ranges longer than this (characters) are cut from the whole text's tokens."""


@dataclass(frozen=True, slots=True)
class _Whole:
    """One text's tokens, with the regex match each token came from."""

    text: str
    tokens: list[Token]
    starts: list[int]
    """Start offset of each token."""
    match_starts: list[int]
    match_ends: list[int]


_whole = threading.local()
"""This thread's :class:`_Whole` of the last long text tokenised (one at a time)."""


def _from_whole(text: str, start: int, end: int) -> list[Token] | None:
    """The tokens of ``text[start:end]`` cut from the tokens of the whole text, or
    None when ``start`` or ``end`` falls inside a match of the whole text's scan.

    :data:`TOKEN` has no look-behind and no anchors, so a scan started at a
    position no match of the whole scan straddles finds the same matches from
    there on; a match that a scan ending at ``end`` would cut short straddles
    ``end`` in the whole scan. Otherwise the cut equals :func:`_tokenize`'s result.
    """
    whole: _Whole | None = getattr(_whole, "cached", None)
    if whole is None or whole.text is not text:
        tokens: list[Token] = []
        match_starts: list[int] = []
        match_ends: list[int] = []
        for match in TOKEN.finditer(text):
            before = len(tokens)
            word = match.group()
            if word[-1] == "." and len(word) > 1 and not _ABBREVIATION.fullmatch(word):
                token_end = match.end() - 1
                tokens.append(Token(word[:-1], match.start(), token_end))
                tokens.append(Token(".", token_end, token_end + 1))
            else:
                tokens.append(Token(word, match.start(), match.end()))
            for _ in range(len(tokens) - before):
                match_starts.append(match.start())
                match_ends.append(match.end())
        whole = _Whole(text, tokens, [t.start for t in tokens], match_starts, match_ends)
        _whole.cached = whole
    first = bisect_left(whole.starts, start)
    last = bisect_left(whole.starts, end)
    for index, offset in ((first, start), (last, end)):
        if (index < len(whole.tokens) and whole.match_starts[index] < offset) or (
            index > 0 and whole.match_ends[index - 1] > offset
        ):
            return None  # a match of the whole scan straddles the cut
    return whole.tokens[first:last]


def strip_possessive(token: Token) -> Token:
    """Drop a trailing possessive ("Putin’s" -> "Putin")."""
    match = _POSSESSIVE.search(token.word)
    if match and len(token.word) > 2:
        cut = len(token.word) - len(match.group())
        return Token(token.word[:cut], token.start, token.start + cut)
    return token


def is_name_token(token: Token) -> bool:
    """Whether a token can sit inside a capitalised name run."""
    return token.capitalised or token.word.lower() in _PARTICLES


def parse_phrase(text: str, tokens: list[Token]) -> Speaker | None:
    """Parse a subject noun phrase (no commas) into a speaker.

    The last run of capitalised words is the name; title words at its front and
    the words before it form the role ("harbour authority spokesman Tomas Vell").
    Without capitals the phrase is a pronoun or a common noun phrase.
    """
    words = [t for t in tokens if t.word not in {".", "—", "–", "-", "(", ")"}]
    if not words:
        return None
    if len(words) == 1 and words[0].word.lower() in PERSON_PRONOUNS | OTHER_PRONOUNS:
        only = words[0]
        return Speaker(only.word, only.start, only.end, kind="pronoun")
    run_end = None
    for index in range(len(words) - 1, -1, -1):
        if is_name_token(words[index]) and words[index].word[:1].isupper():
            run_end = index
            break
    if run_end is None:
        return _noun_phrase(text, words)
    run_start = run_end
    while run_start > 0 and (
        is_name_token(words[run_start - 1]) or _joins_org(words, run_start - 1)
    ):
        run_start -= 1
    if run_end == len(words) - 2 and _handle_number(words[-1].word):
        run_end += 1  # "Visegrád 24", "Channel 4": the number is part of the name
    run_words = words[run_start : run_end + 1]
    if (
        run_end < len(words) - 1
        and all(t.word.isalpha() for t in words[run_end + 1 :])
        and (
            not looks_like_org(run_words)
            or _modifier_acronym(words, run_start, run_end)
            or person_noun(words[-1].word.lower())
        )
    ):
        # "The Ukrainian government", "the ISW assessment": the head noun comes last.
        first = (
            run_start - 1
            if run_start and words[run_start - 1].word.lower() in DETERMINERS
            else run_start
        )
        start, end = words[first].start, words[-1].end
        return Speaker(text[start:end], start, end, kind="noun")
    run = words[run_start : run_end + 1]
    name_from = 0
    for index, token in enumerate(run):
        if token.word.lower().rstrip(".") in TITLE_WORDS or token.word.lower() in TITLE_WORDS:
            name_from = index + 1
        elif index < len(run) - 1 and _POSSESSIVE.search(token.word) and len(token.word) > 2:
            name_from = index + 1  # "CNN's Jake Tapper": the owner is the role
    if (
        run_start > 1
        and words[run_start - 1].word == "of"
        and words[run_start - 2].word.lower() in TITLE_WORDS
        and len(run) - name_from > 2
    ):
        name_from = len(run) - 2  # "Secretary of State A B": the domain is part of the role
    if name_from >= len(run):
        return _noun_phrase(text, words)
    name_tokens = [*run[name_from:-1], strip_possessive(run[-1])]
    role = _POSSESSIVE_ROLE.sub("", role_text(text, words[: run_start + name_from]))
    kind = "org" if looks_like_org(name_tokens) else "person"
    start, end = name_tokens[0].start, name_tokens[-1].end
    return Speaker(text[start:end], start, end, role=role, kind=kind)


def _modifier_acronym(words: list[Token], run_start: int, run_end: int) -> bool:
    """Whether a lone acronym after a determiner modifies the head noun ("the TV cook").

    Lower-case words may sit between them ("a former U.S. official"), or the
    phrase may open with the acronym and end in a title ("U.S. senator"): it is
    still a description of a person, and the acronym is no speaker.
    """
    if run_start != run_end or not words[run_start].word.isupper():
        return False
    if not all(t.word.islower() for t in words[run_end + 1 :]):
        return False
    for position in range(run_start - 1, -1, -1):
        word = words[position].word
        if word.lower() in DETERMINERS:
            return True
        if not word.islower():
            return False
    return words[-1].word.lower() in TITLE_WORDS  # "U.S. senator" opening the phrase


def _joins_org(words: list[Token], index: int) -> bool:
    """Whether ``words[index]`` is a small word inside an organisation's name."""
    if words[index].word not in {"of", "for", "and", "the", "on"}:
        return False
    before = index - 1
    while before >= 0 and words[before].word in {"of", "for", "and", "the", "on"}:
        before -= 1
    if before < 0 or not words[before].word[:1].isupper():
        return False
    head = before
    while head >= 0 and (
        words[head].word[:1].isupper() or words[head].word in {"of", "for", "and", "the", "on"}
    ):
        if words[head].word.lower() in ORG_WORDS:
            return True
        head -= 1
    return False


def role_text(text: str, tokens: list[Token]) -> str:
    """Return the role words right before a name, or "" when they are not a role.

    Only the trailing run of capitalised and title-like words counts, so that
    "but Kremlin spokesman" yields "Kremlin spokesman".
    """
    kept: list[Token] = []
    for position in range(len(tokens) - 1, -1, -1):
        token = tokens[position]
        lower = token.word.lower()
        if lower == "of" and kept and position and tokens[position - 1].word.lower() in TITLE_WORDS:
            kept.insert(0, token)  # "Secretary of State"
            continue
        if (
            not token.word[:1].isalpha()
            or lower in NON_NAME_CAPITALS
            or lower in DETERMINERS
            or lower in CUE_WORDS
        ):
            break
        kept.insert(0, token)
    kept = [t for t in kept if t.word.lower() not in HONORIFICS]
    while (
        kept
        and not kept[0].word[:1].isupper()
        and not any(t.word.lower() in TITLE_WORDS for t in kept)
    ):
        kept.pop(0)
    if not kept or not any(t.word.lower() in TITLE_WORDS or t.word[:1].isupper() for t in kept):
        return ""
    if len(kept) > 6:
        kept = kept[-6:]
    return text[kept[0].start : kept[-1].end]


def _noun_phrase(text: str, words: list[Token]) -> Speaker | None:
    """Return a common noun phrase ("the newspaper") as a speaker, if it is short."""
    last = words[-1]
    if last.word.lower() in PERSON_PRONOUNS | OTHER_PRONOUNS:
        return Speaker(last.word, last.start, last.end, kind="pronoun")
    for index in range(len(words) - 1, -1, -1):
        if _noun_complement(words, index):
            continue  # "the mother of three": "of" joins the head noun to its complement
        if words[index].word.lower() in NON_NAME_CAPITALS - DETERMINERS:
            words = words[index + 1 :]
            break
    if not words or len(words) > 6 or not words[-1].word[:1].isalpha():
        return None
    start, end = words[0].start, words[-1].end
    return Speaker(text[start:end], start, end, kind="noun")


_AGENT_SUFFIXES = ("or", "er", "ist", "ian", "ant", "ent")


def person_noun(word: str) -> bool:
    """Whether a noun names a person by what they do ("narrator", "journalist", "spokesman").

    Titles, and the agent nouns English forms with -or, -er, -ist, -ian, -ant and
    -ent, head a phrase that names a person even when an organisation's name
    modifies it ("the Reuters journalist").
    """
    return word in TITLE_WORDS or (len(word) > 4 and word.endswith(_AGENT_SUFFIXES))


def _handle_number(word: str) -> bool:
    """Whether a number ending a name is part of it (an account or channel: "Visegrád 24").

    One to three digits only: a year after a name ("Trump 2016") is no part of it.
    """
    return word.isdigit() and len(word) <= 3


def _noun_complement(words: list[Token], index: int) -> bool:
    """Whether ``of`` at ``index`` joins a determined head noun to its complement.

    "the 34-year-old mother of three": the phrase opens with a determiner and a
    lower-case noun sits right before "of".
    """
    return (
        words[index].word == "of"
        and index > 1
        and words[0].word.lower() in DETERMINERS
        and words[index - 1].word.isalpha()
        and words[index - 1].word.islower()
    )


def looks_like_org(tokens: list[Token]) -> bool:
    """Whether a capitalised run names an organisation (acronym or org word)."""
    if any(t.word.lower() in ORG_WORDS for t in tokens):
        return True
    return len(tokens) == 1 and tokens[0].word.isupper() and len(tokens[0].word) > 1
