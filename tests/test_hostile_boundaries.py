"""Every string that reaches the terminal passed one sanitiser where it entered.

Paths the ingest cleaner never saw: a front-matter ``url:``, ``triage quotes
--file``, ``feeds add --name``, an OPML ``xmlUrl``/``title``, error lines that
echo input, and strings an older desk stored raw.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from test_hostile_content import unsafe_chars

from triage.core.desk import Desk
from triage.core.models import Story

OSC52 = "\x1b]52;c;cHduZWQ=\x07"
NASTY = f"{OSC52}\x1b]0;pwned\x07\x1b[2J\x9b2J\x9d0;x\x9c\u202e"


def _clean(*outputs: str) -> None:
    for out in outputs:
        out = out.replace("\r\n", "\n")  # CSV rows end in CRLF (RFC 4180)
        assert not unsafe_chars(out), (unsafe_chars(out), out[:300])
        assert "pwned" not in out and "cHduZWQ" not in out


def test_front_matter_url_never_reaches_show_or_export(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "a.md"
    article.write_text(
        f"---\nurl: https://example.org/x{NASTY}\nsource: Out{NASTY}let\n---\n"
        "# Harbour headline\n\nThe harbour reopened.\n"
    )
    assert cli("ingest", str(article)).status == 0
    rows = cli("search", "--json", "*").json()
    story_id = rows[0]["id"]  # type: ignore[index]
    outs = [cli("show", story_id), cli("show", "--json", story_id)]
    outs += [cli("export", "--format", fmt) for fmt in ("md", "csv", "json")]
    outs += [cli("search", "harbour"), cli("search", "--json", "harbour")]
    for done in outs:
        assert done.status == 0, done.err
        _clean(done.out, done.err)


def test_quotes_from_a_file_print_no_escapes(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hostile = tmp_path / f"q{NASTY[:8]}.txt"
    hostile.write_text(
        f"Harbour news\n\n\u201cWe will reopen{NASTY} on Monday,\u201d said Dana{NASTY} Okafor.\n"
    )
    for args in (("quotes", "--file", str(hostile)), ("quotes", "--json", "--file", str(hostile))):
        done = cli(*args)
        assert done.status == 0, done.err
        assert "reopen" in done.out
        _clean(done.out, done.err)


def test_feed_name_and_error_lines_are_clean(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("feeds", "add", "https://example.org/feed.xml", "--name", f"Name{NASTY}").status == 0
    for args in (("feeds", "list"), ("feeds", "list", "--json"), ("feeds", "export")):
        done = cli(*args)
        assert done.status == 0, done.err
        assert "Name" in done.out
        _clean(done.out, done.err)
    for args in (
        ("ingest", f"ftp://x{NASTY}"),
        ("ingest", str(tmp_path / f"missing{NASTY}")),
        ("show", f"id{NASTY}"),
        ("feeds", "add", f"https://x{NASTY}"),
        ("feeds", "remove", f"https://x{NASTY}"),
        ("search", f"published:{NASTY}"),
    ):
        done = cli(*args)
        assert done.status != 0, args
        assert "Traceback" not in done.err
        for out in (done.out, done.err):  # a repr()'d echo ("\\x1b") is harmless text
            assert not unsafe_chars(out), (args, out)


def test_opml_url_and_title_are_clean_and_bad_urls_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline text="Good&#x202E; feed&#x9b;2J" xmlUrl="https://example.org/good.xml"/>'
        '<outline text="Bidi" xmlUrl="https://example.org/&#x202E;lmx.xml&#x9b;2J"/>'
        '<outline text="File" xmlUrl="file:///etc/passwd"/>'
        "</body></opml>"
    )
    done = cli("feeds", "import", str(opml))
    assert done.status == 0, done.err
    _clean(done.out, done.err)
    assert "file:///etc/passwd" in done.err  # refused, and said so
    listed = cli("feeds", "list", "--json").json()
    assert [f["url"] for f in listed] == ["https://example.org/good.xml"]  # type: ignore[index]
    _clean(cli("feeds", "list").out, json.dumps(listed, ensure_ascii=False))


def test_strings_an_older_desk_stored_raw_are_printed_clean(cli) -> None:  # type: ignore[no-untyped-def]
    desk = Desk(cli.index)
    try:
        story = Story(
            id="raw0",
            title="Raw harbour title",
            url=f"https://example.org/{NASTY}",
            source=f"Src{NASTY}",
            published=datetime(2024, 1, 1, tzinfo=UTC),
            body=f"Harbour body {NASTY} text.",
            author=f"Au{NASTY}",
        )
        with desk.store.write() as conn:  # as an older version wrote it: no sanitiser
            desk.store.upsert_story(story, "url:raw", "h")
            conn.execute(
                "UPDATE stories SET url = ?, source = ?, body = ?, author = ? WHERE id = 'raw0'",
                (story.url, story.source, story.body, story.author),
            )
    finally:
        desk.close()
    for args in (
        ("show", "raw0"),
        ("show", "--json", "raw0"),
        ("search", "harbour"),
        ("search", "--json", "harbour"),
        ("export", "--format", "md"),
    ):
        done = cli(*args)
        assert done.status == 0, done.err
        _clean(done.out, done.err)


def test_opml_private_addresses_are_listed_and_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    opml = tmp_path / "lan.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline text="Public" xmlUrl="https://93.184.215.14/feed.xml"/>'
        '<outline text="Loop" xmlUrl="http://127.0.0.1:9/admin"/>'
        '<outline text="Lan" xmlUrl="http://192.168.1.1/rss"/>'
        '<outline text="Meta" xmlUrl="http://169.254.169.254/latest/meta-data/"/>'
        '<outline text="Six" xmlUrl="http://[::1]/feed"/>'
        '<outline text="Name" xmlUrl="http://localhost/feed"/>'
        "</body></opml>"
    )
    done = cli("feeds", "import", str(opml))
    assert done.status == 0, done.err
    for host in ("127.0.0.1", "192.168.1.1", "169.254.169.254", "[::1]", "localhost"):
        assert host in done.err
    urls = [f["url"] for f in cli("feeds", "list", "--json").json()]  # type: ignore[union-attr]
    assert urls == ["https://93.184.215.14/feed.xml"]
    lan = tmp_path / "lan-only.opml"
    lan.write_text(opml.read_text().replace("https://93.184.215.14/feed.xml", "http://10.0.0.1/"))
    ingest = cli("ingest", str(lan))  # ingest of an OPML file refuses them too, fetching none
    assert ingest.status == 1 and "127.0.0.1" in ingest.err and "private" in ingest.err
    assert cli("feeds", "import", "--allow-private", str(opml)).status == 0
    assert len(cli("feeds", "list", "--json").json()) == 6  # type: ignore[arg-type]


def test_a_feed_name_given_with_add_reaches_search_clean(cli, httpserver) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request("/feed.xml").respond_with_data(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Own</title>'
        "<item><title>Harbour fetched item</title><link>https://example.org/f1</link>"
        "<description>The harbour reopened.</description></item></channel></rss>",
        content_type="application/rss+xml",
    )
    url = httpserver.url_for("/feed.xml")
    assert cli("feeds", "add", url, "--name", f"Named{NASTY}").status == 0
    assert cli("fetch").status == 0
    rows = cli("search", "--json", "harbour").json()
    assert rows[0]["source"].startswith("Named")  # type: ignore[index]
    for args in (("search", "harbour"), ("search", "--json", "harbour"), ("feeds", "list")):
        done = cli(*args)
        assert done.status == 0, done.err
        _clean(done.out, done.err)


def test_links_the_url_parser_refuses_cost_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An unclosed IPv6 bracket or a port that is no number makes ``urlsplit`` raise:
    in an article's link, a page's og:url or a feed item, each source still lands."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.html").write_text(
        "<html><head><title>Harbour pilots strike | Wire</title>"
        '<meta property="og:url" content="http://[::1"></head>'
        "<body><h1>Harbour pilots strike</h1><p>The pilots stopped work at dawn.</p></body></html>"
    )
    (folder / "b.md").write_text(
        "---\ntitle: Ferry fares\nurl: http://example.org:port/x\n---\nFares rise.\n"
    )
    feed = folder / "c.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        "<link>http://[fe80::1</link><item><title>Bridge shut</title>"
        "<link>https://[::1/x</link><description>Shut.</description></item></channel></rss>"
    )
    done = cli("ingest", str(folder))
    assert done.status == 0, done.err
    titles = {row["title"] for row in cli("search", "--json", "*").json()}
    assert titles == {"Harbour pilots strike", "Ferry fares", "Bridge shut"}
