"""Property tests: the parsers and cleaners survive any input.

Whatever bytes a feed or an article file holds, parsing either returns clean
values or raises :class:`ParseError` with one line; the text cleaners never crash,
never leave a control character (other than newline and tab) and are idempotent,
so cleaning twice (re-ingest, re-analysis) changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from triage.core.errors import ParseError
from triage.core.ingest.articles import parse_article_file, parse_article_text
from triage.core.ingest.feeds import parse_feed
from triage.core.ingest.identity import normalize_url
from triage.core.textclean import clean_line, clean_text, html_to_text

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Text biased towards what breaks cleaners: escapes, controls, markup, entities.
NASTY_PIECES = [
    "\x1b[",
    "\x1b]",
    "\x1b\\",
    "\x07",
    "\x9b",
    "\x9d",
    "\x9c",
    "\x00",
    "\r\n",
    "\r",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\u200b",
    "&#27;",
    "&#x9b;",
    "&amp;",
    "&#",
    "&lt;",
    "<p>",
    "</p>",
    "<br/>",
    "<a ",
    "<!--",
    "-->",
    "<script>",
    "[bold]",
    "[/]",
    "\t",
    "\n\n",
    "  ",
    "e\u0301",
    "\ufb01",
    "2J",
    "0;title",
]
nasty_text = st.lists(
    st.one_of(st.sampled_from(NASTY_PIECES), st.text(max_size=12)), max_size=40
).map("".join)


def no_controls(text: str, allow: str = "\n\t") -> bool:
    """True when ``text`` has no C0/C1 control, DEL or bidi override besides ``allow``."""
    return not any(
        (ord(c) < 32 and c not in allow)
        or 0x7F <= ord(c) <= 0x9F
        or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        for c in text
    )


@FUZZ
@given(nasty_text)
@example("\x1b\x1b[2J")
@example("a\x00\u0301")
@example("e\u0301\u00a2\u00a1")  # composed, "é¢¡" is mojibake of one character
@example("e\x00\u0301\u00a2\u00a1")
def test_clean_text_is_safe_and_idempotent(text: str) -> None:
    once = clean_text(text)
    assert no_controls(once)
    assert clean_text(once) == once
    assert once == once.strip()


@FUZZ
@given(nasty_text)
@example("e\u0301\u00a2\u00a1")
def test_clean_line_is_one_safe_line_and_idempotent(text: str) -> None:
    once = clean_line(text)
    assert no_controls(once, allow="")
    assert "\n" not in once and len(once) <= 1000
    assert clean_line(once) == once or "&" in once  # a literal "&amp;" decodes once more


@FUZZ
@given(nasty_text)
@example("<p>&#" + "9" * 5000 + ";</p>")
def test_html_to_text_never_crashes_or_leaks_controls(markup: str) -> None:
    text = html_to_text(markup)
    assert no_controls(text)
    assert clean_text(text) == text


@FUZZ
@given(nasty_text, st.booleans())
def test_parse_article_text_gives_a_clean_title_and_body(text: str, markdown: bool) -> None:
    title, body = parse_article_text(text, markdown=markdown)
    assert no_controls(title, allow="") and "\n" not in title
    assert no_controls(body)
    assert clean_text(body) == body


@FUZZ
@given(
    st.one_of(st.binary(max_size=300), nasty_text.map(lambda t: t.encode("utf-8"))),
    st.sampled_from(["a.txt", "b.md", "c.html", "d.htm", "e.dat", "f"]),
)
def test_parse_article_file_returns_or_raises_parse_error(data: bytes, name: str) -> None:
    try:
        entry = parse_article_file(Path("fuzz-nonexistent-dir") / name, data)
    except ParseError as exc:
        assert "\n" not in str(exc)
        return
    assert entry.title and no_controls(entry.title, allow="")
    assert no_controls(entry.body)


def rss(title: str, body: str, link: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>{title}</title><link>{link}</link><guid>{title}</guid>"
        f"<description>{body}</description></item></channel></rss>"
    ).encode("utf-8", errors="surrogatepass")


def atom(title: str, body: str, link: str) -> bytes:
    return (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        f'<entry><title type="html">{title}</title><link href="{link}"/><id>{link}</id>'
        f'<content type="html">{body}</content></entry></feed>'
    ).encode("utf-8", errors="surrogatepass")


def json_feed(title: str, body: str, link: str) -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "items": [{"id": link, "url": link, "title": title, "content_html": body}],
        }
    ).encode("utf-8", "surrogatepass")


feed_bytes = st.one_of(
    st.binary(max_size=400),
    st.builds(rss, nasty_text, nasty_text, nasty_text),
    st.builds(atom, nasty_text, nasty_text, nasty_text),
    st.builds(json_feed, nasty_text, nasty_text, nasty_text),
    st.builds(
        lambda b, cut: b[:cut],
        st.builds(rss, nasty_text, nasty_text, nasty_text),
        st.integers(0, 300),
    ),
)


@FUZZ
@given(
    feed_bytes,
    st.sampled_from(
        ["", "application/rss+xml; charset=utf-8", "text/html; charset=latin-1", "application/json"]
    ),
)
def test_parse_feed_returns_or_raises_parse_error(data: bytes, content_type: str) -> None:
    try:
        parsed = parse_feed(data, "http://fuzz.invalid/feed", content_type=content_type)
    except ParseError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for entry in parsed.entries:
        assert no_controls(entry.title, allow="") and no_controls(entry.body)
        # Links and GUIDs are not prose: whitespace is kept, but nothing that drives a tty.
        assert no_controls(entry.link) and no_controls(entry.guid)
        assert no_controls(entry.author, allow="") and no_controls(entry.source, allow="")


urls = st.one_of(
    nasty_text,
    st.builds(
        lambda scheme, host, port, path, query, frag: (
            f"{scheme}://{host}{port}/{path}?{query}#{frag}"
        ),
        st.sampled_from(["http", "HTTPS", "file", "ftp", ""]),
        st.from_regex(r"[A-Za-z0-9.\-]{0,20}", fullmatch=True),
        st.sampled_from(["", ":80", ":443", ":8080", ":0", ":99999", ":x"]),
        nasty_text,
        st.lists(
            st.tuples(
                st.sampled_from(["utm_source", "fbclid", "id", "q", "a b", "&"]),
                st.text(max_size=5),
            )
        ).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs)),
        st.text(max_size=5),
    ),
)


@FUZZ
@given(urls)
@example("http://[::1")
@example("http://host:99999/x")
def test_normalize_url_never_crashes_and_is_stable(url: str) -> None:
    once = normalize_url(url)
    assert isinstance(once, str)
    assert normalize_url(once) == once
