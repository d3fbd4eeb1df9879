"""Hostile content: nothing a feed or article says can drive the editor's terminal.

Feed text is attacker-controlled. These tests put Rich markup, ANSI/OSC escape
sequences, 8-bit controls, bidi overrides, NUL bytes, a megabyte-long line and
XML entity tricks into article files and feed files, ingest them with the real
CLI, then print them with every read command while Rich believes it talks to a
colour terminal. Only Rich's own SGR styling may reach the output; markup must
appear as literal text; entities must not expand or read files.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_triage

from triage.core.desk import Desk
from triage.core.ingest.articles import parse_article_text
from triage.core.ingest.feeds import parse_feed
from triage.core.textclean import (
    MAX_TEXT_CHARS,
    clean_line,
    clean_text,
    html_to_text,
    strip_controls,
)

MARKUP = {
    "style": "[bold red]ALERT[/]",
    "link": "[link=file:///etc/passwd]x[/link]",
    "click": "[@click=app.quit]x[/]",
    "stray": "closing [/] alone",
}
#: Escape sequences and controls, with the visible text that must survive them.
ESCAPES = {
    "sgr colour": ("\x1b[31mred\x1b[0m", "red"),
    "window title": ("\x1b]0;pwned\x07", ""),
    "window title ST": ("\x1b]2;pwned\x1b\\", ""),
    "osc 8 link": ("\x1b]8;;http://evil.invalid/\x1b\\click\x1b]8;;\x1b\\", "click"),
    "clear screen": ("\x1b[2J", ""),
    "8-bit csi": ("\x9b2J", ""),
    "8-bit osc": ("\x9d0;pwned\x9c", ""),
    "full reset": ("\x1bc", ""),
    "bidi override": ("\u202egnp.exe", "gnp.exe"),
    "bidi isolate": ("\u2067x\u2069", "x"),
    "nul": ("a\x00b", "ab"),
    "bell and backspace": ("a\x07\x08b", "ab"),
    "dcs": ("\x1bPq#0;2;0;0;0\x1b\\", ""),
}
SGR = re.compile(r"\x1b\[[0-9;]*m")
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
PASSWD_MARK = "root:x:0:0"
TERMINAL_ENV = {"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "COLUMNS": "400", "LINES": "50"}
ALL_ESCAPES = "".join(raw for raw, _ in ESCAPES.values())


def unsafe_chars(text: str) -> list[str]:
    """Characters (as U+XXXX) that could control a terminal, after Rich's own SGR."""
    bare = SGR.sub("", text)
    return sorted(
        {
            f"U+{ord(c):04X}"
            for c in bare
            if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F or c in BIDI
        }
    )


# -- textclean, one sequence kind at a time ------------------------------------


@pytest.mark.parametrize("kind", list(ESCAPES))
def test_strip_controls_removes_whole_sequences(kind: str) -> None:
    raw, visible = ESCAPES[kind]
    assert strip_controls(f"<{raw}>") == f"<{visible}>"
    assert clean_line(f"before {raw} after") == " ".join(f"before {visible} after".split())
    assert clean_text(f"para {raw}\n\nnext") == " ".join(f"para {visible}".split()) + "\n\nnext"
    assert not unsafe_chars(clean_line(raw) + clean_text(raw) + html_to_text(f"<p>{raw}</p>"))


@pytest.mark.parametrize("kind", list(MARKUP))
def test_rich_markup_is_kept_as_literal_text(kind: str) -> None:
    assert clean_line(MARKUP[kind]) == MARKUP[kind]
    assert html_to_text(f"<p>{MARKUP[kind]}</p>") == MARKUP[kind]


def test_character_references_cannot_smuggle_escapes() -> None:
    """References are decoded before cleaning, so no control survives.

    HTML5 decoding drops ``&#27;`` (leaving a harmless literal ``[2J``) and maps
    ``&#x9b;`` to the Windows-1252 character "›"; either way no ESC or C1 byte.
    """
    assert clean_line("a&#27;[2Jb&#x9b;2Jc&#8238;d") == "a[2Jb\u203a2Jcd"
    assert not unsafe_chars(html_to_text("<p>a&#27;]0;pwned&#7;b&#x1b;[2J</p>"))


def test_huge_numeric_reference_does_not_crash() -> None:
    """Thousands of digits used to raise ValueError inside ``html.unescape``."""
    assert clean_line("&#" + "9" * 6000 + "; ok") == "\ufffd ok"
    assert html_to_text("<p>&#" + "9" * 6000 + ";</p>") == "\ufffd"


def test_megabyte_line_is_capped() -> None:
    line = "word " * 200_000 + "\x1b[2J"
    title, body = parse_article_text(line + "\n" + line)
    assert len(title) <= 1000 and len(body) <= MAX_TEXT_CHARS
    assert not unsafe_chars(title + body)


#: Inputs that made CPython's HTMLParser or feedparser's sanitiser rescan the rest
#: of the text for each construct (quadratic); 200 KB of them took hours before.
PATHOLOGICAL = {
    "unclosed tags": "<p>" + "<a " * 70_000,
    "unclosed comments": "<p>" + "<!--" * 50_000,
    "bare brackets": "<p>" + "<" * 200_000,
    "declarations": "<p>" + "<!x" * 70_000,
}
BOUND_SCRIPT = """
import sys
from triage.core.textclean import html_to_text, html_document_text
from triage.core.ingest.feeds import parse_feed
text = sys.stdin.read()
html_to_text(text)
html_document_text(text)
escaped = text.replace("&", "&amp;").replace("<", "&lt;")
feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        '<title>x</title><link>http://x.invalid/1</link><description>' + escaped
        + '</description></item></channel></rss>')
print(len(parse_feed(feed.encode(), "file:///bound.xml").entries))
"""


def _limited_memory() -> None:
    """Run a child with at most 1 GB of address space."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize("kind", list(PATHOLOGICAL))
def test_pathological_html_is_bounded(kind: str) -> None:
    """Each cleaner finishes a 200 KB pathological input (bounded by a hang guard)."""
    done = subprocess.run(
        [sys.executable, "-c", BOUND_SCRIPT],
        input=PATHOLOGICAL[kind],
        text=True,
        capture_output=True,
        timeout=60,
        preexec_fn=_limited_memory,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "1"


# -- XML entity tricks ---------------------------------------------------------


def billion_laughs(levels: int = 10, one_line: bool = True) -> bytes:
    sep = "" if one_line else "\n"
    entities = sep.join(
        f'<!ENTITY lol{i} "' + (f"&lol{i - 1};" if i else "lol") * 10 + '">' for i in range(levels)
    )
    return (
        f'<?xml version="1.0"?>{sep}<!DOCTYPE rss [{sep}{entities}{sep}]>{sep}'
        '<rss version="2.0"><channel><title>Laughs</title>'
        f"<item><title>Laugh &lol{levels - 1}; end</title><link>http://x.invalid/lol</link>"
        f"<description>Body &lol{levels - 1};</description></item></channel></rss>"
    ).encode()


def external_entity() -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>External</title>'
        b"<item><title>Leak &xxe; here</title><link>http://x.invalid/xxe</link>"
        b"<description>Passwd: &xxe;</description></item></channel></rss>"
    )


@pytest.mark.parametrize("one_line", [True, False])
def test_entity_expansion_stays_small(one_line: bool) -> None:
    [entry] = parse_feed(billion_laughs(one_line=one_line), "file:///lol.xml").entries
    assert "lollollol" not in entry.title + entry.body
    assert len(entry.title) < 100 and len(entry.body) < 100


def test_external_entities_are_not_resolved() -> None:
    [entry] = parse_feed(external_entity(), "file:///xxe.xml").entries
    assert PASSWD_MARK not in entry.title + entry.body + entry.summary
    assert entry.title.startswith("Leak")


# -- the whole CLI on a hostile desk -------------------------------------------


def write_sources(root: Path) -> list[Path]:
    """Article files, an RSS file, a JSON Feed and an OPML file full of hostile text."""
    articles = root / "articles"
    articles.mkdir(parents=True)
    for n, (kind, markup) in enumerate(MARKUP.items()):
        raw = list(ESCAPES.values())[n][0]
        (articles / f"markup-{kind}.txt").write_bytes(
            (
                f"Harbour {markup} {raw} notice {n}\n\n"
                f"The port authority said cranes stopped. {ALL_ESCAPES}\n\n"
                f'"{markup} We will reopen on Monday{raw}," said Dana Okafor, '
                "the harbour master.\n"
            ).encode()
        )
    (articles / "megaline.txt").write_text("harbour " * 130_000 + "\n" + "crane " * 200_000)
    refs = "".join(f"&#{ord(c)};" for c in "\x1b]0;pwned\x07\x1b[2J\u202e")
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {refs}</title><link>http://x.invalid/</link>"
        f"<item><title>Harbour refs {refs} [bold red]RSS[/]</title>"
        f"<link>http://x.invalid/rss{refs}</link><author>Eve {refs}</author>"
        f"<description>&lt;p&gt;Body {refs} [link=file:///etc/passwd]x[/link]&lt;/p&gt;"
        "</description></item></channel></rss>"
    )
    (root / "refs.xml").write_text(rss, encoding="utf-8")
    json_feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON \x1b]0;pwned\x07 outlet",
        "items": [
            {
                "id": "json-1\u202e",
                "url": "http://x.invalid/json\x1b]8;;http://evil.invalid\x1b\\",
                "title": "Harbour json \x9b2J [@click=app.quit]x[/]",
                "content_text": "Text \x00 with NUL \x1b[2J and clear",
                "authors": [{"name": "Mallory \x1b[5mblink"}],
            }
        ],
    }
    (root / "items.json").write_text(json.dumps(json_feed), encoding="utf-8")
    (root / "laughs.xml").write_bytes(billion_laughs())
    (root / "external.xml").write_bytes(external_entity())
    opml = (
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline text="[bold red]Pwn[/] &#x202E;lanruoj" xmlUrl="http://x.invalid/f.xml"/>'
        "</body></opml>"
    )
    (root / "subs.opml").write_text(opml, encoding="utf-8")
    return [
        articles,
        root / "refs.xml",
        root / "items.json",
        root / "laughs.xml",
        root / "external.xml",
    ]


@pytest.fixture(scope="module")
def hostile_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("hostile")
    sources = write_sources(root / "sources")
    desk_dir = root / "desk"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "triage.cli",
            "--index",
            str(desk_dir),
            "ingest",
            *map(str, sources),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limited_memory,
    )
    assert done.returncode == 0, done.stderr
    imported = run_triage(
        "--index", str(desk_dir), "feeds", "import", str(root / "sources" / "subs.opml")
    )
    assert imported.returncode == 0, imported.stderr
    yield desk_dir


def run_on_terminal(desk_dir: Path, *args: str) -> str:
    """Run a read command with Rich forced into colour-terminal mode; return stdout."""
    env = {**os.environ, **TERMINAL_ENV}
    env.pop("NO_COLOR", None)
    done = run_triage("--index", str(desk_dir), *args, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert not unsafe_chars(done.stderr)
    return done.stdout


def story_ids(desk_dir: Path) -> list[str]:
    desk = Desk(desk_dir)
    try:
        return [s.id for s in desk.store.iter_stories()]
    finally:
        desk.close()


def test_store_holds_no_control_characters(hostile_desk: Path) -> None:
    desk = Desk(hostile_desk)
    try:
        stories = list(desk.store.iter_stories())
        assert len(stories) == len(MARKUP) + 5
        for story in stories:
            fields = [
                story.title,
                story.body,
                story.summary,
                story.author,
                story.source,
                story.url,
                story.guid,
            ]
            assert not unsafe_chars("".join(fields)), story.title
            assert PASSWD_MARK not in "".join(fields)
            assert len(story.title) <= 1000 and len(story.body) <= MAX_TEXT_CHARS
        for quote in desk.quotes.for_stories([s.id for s in stories]):
            assert not unsafe_chars(quote.quote.text + quote.quote.speaker)
    finally:
        desk.close()


@pytest.mark.parametrize(
    "args",
    [
        ("search", "harbour", "--limit", "50"),
        ("search", "*", "--sort", "date", "--limit", "50"),
        ("clusters",),
        ("quotes",),
        ("feeds", "list"),
    ],
    ids=lambda a: " ".join(a),
)
def test_read_commands_print_nothing_but_styling(hostile_desk: Path, args: tuple[str, ...]) -> None:
    out = run_on_terminal(hostile_desk, *args)
    assert SGR.search(out), "Rich was not in terminal mode, so the test proves nothing"
    assert not unsafe_chars(out)
    assert PASSWD_MARK not in out and "pwned" not in out


def test_markup_is_printed_literally(hostile_desk: Path) -> None:
    bare = SGR.sub("", run_on_terminal(hostile_desk, "search", "harbour", "--limit", "50"))
    for markup in ("[bold red]ALERT[/]", "[@click=app.quit]x[/]", "[/]", "[bold red]RSS[/]"):
        assert markup in bare
    assert "[link=file:///etc/passwd]x[/link]" in bare
    assert "[bold red]Pwn[/]" in SGR.sub("", run_on_terminal(hostile_desk, "feeds", "list"))


def test_show_and_json_outputs_are_clean(hostile_desk: Path) -> None:
    for story_id in story_ids(hostile_desk):
        out = run_on_terminal(hostile_desk, "show", story_id)
        assert not unsafe_chars(out) and "pwned" not in out
    for args in (
        ("search", "*", "--json", "--limit", "50"),
        ("clusters", "--json"),
        ("quotes", "--json"),
        ("feeds", "list", "--json"),
    ):
        out = run_on_terminal(hostile_desk, *args)
        assert not unsafe_chars(out)
        assert "\\u001b" not in out and "\\u009b" not in out, "escapes stored, then escaped"
        json.loads(out)


def test_a_style_sheet_escaped_into_visible_text_is_not_read_as_prose() -> None:
    """A CMS that writes ``&lt;!--`` inside an entry's HTML shows its style sheet as
    text; its class names and fonts are not words of the story (nor its speakers)."""
    style = '&lt;!--.item_d6{font-family:"Segoe UI",Roboto,sans-serif}--&gt;'
    cut_short = "&lt;!--@font-face { font-family: Roboto; src: local(x)"
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Escaped</title>'
        "<item><title>Harbour cranes stop</title><link>https://example.com/a</link>"
        "<description><![CDATA[<p>The port said cranes stopped.</p>"
        f"{style}<p>Work resumes on Monday.</p>{cut_short}]]></description></item>"
        "</channel></rss>"
    ).encode()
    [entry] = parse_feed(rss, "file:///escaped.xml").entries
    assert "Roboto" not in entry.body and "font-family" not in entry.body
    assert "The port said cranes stopped." in entry.body
    assert "Work resumes on Monday." in entry.body
