"""Property: whatever dates, URLs and field types a source holds, the desk stays readable.

Hypothesis writes one source of every kind (RSS, Atom, JSON Feed, a .txt and a .md
article with front matter, an .html page, an OPML list) from arbitrary dates, URLs
and values of any JSON type, ingests them with the real CLI into a fresh desk, and
asserts that search, show, export in every format, recluster and clusters succeed
and print nothing that could drive a terminal.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_hostile_content import unsafe_chars

from triage.cli import main

HOSTILE_URLS = [
    "javascript:alert(1)",
    "file:///etc/passwd",
    "--renderer-cmd-prefix=/tmp/x.sh",
    "https://example.org/a)<script>alert(1)</script>",
    "http://[::1",
    "https://example.org/\x1b]52;c;eA==\x07",
    '=HYPERLINK("http://evil.invalid")',
    "",
]
LIMIT_DATES = [
    "Mon, 01 Jan 0001 00:00:00 +0000",
    "Fri, 31 Dec 9999 23:59:59 +0000",
    "9999-12-31T23:59:59-05:00",
    "0001-01-01T00:00:00+05:00",
    "2024-02-30T10:00:00Z",
    "99999-01-01",
    "1e308",
    "",
]

text = st.text(max_size=40)
dates = st.one_of(st.sampled_from(LIMIT_DATES), text, st.datetimes().map(lambda d: d.isoformat()))
urls = st.one_of(
    st.sampled_from(HOSTILE_URLS),
    text,
    st.text(max_size=20).map(lambda t: f"https://example.org/{t}"),
)
json_values: st.SearchStrategy[Any] = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)),
    max_leaves=6,
)


def _xml_text(value: str) -> str:
    """``value`` as XML character data (characters XML 1.0 forbids become U+FFFD)."""
    allowed = "".join(
        c if c in "\t\n\r" or 0x20 <= ord(c) <= 0xD7FF or 0xE000 <= ord(c) <= 0xFFFD else "\ufffd"
        for c in value
    )
    return escape(allowed)


def _one_line(value: str) -> str:
    return " ".join(value.replace("---", "-").split())


@st.composite
def sources(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "title": draw(text),
        "date": draw(dates),
        "url": draw(urls),
        "guid": draw(text),
        "author": draw(text),
        "json": {
            key: draw(json_values | dates | urls)
            for key in (
                "id",
                "url",
                "title",
                "date_published",
                "date_modified",
                "authors",
                "content_text",
                "content_html",
                "summary",
                "author",
            )
        },
    }


def _write(folder: Path, s: dict[str, Any]) -> list[Path]:
    title, date, url = _xml_text(s["title"]), _xml_text(s["date"]), _xml_text(s["url"])
    guid, author = _xml_text(s["guid"]), _xml_text(s["author"])
    rss = folder / "f.rss"
    rss.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>R</title>'
        f"<item><title>{title} harbour</title><link>{url}</link><guid>{guid}</guid>"
        f"<author>{author}</author><pubDate>{date}</pubDate>"
        "<description>The harbour reopened.</description></item>"
        f"<item><title>Second {title}</title><guid>{guid}</guid><pubDate>{date}</pubDate>"
        "<description>Another harbour item.</description></item></channel></rss>",
        encoding="utf-8",
    )
    atom = folder / "f.atom"
    atom.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>A</title><entry><title>{title} atom</title><link href={quoteattr(s['url'])}/>"
        f"<id>{guid}</id><updated>{date}</updated><published>{date}</published>"
        f"<author><name>{author}</name></author><content type='html'>&lt;p&gt;Atom "
        "harbour body.&lt;/p&gt;</content></entry></feed>",
        encoding="utf-8",
    )
    feed = folder / "f.json"
    feed.write_text(
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": s["title"],
                "items": [s["json"], {"id": "ok", "title": "Plain json harbour item"}],
            }
        ),
        encoding="utf-8",
    )
    front = (
        f"---\ntitle: {_one_line(s['title'])}\ndate: {_one_line(s['date'])}\n"
        f"url: {_one_line(s['url'])}\nsource: {_one_line(s['author'])}\n---\n"
    )
    (folder / "a.txt").write_text(front + "Text headline here\n\nThe harbour body.\n")
    (folder / "b.md").write_text(front + "# Markdown headline\n\nThe harbour body.\n")
    (folder / "c.html").write_text(
        f"<html><head><meta property='article:published_time' content={quoteattr(s['date'])}>"
        f"<meta property='og:url' content={quoteattr(s['url'])}><title>{title}</title></head>"
        f"<body><h1>{title} page</h1><p>The harbour page body with several words.</p></body></html>"
    )
    opml = folder / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        f"<outline text={quoteattr(_xml_text(s['title']))}"
        f" xmlUrl={quoteattr(_xml_text(s['url']))}/>"
        "</body></opml>"
    )
    return [rss, atom, feed, folder / "a.txt", folder / "b.md", folder / "c.html"]


def _run(capsys: Any, desk: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    status = main(["--index", str(desk), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err, (args, err)
    assert not unsafe_chars((out + err).replace("\r\n", "\n")), (args, unsafe_chars(out + err))
    return status, out


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sources())
def test_any_source_leaves_the_desk_readable(capsys: Any, s: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory(prefix="triage-property-") as root:
        folder = Path(root) / "in"
        folder.mkdir()
        paths = _write(folder, s)
        desk = Path(root) / "desk"
        status, _ = _run(capsys, desk, "ingest", *map(str, paths))
        assert status in (0, 1)  # a source may fail; the command and the desk may not
        status, out = _run(capsys, desk, "search", "--json", "--all", "--limit", "100", "*")
        assert status == 0
        rows = json.loads(out)
        # the plain JSON item and the articles (files sharing a web link are one story)
        titles = {row["title"] for row in rows}
        assert "Plain json harbour item" in titles and len(rows) >= 2, titles
        for row in rows:
            assert _run(capsys, desk, "show", row["id"])[0] == 0
        for args in (
            ("search", "harbour"),
            ("export", "--format", "md"),
            ("export", "--format", "csv"),
            ("export", "--format", "json"),
            ("recluster",),
            ("clusters",),
            ("feeds", "import", str(folder / "subs.opml")),
            ("feeds", "list"),
        ):
            status, _ = _run(capsys, desk, *args)
            assert status == 0 or args[0] == "feeds", args
