"""Titles of article files: which line, heading or tag of a saved article is its headline.

Saved pages and copied text open with site furniture ("Skip to content", menus in
capitals, cookie prompts, "Breaking News") and sometimes with no headline at all,
only the lede. A line is navigation when it is short and made of the vocabulary of
site chrome, is a run of capitalised menu words or separators, or is a cookie
prompt; such a line is never a title. A line longer than :data:`LEDE_CHARS` is a
lede, not a headline: a shorter heading near the top wins, and when there is none
the title is the lede's opening words.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from triage.core.links import host_of
from triage.core.textclean import clean_line, defuse_markup

LEDE_CHARS = 150
"""A first line longer than this is a lede, not a headline."""
TITLE_CHARS = 110
"""A title made from a lede is cut at a word boundary within this many characters."""
SCAN_LINES = 40
"""How many lines from the top are searched for a headline."""
NAV_MAX_WORDS = 8

# The vocabulary of site chrome in English: menus, account prompts, sharing and media
# player furniture. Matched as whole words, case-insensitively.
_NAV_WORDS = frozenset(
    """
    accessibility links link skip to main content navigation nav menu menus sections section
    search subscribe subscription subscriber sign signin in up out log login logout register
    account my profile home homepage news breaking latest top stories story live watch listen
    video videos audio podcast podcasts share print email follow us more close open toggle
    advertisement advert ad ads sponsored newsletter newsletters alerts notifications
    cookies cookie accept reject consent settings preferences privacy policy terms contact
    about back jump next previous prev page pages loading please wait edition site map sitemap
    help feedback continue reading read the a and or of for your all get app download now
    free trial offer deal digital games puzzles crossword weather sport sports opinion
    business world local national politics culture lifestyle entertainment tech technology
    science health travel food style arts obituaries classifieds jobs events shop store
    trending popular most viewed media source available currently no player play pause mute
    unmute
    full screen fullscreen captions image images photo photos gallery description category
    categories tags tag related topics updated
    """.split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SEPARATORS = re.compile(r"\s[|•·»›/]\s|\s{3,}")
_COOKIE = re.compile(r"\bcookies?\b", re.I)
_COOKIE_PROMPT = re.compile(
    r"\b(accept|consent|agree|we use|uses|use of|manage|preferences|settings|policy)\b", re.I
)
_SENTENCE_END = re.compile(r"[.!?…]['\"”’»)]*$")
_DATELINE = re.compile(r"^[A-ZÀ-Þ][A-ZÀ-Þ .,'’-]{1,40}\s+[—–-]+\s+")
_SITE_SEPARATOR = re.compile(r"\s+(\||::|·|•|»|—|–|-)\s+")
_STRONG_SEPARATORS = frozenset({"|", "::", "·", "•", "»"})
_CLAUSE = re.compile(
    r",\s|;\s|\s[—–]\s|\s(?:to|after|as|amid|while|because|according|which|when|but)\s"
)
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")


def is_navigation(line: str) -> bool:
    """Whether a line is site furniture rather than something an article says.

    Short lines whose words are nearly all chrome vocabulary, menus of capitalised or
    separated items, bare timestamps, and cookie prompts are navigation.
    """
    text = " ".join(line.split())
    words = _WORD.findall(text)
    if not words:
        return True  # digits, timestamps, symbols only
    if _COOKIE.search(text) and _COOKIE_PROMPT.search(text):
        return True
    if len(words) > NAV_MAX_WORDS:
        return len(_SEPARATORS.findall(text)) >= 3  # "Home | News | Sport | ..."
    if _SEPARATORS.search(text):
        return True
    chrome = sum(1 for word in words if word.lower() in _NAV_WORDS)
    if chrome == len(words) or (len(words) >= 3 and chrome / len(words) >= 0.75):
        return True
    letters = [c for c in text if c.isalpha()]
    all_caps = len(letters) > 1 and all(c.isupper() for c in letters)
    return all_caps and len(words) >= 2 and not _SENTENCE_END.search(text)


def _reads_like_headline(line: str) -> bool:
    """A short line with words that is not furniture."""
    return len(line) <= LEDE_CHARS and len(_WORD.findall(line)) >= 2 and not is_navigation(line)


def _is_heading(line: str) -> bool:
    """A headline-like line that does not end like a sentence (a sentence is body text)."""
    return (
        _reads_like_headline(line)
        and len(_WORD.findall(line)) >= 3
        and not _SENTENCE_END.search(line)
        and not line.rstrip().endswith(":")
    )


def title_from_lede(lede: str) -> str:
    """A headline-length title from a lede: its first sentence without a dateline,
    cut at the first clause boundary past a few words, else at a word boundary with
    an ellipsis, when it is still long."""
    text = _DATELINE.sub("", " ".join(lede.split()))
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", text, maxsplit=1)[0]
    if len(sentence) <= TITLE_CHARS:
        return sentence.rstrip(".")
    cuts = [m.start() for m in _CLAUSE.finditer(sentence) if 45 <= m.start() <= TITLE_CHARS]
    if cuts:
        return sentence[: cuts[0]].rstrip(" ,;:")
    head = sentence[: TITLE_CHARS + 1]
    head = head[: head.rfind(" ")] if " " in head else head[:TITLE_CHARS]
    return head.rstrip(" ,;:—–-") + "…"


def text_title(lines: list[str]) -> tuple[str, int] | None:
    """The title of plain text and the index of the line its body starts at.

    The first line that reads like a headline is the title; the navigation above it
    goes with it. When the first line of text is lede-length, a shorter heading among
    the next lines wins; without one the title is made from the lede, which stays
    in the body. None when the text has no line with words.
    """
    first: int | None = None
    for index, raw in enumerate(lines[:SCAN_LINES]):
        line = raw.strip()
        if not line or is_navigation(line):
            continue
        if len(line) <= LEDE_CHARS and _reads_like_headline(line):
            return line, index + 1
        if len(line) > LEDE_CHARS:
            first = index
            break
    if first is None:
        for index, raw in enumerate(lines):
            if raw.strip():
                return raw.strip(), index + 1  # only furniture: better than nothing
        return None
    for index in range(first + 1, min(len(lines), first + 12)):
        line = lines[index].strip()
        if line and _is_heading(line):
            return line, first
    return title_from_lede(lines[first]), first


def markdown_heading(lines: list[str]) -> tuple[str, int] | None:
    """The first level-one ``#`` heading near the top (else the first heading of any
    level) and its line index; None when the text has no heading."""
    found: tuple[str, int] | None = None
    for index, line in enumerate(lines[:SCAN_LINES]):
        match = _MD_HEADING.match(line)
        if match and match.group(2).strip():
            if len(match.group(1)) == 1:
                return match.group(2).strip(), index
            found = found or (match.group(2).strip(), index)
    return found


class _TitleTags(HTMLParser):
    """Collect ``og:title``/``twitter:title``, the first ``<h1>`` and ``<title>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.h1 = ""
        self.title = ""
        self._in: str | None = None
        self._h1_done = False
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = dict(attrs)
            name = (values.get("property") or values.get("name") or "").lower()
            if name in ("og:title", "twitter:title", "og:site_name") and values.get("content"):
                self.meta.setdefault(name, str(values["content"]))
        elif tag in ("script", "style", "noscript", "template", "svg"):
            self._skip += 1
        elif tag == "title" and not self.title:
            self._in = "title"
        elif tag == "h1" and not self._h1_done:
            self._in = "h1"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template", "svg"):
            self._skip = max(0, self._skip - 1)
        elif tag == self._in:
            if tag == "h1":
                self._h1_done = bool(self.h1.strip())
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._skip or self._in is None:
            return
        if self._in == "title":
            self.title += data
        else:
            self.h1 += data


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def strip_site_suffix(title: str, site: str = "", url: str = "") -> str:
    """A page title without the outlet's name (``Headline | Outlet``, ``Headline - Outlet``).

    The last part after a separator goes when it names the site (``og:site_name`` or
    the host), or when it is short and the separator is one sites use (``|``, ``·``,
    ``»``, ``::``); a dash part goes only when it names the site or is a short run of
    capitalised words after a longer headline.
    """
    names = {_squash(site)} if site else set()
    host = host_of(url)
    labels = [label for label in host.split(".") if label not in ("www", "com", "co", "org")]
    names.update(_squash(label) for label in labels if len(label) > 2)
    names.discard("")
    text = " ".join(title.split())
    for _ in range(3):
        matches = list(_SITE_SEPARATOR.finditer(text))
        if not matches:
            break
        last = matches[-1]
        head, separator, tail = text[: last.start()], last.group(1), text[last.end() :]
        tail_words = _WORD.findall(tail)
        names_site = any(name in _squash(tail) for name in names)
        short = 0 < len(tail_words) <= 4 and len(tail) <= 40
        capitalised = bool(tail_words) and all(w[0].isupper() for w in tail_words)
        longer_head = len(_WORD.findall(head)) >= 3
        strong = separator in _STRONG_SEPARATORS
        dash_name = capitalised and len(tail_words) <= 3
        if names_site or (short and longer_head and (strong or dash_name)):
            text = head
        else:
            break
    # "Outlet | Headline": a leading part that names the site.
    parts = _SITE_SEPARATOR.split(text, maxsplit=1)
    if len(parts) == 3 and names and _squash(parts[0]) in names:
        text = parts[2]
    return text.strip()


def html_title(markup: str, site: str = "", url: str = "") -> str:
    """A saved page's headline: ``og:title``, else ``<h1>``, else ``<title>``, each
    without the site's name, skipping any that is empty, navigation or the site's
    name alone; empty when the page names none."""
    parser = _TitleTags()
    try:
        parser.feed(defuse_markup(markup[:2_000_000]))
        parser.close()
    except (AssertionError, ValueError):  # pragma: no cover - HTMLParser is lenient
        pass
    site = site or parser.meta.get("og:site_name", "")
    candidates = (
        parser.meta.get("og:title", ""),
        parser.meta.get("twitter:title", ""),
        parser.h1,
        parser.title,
    )
    for candidate in candidates:
        text = clean_line(strip_site_suffix(candidate, site, url))
        if not text or is_navigation(text) or (site and _squash(text) == _squash(site)):
            continue
        return text
    return ""
