"""Find the attribution of a quotation: the cue verb and its subject.

Attributions come after the quote (``“…,” X said`` / ``said X``), before it in the
same sentence (``X said: “…”``, ``X said the plan was “…”``, ``according to X,
“…”``) or at the end of the previous paragraph (``X added:``). This module looks
at the words on each side of a quote and returns the cue and the parsed subject;
resolving that subject to a full name is the job of :mod:`triage.core.speakers`.
"""

from __future__ import annotations

from dataclasses import dataclass

from triage.core.quote_lexicon import AUXILIARIES, CLAUSE_STOPS, CUE_WORDS, NON_NAME_CAPITALS
from triage.core.speakers import Speaker, Token, parse_phrase, tokenize

_SENTENCE_END = frozenset({".", "?", "!"})
_LEADING_PUNCT = frozenset({",", ".", "?", "!", "—", "–", "-", ";", "*", "_", ")", "…"})
_DETERMINER_STARTS = frozenset({"a", "an", "the", "his", "her", "their", "its", "one"})
_MAX_SUBJECT_TOKENS = 24


@dataclass(frozen=True, slots=True)
class Attribution:
    """A cue and the speaker phrase attached to it (``speaker`` may be None)."""

    cue: str
    speaker: Speaker | None
    where: str


def _is_cue(tokens: list[Token], index: int) -> int:
    """Return how many tokens form a cue at ``index`` (0 when there is none)."""
    word = tokens[index].word.lower()
    if word == "according" and index + 1 < len(tokens) and tokens[index + 1].word.lower() == "to":
        return 2
    if word not in CUE_WORDS or not tokens[index].word[:1].islower():
        return 0
    if index and tokens[index - 1].word.lower() in _DETERMINER_STARTS | {"this", "that", "a"}:
        return 0  # "the report said": a noun, not the cue
    return 1


def _closed_by_punctuation(text: str, start: int) -> bool:
    """Whether the quote ending at ``start`` ends a clause (",” X said" style)."""
    inside = text[max(0, start - 3) : start]
    after = text[start : start + 2]
    return any(ch in ",.?!—–:…" for ch in inside + after)


def _cue_text(text: str, tokens: list[Token], index: int, length: int) -> str:
    """Return the cue as written."""
    return text[tokens[index].start : tokens[index + length - 1].end]


def _phrase_after_cue(text: str, tokens: list[Token]) -> Speaker | None:
    """Parse the noun phrase that follows a cue ("said Kremlin spokesman X in ...")."""
    phrase: list[Token] = []
    for token in tokens:
        lower = token.word.lower()
        if token.word in {",", ".", ";", ":", "?", "!", "(", "“", "”", '"'}:
            break
        if token.word[:1].islower() and lower in CLAUSE_STOPS:
            break
        if token.word[:1].isupper() and lower in NON_NAME_CAPITALS and lower not in _DETERMINER_STARTS:
            break
        phrase.append(token)
        if len(phrase) > 10:
            return None
    return parse_phrase(text, phrase)


def _split_commas(tokens: list[Token]) -> list[list[Token]]:
    """Split tokens into comma-separated segments."""
    segments: list[list[Token]] = [[]]
    for token in tokens:
        if token.word in {",", "(", ")", "—", "–"}:
            segments.append([])
        else:
            segments[-1].append(token)
    return segments


def _subject_before_cue(text: str, tokens: list[Token]) -> Speaker | None:
    """Parse the subject that precedes a cue, skipping appositives and dates.

    In "On July 6, A B, a party senator, said" the segment right before the cue
    is empty, the appositive starting with a determiner is a role, the one starting
    with a preposition is a date: the name is "A B" and the appositive its role.
    """
    while tokens and tokens[-1].word.lower() in AUXILIARIES:
        tokens = tokens[:-1]
    segments = [s for s in _split_commas(tokens) if s]
    if not segments:
        return None
    last = segments[-1]
    if tokens and tokens[-1].word not in {",", ")", "—", "–"}:
        return parse_phrase(text, last[-10:])
    role = ""
    for segment in reversed(segments):
        first = segment[0].word.lower()
        if first in _DETERMINER_STARTS and role == "" and len(segments) > 1:
            role = text[segment[1].start if len(segment) > 1 else segment[0].start : segment[-1].end]
            continue
        if first in CLAUSE_STOPS or segment[0].word.lower() in NON_NAME_CAPITALS - _DETERMINER_STARTS:
            continue
        speaker = parse_phrase(text, segment[-10:])
        if speaker is not None:
            if role and not speaker.role:
                speaker = Speaker(speaker.name, speaker.start, speaker.end, role, speaker.kind)
            return speaker
    return None


def _subject_after_clause(text: str, tokens: list[Token]) -> Speaker | None:
    """Parse ``…” for the victory, X said``: only a name right after a comma counts."""
    segments = _split_commas(tokens)
    if len(segments) < 2 or not segments[-1]:
        return None
    speaker = parse_phrase(text, segments[-1])
    return speaker if speaker is not None and speaker.kind in {"person", "org"} else None


def attribution_after(text: str, start: int, limit: int) -> Attribution | None:
    """Find ``, X said`` or ``, said X`` right after a quotation ending at ``start``."""
    tokens = tokenize(text, start, limit)
    position = 0
    while position < len(tokens) and tokens[position].word in _LEADING_PUNCT:
        position += 1
    tokens = tokens[position:]
    if not tokens:
        return None
    lead = 0
    while lead < len(tokens) - 1 and tokens[lead].word.lower() in AUXILIARIES:
        lead += 1
    length = _is_cue(tokens, lead)
    if length:
        speaker = _phrase_after_cue(text, tokens[lead + length :])
        return Attribution(_cue_text(text, tokens, lead, length), speaker, "after")
    punctuated = _closed_by_punctuation(text, start)
    for index, token in enumerate(tokens[:_MAX_SUBJECT_TOKENS]):
        if token.word in _SENTENCE_END or token.word in {"“", '"', ":"}:
            return None
        length = _is_cue(tokens, index)
        if length:
            if length == 2:
                speaker = _phrase_after_cue(text, tokens[index + 2 :])
            elif punctuated:
                speaker = _subject_before_cue(text, tokens[:index])
            else:
                speaker = _subject_after_clause(text, tokens[:index])
            if speaker is None:
                return None
            return Attribution(_cue_text(text, tokens, index, length), speaker, "after")
    return None


def sentence_tokens(text: str, start: int, end: int) -> list[Token]:
    """Return the tokens of the last sentence inside [start, end)."""
    tokens = tokenize(text, start, end)
    for index in range(len(tokens) - 1, -1, -1):
        if tokens[index].word in _SENTENCE_END and index < len(tokens) - 1:
            return tokens[index + 1 :]
    return tokens


def attribution_before(text: str, start: int, end: int, where: str = "before") -> Attribution | None:
    """Find the last cue of the sentence that leads into a quotation at ``end``."""
    tokens = sentence_tokens(text, start, end)
    for index in range(len(tokens) - 1, -1, -1):
        length = _is_cue(tokens, index)
        if not length:
            continue
        if length == 2:
            speaker = _phrase_after_cue(text, tokens[index + 2 :])
        else:
            speaker = _subject_before_cue(text, tokens[:index])
            if speaker is None and index + 1 < len(tokens) and tokens[index].word.lower() == "said":
                speaker = _phrase_after_cue(text, tokens[index + 1 :])
        return Attribution(_cue_text(text, tokens, index, length), speaker, where)
    return None
