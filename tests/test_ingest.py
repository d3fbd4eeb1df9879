"""Ingest: every input kind, identity rules, idempotence, feeds over real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from triage.core.desk import Desk
from triage.core.ingest import pipeline as pipeline_module

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>{title}</title><link>https://{host}/</link>
{items}
</channel></rss>"""

ITEM = """<item><title>{title}</title><link>{link}</link><guid>{guid}</guid>
<pubDate>{date}</pubDate><author>desk@example.org (Ana Reyes)</author>
<description>{summary}</description>
<content:encoded><![CDATA[{body}]]></content:encoded></item>"""


def rss(title: str, host: str, items: list[dict[str, str]]) -> str:
    """An RSS 2.0 document with the given items."""
    rendered = [
        ITEM.format(
            title=i["title"],
            link=i.get("link", ""),
            guid=i.get("guid", i.get("link", "")),
            date=i.get("date", "Fri, 20 Nov 2026 09:00:00 GMT"),
            summary=i.get("summary", ""),
            body=i.get("body", ""),
        )
        for i in items
    ]
    return RSS.format(title=title, host=host, items="\n".join(rendered))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_article_files_of_each_kind(desk: Desk, tmp_path: Path) -> None:
    txt = write(
        tmp_path / "wire" / "ferry.txt",
        "\n\nFerry service resumes\n\nThe ferry to Holm runs again.\n\nCrews cheered.",
    )
    md = write(tmp_path / "wire" / "budget.md", "# Council passes budget\n\nA narrow vote.")
    html = write(
        tmp_path / "wire" / "fire.html",
        "<html><head><title>Fire | Site</title><script>var x=1;</script></head>"
        "<body><nav>Home News Sport</nav><h1>Warehouse fire contained</h1>"
        "<p>Firefighters &amp; volunteers worked overnight.</p><p>No one was hurt.</p>"
        "<footer>Copyright</footer></body></html>",
    )
    report = desk.ingest([str(txt), str(md), str(html)])
    assert (report.added, report.errors) == (3, [])
    stories = {s.title: s for s in desk.store.get_stories(report.story_ids)}
    assert set(stories) == {
        "Ferry service resumes",
        "Council passes budget",
        "Warehouse fire contained",
    }
    ferry = stories["Ferry service resumes"]
    assert ferry.body == "The ferry to Holm runs again.\n\nCrews cheered."
    assert ferry.url == txt.resolve().as_uri()
    fire = stories["Warehouse fire contained"]
    assert fire.body == "Firefighters & volunteers worked overnight.\n\nNo one was hurt."
    assert "Home News" not in fire.body and "var x" not in fire.body


def test_directory_is_walked_recursively_by_kind(desk: Desk, tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.txt", "A title\n\nBody a.")
    write(tmp_path / "in" / "deep" / "b.md", "B title\n\nBody b.")
    write(
        tmp_path / "in" / "deep" / "feed.rss",
        rss(
            "Gazette",
            "gazette.example",
            [{"title": "C title", "link": "https://gazette.example/c", "body": "<p>Body c.</p>"}],
        ),
    )
    write(tmp_path / "in" / "notes.bin", "ignored")
    write(tmp_path / "in" / ".hidden" / "d.txt", "D title\n\nhidden")
    report = desk.ingest([str(tmp_path / "in")])
    assert report.added == 3
    titles = {s.title for s in desk.store.get_stories(report.story_ids)}
    assert titles == {"A title", "B title", "C title"}


def test_feed_entry_fields(desk: Desk, tmp_path: Path) -> None:
    feed = write(
        tmp_path / "g.rss",
        rss(
            "The Gazette",
            "gazette.example",
            [
                {
                    "title": "Dock strike &amp; talks",
                    "link": "https://Gazette.example/strike?utm_source=rss&id=4#top",
                    "summary": "Short summary.",
                    "body": "<p>First para with &#8217;quote&#8217;.</p><p>Second <b>para</b>.</p>",
                    "date": "Thu, 19 Nov 2026 14:30:00 +0100",
                }
            ],
        ),
    )
    report = desk.ingest([str(feed)])
    story = desk.store.get_story(report.story_ids[0])
    assert story is not None
    assert story.title == "Dock strike & talks"
    assert story.url == "https://gazette.example/strike?id=4"
    assert story.source == "The Gazette"
    assert story.author == "desk@example.org (Ana Reyes)"
    assert story.published.isoformat() == "2026-11-19T13:30:00+00:00"
    assert story.summary == "Short summary."
    assert story.body == "First para with \u2019quote\u2019.\n\nSecond para."
    assert story.feeds == (str(feed.resolve()),)


def test_reingest_changes_nothing_and_updates_keep_editor_state(desk: Desk, tmp_path: Path) -> None:
    item = {"title": "Storm warning", "link": "https://a.example/storm", "body": "<p>Wind.</p>"}
    feed = write(tmp_path / "a.rss", rss("A", "a.example", [item]))
    first = desk.ingest([str(feed)])
    story_id = first.story_ids[0]
    desk.tags.tag_stories([story_id], ["weather"])
    desk.store.set_read([story_id])
    again = desk.ingest([str(feed)])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    write(feed, rss("A", "a.example", [{**item, "body": "<p>Wind and rain.</p>"}]))
    changed = desk.ingest([str(feed)])
    assert (changed.added, changed.updated) == (0, 1)
    story = desk.store.get_story(story_id)
    assert story is not None
    assert story.body == "Wind and rain."
    assert story.tags == ("weather",) and story.read
    assert [r.story.id for r in desk.search("rain").rows] == [story_id]


def test_same_story_in_two_feeds_is_stored_once(desk: Desk, tmp_path: Path) -> None:
    item = {
        "title": "Bridge closes",
        "link": "https://city.example/bridge?utm_medium=x",
        "body": "<p>Repairs.</p>",
    }
    one = write(tmp_path / "one.rss", rss("City", "city.example", [item]))
    two = write(
        tmp_path / "two.rss",
        rss("City mirror", "mirror.example", [{**item, "link": "https://CITY.example/bridge"}]),
    )
    report = desk.ingest([str(one), str(two)])
    assert report.added == 1
    assert desk.store.count() == 1
    story = desk.store.get_story(report.story_ids[0])
    assert story is not None and len(story.feeds) == 2


def test_shared_home_page_links_do_not_collapse_entries(desk: Desk, tmp_path: Path) -> None:
    items = [
        {
            "title": f"Episode {n}",
            "link": "https://pod.example/",
            "guid": f"ep-{n}",
            "body": f"<p>Show notes {n}.</p>",
        }
        for n in range(3)
    ]
    feed = write(tmp_path / "pod.rss", rss("Pod", "pod.example", items))
    assert desk.ingest([str(feed)]).added == 3


def test_entries_without_link_or_guid_use_content_hash(desk: Desk, tmp_path: Path) -> None:
    items = [{"title": "Alpha", "body": "<p>One.</p>"}, {"title": "Beta", "body": "<p>Two.</p>"}]
    feed = write(tmp_path / "x.rss", rss("X", "x.example", items))
    assert desk.ingest([str(feed)]).added == 2
    assert desk.ingest([str(feed)]).unchanged == 2


def test_missing_and_broken_sources_are_reported_one_line_each(desk: Desk, tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", "Fine\n\nStill fine.")
    broken = write(tmp_path / "broken.rss", "<rss><channel><title>x</title><item><title>")
    empty = write(tmp_path / "empty.txt", "   \n\n")
    report = desk.ingest([str(tmp_path / "missing.txt"), str(broken), str(empty), str(good)])
    assert report.added >= 1
    by_source = {e.source: e.error for e in report.errors}
    assert by_source[str(tmp_path / "missing.txt")] == "no such file or directory"
    assert str(empty) in by_source
    assert all("\n" not in error for error in by_source.values())


def test_opml_subscribes_and_ingests(desk: Desk, httpserver: HTTPServer, tmp_path: Path) -> None:
    body = rss(
        "Remote",
        "remote.example",
        [{"title": "Remote story", "link": "https://remote.example/1", "body": "<p>Hello.</p>"}],
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        body, content_type="application/rss+xml"
    )
    opml = write(
        tmp_path / "subs.opml",
        f"""<?xml version="1.0"?><opml version="2.0"><head/>
<body><outline text="News"><outline text="Remote" title="Remote"
 xmlUrl="{httpserver.url_for("/feed.xml")}"/></outline></body></opml>""",
    )
    refused = desk.ingest([str(opml)])  # a list's loopback feed needs allow_private
    assert refused.added == 0 and "private" in refused.errors[0].error
    report = desk.ingest([str(opml)], allow_private=True)
    assert (report.added, report.errors) == (1, [])
    feed = desk.feeds.get(httpserver.url_for("/feed.xml"))
    assert feed is not None and feed.name == "Remote" and feed.tags == ("News",)


def test_conditional_get_second_fetch_is_not_modified(desk: Desk, httpserver: HTTPServer) -> None:
    body = rss(
        "Remote",
        "remote.example",
        [{"title": "Cached story", "link": "https://remote.example/c", "body": "<p>Once.</p>"}],
    )
    seen: list[dict[str, str]] = []

    def handler(request: Request) -> Response:
        seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(
            body,
            headers={"ETag": '"v1"', "Last-Modified": "Fri, 20 Nov 2026 10:00:00 GMT"},
            content_type="application/rss+xml",
        )

    httpserver.expect_request("/rss").respond_with_handler(handler)
    url = httpserver.url_for("/rss")
    first = desk.ingest([url])
    assert first.added == 1
    second = desk.ingest([url])
    assert (second.added, second.updated, second.unchanged, second.not_modified) == (0, 0, 0, 1)
    assert seen[1]["If-None-Match"] == '"v1"'
    assert seen[1]["If-Modified-Since"] == "Fri, 20 Nov 2026 10:00:00 GMT"
    feed = desk.feeds.get(url)
    assert feed is not None and feed.etag == '"v1"' and feed.item_count == 1


def test_http_errors_are_per_source(desk: Desk, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("nope", status=404)
    httpserver.expect_request("/page").respond_with_data(
        "<html><body><p>Not a feed</p></body></html>", content_type="text/html"
    )
    httpserver.expect_request("/ok").respond_with_data(
        rss(
            "Ok",
            "ok.example",
            [{"title": "Fine", "link": "https://ok.example/1", "body": "<p>Fine.</p>"}],
        ),
        content_type="application/rss+xml",
    )
    urls = [httpserver.url_for(p) for p in ("/gone", "/page", "/ok")]
    report = desk.ingest(urls)
    assert report.added == 1
    errors = {e.source: e.error for e in report.errors}
    assert errors[urls[0]].startswith("HTTP 404")
    assert "HTML page" in errors[urls[1]]
    feed = desk.feeds.get(urls[0])
    assert feed is not None and feed.last_error.startswith("HTTP 404") and feed.failures == 1


def test_json_feed(desk: Desk, tmp_path: Path) -> None:
    feed = write(
        tmp_path / "feed.json",
        """{"version": "https://jsonfeed.org/version/1.1",
      "title": "Json Times", "home_page_url": "https://json.example/",
      "items": [{"id": "1", "url": "https://json.example/a", "title": "Json story",
                 "content_html": "<p>Para one.</p><p>Para two.</p>",
                 "date_published": "2026-11-20T08:00:00Z", "authors": [{"name": "Lee"}]}]}""",
    )
    report = desk.ingest([str(feed)])
    story = desk.store.get_story(report.story_ids[0])
    assert story is not None
    assert (story.source, story.author, story.body) == (
        "Json Times",
        "Lee",
        "Para one.\n\nPara two.",
    )


@pytest.mark.parametrize("count", [100])
def test_realistic_feed_corpus_ingests_every_readable_entry(
    desk: Desk, tmp_path: Path, count: int
) -> None:
    from fixtures.make_feeds import plan_feed_corpus, write_feed_corpus

    write_feed_corpus(tmp_path / "corpus", n=count)
    # Elements with no children at all (``<item/>``) carry nothing to store.
    expected = plan_feed_corpus(count).expected(include_empty=False)
    report = desk.ingest([str(tmp_path / "corpus")])
    assert report.errors == []
    assert len(report.story_ids) == sum(expected.values())
    assert desk.index.doc_count() == desk.store.count() == len(set(report.story_ids))


def test_article_front_matter_and_html_meta(desk: Desk, tmp_path: Path) -> None:
    txt = write(
        tmp_path / "saved" / "a.txt",
        "---\ndate: 2026-11-18T06:30:00Z\nsource: Coast Courier\nauthor: R. Hale\n---\n"
        "Pier reopens\n\nThe pier reopened.",
    )
    page = write(
        tmp_path / "saved" / "b.html",
        '<html><head><meta property="article:published_time" '
        'content="2026-11-17T10:00:00+01:00"><meta property="og:site_name" '
        'content="Valley Post"><meta property="og:url" '
        'content="https://valley.example/mill?utm_source=x"></head>'
        "<body><h1>Mill sold</h1><p>The mill was sold.</p></body></html>",
    )
    report = desk.ingest([str(txt), str(page)])
    stories = {s.title: s for s in desk.store.get_stories(report.story_ids)}
    pier, mill = stories["Pier reopens"], stories["Mill sold"]
    assert (pier.source, pier.author, pier.body) == (
        "Coast Courier",
        "R. Hale",
        "The pier reopened.",
    )
    assert pier.published.isoformat() == "2026-11-18T06:30:00+00:00"
    assert (mill.source, mill.url) == ("Valley Post", "https://valley.example/mill")
    assert mill.published.isoformat() == "2026-11-17T09:00:00+00:00"


def test_a_feed_that_breaks_the_parser_fails_alone_and_keeps_no_etag(
    desk: Desk, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Feeds are parsed in the fetcher's callback, which swallows exceptions: none may hide."""
    for name in ("good", "bad"):
        httpserver.expect_request(f"/{name}.xml").respond_with_data(
            rss(
                name,
                f"{name}.example",
                [{"title": f"{name} story", "link": f"https://{name}.example/1", "body": "Hi."}],
            ),
            content_type="application/rss+xml",
            headers={"ETag": f'"{name}-1"'},
        )
    real = pipeline_module.parse_fetched

    def parse_or_break(result, declared_name=""):  # type: ignore[no-untyped-def]
        if result.request.url.endswith("/bad.xml"):
            raise RuntimeError("parser bug")
        return real(result, declared_name)

    monkeypatch.setattr(pipeline_module, "parse_fetched", parse_or_break)
    good, bad = httpserver.url_for("/good.xml"), httpserver.url_for("/bad.xml")
    report = desk.ingest([good, bad])
    assert report.added == 1
    [error] = report.errors
    assert error.source == bad and "RuntimeError: parser bug" in error.error
    assert desk.feeds.get(good).etag == '"good-1"'  # type: ignore[union-attr]
    assert desk.feeds.get(bad).etag == ""  # type: ignore[union-attr]


def test_a_feed_that_double_encodes_its_text_reads_as_written(tmp_path: Path) -> None:
    """UTF-8 read as Windows-1252 upstream ("â€º" for "›") is repaired at ingest, in
    titles and bodies; text that merely holds accented letters is left alone."""
    meant = "Crime › Publisher ordered to pause — ‘for now’, café owners say…"
    garbled = meant.encode("utf-8").decode("cp1252")
    assert garbled != meant and "â€" in garbled
    feed = tmp_path / "garbled.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title>'
        f"<item><title>{garbled}</title><link>https://example.org/a</link>"
        f"<description>{garbled}</description></item>"
        "<item><title>Zürich: São Paulo’s Ångström café</title>"
        "<link>https://example.org/b</link><description>Ça va à Zürich.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    desk = Desk(tmp_path / "desk")
    try:
        desk.ingest([str(feed)])
        titles = {s.url: s for s in desk.store.iter_stories()}
    finally:
        desk.close()
    assert titles["https://example.org/a"].title == meant
    assert titles["https://example.org/a"].body == meant
    assert titles["https://example.org/b"].title == "Zürich: São Paulo’s Ångström café"
    assert titles["https://example.org/b"].body == "Ça va à Zürich."
