"""Who is speaking: parse the subject of a cue and resolve it to a full name.

An attribution names its speaker in many shapes ("Kremlin spokesman Dmitry
Peskov", "Peskov", "the ministry", "he"). This module turns such a phrase into a
:class:`Speaker` (name, role and the offsets of the mention) and resolves short
forms against what the article said earlier: a surname to the fullest name given
before, an acronym to its expansion, "he"/"she" to the most recent compatible
person, "the ministry" to the named ministry.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import NamedTuple

from triage.core.quote_lexicon import (
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
_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "our", "one"})
_OUTLET_NOUNS = frozenset(
    {"newspaper", "paper", "outlet", "broadcaster", "magazine", "website", "site", "network"}
)
_OUTLET_WORDS = frozenset(
    {
        "post",
        "times",
        "journal",
        "news",
        "tribune",
        "herald",
        "gazette",
        "telegraph",
        "daily",
        "magazine",
        "reuters",
        "press",
        "guardian",
        "politico",
        "newsweek",
        "bloomberg",
        "axios",
        "cnn",
        "bbc",
        "abc",
        "nbc",
        "cbs",
        "fox",
        "msnbc",
        "npr",
        "afp",
    }
)
_UPPER = "".join(chr(code) for code in range(0x530) if chr(code).isupper())
_CAPITAL_RUN = re.compile(
    "["
    + _UPPER
    + r"][\w’'\-.]*(?:[ \t]+(?:(?:de|van|von|bin|al|da|del|der|la|le|di)[ \t]+)?["
    + _UPPER
    + r"][\w’'\-.]*)*"
)
_LOOKBACK = 300
_EXPANSION = re.compile(r"((?:[A-Z][\w’'\-.]*\s+(?:(?:of|for|the|and|on|in)\s+)*)+)$")
_MALE = frozenset({"mr", "mr.", "he", "him", "his", "king", "prince", "father", "sir", "lord"})
_FEMALE = frozenset({"ms", "ms.", "mrs", "mrs.", "she", "her", "queen", "princess", "lady", "dame"})


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
    """Tokenise ``text[start:end]``, splitting sentence periods and possessives off words."""
    tokens: list[Token] = []
    append = tokens.append
    abbreviation = _ABBREVIATION.fullmatch
    for match in TOKEN.finditer(text, start, end):
        word = match.group()
        if word[-1] == "." and len(word) > 1 and not abbreviation(word):
            token_end = match.end() - 1
            append(Token(word[:-1], match.start(), token_end))
            append(Token(".", token_end, token_end + 1))
        else:
            append(Token(word, match.start(), match.end()))
    return tokens


def _strip_possessive(token: Token) -> Token:
    """Drop a trailing possessive ("Putin’s" -> "Putin")."""
    match = _POSSESSIVE.search(token.word)
    if match and len(token.word) > 2:
        cut = len(token.word) - len(match.group())
        return Token(token.word[:cut], token.start, token.start + cut)
    return token


def _is_name_token(token: Token) -> bool:
    """Whether a token can sit inside a capitalised name run."""
    return token.capitalised or token.word.lower() in _PARTICLES


def parse_phrase(text: str, tokens: list[Token]) -> Speaker | None:
    """Parse a subject noun phrase (no commas) into a speaker.

    The last run of capitalised words is the name; title words at its front and
    the words before it form the role ("Ukrainian army spokesman Dmytro Lykhoviy").
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
        if _is_name_token(words[index]) and words[index].word[:1].isupper():
            run_end = index
            break
    if run_end is None:
        return _noun_phrase(text, words)
    run_start = run_end
    while run_start > 0 and (
        _is_name_token(words[run_start - 1]) or _joins_org(words, run_start - 1)
    ):
        run_start -= 1
    if (
        run_end < len(words) - 1
        and all(t.word.isalpha() for t in words[run_end + 1 :])
        and not _looks_like_org(words[run_start : run_end + 1])
    ):
        # "The Ukrainian government", "the ISW assessment": the head noun comes last.
        first = (
            run_start - 1
            if run_start and words[run_start - 1].word.lower() in _DETERMINERS
            else run_start
        )
        start, end = words[first].start, words[-1].end
        return Speaker(text[start:end], start, end, kind="noun")
    run = words[run_start : run_end + 1]
    name_from = 0
    for index, token in enumerate(run):
        if token.word.lower().rstrip(".") in TITLE_WORDS or token.word.lower() in TITLE_WORDS:
            name_from = index + 1
    if name_from >= len(run):
        return _noun_phrase(text, words)
    name_tokens = [*run[name_from:-1], _strip_possessive(run[-1])]
    role = _role_text(text, words[: run_start + name_from])
    kind = "org" if _looks_like_org(name_tokens) else "person"
    start, end = name_tokens[0].start, name_tokens[-1].end
    return Speaker(text[start:end], start, end, role=role, kind=kind)


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


def _role_text(text: str, tokens: list[Token]) -> str:
    """Return the role words right before a name, or "" when they are not a role.

    Only the trailing run of capitalised and title-like words counts, so that
    "but Kremlin spokesman" yields "Kremlin spokesman".
    """
    kept: list[Token] = []
    for token in reversed(tokens):
        lower = token.word.lower()
        if (
            not token.word[:1].isalpha()
            or lower in NON_NAME_CAPITALS
            or lower in _DETERMINERS
            or lower in CUE_WORDS
        ):
            break
        kept.insert(0, token)
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
        if words[index].word.lower() in NON_NAME_CAPITALS - _DETERMINERS:
            words = words[index + 1 :]
            break
    if not words or len(words) > 6 or not words[-1].word[:1].isalpha():
        return None
    start, end = words[0].start, words[-1].end
    return Speaker(text[start:end], start, end, kind="noun")


def _looks_like_org(tokens: list[Token]) -> bool:
    """Whether a capitalised run names an organisation (acronym or org word)."""
    if any(t.word.lower() in ORG_WORDS for t in tokens):
        return True
    return len(tokens) == 1 and tokens[0].word.isupper() and len(tokens[0].word) > 1


@dataclass
class Mention:
    """A capitalised run seen in the article, used to resolve later short forms."""

    name: str
    start: int
    end: int
    tokens: tuple[str, ...]
    person: bool
    role: str = ""


@dataclass
class MentionIndex:
    """Every name-like run of an article in order, with resolution helpers."""

    text: str
    mentions: list[Mention] = field(default_factory=list)
    gender: dict[str, str] = field(default_factory=dict)
    by_last: dict[str, list[Mention]] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)
    acronyms: dict[str, str | None] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list)
    speakers_seen: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, text: str) -> MentionIndex:
        """Collect every capitalised run of ``text`` once, in document order.

        A regular expression finds the candidate runs so that only their words
        (not the whole article) go through the Python tokenizer.
        """
        index = cls(text)
        for run in _CAPITAL_RUN.finditer(text):
            word = run.group()
            if word.isalpha():
                lower = word.lower()
                if word.isupper() and len(word) > 4:
                    continue
                if lower not in NON_NAME_CAPITALS and lower not in TITLE_WORDS:
                    index._add_single(word, run.start(), run.end())
                continue
            tokens = tokenize(text, run.start(), run.end())
            position = 0
            while position < len(tokens):
                if not (tokens[position].capitalised and tokens[position].word[:1].isupper()):
                    position += 1
                    continue
                end = position
                while end + 1 < len(tokens) and _is_name_token(tokens[end + 1]):
                    end += 1
                index._add_run(tokens[position : end + 1])
                position = end + 1
        return index

    def _add_single(self, word: str, start: int, end: int) -> None:
        """Record a one-word run cheaply (most runs are one word)."""
        mention = Mention(word, start, end, (word,), person=False)
        self.mentions.append(mention)
        self.by_last.setdefault(word.lower(), []).append(mention)

    def _add_run(self, run: list[Token]) -> None:
        """Record one capitalised run, split into title and name parts.

        All-capital runs of long words are headlines or datelines, not names.
        """
        if all(t.word.isupper() for t in run) and max(len(t.word) for t in run) > 4:
            return
        name_from = 0
        for offset, token in enumerate(run):
            if token.word.lower() in TITLE_WORDS:
                name_from = offset + 1
        if name_from >= len(run):
            return
        name_tokens = [*run[name_from:-1], _strip_possessive(run[-1])]
        words = tuple(t.word for t in name_tokens)
        title = self.text[run[0].start : run[name_from - 1].end] if name_from else ""
        marker = run[name_from - 1].word.lower() if name_from else ""
        if marker in _MALE or marker in _FEMALE:
            self.gender.setdefault(words[-1].lower(), "m" if marker in _MALE else "f")
        org = _looks_like_org(name_tokens)
        person = not org and (len(words) >= 2 or bool(title))
        start, end = name_tokens[0].start, name_tokens[-1].end
        mention = Mention(self.text[start:end], start, end, words, person, title)
        self.mentions.append(mention)
        self.by_last.setdefault(words[-1].lower(), []).append(mention)

    def role_of(self, mention: Mention) -> str:
        """Return the role written with a mention ("Kremlin spokesman Dmitry Peskov")."""
        if mention.role:
            return mention.role
        if mention.start not in self.roles:
            line_start = self.text.rfind("\n", 0, mention.start) + 1
            window = tokenize(self.text, max(line_start, mention.start - 60), mention.start)
            self.roles[mention.start] = _role_text(self.text, window)
        return self.roles[mention.start]

    def fullest(self, name: str, before: int) -> tuple[str, str]:
        """Return the fullest earlier form of ``name`` and the role given with it."""
        words = name.split()
        if not words:
            return name, ""
        best, role = name, ""
        for mention in self.by_last.get(words[-1].lower(), [])[:_LOOKBACK]:
            if mention.start >= before:
                break
            if len(mention.tokens) > len(best.split()):
                best = mention.name
            if not role:
                role = self.role_of(mention)
        if best == name and len(words) == 1 and words[0].isupper():
            best = self._expand_acronym(words[0]) or name
        return best, role

    def _expand_acronym(self, acronym: str) -> str | None:
        """Find "Long Name (ACR)" earlier in the text and return the long name."""
        if acronym not in self.acronyms:
            self.acronyms[acronym] = self._find_expansion(acronym)
        return self.acronyms[acronym]

    def _find_expansion(self, acronym: str) -> str | None:
        """Search the text once for an acronym's expansion ("Long Name (ACR)")."""
        at = self.text.find("(" + acronym + ")")
        if at < 0:
            return None
        match = _EXPANSION.search(self.text, max(0, at - 150), at)
        if match is None:
            return None
        expansion = match.group(1).strip()
        return expansion[4:] if expansion.startswith("The ") else expansion

    def resolve_noun(self, phrase: str, before: int) -> tuple[str, int, int] | None:
        """Resolve "the ministry" to the most recent named run with that head word."""
        words = [w.lower() for w in phrase.split() if w.lower() not in _DETERMINERS]
        if not words or words[-1] not in ORG_WORDS | _OUTLET_NOUNS:
            return None
        for mention in reversed(self.mentions):
            if mention.start >= before:
                continue
            lowered = {t.lower() for t in mention.tokens}
            if words[-1] in _OUTLET_NOUNS and lowered & _OUTLET_WORDS:
                return mention.name, mention.start, mention.end
            if all(w in lowered for w in words):
                return mention.name, mention.start, mention.end
        return None

    def _recent(self, before: int) -> list[Mention]:
        """Return the mentions starting before ``before``, most recent first (bounded).

        Bounded so that a very long text cannot make every lookup quadratic;
        a pronoun's antecedent is never hundreds of names back.
        """
        if len(self._starts) != len(self.mentions):
            self._starts = [m.start for m in self.mentions]
        stop = bisect_left(self._starts, before)
        return self.mentions[max(0, stop - _LOOKBACK) : stop][::-1]

    def resolve_pronoun(self, pronoun: str, before: int) -> Mention | None:
        """Return the most recent person before ``before`` compatible with ``pronoun``."""
        wanted = "m" if pronoun.lower() == "he" else "f"
        for mention in self._recent(before):
            if not (
                mention.person or mention.name in self.speakers_seen or self._surname_known(mention)
            ):
                continue
            full, _ = self.fullest(mention.name, mention.start + 1)
            gender = self.gender.get(full.split()[-1].lower())
            if gender is None or gender == wanted:
                self.gender.setdefault(full.split()[-1].lower(), wanted)
                return mention
        return None

    def _surname_known(self, mention: Mention) -> bool:
        """Whether a one-word mention repeats the surname of an earlier person."""
        for earlier in self.by_last.get(mention.tokens[-1].lower(), ()):
            if earlier.start >= mention.start:
                return False
            if earlier.person and len(earlier.tokens) > 1:
                return True
        return False

    def last_person(self, start: int, before: int) -> Mention | None:
        """Return the last person mentioned inside [start, before)."""
        for mention in self._recent(before):
            if mention.start < start:
                return None
            if mention.person or self._surname_known(mention) or mention.name in self.speakers_seen:
                return mention
        return None
