"""Direct-quotation extraction: quoted spans, their confidence and their speaker.

The pipeline is rule-based so that it is fast (it runs on every ingest), needs no
model files, and fails in ways an editor can understand:

1. :mod:`triage.core.quotes.marks` pairs the quotation marks (repairing missing ones);
2. :mod:`triage.core.quotes.cues` finds the cue verb on each side and
   :mod:`triage.core.quotes.subjects` its subject (parsed by :mod:`triage.core.quotes.speakers`);
3. :mod:`triage.core.quotes.mentions` resolves the subject to the fullest name;
4. a confidence score separates quotations from scare quotes and titles.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from triage.core.language import ENGLISH, detect, function_words
from triage.core.models import Quote
from triage.core.quotes.cues import (
    Attribution,
    attribution_after,
    attribution_before,
    ends_with_full_stop,
    passive_agent,
    sentence_tokens,
)
from triage.core.quotes.lexicon import CALL_WORDS
from triage.core.quotes.marks import MarkedSpan, find_marked_spans, paragraph_bounds
from triage.core.quotes.mentions import MentionIndex
from triage.core.quotes.phrases import ends_clause, signed_quote
from triage.core.quotes.speakers import Speaker, tokenize
from triage.core.quotes.subjects import leading_subject, speech_owner

CONFIDENCE_THRESHOLD = 0.35
"""Quotes scoring below this are dropped; chosen on the train split of the evaluation.

A single quoted word with a cue scores 0.3 when an institution or a noun phrase
is the subject: it is a term ("the ministry said troops would “withdraw”") rather
than a quotation. Attributed to a person ("A B called it “reckless”") it scores 0.4
and is kept. The labelled data counts the terms too, so ``min_confidence=0.3``
trades precision for recall when that is wanted.
"""

SUBJECT_BASE = 0.7
"""Base score of a quote with no cue inside a sentence whose subject is a person."""
SINGLE_IN_DOUBLE_HOUSE = 0.2
"""Highest score of a single-marked span in an article that quotes with double marks."""

_AUDIENCE = re.compile(r"\b(?:told|tells|telling|informed)\s+(?:[^\s,:;.]+\s+){0,2}$")
_TITLE_SMALL_WORDS = frozenset(
    "of the and a an in on to for with at by de la el los las le du von van".split()
)
"""Small words that stay lower case inside a title ("Talk of the Town")."""
_GROUP_PRONOUNS = frozenset({"they", "we", "i", "you", "it", "some", "others"})
_SUBJECT_WINDOW = 200
"""Characters read from a paragraph's start to find its subject."""
_TRAILING = ".,;:’'\""
_KEEPS_STOP = re.compile(r"(?:\b(?:Jr|Sr)|\b[A-Z]\.(?:[A-Z]\.)*|\b[A-Z])\.$")

_WORD = re.compile(r"[^\W_]+(?:[’'\-][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class _Resolved:
    """A speaker after resolution, ready to copy into a Quote."""

    name: str = ""
    start: int | None = None
    end: int | None = None
    role: str = ""
    subject: bool = False
    """Whether the name is the subject of the quote's own sentence (no cue)."""


def _paragraph_of(starts: list[int], offset: int) -> int:
    """Return the index of the paragraph holding ``offset``."""
    return max(bisect_right(starts, offset) - 1, 0)


def _confidence(
    text: str, span: MarkedSpan, attribution: Attribution | None, house_double: bool = False
) -> float:
    """Score how likely a marked span is a quotation rather than a scare quote or title.

    ``house_double`` says the article quotes people between double marks; its
    single-marked spans are then headlines, titles and terms, not quotations.
    """
    words = _WORD.findall(text[span.start : span.end])
    base = {"after": 0.9, "before": 0.85, "colon": 0.85, "inherit": 0.7, "subject": SUBJECT_BASE}
    where = attribution.where if attribution else ""
    if attribution and where == "after" and attribution.speaker is None:
        where = "before"  # ",” adding, …": a cue without its own subject
    score = base.get(where, 0.45)
    count = len(words)
    if count == 1 and not (attribution and attribution.where == "after"):
        score -= 0.45 if _named_person(attribution) else 0.55
    elif count <= 2:
        score -= 0.35
    elif count <= 4:
        score -= 0.15
    elif count >= 8:
        score += 0.1
    if (
        attribution
        and attribution.where == "before"
        and attribution.cue.lower() in CALL_WORDS
        and not _named_person(attribution)
    ):
        score -= 0.15 if count <= 6 else 0.0  # "a show called “…”": a label
    titled = all(w[:1].isupper() or w.lower() in _TITLE_SMALL_WORDS for w in words)
    spoken_title = attribution and attribution.where == "after" and ends_clause(text, span)
    if titled and count <= 8 and not spoken_title:
        score -= 0.3  # a show, book or slogan, unless a clause ends in it (“Not Fair,” A said)
        if attribution and attribution.where == "after":
            score -= 0.15  # “The Harbour Files” out Thursday, A said: a cue further on
        if _AUDIENCE.search(text, max(0, span.outer_start - 40), span.outer_start):
            score -= 0.3  # "told ABC’s “Morning Show”": the marks name the audience
    if span.single:
        score = min(score - 0.2, SINGLE_IN_DOUBLE_HOUSE) if house_double else score - 0.2
    if span.open_at is None and not (attribution and attribution.where == "after"):
        score = min(score, 0.3)
    if span.close_at is None and count < 4:
        score = min(score, 0.3)
    return round(max(0.01, min(0.99, score)), 3)


def _tidy(resolved: _Resolved) -> _Resolved:
    """Drop punctuation trailing a speaker's name ("Ada Brisk." -> "Ada Brisk").

    Abbreviations that end a name ("Jr.", "U.S.") keep their full stop.
    """
    name = resolved.name
    trimmed = name.rstrip(_TRAILING)
    if trimmed == name or not trimmed or _KEEPS_STOP.search(name.rstrip(",;:’'\"")):
        return resolved
    return _Resolved(trimmed, resolved.start, resolved.end, resolved.role)


_SENTENCE_OPENERS = frozenset(".!?:;\n\"“”„«»‘’'(—–-*#>")
"""What may stand before a word that opens a sentence (besides the text's start)."""


def _sentence_opener(text: str, name: str) -> bool:
    """Whether a one-word speaker is a common word its sentence opens with.

    Read without knowing the language, a capitalised first word looks like a name:
    "Les éleveurs dénoncent « … »", "La directora … ha asegurado “…”". A common word
    is capitalised only where a sentence starts and written in lower case elsewhere
    in the same text; a name used as a speaker keeps its capital within sentences
    too ("said Will").
    """
    lower = name.lower()
    if lower == name or not name.isalpha() or not any(_words_at(text, lower)):
        return False
    for start in _words_at(text, name):
        before = text[max(0, start - 8) : start].rstrip(" \t*_")
        if before and before[-1] not in _SENTENCE_OPENERS:
            return False  # capitalised within a sentence: a name after all
    return True


def _words_at(text: str, word: str) -> Iterator[int]:
    """Where ``word`` stands in ``text`` as a whole word (plain search: a pattern per
    name, compiled for each quote, cost more than the rest of the check)."""
    start = text.find(word)
    while start != -1:
        end = start + len(word)
        if (start == 0 or not _word_char(text[start - 1])) and (
            end == len(text) or not _word_char(text[end])
        ):
            yield start
        start = text.find(word, end)


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _no_speaker(text: str, name: str) -> bool:
    """Whether a speaker found by the English rules is a sentence's first word: a
    function word of any language, or any such word in a text not in English (where
    "Police said" is English grammar, "Enfin" and "Según" open sentences)."""
    if " " in name or not _sentence_opener(text, name):
        return False
    return name.lower() in function_words() or detect("", text) != ENGLISH


def _group_speaker(attribution: Attribution | None) -> bool:
    """Whether a cue's subject is a group or the writer ("they said", "we asked").

    Other unresolved subjects ("who said", ", saying") fall back to the subject
    of the sentence, but a group is never one named person.
    """
    speaker = attribution.speaker if attribution else None
    return speaker is not None and speaker.name.lower() in _GROUP_PRONOUNS


def _relayed(text: str, attribution: Attribution | None) -> bool:
    """Whether the cue names its speaker as an object ("the paper quoted him as saying").

    Left unresolved, such a speaker must not fall back to the sentence's subject:
    that is who relayed the words.
    """
    speaker = attribution.speaker if attribution else None
    return (
        speaker is not None
        and speaker.kind == "pronoun"
        and text[speaker.start : speaker.end].lower() != speaker.name.lower()
    )


def _named_person(attribution: Attribution | None) -> bool:
    """Whether a cue's subject is a person, named or "he"/"she" ("Ada Brisk called it “reckless”").

    A single word a named person is quoted as saying is their word; one put in
    an institution's mouth ("the ministry said troops would “withdraw”") is
    usually a term lifted from a statement.
    """
    return (
        attribution is not None
        and attribution.speaker is not None
        and (
            attribution.speaker.kind == "person"
            or attribution.speaker.name.lower() in {"he", "she"}
        )
    )


def _institution_subject(index: MentionIndex, pronoun: Speaker) -> _Resolved:
    """Resolve "it" to its own sentence's subject when that is an institution.

    "The council pledged sanctions against what it called “…”": "it" is the
    organisation the sentence is about; any other "it" stays unresolved.
    """
    start = max(0, pronoun.start - _SUBJECT_WINDOW, index.quote_end_before(pronoun.start))
    tokens = sentence_tokens(index.text, start, pronoun.start)
    if len(tokens) < 2:
        return _Resolved()
    subject = leading_subject(index.text, tokens)
    if subject is None or subject.kind != "org":
        return _Resolved()
    full, role = index.fullest(subject.name, subject.end)
    return _Resolved(full, pronoun.start, pronoun.end, role or subject.role)


def _clause_subject(index: MentionIndex, pronoun: Speaker) -> _Resolved | None:
    """Resolve "he"/"she" inside a sentence to that sentence's named subject.

    "A B said that she called C “…”": a pronoun later in the sentence refers to
    its subject far more often than to the last person named (here C).
    """
    start = max(0, pronoun.start - _SUBJECT_WINDOW, index.quote_end_before(pronoun.start))
    tokens = sentence_tokens(index.text, start, pronoun.start)
    if len(tokens) < 2:
        return None
    subject = leading_subject(index.text, tokens)
    if subject is None or subject.kind != "person":
        return None
    full, role = index.fullest(subject.name, subject.end)
    gender = index.gender.get(full.split()[-1].lower())
    wanted = "m" if pronoun.name.lower() == "he" else "f"
    if gender is not None and gender != wanted:
        return None
    return _Resolved(full, pronoun.start, pronoun.end, role or subject.role)


def _resolve(
    index: MentionIndex,
    speaker: Speaker | None,
    position: int,
    quoted: tuple[int, int] | None = None,
) -> _Resolved:
    """Turn a parsed speaker into the fullest name the article gave earlier.

    ``quoted`` is the span of the quotation itself: a name inside the quoted
    words ("“… the Duthie Room …,” he said") is never what "he" refers to.
    """
    if speaker is None:
        return _Resolved()
    if speaker.kind == "pronoun":
        if speaker.name.lower() == "it" and index.text[speaker.start : speaker.end].lower() == "it":
            return _institution_subject(index, speaker)
        if speaker.name.lower() not in {"he", "she"}:
            return _Resolved()
        written = index.text[speaker.start : speaker.end].lower()
        subject = _clause_subject(index, speaker) if written in {"he", "she"} else None
        if subject is not None:  # "quoted him as saying": an object is not the subject
            return subject
        before = speaker.start
        if written not in {"he", "she"}:  # an object pronoun never means its clause's subject
            clause = sentence_tokens(index.text, max(0, before - _SUBJECT_WINDOW), before)
            before = clause[0].start if clause else before
        mention = index.resolve_pronoun(speaker.name, before, quoted)
        if mention is None:
            return _Resolved()
        full, role = index.fullest(mention.name, mention.start + 1)
        return _Resolved(full, speaker.start, speaker.end, role)
    if speaker.kind == "noun":
        found = index.resolve_noun(speaker.name, speaker.start)
        if found is not None:
            return _Resolved(found[0], speaker.start, speaker.end, speaker.role)
        return _Resolved(speaker.name, speaker.start, speaker.end, speaker.role)
    full, role = index.fullest(speaker.name, position)
    if speaker.kind == "person":
        index.speakers_seen.add(speaker.name)
    return _Resolved(full, speaker.start, speaker.end, speaker.role or role)


def _prefer(
    after: Attribution | None, before: Attribution | None, full_stop: bool = False
) -> Attribution | None:
    """Pick between the attributions on each side: after wins unless it is a bare pronoun.

    A quote closing its sentence with a full stop ("A B says the plan will
    “work.” C’s aide called it …") belongs to the sentence leading into it: the
    words after it start a new sentence about something else.
    """
    if after is None:
        return before
    if before is None or before.speaker is None:
        return after
    if after.speaker is None or full_stop:
        return before
    if (
        after.speaker is not None
        and after.speaker.kind == "pronoun"
        and before.speaker.kind != "pronoun"
    ):
        return before
    return after


_SENTENCE_BREAK = re.compile(r"[.?!][”\"’']?\s+[A-Z“\"]|\n")


def _shared_after(
    text: str, following: MarkedSpan, end: int, paragraph_end: int
) -> Attribution | None:
    """Return the attribution after the next quote when both sit in one sentence.

    "“A,” in contrast to last year, “B,” says C D": the words between the two
    parts are no attribution, and the one after the second part covers both.
    """
    if following.outer_start > paragraph_end or _SENTENCE_BREAK.search(
        text, end, following.outer_start
    ):
        return None
    close = following.outer_end
    limit = text.find("\n", close)
    found = attribution_after(text, close, paragraph_end if limit < 0 else limit)
    return Attribution(found.cue, found.speaker, "after") if found and found.speaker else None


def _colon_intro(
    text: str, bounds: list[tuple[int, int]], paragraph: int, span: MarkedSpan
) -> Attribution | None:
    """Attribute a paragraph-opening quote introduced by "X said:" in the paragraph before."""
    start, _ = bounds[paragraph]
    if text[start : span.outer_start].strip(" *_") or paragraph == 0:
        return None
    prev_start, prev_end = bounds[paragraph - 1]
    if not text[prev_start:prev_end].rstrip(" *_").endswith((":", "—")):
        return None
    found = attribution_before(text, prev_start, prev_end, where="colon")
    if found is not None:
        return found
    return Attribution(
        ":", leading_subject(text, sentence_tokens(text, prev_start, prev_end)), "colon"
    )


def extract_quotes(text: str, min_confidence: float | None = None) -> list[Quote]:
    """Return every direct quotation in ``text`` with offsets into it.

    Args:
        text: Article text; paragraphs separated by newlines.
        min_confidence: Drop quotes scoring below this; defaults to
            :data:`CONFIDENCE_THRESHOLD`.

    Returns:
        Quotes in document order; ``text[q.start:q.end] == q.text`` always holds.
    """
    threshold = CONFIDENCE_THRESHOLD if min_confidence is None else min_confidence
    spans = find_marked_spans(text)
    if not spans:
        return []
    bounds = paragraph_bounds(text)
    starts = [start for start, _ in bounds]
    index = MentionIndex.build(text)
    index.quoted = [(span.start, span.end) for span in spans]
    house_double = any(not span.single for span in spans)
    quotes: list[Quote] = []
    previous: tuple[int, _Resolved, str] | None = None
    last_kept_end = 0
    for number, span in enumerate(spans):
        paragraph = _paragraph_of(starts, span.outer_start)
        para_start = bounds[paragraph][0]
        following = spans[number + 1].outer_start if number + 1 < len(spans) else len(text)
        preceding = last_kept_end
        end_paragraph_end = bounds[_paragraph_of(starts, max(span.outer_end - 1, 0))][1]
        after = attribution_after(
            text, span.outer_end, min(max(end_paragraph_end, span.outer_end), following)
        )
        before = attribution_before(text, max(para_start, preceding), span.outer_start)
        if before is None and span.open_at is not None:
            before = _colon_intro(text, bounds, paragraph, span)
        if after is None and number + 1 < len(spans) and (before is None or not before.speaker):
            after = _shared_after(text, spans[number + 1], span.outer_end, end_paragraph_end)
        attribution = _prefer(after, before, ends_with_full_stop(text, span.outer_end))
        if attribution is not None and attribution.speaker is None and attribution.cue:
            agent = passive_agent(text, span.outer_start, span.outer_end, end_paragraph_end)
            if agent is not None:  # "was called “…” by the judges"
                attribution = Attribution(attribution.cue, agent, attribution.where)
        confidence = _confidence(text, span, attribution, house_double)
        resolved = _resolve(
            index, attribution.speaker if attribution else None, span.start, (span.start, span.end)
        )
        cue = attribution.cue if attribution else ""
        if (
            not resolved.name
            and previous is not None
            and _continues(text, bounds, previous[0], paragraph, span)
        ):
            resolved, cue = previous[1], cue or previous[2]
            inherited = Attribution(cue, None, "inherit")
            confidence = max(confidence, _confidence(text, span, inherited, house_double))
        signed = signed_quote(text, bounds, paragraph, span) if attribution is None else None
        if signed is not None:
            resolved, cue = _resolve(index, signed, signed.start), "—"
            by_line = Attribution(cue, signed, "after")
            confidence = max(confidence, _confidence(text, span, by_line, house_double))
        if (
            not resolved.name
            and not _group_speaker(attribution)
            and not _relayed(text, attribution)
        ):
            window = max(para_start, preceding)
            alone = not text[para_start : span.outer_start].strip(" *_")
            lookback = max(preceding, bounds[max(paragraph - 2, 0)][0]) if alone else window
            if alone and paragraph > 0:
                resolved = _paragraph_subject(text, index, bounds[paragraph - 1], preceding)
            if not resolved.name:
                resolved = _context_speaker(text, index, window, span.outer_start, lookback)
            if resolved.subject:  # "A B praised the plan for its “bold vision”"
                in_sentence = Attribution("", None, "subject")
                confidence = max(confidence, _confidence(text, span, in_sentence, house_double))
        if resolved.name:
            previous = (paragraph, resolved, cue)
        if confidence < threshold:
            continue
        last_kept_end = span.outer_end
        resolved = _tidy(resolved)
        if _no_speaker(text, resolved.name):
            resolved = _Resolved()  # a sentence's first word, not who speaks
        quotes.append(
            Quote(
                text=text[span.start : span.end],
                start=span.start,
                end=span.end,
                speaker=resolved.name,
                speaker_start=resolved.start,
                speaker_end=resolved.end,
                cue=cue,
                confidence=round(confidence, 3),
                role=resolved.role,
            )
        )
    return quotes


def _paragraph_subject(
    text: str, index: MentionIndex, bounds: tuple[int, int], preceding: int
) -> _Resolved:
    """Return the person the paragraph before a stand-alone quote is about.

    "A B praised the plan on Monday.⏎“We need this.”": a quote paragraph with no
    attribution usually carries the words of the previous paragraph's subject.
    The paragraph must hold no quote of its own (``preceding`` marks the last
    one), or that quote's speaker would have been inherited already.
    """
    start, end = bounds
    if preceding > start:
        return _Resolved()
    first = tokenize(text, start, min(end, start + _SUBJECT_WINDOW))
    subject = leading_subject(text, first)
    if subject is None or subject.kind not in {"person", "org"}:
        return _Resolved()
    return _resolve(index, subject, end)


def _context_speaker(
    text: str, index: MentionIndex, start: int, end: int, lookback: int
) -> _Resolved:
    """Guess the speaker of an unattributed quote from its sentence.

    The subject of the sentence leading into the quote ("A B praised the plan for
    its “…”") is the best guess; failing that, the last person named before it in
    the paragraph, or, for a quote standing alone as a paragraph, in the two
    paragraphs before (a name heading a pull quote).
    """
    sentence = sentence_tokens(text, start, end)
    subject = speech_owner(text, sentence) or leading_subject(text, sentence)
    if subject is not None:
        resolved = _resolve(index, subject, end)
        if resolved.name:
            own = subject.kind == "person" or subject.name.lower() in {"he", "she"}
            return _Resolved(resolved.name, resolved.start, resolved.end, resolved.role, own)
    mention = index.last_person(start, end) or index.last_person(lookback, end)
    if mention is None:
        return _Resolved()
    full, role = index.fullest(mention.name, mention.start + 1)
    return _Resolved(full, mention.start, mention.end, role)


def _continues(
    text: str, bounds: list[tuple[int, int]], prev_paragraph: int, paragraph: int, span: MarkedSpan
) -> bool:
    """Whether an unattributed quote continues the previous speaker's words.

    True for a later quote in the same paragraph, or a quote opening the paragraph
    right after the one holding the previous attributed quote.
    """
    if paragraph == prev_paragraph:
        return True
    if paragraph != prev_paragraph + 1:
        return False
    return not text[bounds[paragraph][0] : span.outer_start].strip(" *_")


__all__ = ["CONFIDENCE_THRESHOLD", "extract_quotes"]
