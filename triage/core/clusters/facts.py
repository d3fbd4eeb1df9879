"""Small facts that tell two reports of one topic apart: the weekday and the counts.

Two stories about the same kind of event (two raids on the same coast, two recalls
by the same maker) share their topic words; what differs is *when* ("on Saturday"
against "on Thursday") and *how many* ("23 pirates" against "26 pirates", "died at
95" against "died at 75"). These pure functions turn a story into compact markers
the engine stores beside its years (``d:5`` for a weekday, ``u:pirate=23`` for a
count), and compare two stories' markers.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache

from triage.core.clusters.signals import COMMON_WORDS

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)

_DATE_WORDS = frozenset(
    (
        " ".join(WEEKDAYS)
        + " january february march april may june july august september sept october"
        + " november december jan feb mar apr jun jul aug sep oct nov dec"
        + " mon tue tues wed thu thur thurs fri sat sun"
        + " published updated posted last edited first on at time am pm a p m hrs"
        + " gmt utc et est edt ct cst pt pst bst cet ist aest"
    ).split()
)
"""Words a dateline or time stamp is made of ("Updated: Tue March 3, 2009 8:41 PM ET")."""

_LEAD_END = re.compile(r"(?<=[a-z0-9)\"”])[.!?](?=\s+[A-Z“\"])")

_COUNT = re.compile(
    r"(?<!\d[.,]\s)(?<![\w.,$€£-])[$€£]?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s+(million|billion|thousand))?(?:-|\s+)([a-z][a-z]+)\b",
    re.IGNORECASE,
)
"""A number and the word after it: "23 pirates", "16-year-old", "$2.6 million".

A number right after "digit, space" is the tail of a mis-spaced figure ("1, 000")."""

_NOT_UNITS = frozenset(
    """a an the of to and or in on at for from by with than more less as is was were are
    be been percent per cent am pm gmt utc et est bst""".split()
)
"""Words after a number that say nothing about what was counted."""

_CURRENCY_SIGNS = {"$": "dollar", "€": "euro", "£": "pound"}
_CURRENCY_WORDS = frozenset(
    "dollar dollars euro euros pound pounds sterling yen yuan franc francs rupee rupees".split()
)
"""How a sum names its currency: "$120 million", "90 million euros"."""

_SCORE = re.compile(r"(?<![\w.,/-])(\d{1,3})-(\d{1,3})(?![\w/-])")
"""A result or tally: "beat the Hawks 31-24", "a 5-4 vote"."""

_AGE = re.compile(
    r"(?:\b(?:aged?|at the age of|at|was|is)\s+|[A-Z][a-z]+,\s)(\d{1,3})(?=[,.;)]|\s*$)",
    re.MULTILINE,
)
"""An age as news style writes it: "died at 95", "He was 95.", "Jane Roe, 61, of"."""

_YEARS_OLD = re.compile(r"\b(\d{1,3})[- ]years?[- ]old\b", re.IGNORECASE)
"""An age written as a compound: "a 29-year-old cyclist", "the 6 year old boy"."""

_BACKGROUND_YEAR = re.compile(
    r"\b(?:since|until|before|after|from|of|in)\s+((?:19|20)\d\d)\b"
    r"|\bthe\s+((?:19|20)\d\d)(?=\s+[A-Z])",
    re.IGNORECASE,
)
"""A year that dates the background, not the event: "first title since 2008", "opened
in 1994", "the end of 2006", "the 2008 Dolphins" (a year qualifying a name). A
report dates its own event by day and weekday ("on Tuesday", "Dec. 3, 2031")."""

RATIO = 1.1
"""Counts within this ratio agree (reports round: "about 80 million", "85 million")."""


_LETTERS = re.compile(r"[A-Za-z]+")
_DIGIT = re.compile(r"\d")


def _dateline(line: str) -> bool:
    """Whether ``line`` is only a date or time stamp (publication, not event, time)."""
    return (
        len(line) < 100
        and any(map(str.isdigit, line))
        and sum(w.lower() not in _DATE_WORDS for w in _LETTERS.findall(line)) <= 1
    )


@lru_cache(maxsize=4)
def _lead_lines(title: str, body: str) -> tuple[str, str] | None:
    """The first line of title and body that is no dateline, and the rest of those
    lines joined (None when every line is one); cached, as both the weekdays and
    the actions of a story read its lead."""
    kept = [
        line for line in (title + "\n" + body).split("\n") if line.strip() and not _dateline(line)
    ]
    if not kept:
        return None
    return kept[0], " ".join(kept[1:])


def lead_of(title: str, body: str, sentences: int = 2) -> str:
    """Return the title and the first ``sentences`` sentences of the body, without
    dateline or time-stamp lines (which give the publication day, not the event's)."""
    lines = _lead_lines(title, body)
    if lines is None:
        return ""
    head, rest = lines
    cut = 0
    for _ in range(sentences):
        match = _LEAD_END.search(rest, cut)
        if match is None:
            cut = len(rest)
            break
        cut = match.end()
    return head + "\n" + rest[:cut]


def background_years(text: str, current: int | None = None) -> frozenset[str]:
    """Return the years (``n:2008``) that ``text`` mentions only as background (see
    ``_BACKGROUND_YEAR``; a year also written otherwise, as in a date, is kept): a
    report that recalls an old season or scandal is not dated by it, so such years
    should not clash with the event's own. A year from ``current`` (the year the
    story was published) on is never background: "the 2031 race" in a story of 2031
    is the event's."""
    background = Counter(m.group(1) or m.group(2) for m in _BACKGROUND_YEAR.finditer(text))
    if not background:
        return frozenset()
    every = Counter(re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", text))
    return frozenset(
        f"n:{year}"
        for year, seen in background.items()
        if every[year] <= seen and (current is None or int(year) < current)
    )


def weekdays(title: str, body: str) -> frozenset[str]:
    """Return the weekdays the title and lead name (``d:0`` Monday .. ``d:6`` Sunday):
    the lead says when the event happened."""
    lead = lead_of(title, body)
    return frozenset(f"d:{WEEKDAYS.index(m.lower())}" for m in _WEEKDAY.findall(lead))


def weekdays_conflict(ours: Iterable[str], theirs: Iterable[str], tolerance: int) -> bool:
    """Whether every weekday one lead names is more than ``tolerance`` days from every
    weekday the other names (a report the day after may say "said on Saturday" of a
    Friday event, hence the tolerance)."""
    a, b = _weekday_numbers(frozenset(ours)), _weekday_numbers(frozenset(theirs))
    if not a or not b:
        return False
    return all(min(abs(x - y), 7 - abs(x - y)) > tolerance for x in a for y in b)


@lru_cache(maxsize=4096)
def _weekday_numbers(markers: frozenset[str]) -> tuple[int, ...]:
    """The weekdays among a story's markers, memoised: a stored story's markers are
    compared with every new story it is a candidate for."""
    return tuple(int(m[2:]) for m in markers if m.startswith("d:"))


def counts(text: str, compound_ages: bool = True, currencies: bool = True) -> frozenset[str]:
    """Return the story's counts as ``u:word=number`` markers ("u:pirate=23").

    Years are not counts (they are compared as dates), nor are numbers with a
    leading zero (clock times, "05"). A result "31-24" is one count, ``u:score=31024``
    (the figures' order varies with who is named first). With ``currencies``, a sum
    counts in its currency (``u:million.dollar=120``, ``u:million.euro=90``): reports
    that convert one haul or fine into different currencies do not disagree. With
    ``compound_ages``, "a 29-year-old cyclist" is an age too (``u:age=29``): two
    reports of one kind of accident or arrest whose victims or suspects differ in
    age are two events.
    """
    if _DIGIT.search(text) is None:
        return frozenset()  # every pattern below needs a digit
    found: set[str] = set()
    for match in _COUNT.finditer(text):
        digits, scale, word = match.group(1), match.group(2), match.group(3).lower()
        if digits.startswith("0") or re.fullmatch(r"(?:19|20)\d\d", digits):
            continue
        unit = scale.lower() if scale else word
        if unit in _NOT_UNITS or unit in COMMON_WORDS:
            continue
        if len(unit) > 4 and unit.endswith("s") and not unit.endswith("ss"):
            unit = unit[:-1]
        if currencies:
            unit = _in_currency(unit, match.group(0)[0], word)
        value = float(digits.replace(",", ""))
        found.add(f"u:{unit}={value:g}")
    ages = [_AGE, _YEARS_OLD] if compound_ages else [_AGE]
    for pattern in ages:
        for match in pattern.finditer(text):
            found.add(f"u:age={int(match.group(1))}")
    for match in _SCORE.finditer(text):
        high, low = sorted((int(match.group(1)), int(match.group(2))), reverse=True)
        found.add(f"u:score={high * 1000 + low}")
    return frozenset(found)


def _in_currency(unit: str, sign: str, word: str) -> str:
    """Return ``unit`` qualified by the currency a sum is given in ("million.dollar"
    for "$120 million" or "120 million dollars"), unchanged for a count of things."""
    if unit in _CURRENCY_WORDS:
        return unit.removesuffix("s")
    currency = _CURRENCY_SIGNS.get(sign)
    if currency is None and word in _CURRENCY_WORDS:
        currency = word.removesuffix("s")
    return f"{unit}.{currency}" if currency else unit


@lru_cache(maxsize=4096)
def _by_unit(markers: frozenset[str]) -> Mapping[str, frozenset[float]]:
    """The counts among a story's markers by unit (memoised, see :func:`_weekday_numbers`)."""
    grouped: dict[str, set[float]] = defaultdict(set)
    for marker in markers:
        if marker.startswith("u:"):
            unit, _, value = marker[2:].rpartition("=")
            grouped[unit].add(float(value))
    return {unit: frozenset(values) for unit, values in grouped.items()}


def counts_conflict(ours: Iterable[str], theirs: Iterable[str], ratio: float = RATIO) -> bool:
    """Whether the two stories count the same things differently more often than
    alike (26 pirates against 23; aged 95 against 75)."""
    a, b = _by_unit(frozenset(ours)), _by_unit(frozenset(theirs))
    clash = agree = 0
    for unit in a.keys() & b.keys():
        slack = 1.0 if unit == "score" else ratio  # a result is exact, never rounded
        if any(max(x, y) <= slack * min(x, y) for x in a[unit] for y in b[unit]):
            agree += 1
        else:
            clash += 1
    return clash > agree
