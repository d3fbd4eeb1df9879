"""Small shapes of phrases around a speaker: appositions, datelines, titles.

Kept apart from :mod:`triage.core.quotes.subjects` so that each module stays
small; every function here looks at a handful of tokens and answers one question.
"""

from __future__ import annotations

import re

from triage.core.quotes.lexicon import CUE_WORDS, TITLE_WORDS
from triage.core.quotes.marks import MarkedSpan
from triage.core.quotes.speakers import Speaker, Token, parse_phrase, tokenize

_PARTICLES = frozenset({"de", "van", "von", "bin", "al", "da", "del", "der", "la", "le", "di"})
_SIGNATURE = re.compile(r"[^\S\n]*[-—–―][^\S\n]*([A-Z][^\n]{0,80}?)[.,]?[^\S\n]*$")
_NAME_LINE = re.compile(
    r"[ \t]*([A-Z][\w.’'\-]*(?:[ \t]+[A-Z][\w.’'\-]*){1,3},[ \t]+[^\n]{0,70}?)[.”\"]*[ \t]*$"
)
_DATELINE_TOKENS = 14
_ROLE_TAIL = 6
"""Words a role may run on past a preposition before its name ("director of the club, A B")."""


def next_comma(tokens: list[Token], stop: int) -> int:
    """Return the comma closing a role ("the secretary of the club, A B"), or ``stop``."""
    for position in range(stop, min(len(tokens), stop + _ROLE_TAIL)):
        if tokens[position].word == ",":
            return position
        if not tokens[position].word[:1].isalpha():
            return stop
    return stop


def apposed_name(text: str, tokens: list[Token], comma: int) -> Speaker | None:
    """Return the name set off by a comma after a role ("…, A B." / "…, A B, who")."""
    if comma >= len(tokens) or tokens[comma].word != ",":
        return None
    name: list[Token] = []
    for token in tokens[comma + 1 :]:
        if token.word in {",", ".", ";", ":", "?", "!", "(", "—", "–"}:
            break
        if not (token.word[:1].isupper() or token.word.lower() in _PARTICLES):
            return None
        name.append(token)
        if len(name) > 5:
            return None
    speaker = parse_phrase(text, name) if name else None
    return speaker if speaker is not None and speaker.kind == "person" else None


def after_dateline(tokens: list[Token]) -> list[Token]:
    """Drop a dateline ("HARBOURTON, May 2 (Wire) —") from the head of a sentence."""
    if not tokens or not tokens[0].word[:1].isupper():
        return tokens
    shouted = tokens[0].word.isupper() and tokens[0].word.isalpha()
    for position, token in enumerate(tokens[:_DATELINE_TOKENS]):
        if token.word in {"—", "–", "-"}:
            agency = any(t.word == "(" for t in tokens[:position])
            return tokens[position + 1 :] if shouted or agency else tokens
        if token.word[:1].islower():
            return tokens
    return tokens


def place_tail(segment: list[Token]) -> bool:
    """Whether a comma segment is only a place name ("Ohio", "New Hampshire")."""
    return len(segment) <= 3 and all(t.word[:1].isupper() for t in segment)


def title_of(segment: list[Token], position: int) -> bool:
    """Whether ``of`` joins a title to its domain ("Secretary of State A B")."""
    return (
        segment[position].word == "of"
        and 0 < position < len(segment) - 1
        and segment[position - 1].word.lower() in TITLE_WORDS
        and segment[position + 1].word[:1].isupper()
    )


def signature_after(text: str, line: tuple[int, int], dash_only: bool = False) -> Speaker | None:
    """Return the name on a signature line ("— A B, a party adviser.") under a quote.

    Only a short line counts: opened by a dash, or a name, a comma and an
    affiliation ("A B, Harbour Policy Institute.") as a pull quote is signed.
    Only its leading name (the words before the first comma) is kept.
    ``dash_only`` reads the rest of the quote's own line ("“…” ― A B"), where
    only a dash marks a signature: a bare name there runs on a sentence.
    """
    match = _SIGNATURE.fullmatch(text, line[0], line[1])
    if match is None and not dash_only:
        match = _NAME_LINE.fullmatch(text, line[0], line[1])
    if match is None:
        return None
    tokens = tokenize(text, match.start(1), match.end(1))
    if match.re is _NAME_LINE and any(t.word.lower() in CUE_WORDS for t in tokens):
        return None  # "A B, the mayor, said so.": a sentence, not a signature
    name: list[Token] = []
    for token in tokens:
        if token.word in {",", "("}:
            break
        name.append(token)
    if not name or len(name) > 6 or not all(t.word[:1].isupper() for t in name):
        return None
    speaker = parse_phrase(text, name)
    return speaker if speaker is not None and speaker.kind in {"person", "org"} else None


def signed_quote(
    text: str, bounds: list[tuple[int, int]], paragraph: int, span: MarkedSpan
) -> Speaker | None:
    """Return the signature of a quote opening its paragraph ("“…”⏎— A B." or "“…” ― A B").

    Collections of readers' or voters' reactions sign each quote after a dash,
    on the quote's line or the next, with no verb of saying.
    """
    start, end = bounds[paragraph]
    if text[start : span.outer_start].strip(" *_"):
        return None
    if text[span.outer_end : end].strip(" *_.,\xa0"):  # “…” — A B: signed on its own line
        return signature_after(text, (span.outer_end, end), dash_only=True)
    if paragraph + 1 >= len(bounds):
        return None
    return signature_after(text, bounds[paragraph + 1])


def ends_clause(text: str, span: MarkedSpan) -> bool:
    """Whether punctuation closes the quote's clause (“Not fair,” / “Not fair”, A said)."""
    close = span.close_at if span.close_at is not None else span.end
    tail = text[max(span.start, span.end - 1) : close] + text[span.outer_end : span.outer_end + 1]
    return any(mark in tail for mark in ",.?!")
