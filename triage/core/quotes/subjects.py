"""Find the subject of a cue: the phrase that names who is speaking.

Subjects come before the cue ("A B, a party senator, said"), after it ("said A
B"), or, for a participle ("…, adding"), at the head of the sentence. Without a
parser the rules work on comma-separated segments and short noun phrases.
"""

from __future__ import annotations

import re

from triage.core.quotes.lexicon import (
    AUXILIARIES,
    CLAUSE_STOPS,
    CUE_WORDS,
    NON_NAME_CAPITALS,
    ORG_WORDS,
    OTHER_PRONOUNS,
    PERSON_PRONOUNS,
    TITLE_WORDS,
)
from triage.core.quotes.phrases import (
    after_dateline,
    apposed_name,
    next_comma,
    place_tail,
    title_of,
)
from triage.core.quotes.speakers import (
    HONORIFICS,
    Speaker,
    Token,
    parse_phrase,
    person_noun,
    strip_possessive,
)

DETERMINER_STARTS = frozenset({"a", "an", "the", "his", "her", "their", "its", "one", "another"})
_AFFILIATION = re.compile(r"[A-Z]{1,2}-[A-Z][\w.]*$")
_CONNECTIVES = frozenset(
    "and but so then yet still meanwhile however also later now instead indeed "
    "moreover further furthermore thus hence separately finally first second".split()
)
_QUOTE_TOKENS = frozenset({"“", "”", '"', "‘", "’", "'", "«", "»"})
_TIME_TAILS = frozenset({"later", "ago", "earlier", "afterward", "afterwards", "before"})
_COORDINATORS = frozenset({"and", "but"})
_SHORT_NOUN_PHRASE = 5
_PASSIVE = frozenset({"was", "were", "been", "being"})
_RELATIVES = frozenset({"who", "which", "whose", "whom", "where", "when"})
_PREPOSITIONS = frozenset(
    "in on at through into from with near across along outside inside".split()
)
_QUANTIFIERS = frozenset("one two three some several many most none each another".split())
_PARTICLES = frozenset({"de", "van", "von", "bin", "al", "da", "del", "der", "la", "le", "di"})


def _org_connector(phrase: list[Token], rest: list[Token]) -> bool:
    """Whether a small word joins an organisation name ("Institute for the Study of War")."""
    if not phrase or not any(t.word.lower() in ORG_WORDS for t in phrase):
        return False
    last_org = max(i for i, t in enumerate(phrase) if t.word.lower() in ORG_WORDS)
    if any(t.word.lower() in TITLE_WORDS for t in phrase[last_org + 1 :]):
        return False  # "Group Manager A B of the fire service": the org word is in the role
    if rest[0].word not in {"of", "for", "and", "the", "on"}:
        return False
    following = [t for t in rest[1:3] if t.word != "the"]
    return bool(following) and following[0].word[:1].isupper()


def _partitive(phrase: list[Token], token: Token) -> bool:
    """Whether ``of`` follows a lone quantifier ("said one of the advisers")."""
    return token.word == "of" and len(phrase) == 1 and phrase[0].word.lower() in _QUANTIFIERS


def phrase_after_cue(text: str, tokens: list[Token]) -> Speaker | None:
    """Parse the noun phrase that follows a cue ("said Kremlin spokesman X in ...").

    A role followed by the name in apposition ("said the port's harbour master,
    A B") gives the name, with the role kept as its role.
    """
    phrase: list[Token] = []
    stop = len(tokens)
    for position, token in enumerate(tokens):
        lower = token.word.lower()
        if token.word in {",", ".", ";", ":", "?", "!", "(", "“", "”", '"'}:
            stop = position
            break
        if token.word[:1].islower() and lower in CLAUSE_STOPS:
            if (
                _org_connector(phrase, tokens[position:])
                or title_of(tokens, position)
                or _partitive(phrase, token)
            ):
                phrase.append(token)
                continue
            if lower == "by" and not any(t.word[:1].isupper() for t in phrase):
                phrase = []  # "a translation by Newsweek": the outlet is the source
                continue
            stop = position
            break
        if (
            token.word[:1].isupper()
            and lower in NON_NAME_CAPITALS
            and lower not in DETERMINER_STARTS
        ):
            break
        phrase.append(token)
        if len(phrase) > 10:
            return None
    speaker = parse_phrase(text, phrase)
    partitive = len(phrase) > 2 and phrase[1].word == "of"
    if speaker is not None and speaker.kind == "noun" and partitive:
        start, end = phrase[0].start, phrase[-1].end  # "one of the advisers", not "advisers"
        speaker = Speaker(text[start:end], start, end, kind="noun")
    if (
        speaker is not None
        and speaker.kind == "person"
        and not speaker.role
        and stop < len(tokens)
        and tokens[stop].word == ","
    ):
        following: list[Token] = []
        for token in tokens[stop + 1 :]:
            if token.word in {",", ";", ":", "?", "!", "(", "“", "”", '"'} or (token.word == "."):
                break
            following.append(token)
        role = appositive_role(text, following)  # "said A B, operations director at C"
        if role:
            speaker = Speaker(speaker.name, speaker.start, speaker.end, role, speaker.kind)
    if (speaker is None or speaker.kind == "noun") and phrase:
        comma = next_comma(tokens, stop)
        named = apposed_name(text, tokens, comma)
        if named is not None:
            role = text[phrase[0].start : tokens[comma - 1].end]
            return Speaker(named.name, named.start, named.end, role, named.kind)
    return speaker


_APPOSITIVE_WORDS = 12
"""Longest appositive read as a role ("operations director at Vale Water")."""
_TITLE_HEAD_WITHIN = 4
"""A role's head title comes early ("deputy operations director at …")."""


def appositive_role(text: str, segment: list[Token]) -> str:
    """Return the role an appositive gives a name, in the text's own words, or "".

    "Ruth Penhale, operations director at Corvel Water": the words between the
    commas are the role when a title word heads them and no verb of saying sits
    inside. A leading article is dropped ("the mayor" -> "mayor"), as is a
    courtesy title.
    """
    words = [t for t in segment if t.word != "."]
    if words and words[0].word.lower() in DETERMINER_STARTS:
        words = words[1:]
    words = [t for t in words if t.word.lower() not in HONORIFICS] if words else words
    if not words or len(words) > _APPOSITIVE_WORDS:
        return ""
    if not any(t.word.lower() in TITLE_WORDS for t in words[:_TITLE_HEAD_WITHIN]):
        return ""
    if any(t.word.lower() in CUE_WORDS or t.word in _QUOTE_TOKENS for t in words):
        return ""
    return text[words[0].start : words[-1].end]


def split_commas(tokens: list[Token]) -> list[list[Token]]:
    """Split tokens into comma-separated segments."""
    segments: list[list[Token]] = [[]]
    for token in tokens:
        if token.word in {",", "(", ")", "—", "–"}:
            segments.append([])
        else:
            segments[-1].append(token)
    return segments


def trailing_phrase(tokens: list[Token]) -> list[Token]:
    """Return the noun phrase that ends ``tokens`` ("… army spokesman A B").

    Walks back over name words, titles and up to two lower-case modifiers of a
    title, stopping at a determiner (kept) or at any other word.
    """
    common = _common_noun_phrase(tokens)
    if common:
        return common
    kept: list[Token] = []
    modifiers = 0
    for position in range(len(tokens) - 1, -1, -1):
        token = tokens[position]
        lower = token.word.lower()
        if lower in PERSON_PRONOUNS | OTHER_PRONOUNS and not kept:
            return [token]
        if kept and title_of(tokens, position):
            kept.insert(0, token)  # "Secretary of State A B"
            continue
        if lower in DETERMINER_STARTS:
            if kept:
                kept.insert(0, token)
            break
        name_like = token.word[:1].isupper() and lower not in NON_NAME_CAPITALS
        if name_like or lower in TITLE_WORDS or lower in _PARTICLES:
            kept.insert(0, token)
        elif (
            token.word.isalpha()
            and token.word.islower()
            and kept
            and modifiers < 2
            and (kept[0].word.lower() in TITLE_WORDS or modifiers)
        ):
            kept.insert(0, token)
            modifiers += 1
        else:
            break
    opens_clause = bool(kept) and kept[0] is tokens[0]
    while (
        kept
        and kept[0].word.islower()
        and kept[0].word.lower() not in TITLE_WORDS | DETERMINER_STARTS
        and not (opens_clause and _modifier(kept[0]))
    ):
        kept.pop(0)
    return kept


_NOT_MODIFIERS = CLAUSE_STOPS | _CONNECTIVES | _COORDINATORS | AUXILIARIES | CUE_WORDS


def _modifier(token: Token) -> bool:
    """Whether a lower-case word opening a clause modifies the title after it.

    "” operations director A B told …": the clause holds only the role and the
    name, so "operations" is part of the role as written; "but", "then" and
    verbs are not.
    """
    return token.word.lower() not in _NOT_MODIFIERS and not token.word.endswith("ly")


_COMMON_PHRASE_WORDS = 8
"""Tokens read back from a cue for a common noun phrase ("the 34-year-old mother of three")."""


def _common_noun_phrase(tokens: list[Token]) -> list[Token]:
    """Return "the newspaper" / "the ISW assessment" when ``tokens`` end with one.

    One "of" may join the head noun to its complement ("the mother of three",
    "a member of the board"): a determiner before the head noun still opens the
    phrase. Only the phrase's last determiner is read past when the "of" part has
    its own ("the head of the agency" is kept whole).
    """
    last = tokens[-1].word if tokens else ""
    if not last.replace("-", "").isalpha() or not last.islower():
        return []  # "the grandmother-of-five" is one noun
    found: list[Token] = []
    joined = False
    for back in range(len(tokens) - 1, max(len(tokens) - 1 - _COMMON_PHRASE_WORDS, -1), -1):
        word = tokens[back].word
        if word.lower() in DETERMINER_STARTS:
            found = tokens[back:]
            if not joined or back == 0 or tokens[back - 1].word != "of":
                return found
            continue  # "… of the agency": the head noun is further back
        title_of = word == "of" and back > 0 and tokens[back - 1].word.lower() in TITLE_WORDS
        joins = (
            word == "of"
            and not joined
            and 0 < back < len(tokens) - 1
            and tokens[back - 1].word.isalpha()
            and tokens[back - 1].word.islower()
            and tokens[back - 1].word not in CLAUSE_STOPS | CUE_WORDS | AUXILIARIES
        )
        plain = word.removesuffix("’s").removesuffix("'s")
        if joins:
            joined = True
            continue
        if word == "-" or (
            plain.isdigit() and back + 1 < len(tokens) and tokens[back + 1].word == "-"
        ):
            continue  # "34-year-old" is tokenised "34", "-", "year-old"
        if (
            not plain.replace("-", "").isalpha()
            or (word in CLAUSE_STOPS and not title_of)
            or word in CUE_WORDS
        ):
            return found
    return found


def leading_subject(text: str, tokens: list[Token]) -> Speaker | None:
    """Return the subject at the head of a sentence ("A B, who …, told …")."""
    segments = split_commas(after_dateline(tokens))
    opener = False
    for number, segment in enumerate(segments):
        while segment and segment[0].word.lower() in _CONNECTIVES:
            segment = segment[1:]
        if not segment:
            continue
        lower = strip_possessive(segment[0]).word.lower()
        if segment[0].word[:1].isupper() and lower.endswith(("ing", "ed")) and len(segment) > 1:
            opener = True
            continue  # "Speaking at a rally, …", "Reached by phone, …"
        if segment[-1].word.lower() in _TIME_TAILS:
            continue  # "Hours later, A B …", "A few days ago, …"
        if opener and number + 1 < len(segments) and place_tail(segment):
            continue  # "Speaking in Salem, Ohio, A B said": the place ends the opener
        if opener and number + 1 < len(segments) and _opener_tail(segment):
            continue  # "Following a swiftly called, late-night meeting, the council …"
        if segment[0].word.isupper() and len(segment[0].word) > 4:
            continue  # a dateline ("HARBOURTON, May 2 —")
        if lower in PERSON_PRONOUNS:
            return Speaker(segment[0].word, segment[0].start, segment[0].end, kind="pronoun")
        if (
            lower in CLAUSE_STOPS
            or (lower.rstrip(".") in NON_NAME_CAPITALS and lower not in DETERMINER_STARTS)
            or (lower.endswith("ly") and not _name_follows(segment))
        ):
            continue
        head: list[Token] = []
        for position, token in enumerate(segment):
            if (
                token.word[:1].isupper()
                or token.word.lower() in TITLE_WORDS | DETERMINER_STARTS | _PARTICLES
                or title_of(segment, position)
            ):
                head.append(token)
            else:
                break
        speaker = parse_phrase(text, head) if head else None
        if speaker is not None and speaker.kind in {"person", "org"}:
            return speaker
        return _leading_noun_phrase(text, segment)
    return None


_SUBJECT_OPENERS = DETERMINER_STARTS | PERSON_PRONOUNS | _QUANTIFIERS | {"many", "some", "several"}


def _opener_tail(segment: list[Token]) -> bool:
    """Whether a segment after a participle opener still belongs to it.

    A subject opens with a capital, a determiner, a pronoun or a quantifier; a
    segment opening with any other lower-case word ("late-night meeting") is the
    rest of the opening phrase that a comma split.
    """
    first = segment[0].word
    return first[:1].islower() and first.lower() not in _SUBJECT_OPENERS


def _name_follows(segment: list[Token]) -> bool:
    """Whether a capitalised "-ly" word starts a name ("Kelly Marsh"), not an adverb ("Finally")."""
    return len(segment) > 1 and segment[1].word[:1].isupper()


def _leading_noun_phrase(text: str, segment: list[Token]) -> Speaker | None:
    """Return "the prince" / "many reporters" opening a clause, or None.

    Without part-of-speech tags the phrase is cut short: a determiner and at most
    two more words, stopping at cue verbs, auxiliaries and past forms.
    """
    if segment[0].word.lower() not in DETERMINER_STARTS | {"many", "some", "several"}:
        return None
    phrase = [segment[0]]
    for token in segment[1:3]:
        lower = token.word.lower()
        plain = strip_possessive(token).word.replace("-", "")  # "The victim's sister"
        if not plain.isalpha() or lower in CUE_WORDS | AUXILIARIES | CLAUSE_STOPS:
            break
        if lower.endswith("ed") and len(phrase) > 1:
            break
        phrase.append(token)
    if len(phrase) < 2:
        return None
    return Speaker(
        text[phrase[0].start : phrase[-1].end], phrase[0].start, phrase[-1].end, kind="noun"
    )


def _first_named_segment(text: str, segments: list[list[Token]]) -> Speaker | None:
    """Return the clause subject in "X, <appositives and asides>, said".

    Reading left to right skips dates and prepositional openers ("On July 6"),
    keeps a determiner-led description as the role ("the head of …, A B, said")
    and stops at the first segment that is a name. Asides after the name
    ("speaking in Columbus, Ohio") can then not be mistaken for the speaker.
    """
    role = ""
    for number, segment in enumerate(segments):
        first = segment[0]
        lower = first.word.lower()
        if (
            lower in CLAUSE_STOPS
            or lower in _CONNECTIVES
            or lower in NON_NAME_CAPITALS - DETERMINER_STARTS
        ):
            continue
        if first.word[:1].islower():
            if lower in DETERMINER_STARTS and not role and len(segment) > 1:
                role = text[segment[1].start : segment[-1].end]
                continue
            return None
        if lower.endswith(("ing", "ed")) and len(segment) > 1:
            continue
        speaker = parse_phrase(text, segment[:10])
        if speaker is None or speaker.kind not in {"person", "org"}:
            return None
        following = segments[number + 1] if number + 1 < len(segments) else []
        if not role and len(following) > 1 and following[0].word.lower() in DETERMINER_STARTS:
            role = text[following[1].start : following[-1].end]  # "A B, a party senator, said"
        if not role:
            role = appositive_role(text, following)  # "A B, operations director at C, said"
        if role and not speaker.role:
            speaker = Speaker(speaker.name, speaker.start, speaker.end, role, speaker.kind)
        return speaker
    return None


_OBJECT_RELATIVES = frozenset({"which", "that", "whom"})
_RELATIVE_SUBJECT_WORDS = 5


def _relative_clause_subject(text: str, tokens: list[Token]) -> Speaker | None:
    """Return the subject of a relative clause that holds the cue.

    "… its rye loaf, which judges called “quietly perfect”": the clause's own
    subject (the judges) said it, not the subject of the sentence (the bakery)
    nor the thing the words describe.
    """
    for back in range(len(tokens) - 2, max(len(tokens) - 2 - _RELATIVE_SUBJECT_WORDS, -1), -1):
        word = tokens[back].word
        if word.lower() in _OBJECT_RELATIVES:
            phrase = tokens[back + 1 :]
            if any(not t.word[:1].isalpha() or t.word.lower() in CUE_WORDS for t in phrase):
                return None
            if back and word == "that" and tokens[back - 1].word.lower() in CUE_WORDS:
                return None  # "said that officials …": a reported clause, not a relative
            if any(t.word.lower().endswith("ly") for t in phrase):
                return None  # "that egregiously described": an adverb, the subject is earlier
            speaker = parse_phrase(text, phrase)
            if speaker is None or speaker.kind == "pronoun":
                return None  # "which it called": the pronoun is resolved elsewhere
            return speaker
        if not word[:1].isalpha():
            return None
    return None


def subject_before_cue(text: str, tokens: list[Token], participle: bool = False) -> Speaker | None:
    """Parse the subject that precedes a cue, skipping appositives and dates.

    In "On July 6, A B, a party senator, said" the segment right before the cue
    is empty, the appositive starting with a determiner is a role, the one starting
    with a preposition is a date: the name is "A B" and the appositive its role.
    A participle cue after a comma ("…, adding") takes the subject of the sentence.
    """
    while tokens and tokens[-1].word in _QUOTE_TOKENS:
        tokens = tokens[:-1]  # ",” telling": the comma sits inside an earlier quote's marks
    if tokens and tokens[-1].word.lower() in _PASSIVE:
        return None  # "were told": the quote was said to them, not by them
    while tokens and tokens[-1].word.lower() in AUXILIARIES:
        tokens = tokens[:-1]
    relative = _relative_clause_subject(text, tokens)
    if relative is not None:
        return relative
    if len(tokens) > 2 and tokens[-1].word in _COORDINATORS:
        return leading_subject(text, tokens)  # "A B met voters and said": A B said it
    segments = [s for s in split_commas(tokens) if s]
    if not segments:
        return None
    ends_with_comma = tokens[-1].word in {",", ")", "—", "–"}
    if participle and ends_with_comma:
        return leading_subject(text, tokens)
    if not ends_with_comma:
        phrase = trailing_phrase(segments[-1])
        speaker = parse_phrase(text, phrase) if phrase else None
        if speaker and speaker.kind == "noun" and _object_of_preposition(tokens, phrase):
            return leading_subject(text, tokens) or speaker
        if speaker is not None and participle and speaker.kind == "noun":
            # "X issued a statement saying …": the statement is X's.
            return leading_subject(text, tokens) or speaker
        if speaker is not None:
            return speaker
        return _quantity_subject(text, segments[-1]) or leading_subject(text, tokens)
    named = _first_named_segment(text, segments)
    if named is not None:
        return named
    role = ""
    for segment in reversed(segments):
        first = segment[0].word.lower()
        if first in DETERMINER_STARTS and role == "" and len(segments) > 1:
            role = text[
                segment[1].start if len(segment) > 1 else segment[0].start : segment[-1].end
            ]
            continue
        if (
            first in CLAUSE_STOPS
            or first in _RELATIVES
            or first in NON_NAME_CAPITALS - DETERMINER_STARTS
        ):
            continue
        words = [t for t in segment if t.word != "."]
        if len(words) == 1 and (words[0].word.islower() or _AFFILIATION.match(words[0].word)):
            continue
        speaker = parse_phrase(text, segment[-10:])
        if speaker is not None:
            if role and not speaker.role:
                speaker = Speaker(speaker.name, speaker.start, speaker.end, role, speaker.kind)
            return speaker
    return leading_subject(text, tokens)


_AMOUNT_WORDS = frozenset({"percent", "%", "half", "third", "quarter", "majority", "most"})
_HEDGES = frozenset({"only", "just", "about", "nearly", "almost", "roughly", "some", "over"})
_OF_PHRASE_WORDS = 5


def _quantity_subject(text: str, segment: list[Token]) -> Speaker | None:
    """Return "52 percent of registered voters" / "most of the delegates" before a cue.

    A partitive subject (an amount, "of", a plural noun phrase) is who spoke,
    typically a poll's respondents; a hedge before the amount stays in ("Only 52
    percent …").
    """
    of = next((i for i, t in enumerate(segment) if t.word == "of"), None)
    if of is None or of == 0 or not 1 <= len(segment) - of - 1 <= _OF_PHRASE_WORDS:
        return None
    rest = segment[of + 1 :]
    if not all(t.word.isalpha() and t.word.islower() for t in rest[-1:]):
        return None
    if any(t.word.lower() in CLAUSE_STOPS | CUE_WORDS | AUXILIARIES for t in rest):
        return None
    first = of - 1
    amount = segment[first].word.lower()
    if amount not in _AMOUNT_WORDS and not amount.replace(",", "").isdigit():
        return None
    while first > 0 and (
        segment[first - 1].word.replace(",", "").replace(".", "").isdigit()
        or segment[first - 1].word.lower() in _HEDGES | DETERMINER_STARTS
    ):
        first -= 1
    if first > 0:
        return None  # more before the amount: not the clause's subject
    start, end = segment[first].start, segment[-1].end
    return Speaker(text[start:end], start, end, kind="noun")


def _object_of_preposition(tokens: list[Token], phrase: list[Token]) -> bool:
    """Whether a noun phrase before a cue follows a preposition ("marching along the quay").

    The phrase is then the object of a modifier of the subject, not the subject.
    """
    at = next((i for i, t in enumerate(tokens) if t.start == phrase[0].start), 0)
    return at > 1 and tokens[at - 1].word in _PREPOSITIONS


def subject_after_clause(text: str, tokens: list[Token]) -> Speaker | None:
    """Parse ``…” for the victory, X said``: only a name right after a comma counts.

    A bare name right after the closing mark (``…” Grubbs said``) counts too.
    """
    if tokens and len(tokens) <= 4 and all(t.word[:1].isupper() for t in tokens):
        speaker = parse_phrase(text, tokens)
        if speaker is not None and speaker.kind in {"person", "org"}:
            return speaker
    segments = split_commas(tokens)
    if len(segments) < 2 or not segments[-1]:
        return None
    speaker = parse_phrase(text, segments[-1])
    if speaker is not None and speaker.kind == "noun" and _determined(segments[-1]):
        return speaker  # "…” by the town, the rights group says": the group is the source
    return speaker if speaker is not None and speaker.kind in {"person", "org"} else None


def _determined(segment: list[Token]) -> bool:
    """Whether a segment is a short noun phrase led by a determiner ("the rights group")."""
    return (
        2 <= len(segment) <= _SHORT_NOUN_PHRASE
        and segment[0].word.lower() in DETERMINER_STARTS
        and all(
            strip_possessive(t).word.rstrip("’'").isalpha() and t.word.lower() not in CLAUSE_STOPS
            for t in segment
        )
    )


def clause_not_subject(head: list[Token]) -> bool:
    """Whether the words before a cue read as a clause ("a nod to X"), not a subject.

    A prepositional phrase is fine after a title ("a spokesman for the party").
    """
    if not any(t.word.islower() and t.word in CLAUSE_STOPS for t in head):
        return False
    nouns = [t for t in head if t.word.lower() not in DETERMINER_STARTS]
    return not nouns or not person_noun(nouns[0].word.lower())


SPEECH_NOUNS = frozenset(
    "words comments comment remarks remark claim claims statement message assertion "
    "warning promise pledge description boast quip reply response answer tweet post".split()
)
"""Nouns for something said: their possessor said it ("Penhale’s claim that …")."""
_OWNER_WINDOW = 10
_POSSESSIVE_END = ("’s", "'s", "s’", "s'")


def speech_owner(text: str, tokens: list[Token]) -> Speaker | None:
    """Return the possessor of the nearest "X’s claim (that)", "the soldier's words:".

    A possessed noun of saying names who said the words that follow it, whoever
    the subject of the sentence is ("Auditors seized on A’s claim that …").
    """
    low = max(len(tokens) - _OWNER_WINDOW, 0)
    for position in range(len(tokens) - 1, low, -1):
        if tokens[position].word.lower() not in SPEECH_NOUNS:
            continue
        owner = position - 1
        while (
            owner > low
            and tokens[owner].word.islower()
            and not tokens[owner].word.endswith(_POSSESSIVE_END)
        ):
            owner -= 1  # "A’s earlier claim"
        if not tokens[owner].word.endswith(_POSSESSIVE_END) or position - owner > 3:
            return None
        first = owner
        while first > 0 and tokens[first - 1].capitalised:
            first -= 1
        if first > 0 and tokens[first - 1].word.lower() in DETERMINER_STARTS:
            first -= 1
        phrase = [*tokens[first:owner], strip_possessive(tokens[owner])]
        speaker = parse_phrase(text, phrase)
        if speaker is None or speaker.kind == "pronoun":
            return None
        return speaker
    return None
