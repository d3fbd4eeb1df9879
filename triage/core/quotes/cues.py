"""Find the attribution of a quotation: the cue verb and its subject.

Attributions come after the quote (``“…,” X said`` / ``said X``), before it in the
same sentence (``X said: “…”``, ``X said the plan was “…”``, ``according to X,
“…”``) or at the end of the previous paragraph (``X added:``). This module looks
at the words on each side of a quote and returns the cue and the parsed subject;
parsing the subject is :mod:`triage.core.quotes.subjects`' job and resolving it to a
full name :mod:`triage.core.quotes.mentions`'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from triage.core.quotes.lexicon import (
    AUXILIARIES,
    CALL_WORDS,
    CLAUSE_STOPS,
    CUE_WORDS,
    NON_NAME_CAPITALS,
    NOUN_LIKE_CUES,
    OTHER_PRONOUNS,
    PERSON_PRONOUNS,
    PHRASAL_CUES,
    REPORTING_CUES,
    TITLE_WORDS,
)
from triage.core.quotes.speakers import Speaker, Token, parse_phrase, tokenize
from triage.core.quotes.subjects import (
    DETERMINER_STARTS,
    clause_not_subject,
    leading_subject,
    phrase_after_cue,
    speech_owner,
    split_commas,
    subject_after_clause,
    subject_before_cue,
    trailing_phrase,
)

_INVERTED_CUES = frozenset({"said", "says", "added", "wrote", "writes", "asked"})
_ADDRESSEE_CUES = frozenset({"told", "tells", "tell", "informed", "urged"})

_SENTENCE_END = frozenset({".", "?", "!"})
_LEADING_PUNCT = frozenset({",", ".", "?", "!", "—", "–", "-", ";", "*", "_", ")", "…"})
_MAX_SUBJECT_TOKENS = 24
_SENTENCE_WINDOW = 500
_FUNCTION_WORDS = frozenset(
    "the a an this that these those it he she they we i his her their our my its some "
    "many who what which where when why how there here and but or so yet if".split()
)
_MAX_REPORTED_LEAD = 6
"""Words allowed between a reporting verb and the reported clause's subject (role, "that")."""
_CLAUSE_BREAKS = frozenset({",", ";", ":", "—", "–", "(", ")", "“", '"', ".", "?", "!"})
_SUBORDINATORS = frozenset(
    "as when while after before because if though although since until where which who "
    "whom whose".split()
)
_GROUP_LINKS = frozenset({"of", "from", "at", "with"})
_SHORT_SUBJECT_STARTS = frozenset("the a an this that these those one another".split())
_NOUN_LEADS = frozenset(
    "of the a an few many several some more other these those such no all their his her its".split()
)
"""Words two places before a noun-like cue that make it a noun ("of Republican claims")."""
_SHORT_TAIL = 4
"""Words a cue may carry after a full-stopped quote ("“…done.” A B said on Monday.")."""


@dataclass(frozen=True, slots=True)
class Attribution:
    """A cue and the speaker phrase attached to it (``speaker`` may be None)."""

    cue: str
    speaker: Speaker | None
    where: str


def _is_cue(tokens: list[Token], index: int) -> int:
    """Return how many tokens form a cue at ``index`` (0 when there is none)."""
    word = tokens[index].word.lower()
    following = tokens[index + 1].word.lower() if index + 1 < len(tokens) else ""
    if word == "according" and following == "to":
        return 2
    if (word, following) in PHRASAL_CUES:
        after = tokens[index + 2].word if index + 2 < len(tokens) else ":"
        if following == "on" and after not in {",", ":", "to", "“", '"', "—"}:
            return 0  # "the Senate goes on recess": not a speech verb
        return 2
    if word not in CUE_WORDS:
        return 0
    if not tokens[index].word[:1].islower():
        # "Said Comey, “…”": an inverted cue opening the sentence, a name after it
        inverted = index == 0 and word in _INVERTED_CUES and following[:1].isalpha()
        return 1 if inverted and tokens[index + 1].word[:1].isupper() else 0
    if index:
        before = tokens[index - 1].word
        if before.lower() in DETERMINER_STARTS | {"this", "that", "a"}:
            return 0  # "the report said": a noun, not the cue
        if before.endswith(("’s", "'s", "s’", "s'")):
            return 0  # "Clinton's remarks"
        if word in NOUN_LIKE_CUES and not (
            before[:1].isupper() or before.lower() in PERSON_PRONOUNS | OTHER_PRONOUNS
        ):
            return 0  # "his comments", "Japanese comments"
        if word in NOUN_LIKE_CUES and index > 1 and tokens[index - 2].word.lower() in _NOUN_LEADS:
            return 0  # "32% of Republican claims", "a few questions": a noun phrase
    return 1


def _closed_by_punctuation(text: str, start: int) -> bool:
    """Whether the quote ending at ``start`` ends a clause (",” X said" style)."""
    inside = (
        text[max(0, start - 9) : max(0, start - 1)].rstrip("*_ ")[-2:] + text[start - 1 : start]
    )
    after = text[start : start + 2]
    return any(ch in ",.?!—–:…" for ch in inside + after)


def _bare_plural(text: str, tokens: list[Token]) -> Speaker | None:
    """Return "officials" / "some protesters" / "federal prosecutors" right after a quote."""
    words = [t for t in tokens if t.word not in {",", "”", '"'}]
    if not 1 <= len(words) <= 3 or not all(t.word.isalpha() and t.word.islower() for t in words):
        return None
    if words[-1].word in PERSON_PRONOUNS | OTHER_PRONOUNS or not words[-1].word.endswith("s"):
        return None
    return Speaker(text[words[0].start : words[-1].end], words[0].start, words[-1].end, kind="noun")


def _name_of_group(text: str, tokens: list[Token]) -> Speaker | None:
    """Return A B in "“…,” A B of the Harbour Institute wrote": a name, then where from.

    The words after the name say where the speaker works; they are the role.
    """
    words = [t for t in tokens if t.word not in {",", "”", '"'}]
    run = 0
    while run < len(words) and words[run].word[:1].isupper():
        run += 1
    if run < 2 or run >= len(words) - 1 or words[run].word not in _GROUP_LINKS:
        return None
    if not any(t.word[:1].isupper() for t in words[run + 1 :]):
        return None
    speaker = parse_phrase(text, words[:run])
    if speaker is None or speaker.kind != "person":
        return None
    role = text[words[run + 1].start : words[-1].end]
    return Speaker(speaker.name, speaker.start, speaker.end, speaker.role or role, "person")


def _short_noun_subject(text: str, tokens: list[Token]) -> Speaker | None:
    """Return "this source" / "the 43-year-old" right after a quote, before the cue.

    A short phrase led by a determiner or demonstrative names who spoke even
    when it is no name and no title; the speaker is then that phrase.
    """
    words = [t for t in tokens if t.word not in {",", "”", '"', "-"}]
    if not 2 <= len(words) <= 4 or words[0].word.lower() not in _SHORT_SUBJECT_STARTS:
        return None
    for token in words[1:]:
        lower = token.word.lower()
        if not lower.replace("-", "").isalnum() or lower in CLAUSE_STOPS | AUXILIARIES:
            return None
    start, end = words[0].start, words[-1].end
    return Speaker(text[start:end], start, end, kind="noun")


def _surname_elsewhere(text: str, word: str) -> bool:
    """Whether a capitalised common word ("Read", "Will") is a surname in this article.

    It is when the article also writes it after a first name ("Ian Read"), and
    it is not a pronoun or function word.
    """
    lower = word.lower()
    if not word[:1].isupper() or lower not in NON_NAME_CAPITALS or lower in _FUNCTION_WORDS:
        return False
    for match in re.finditer(r"\b([A-Z][a-z]+) " + re.escape(word) + r"\b", text):
        if match.group(1).lower() not in NON_NAME_CAPITALS | TITLE_WORDS:
            return True
    return False


def ends_with_full_stop(text: str, start: int) -> bool:
    """Whether the quote ending at ``start`` closes its sentence with a full stop.

    American copy ends a quote that an attribution follows with a comma (or ?
    and !); a full stop inside the marks means the next words are a new sentence.
    """
    inside = text[max(0, start - 3) : start].rstrip("”\"’'»*_ ")
    return inside.endswith(".") and not inside.endswith("..")


def _clause_follows(tokens: list[Token], after_cue: int, quote_next: bool = False) -> bool:
    """Whether the cue has more than a short name or time phrase before its sentence ends.

    A quotation opening after the cue's object ("“…death.” A B called C a
    “liar.”") makes the cue that quotation's own: the new sentence attributes
    the next quote. ``quote_next`` says a quotation mark follows the tokens.
    """
    tail = tokens[after_cue:]
    for count, token in enumerate(tail):
        if token.word in {"“", '"'}:
            return count > 0
        if token.word in _SENTENCE_END:
            return False
        if count >= _SHORT_TAIL:
            return True
    return quote_next and bool(tail)


def _cue_text(text: str, tokens: list[Token], index: int, length: int) -> str:
    """Return the cue as written."""
    return text[tokens[index].start : tokens[index + length - 1].end]


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
        cue_word = tokens[lead].word.lower()
        if length == 1 and (cue_word.endswith("ing") or cue_word in _ADDRESSEE_CUES):
            speaker = None  # ",” telling reporters": the words after are the audience
        elif length == 2 and _relay_follows(tokens, lead + length):
            speaker = None  # ",” according to a translation by X": X relayed, not said it
        else:
            speaker = phrase_after_cue(text, tokens[lead + length :])
        return Attribution(_cue_text(text, tokens, lead, length), speaker, "after")
    aside = _as_aside(text, tokens)
    if aside is not None:
        return aside
    if _per_source(tokens, lead):  # ",” per the party’s bylaws": like "according to"
        speaker = phrase_after_cue(text, tokens[lead + 1 :])
        if speaker is not None:
            return Attribution(tokens[lead].word, speaker, "after")
    punctuated = _closed_by_punctuation(text, start)
    full_stop = ends_with_full_stop(text, start)
    quote_next = text[limit : limit + 1] in {"“", '"'}
    for index, token in enumerate(tokens[:_MAX_SUBJECT_TOKENS]):
        if token.word in {"“", '"', ":"}:
            return None
        if token.word in _SENTENCE_END and _ends_sentence(tokens, index):
            return None
        length = _is_cue(tokens, index)
        if length:
            if full_stop and _clause_follows(tokens, index + length, quote_next):
                return None  # “…done.” A B, an aide, warned that …: a new sentence
            if length == 2 and tokens[index].word.lower() == "according":
                if _relay_follows(tokens, index + 2):
                    return None
                speaker = phrase_after_cue(text, tokens[index + 2 :])
            elif index == 1 and _surname_elsewhere(text, tokens[0].word):
                first = tokens[0]  # “…,” Read said: a surname that is also a common word
                speaker = Speaker(first.word, first.start, first.end)
            elif punctuated:
                head = tokens[:index]
                speaker = _name_of_group(text, head)
                if speaker is None:
                    speaker = (
                        subject_before_cue(text, head)
                        or _bare_plural(text, head)
                        or _short_noun_subject(text, head)
                    )
                    if clause_not_subject(split_commas(head)[0]):
                        return None
            elif index and tokens[index - 1].word == ",":
                speaker = phrase_after_cue(text, tokens[index + 1 :])
                if speaker is not None and speaker.kind not in {"person", "org"}:
                    speaker = None
            else:
                speaker = subject_after_clause(text, tokens[:index])
            if speaker is None:
                return None
            return Attribution(_cue_text(text, tokens, index, length), speaker, "after")
    return None


_ASIDE_WORDS = 8


def _per_source(tokens: list[Token], index: int) -> bool:
    """Whether "per" right after a quote names its source ("per the bylaws", "per Reuters").

    A unit ("per cent", "per year") follows "per" without a determiner or a capital.
    """
    if index + 1 >= len(tokens) or tokens[index].word.lower() != "per":
        return False
    following = tokens[index + 1].word
    return following.lower() in DETERMINER_STARTS or following[:1].isupper()


def _as_aside(text: str, tokens: list[Token]) -> Attribution | None:
    """Attribute "“…,” as a ministry memo put it" / "as A B said": the "as" clause's subject."""
    if not tokens or tokens[0].word.lower() != "as":
        return None
    for index in range(2, min(len(tokens), _ASIDE_WORDS + 1)):
        if tokens[index].word in {",", ".", ";", ":", "“", '"'}:
            return None
        length = _is_cue(tokens, index)
        if length:
            speaker = parse_phrase(text, tokens[1:index])
            if speaker is None:
                return None
            return Attribution(_cue_text(text, tokens, index, length), speaker, "after")
    return None


def _cue_at(
    text: str, tokens: list[Token], index: int, length: int, where: str
) -> Attribution | None:
    """Return the attribution made by the cue at ``index`` (None to skip the cue)."""
    if length == 2 and tokens[index].word.lower() == "according":
        if index + 2 < len(tokens) and tokens[index + 2].word.lower() == "its":
            return None  # "A said that according to its count, …": A's cue is earlier
        speaker = phrase_after_cue(text, tokens[index + 2 :])
    elif (quoted := _quoted_as_saying(text, tokens, index)) is not None:
        speaker = quoted
    else:
        participle = tokens[index].word.lower().endswith("ing")
        head = tokens[:index]
        if participle and len(head) > 2 and head[-1].word == "," and _is_cue(head, len(head) - 2):
            head, participle = head[:-2], False  # "…, A said, adding, “…”": A's cue
        speaker = subject_before_cue(text, head, participle)
        object_cue = tokens[index].word.lower() in CALL_WORDS | _ADDRESSEE_CUES
        if speaker is None and index + 1 < len(tokens) and not object_cue:
            speaker = phrase_after_cue(text, tokens[index + 1 :])
            if speaker is not None and speaker.kind not in {"person", "org"}:
                speaker = None
    return Attribution(_cue_text(text, tokens, index, length), speaker, where)


RELAY_NOUNS = frozenset(
    "translation translations transcript recording video footage clip post caption "
    "screenshot broadcast livestream".split()
)
"""What carries someone else's words: its maker relayed them, the speaker is inside."""
_RELAY_WITHIN = 4


def _relay_follows(tokens: list[Token], position: int) -> bool:
    """Whether "according to" names a carrier of the words ("a translation by X").

    The maker of a translation, transcript or clip relayed the words; who said
    them is named elsewhere (the sentence before, the clip's subject).
    """
    return any(t.word.lower() in RELAY_NOUNS for t in tokens[position : position + _RELAY_WITHIN])


_QUOTING_VERBS = frozenset({"quoted", "quotes", "quoting", "quote", "cited", "cites", "citing"})
_QUOTED_OBJECT_WORDS = 6
_OBJECT_PRONOUNS = {"him": "he", "her": "she", "them": "they"}


def _quoted_as_saying(text: str, tokens: list[Token], index: int) -> Speaker | None:
    """Return X in "the paper quoted X as saying": the one quoted, not who quoted them.

    The subject of "quoted" only relays the words (an outlet, a translator).
    """
    if tokens[index].word.lower() != "saying" or index < 3 or tokens[index - 1].word != "as":
        return None
    for back in range(index - 2, max(index - 3 - _QUOTED_OBJECT_WORDS, -1), -1):
        if tokens[back].word.lower() in _QUOTING_VERBS:
            phrase = tokens[back + 1 : index - 1]
            if len(phrase) == 1 and phrase[0].word.lower() in _OBJECT_PRONOUNS:
                only = phrase[0]  # "quoted him as saying": resolved like "he said"
                return Speaker(
                    _OBJECT_PRONOUNS[only.word.lower()], only.start, only.end, kind="pronoun"
                )
            return parse_phrase(text, phrase) if phrase else None
    return None


def _outer_report(text: str, tokens: list[Token], index: int, inner: Attribution) -> Attribution:
    """Return the attribution of a reporting cue whose complement holds ``inner``.

    Only a verb of saying reports ("said", "told", "wrote", "according to"); a
    cue like "called" or "asked" before the subject of ``inner`` does not.
    """
    if inner.speaker is None:
        return inner
    first = next((n for n, t in enumerate(tokens) if t.start >= inner.speaker.start), index)
    for outer in range(first - 1, -1, -1):
        length = _is_cue(tokens, outer)
        if not length or tokens[outer].word.lower() not in REPORTING_CUES:
            continue
        found = _cue_at(text, tokens, outer, length, inner.where)
        if found is None or found.speaker is None:
            return inner
        if found.speaker.kind == "noun" and inner.speaker.kind != "pronoun":
            return inner  # "the report said A B called it …": A B's words
        if length == 2 and any(
            t.word.lower() in RELAY_NOUNS for t in tokens[outer + 2 : outer + 6]
        ):
            return inner  # "According to a translation by X, C said": X only relayed it
        if length == 2:  # "According to the ledger, C called it …"
            between = [t for t in tokens[outer + 2 : first] if t.start >= found.speaker.end]
            opens = [t.word for t in between] == [","]
        else:  # "A said (that) C called it …"
            between = tokens[outer + 1 : first]
            opens = len(between) <= _MAX_REPORTED_LEAD and not any(
                t.word in _CLAUSE_BREAKS or t.word.lower() in _SUBORDINATORS for t in between
            )
        return found if opens else inner
    return inner


def sentence_tokens(text: str, start: int, end: int) -> list[Token]:
    """Return the tokens of the last sentence inside [start, end).

    Only the last few hundred characters are read: an attribution sits close to
    its quote, and long paragraphs would otherwise be tokenised once per quote.
    """
    start = max(start, end - _SENTENCE_WINDOW)
    tokens = tokenize(text, start, end)
    for index in range(len(tokens) - 1, -1, -1):
        if tokens[index].word in _SENTENCE_END and _ends_sentence(tokens, index):
            return tokens[index + 1 :]
    return tokens


def _ends_sentence(tokens: list[Token], index: int) -> bool:
    """Whether the stop at ``index`` ends a sentence ("(D-Calif.)" and "Pa. on" do not)."""
    if index + 1 >= len(tokens):
        return True
    following = tokens[index + 1].word
    return following[:1].isupper() or following[:1].isdigit() or following in {"“", '"', "‘"}


def attribution_before(
    text: str, start: int, end: int, where: str = "before"
) -> Attribution | None:
    """Find the cue of the sentence that leads into a quotation at ``end``.

    The last cue is the quote's own unless it sits inside what an earlier cue
    reports: in "A B said C called the plan “reckless”" or "According to the
    ledger, C called it “reckless”" the sentence is A B's (the ledger's) account,
    and the reporter of the words is their source.
    """
    tokens = sentence_tokens(text, start, end)
    for index in range(len(tokens) - 1, -1, -1):
        length = _is_cue(tokens, index)
        if not length:
            continue
        found = _cue_at(text, tokens, index, length, where)
        if found is None:
            continue
        return _outer_report(text, tokens, index, found)
    if tokens and tokens[-1].word == ":":
        owner = speech_owner(text, tokens[:-1])
        if owner is not None:  # "X translated the soldier's words:"
            return Attribution(":", owner, where)
        phrase = trailing_phrase(tokens[:-1])
        speaker = parse_phrase(text, phrase) if phrase else None
        if speaker is None or speaker.kind not in {"person", "org"}:
            speaker = leading_subject(text, tokens)
        return Attribution(":", speaker, where)
    return None


_PASSIVE_CUE = re.compile(r"\b(?:is|are|was|were|been|being)\s+(?:\w+\s+)?(\w+)\W*$")


def passive_agent(text: str, quote_start: int, quote_end: int, limit: int) -> Speaker | None:
    """Return the agent of a passive cue: "was called “…” by the judges" -> the judges.

    The grammatical subject of a passive cue is what the words describe, never
    who said them; the speaker is the "by" phrase after the quotation.
    """
    lead = _PASSIVE_CUE.search(text, max(0, quote_start - 40), quote_start)
    if lead is None or lead.group(1).lower() not in CUE_WORDS:
        return None
    tokens = tokenize(text, quote_end, min(limit, quote_end + 120))
    position = 0
    while position < len(tokens) and tokens[position].word in _LEADING_PUNCT:
        position += 1
    if position >= len(tokens) or tokens[position].word != "by":
        return None
    return phrase_after_cue(text, tokens[position + 1 :])
