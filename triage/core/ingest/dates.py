"""Publication dates from hostile feeds: read what can be read, distrust the absurd.

feedparser reads the RFC 822 / ISO 8601 / W3C dates most feeds give. What it
cannot read (``Seg, 24 Set 2018``, other languages' day and month names) goes to
``dateparser`` with the feed's language as a hint. Whatever the parser, a date
before 1990 or more than a day in the future is not trusted: Go and Hugo feeds
emit ``0001-01-01``, broken CMSs ``9999-12-31``, and a date in the future would pin
a story to the top of the desk. Such an entry is *undated*: it keeps its first-seen
time and a flag, it is never stamped "now" again.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from feedparser.datetimes import _parse_date as _feedparser_date

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
"""No news story in a feed predates this; earlier dates are placeholders."""

FUTURE_SLACK = timedelta(days=1)
"""How far ahead of the clock a date may be (time zones, clock skew)."""

MAX_DATE_CHARS = 200
"""A date string longer than this is not a date (and would make parsing slow)."""

_LANG = re.compile(r"^[a-z]{2,3}")


def trustworthy(moment: datetime | None, now: datetime) -> datetime | None:
    """``moment`` as aware UTC when it is a plausible publication time, else None."""
    if moment is None:
        return None
    try:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError, OSError):
        return None
    if moment < EARLIEST or moment > now + FUTURE_SLACK:
        return None
    return moment.replace(microsecond=0)


def _language_hint(language: object) -> list[str] | None:
    match = _LANG.match(str(language or "").strip().lower())
    return [match.group(0)] if match else None


def parse_date_text(text: object, language: object = "") -> datetime | None:
    """A date string in any common format or language as aware UTC, or None.

    feedparser's parsers are tried first; ``dateparser`` (imported only when
    needed) reads the rest, hinted by the feed's language when it names one.
    Nothing raises: an unreadable or overflowing date is None.
    """
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text or len(text) > MAX_DATE_CHARS:
        return None
    try:
        parsed = _feedparser_date(text)
    except Exception:
        parsed = None
    if parsed:
        from calendar import timegm

        try:
            return datetime.fromtimestamp(timegm(parsed), UTC)
        except (OverflowError, ValueError, OSError):
            return None
    return _dateparser(text, _language_hint(language))


def _dateparser(text: str, languages: list[str] | None) -> datetime | None:
    import dateparser  # lazily: only dates feedparser cannot read need it

    # no relative-time parser: "2 days ago" in a feed's date field is not a date
    settings: Any = {
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TIMEZONE": "UTC",
        "PREFER_DAY_OF_MONTH": "first",
        "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
    }
    for langs in [languages, None] if languages else [None]:
        try:
            result = dateparser.parse(text, languages=langs, settings=settings)
        except Exception:
            result = None
        if isinstance(result, datetime):
            try:
                return result.astimezone(UTC)
            except (OverflowError, ValueError, OSError):
                return None
    return None
