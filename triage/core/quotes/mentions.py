"""An article's named mentions, used to resolve short forms of a speaker.

Built once per article: every capitalised run, split into title and name, with
helpers that turn "Marsh" into the fullest earlier form ("Helen Marsh"), an
acronym into its expansion, "he"/"she" into the most recent compatible person
and "the ministry" into the named ministry.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from triage.core.quotes.lexicon import NON_NAME_CAPITALS, ORG_WORDS, TITLE_WORDS
from triage.core.quotes.speakers import (
    DETERMINERS,
    HONORIFICS,
    Token,
    is_name_token,
    looks_like_org,
    role_text,
    strip_possessive,
    tokenize,
)

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
_ADJACENT = 4
"""Characters between a quote's last word and a pronoun that attributes it (`,” she`)."""
_INVERTED_CUES = frozenset({"Said", "Says", "Added", "Wrote", "Writes", "Asked"})
_PLACE_PREPOSITIONS = frozenset({"on", "from", "in", "at", "near"})
_EXPANSION = re.compile(r"((?:[A-Z][\w’'\-.]*\s+(?:(?:of|for|the|and|on|in)\s+)*)+)$")
_MALE = frozenset({"mr", "mr.", "he", "him", "his", "king", "prince", "father", "sir", "lord"})
_FEMALE = frozenset({"ms", "ms.", "mrs", "mrs.", "she", "her", "queen", "princess", "lady", "dame"})


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
    quoted: list[tuple[int, int]] = field(default_factory=list)
    """Sorted (start, end) of the article's quotations, set by the extractor."""

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
                while end + 1 < len(tokens) and is_name_token(tokens[end + 1]):
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
        if len(run) > 1 and run[0].word in _INVERTED_CUES:
            run = run[1:]  # "Said Comey, …": the cue opens the sentence
        name_from = 0
        for offset, token in enumerate(run):
            if token.word.lower() in TITLE_WORDS:
                name_from = offset + 1
            elif offset < len(run) - 1 and token.word.endswith(("’s", "'s")):
                name_from = offset + 1  # "Iowa State University's Dianne Bystrom"
        if name_from >= len(run):
            return
        title_start = run[0].start
        if len(run) - name_from > 2 and self._after_title_of(run[0]):
            name_from = len(run) - 2  # "Secretary of State A B"
            title_start = self.text.rfind(" ", 0, self.text.rfind(" of", 0, title_start)) + 1
        name_tokens = [*run[name_from:-1], strip_possessive(run[-1])]
        words = tuple(t.word for t in name_tokens)
        title = self.text[title_start : run[name_from - 1].end] if name_from else ""
        title = title.removesuffix("’s").removesuffix("'s")
        if title.lower() in HONORIFICS:
            title = ""  # "Ms Duthie": a courtesy title marks the name, it is no role
        marker = run[name_from - 1].word.lower() if name_from else ""
        if marker in _MALE or marker in _FEMALE:
            self.gender.setdefault(words[-1].lower(), "m" if marker in _MALE else "f")
        org = looks_like_org(name_tokens)
        person = (
            not org
            and (len(words) >= 2 or bool(name_from))
            and not self._after_place_word(run[0])
            and not self._whole_quote(run[0].start, run[-1].end)
        )
        start, end = name_tokens[0].start, name_tokens[-1].end
        mention = Mention(self.text[start:end], start, end, words, person, title)
        self.mentions.append(mention)
        self.by_last.setdefault(words[-1].lower(), []).append(mention)

    def _whole_quote(self, start: int, end: int) -> bool:
        """Whether a run fills a pair of quotation marks: a title (“Harbour Lights”)."""
        opens = start > 0 and self.text[start - 1] in '“"‘'
        return opens and self.text[end : end + 1] in {"”", '"', "’"}

    def _after_title_of(self, first: Token) -> bool:
        """Whether a run follows "<title> of" ("Secretary of State A B")."""
        before = self.text[max(0, first.start - 30) : first.start].split()
        return len(before) >= 2 and before[-1] == "of" and before[-2].lower() in TITLE_WORDS

    def _after_place_word(self, first: Token) -> bool:
        """Whether a run follows "on", "from", "in", "at" or "near": a place, not a person.

        "A B, 41, from Copper Lane" or "who lives on Mill Lane": the street is
        capitalised like a name but can never be the speaker a pronoun refers to.
        """
        before = self.text[max(0, first.start - 8) : first.start].split()
        return bool(before) and before[-1] in _PLACE_PREPOSITIONS

    def role_of(self, mention: Mention) -> str:
        """Return the role written with a mention ("water board spokeswoman Helen Marsh")."""
        if mention.role:
            return mention.role
        if mention.start not in self.roles:
            line_start = self.text.rfind("\n", 0, mention.start) + 1
            window = tokenize(self.text, max(line_start, mention.start - 60), mention.start)
            self.roles[mention.start] = role_text(self.text, window)
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
            if self.quoted and self._in_quote(mention.start):
                continue  # "Crooked Hillary Clinton" in a quoted post is no fuller name
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
        words = [w.lower() for w in phrase.split() if w.lower() not in DETERMINERS]
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

    def resolve_pronoun(
        self, pronoun: str, before: int, skip: tuple[int, int] | None = None
    ) -> Mention | None:
        """Return the most recent person before ``before`` compatible with ``pronoun``.

        Mentions inside ``skip`` (the quotation the pronoun attributes) or inside any
        of :attr:`quoted` (the article's quotations) are passed over: a name someone
        says is not who "he said" refers to.
        """
        wanted = "m" if pronoun.lower() == "he" else "f"
        for mention in self._recent(before):
            if skip is not None and skip[0] <= mention.start < skip[1]:
                continue
            if self._in_quote(mention.start):
                continue
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

    def quote_end_before(self, offset: int) -> int:
        """The end of a quotation that closes right before ``offset`` (0 when none).

        A sentence read back from a pronoun that directly follows a quote stops
        there: the words inside the quote ("“I'm not leaving,” she said") are not
        the clause the pronoun sits in.
        """
        at = bisect_right(self.quoted, (offset, -1)) - 1
        while at >= 0 and self.quoted[at][1] > offset:
            at -= 1
        if at < 0 or offset - self.quoted[at][1] > _ADJACENT:
            return 0
        return self.quoted[at][1]

    def _in_quote(self, offset: int) -> bool:
        """Whether ``offset`` falls inside one of the article's quotations."""
        at = bisect_right(self.quoted, (offset, len(self.text) + 1)) - 1
        return at >= 0 and self.quoted[at][0] <= offset < self.quoted[at][1]

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
