"""The CLI's answers an editor trips over: what is refused, what is said, which exit status."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer

from triage.demo import demo_paths

RSS = (
    "<?xml version='1.0'?><rss version='2.0'><channel><title>Ferry News</title>"
    "<item><title>Ferry sails</title><link>https://example.test/f</link>"
    "<description>It sailed.</description></item></channel></rss>"
)


def feed_urls(cli: Any) -> list[str]:
    return [f["url"] for f in cli("feeds", "list", "--json").json()]


def test_a_failing_url_is_not_subscribed_a_working_one_is(cli: Any, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone.xml").respond_with_data("no", status=404)
    httpserver.expect_request("/feed.xml").respond_with_data(
        RSS, content_type="application/rss+xml"
    )
    gone, good = httpserver.url_for("/gone.xml"), httpserver.url_for("/feed.xml")
    result = cli("ingest", gone, good)
    assert result.status == 1
    assert feed_urls(cli) == [good]


def test_ingest_of_an_ftp_url_says_unsupported_scheme(cli: Any) -> None:
    result = cli("ingest", "ftp://files.example/feed.xml")
    assert result.status == 1
    assert "unsupported URL scheme 'ftp'" in result.err
    assert "no such file" not in result.err


def test_feeds_add_refuses_what_is_not_a_url(cli: Any) -> None:
    result = cli("feeds", "add", "not-a-url")
    assert result.status == 2
    assert "not a feed URL" in result.err and "subscribed" not in result.out
    assert feed_urls(cli) == []


def test_feeds_import_of_a_non_opml_file_fails(cli: Any, tmp_path: Path) -> None:
    rss = tmp_path / "feed.xml"
    rss.write_text(RSS, encoding="utf-8")
    result = cli("feeds", "import", str(rss))
    assert result.status == 1
    assert "no feeds found" in result.err


def test_untag_of_a_tag_the_story_lacks_fails_and_plurals_are_right(cli: Any) -> None:
    assert cli("ingest", *map(str, demo_paths())).status == 0
    story_id = cli("search", "--json", "strike").json()[0]["id"]
    tagged = cli("tag", story_id, "lead")
    assert tagged.status == 0 and tagged.out.strip() == "tagged 1 story: lead"
    missing = cli("untag", story_id, "nosuchtag")
    assert missing.status == 1
    assert missing.err.strip() == f"triage: error: not tagged nosuchtag: {story_id}"
    assert cli("untag", story_id, "Lead").out.strip() == "untagged 1 story: lead"
    assert cli("read", story_id).out.strip() == "marked 1 story read"


def test_tag_cluster_takes_the_id_clusters_json_prints(cli: Any) -> None:
    assert cli("ingest", *map(str, demo_paths())).status == 0
    biggest = cli("clusters", "--json", "--min-size", "2").json()[0]
    result = cli("tag", "--cluster", biggest["id"], "story-of-day")
    assert result.status == 0, result.err
    members = {s["id"] for s in biggest["stories"]}
    shown = {s["id"] for s in cli("search", "--json", "--limit", "100", "tag:story-of-day").json()}
    assert shown == members


def test_a_query_error_exits_2(cli: Any) -> None:
    assert cli("ingest", *map(str, demo_paths())).status == 0
    result = cli("search", 'published:[not a date to "')
    assert result.status == 2
    assert result.err.startswith("triage: error:")


def test_every_argument_has_help_text() -> None:
    from triage.cli.main import build_parser

    parser = build_parser()
    missing = []

    def walk(p: Any, path: str) -> None:
        for action in p._actions:
            if action.dest in ("help", "command", "feeds_command", "cluster_command"):
                pass
            elif not action.help:
                missing.append(f"{path} {action.dest}")
            choices = action.choices if isinstance(action.choices, dict) else {}
            for name, child in choices.items():
                walk(child, f"{path} {name}")

    walk(parser, "triage")
    assert missing == []


def test_plural_in_feeds_import(cli: Any, tmp_path: Path) -> None:
    opml = tmp_path / "one.opml"
    opml.write_text(
        "<opml version='2.0'><body><outline type='rss' text='A'"
        " xmlUrl='https://a.example/rss'/></body></opml>",
        encoding="utf-8",
    )
    result = cli("feeds", "import", str(opml))
    assert result.status == 0 and "subscribed to 1 feed from" in result.out
    assert json.loads(cli("feeds", "list", "--json").out)[0]["url"] == "https://a.example/rss"


def test_feeds_list_shows_the_feed_title_after_a_fetch_not_its_url(
    cli: Any, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        RSS, content_type="application/rss+xml"
    )
    url = httpserver.url_for("/feed.xml")
    assert cli("feeds", "add", url).status == 0
    assert cli("feeds", "list", "--json").json()[0]["name"] == ""
    assert cli("fetch", "--all").status == 0
    assert cli("feeds", "list", "--json").json()[0]["name"] == "Ferry News"
    assert "Ferry News" in cli("feeds", "list").out
    # a name the editor gave is never replaced by the feed's own title
    assert cli("feeds", "add", url, "--name", "Ferries").status == 0
    assert cli("fetch", "--all").status == 0
    assert cli("feeds", "list", "--json").json()[0]["name"] == "Ferries"


def test_feeds_list_without_feeds_says_how_to_add_one(cli: Any) -> None:
    result = cli("feeds", "list")
    assert result.status == 0 and "triage feeds add URL" in result.out


def test_clusters_always_show_their_size(cli: Any) -> None:
    assert cli("ingest", *map(str, demo_paths())).status == 0
    out = cli("clusters", "--min-size", "2").out
    heads = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert heads and any(len(line) >= 70 for line in heads), "a long title must be cut"
    assert all(re.search(r"  \(\d+\)$", line) for line in heads), heads


def test_quotes_without_a_filter_say_their_scope(cli: Any) -> None:
    assert cli("ingest", *map(str, demo_paths())).status == 0
    listed = cli("quotes")
    assert listed.status == 0
    scope = (
        "quotes of the newest 200 stories (a STORY_ID, --speaker or --tag searches the whole desk)"
    )
    assert listed.out.rstrip().splitlines()[-1].endswith(scope)
    assert "newest" not in cli("quotes", "--speaker", "Sinclair").out
    assert isinstance(cli("quotes", "--json").json(), list), "JSON stays JSON"
