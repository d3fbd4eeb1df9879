"""Rules on ingest and alerts, through the desk and the CLI (real Whoosh index in tmp_path,
feeds over a real HTTP server on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from triage.core.desk import Desk
from triage.core.rules import RuleError, parse_actions

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{title}</title><link>https://{host}/</link>
{items}</channel></rss>"""
ITEM = """<item><title>{title}</title><link>https://{host}/{slug}</link><guid>{host}/{slug}</guid>
<pubDate>{date}</pubDate><description>{body}</description></item>"""

LEDGER = [
    ("Your horoscope for Friday", "Stars align for Leo. Expect a pleasant surprise."),
    ("Council passes harbour budget", "The council voted for the harbour budget."),
    ("Horoscope special: the week ahead", "Venus enters Libra, say the stars."),
]
WIRE = [
    (
        "Kremlin answers sanctions",
        "\u201cWe will respond in kind,\u201d said Dmitry Peskov, the Kremlin spokesman.",
    ),
    ("Ferry strike ends", "Ferry crews returned to work on Friday after a deal."),
]


def feed(title: str, host: str, items: list[tuple[str, str]], day: int = 20) -> str:
    """An RSS document; each item's link and guid come from its position."""
    rendered = [
        ITEM.format(
            title=t,
            host=host,
            slug=f"{n}-{t[:8].replace(' ', '-').lower()}",
            date=f"Fri, {day} Nov 2026 0{n}:00:00 GMT",
            body=b,
        )
        for n, (t, b) in enumerate(items)
    ]
    return RSS.format(title=title, host=host, items="\n".join(rendered))


def write_feed(path: Path, title: str, host: str, items: list[tuple[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(feed(title, host, items), encoding="utf-8")
    return path


def ids_of(desk: Desk, query: str) -> set[str]:
    return {row.story.id for row in desk.search(query, limit=None, scope="all").rows}


def titles_of(desk: Desk, query: str) -> set[str]:
    return {row.story.title for row in desk.search(query, limit=None, scope="all").rows}


def test_rules_act_on_new_stories_at_ingest(any_desk: Desk, tmp_path: Path) -> None:
    any_desk.rules.add('source:"Daily Ledger" title:horoscope', "mark read")
    any_desk.rules.add("speaker:Peskov", "tag kremlin")
    any_desk.rules.add("title:ferry", "pin, tag transport")
    any_desk.rules.add("title:council", "hide")
    report = any_desk.ingest(
        [
            str(write_feed(tmp_path / "ledger.rss", "The Daily Ledger", "ledger.example", LEDGER)),
            str(write_feed(tmp_path / "wire.rss", "Northern Wire", "wire.example", WIRE)),
        ]
    )
    assert report.errors == [] and report.rule_errors == []
    assert len(report.new_ids) == 5 and report.ruled == 5
    assert titles_of(any_desk, "is:read") == {LEDGER[0][0], LEDGER[2][0]}
    assert titles_of(any_desk, "tag:kremlin") == {WIRE[0][0]}
    assert titles_of(any_desk, "is:pinned") == {WIRE[1][0]}
    assert titles_of(any_desk, "tag:transport") == {WIRE[1][0]}
    assert titles_of(any_desk, "is:hidden") == {LEDGER[1][0]}


def test_rules_apply_once_a_story_not_on_every_fetch(any_desk: Desk, tmp_path: Path) -> None:
    any_desk.rules.add("title:horoscope", "mark read, tag stars")
    path = write_feed(tmp_path / "ledger.rss", "The Daily Ledger", "ledger.example", LEDGER)
    any_desk.ingest([str(path)])
    ruled = ids_of(any_desk, "tag:stars")
    assert len(ruled) == 2
    any_desk.store.set_read(sorted(ruled), False)  # the editor disagrees with the rule
    any_desk.tags.untag_stories(sorted(ruled), ["stars"])
    changed = [(t, b + " Updated.") for t, b in LEDGER]  # every story's text changes
    write_feed(path, "The Daily Ledger", "ledger.example", changed)
    again = any_desk.ingest([str(path)])
    assert (again.added, again.updated, again.new_ids, again.ruled) == (0, 3, [], 0)
    assert ids_of(any_desk, "is:read") == set() and ids_of(any_desk, "tag:stars") == set()


def test_a_new_rule_leaves_stories_already_on_the_desk(any_desk: Desk, tmp_path: Path) -> None:
    any_desk.ingest([str(write_feed(tmp_path / "a.rss", "The Daily Ledger", "a.example", LEDGER))])
    any_desk.rules.add("title:horoscope", "tag stars")
    any_desk.ingest([str(write_feed(tmp_path / "b.rss", "Other", "b.example", [LEDGER[0]]))])
    assert len(ids_of(any_desk, "title:horoscope")) == 3
    assert len(ids_of(any_desk, "tag:stars")) == 1  # only the story that arrived after the rule


def test_a_broken_rule_is_reported_in_one_line_and_skipped(any_desk: Desk, tmp_path: Path) -> None:
    any_desk.rules.add("title:horoscope", "tag stars")
    broken = any_desk.rules.rows.add("published:[xyz to abc]", "tag never")  # stored as it came
    unreadable = any_desk.rules.rows.add("title:council", "frobnicate")
    report = any_desk.ingest(
        [str(write_feed(tmp_path / "l.rss", "The Daily Ledger", "l.example", LEDGER))]
    )
    assert report.added == 3 and report.errors == []
    assert len(report.rule_errors) == 2
    assert report.rule_errors[0].startswith(f"rule {broken} (published:[xyz to abc]) skipped:")
    assert report.rule_errors[1].startswith(f"rule {unreadable} (title:council) skipped:")
    assert all("\n" not in line for line in report.rule_errors)
    assert len(ids_of(any_desk, "tag:stars")) == 2 and ids_of(any_desk, "tag:never") == set()


def test_rules_refuse_what_cannot_run(desk: Desk) -> None:
    with pytest.raises(RuleError, match="unknown action"):
        desk.rules.add("title:x", "frob")
    with pytest.raises(RuleError, match="needs an action"):
        desk.rules.add("title:x", "")
    with pytest.raises(RuleError):
        desk.rules.add("published:[xyz to abc]", "hide")
    with pytest.raises(RuleError, match="needs a query"):
        desk.rules.add("  ", "hide")
    assert desk.rules.rows.all() == []
    assert parse_actions("tag:Kremlin read pin tag kremlin").text() == "tag kremlin, mark read, pin"


def test_try_counts_what_a_query_matches_on_the_desk_now(demo_desk: Desk) -> None:
    trial = demo_desk.rules.trial('source:"Daily Ledger"')
    expected = ids_of(demo_desk, 'source:"Daily Ledger"')
    assert trial.total == len(expected) > 0
    assert {s.id for s in trial.sample} <= expected and len(trial.sample) == min(10, trial.total)


def test_alerts_report_only_the_stories_new_in_this_run(any_desk: Desk, tmp_path: Path) -> None:
    any_desk.tags.save_search("stars", "title:horoscope")
    any_desk.tags.save_search("hidden ones too", "title:council is:hidden")
    any_desk.tags.save_search("quiet", "title:nothing-like-this")
    for name in ("stars", "hidden ones too", "quiet"):
        assert any_desk.rules.rows.set_alert(name, True)
    any_desk.rules.add("title:council", "hide")
    path = write_feed(tmp_path / "l.rss", "The Daily Ledger", "l.example", LEDGER[:1])
    first = any_desk.ingest([str(path)])
    assert [(a.name, len(a.story_ids)) for a in first.alerts] == [("stars", 1)]
    write_feed(path, "The Daily Ledger", "l.example", LEDGER)
    second = any_desk.ingest([str(path)])
    assert [(a.name, len(a.story_ids)) for a in second.alerts] == [
        ("stars", 1),
        ("hidden ones too", 1),
    ]
    assert any_desk.store.get_stories(list(second.alerts[0].story_ids))[0].title == LEDGER[2][0]


# -- the command line --------------------------------------------------------------------


def test_cli_rules_list_add_remove_try(cli: Any, tmp_path: Path) -> None:
    path = write_feed(tmp_path / "l.rss", "The Daily Ledger", "l.example", LEDGER)
    assert cli("ingest", str(path)).status == 0
    tried = cli("rules", "try", "title:horoscope", "--json")
    assert tried.status == 0 and tried.json()["total"] == 2
    assert "2 stories would match" in cli("rules", "try", "title:horoscope").out
    added = cli("rules", "add", 'source:"Daily Ledger" title:horoscope -> mark read')
    assert added.status == 0 and "rule 1:" in added.out
    assert cli("rules", "add", "speaker:Peskov", "tag", "kremlin").status == 0
    assert cli("rules", "list", "--json").json() == [
        {"id": 1, "query": 'source:"Daily Ledger" title:horoscope', "actions": "mark read"},
        {"id": 2, "query": "speaker:Peskov", "actions": "tag kremlin"},
    ]
    bad = cli("rules", "add", "title:x", "frob")
    assert bad.status == 2 and bad.err.count("\n") == 1 and "unknown action" in bad.err
    assert cli("rules", "add", "title:x").status == 2  # no arrow, no actions
    assert cli("rules", "add", "published:[xyz to abc]", "hide").status == 2
    assert cli("search", "is:read", "--json").json() == []  # rules act on new stories
    applied = cli("rules", "apply", "1")
    assert applied.status == 0 and "rule 1 applied to 2 stories" in applied.out
    assert len(cli("search", "is:read", "--json").json()) == 2
    assert cli("rules", "apply", "9").status == 2
    assert cli("rules", "remove", "1").status == 0
    assert cli("rules", "remove", "1").status == 2
    assert [r["id"] for r in cli("rules", "list", "--json").json()] == [2]


def test_cli_fetch_alerts_prints_new_matches_per_alert(
    cli: Any, httpserver: HTTPServer, tmp_path: Path
) -> None:
    served = {"body": feed("The Daily Ledger", "l.example", LEDGER[:2])}
    httpserver.expect_request("/ledger.xml").respond_with_handler(
        lambda request: __import__("werkzeug").Response(
            served["body"], content_type="application/rss+xml"
        )
    )
    url = httpserver.url_for("/ledger.xml")
    assert cli("feeds", "add", url).status == 0
    # a saved search (as the app saves them) marked as an alert from the command line
    desk = Desk(cli.index)
    desk.tags.save_search("stars", "title:horoscope")
    desk.close()
    assert cli("alerts", "nosuch").status == 2
    assert cli("alerts", "stars").status == 0
    assert cli("alerts", "--json").json() == [{"name": "stars", "query": "title:horoscope"}]
    cli("rules", "add", "title:council", "hide")

    first = cli("fetch", "--alerts", "--json")
    assert first.status == 0
    alerts = first.json()["alerts"]
    assert [(a["name"], [s["title"] for s in a["stories"]]) for a in alerts] == [
        ("stars", [LEDGER[0][0]])
    ]
    served["body"] = feed("The Daily Ledger", "l.example", LEDGER)
    second = cli("fetch", "--alerts", "--all")
    assert second.status == 0
    assert "alert stars: 1 new story" in second.out
    assert LEDGER[2][0] in second.out and LEDGER[0][0] not in second.out
    third = cli("fetch", "--alerts", "--all", "--json")
    assert third.status == 0 and third.json()["alerts"] == []
    hidden = cli("search", "is:hidden", "--json").json()
    assert [row["title"] for row in hidden] == [LEDGER[1][0]]


def test_stories_stored_before_a_crash_still_meet_the_rules(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/ledger.xml").respond_with_data(
        feed("The Daily Ledger", "l.example", LEDGER), content_type="application/rss+xml"
    )
    path = tmp_path / "desk"
    first = Desk(path)
    first.rules.add("title:horoscope", "tag stars")
    first.feeds.add(httpserver.url_for("/ledger.xml"))
    stored = first.pipeline().refresh(finish=False)  # as the app does, then "crashes"
    assert stored.added == 3
    first.close()
    again = Desk(path)  # the next run finishes what the last one left
    try:
        pipeline = again.pipeline()
        pipeline.finish()
        assert len(pipeline.report.new_ids) == 3
        assert len(ids_of(again, "tag:stars")) == 2
        later = again.pipeline()
        later.finish()
        assert later.report.new_ids == []  # claimed once
    finally:
        again.close()


def test_rules_across_index_days_touch_only_the_new_stories(desk: Desk, tmp_path: Path) -> None:
    desk.index.shard_stories = 3  # a shard per day, as on a busy desk
    days = ("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04")

    def write_day(folder: Path, day: str, count: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for n in range(count):
            (folder / f"{day}-{n}.md").write_text(
                f"---\ndate: {day}T{10 + n:02d}:00:00Z\nsource: Coast Courier\n---\n"
                f"Harbour item {day} {n}\n\nThe harbour board met on {day}, item {n}.\n",
                encoding="utf-8",
            )

    for day in days[:2]:
        write_day(tmp_path / "old" / day, day, 3)
    desk.ingest([str(tmp_path / "old")])
    desk.rules.add("harbour", "tag seen")
    for day in days[2:]:
        write_day(tmp_path / "new" / day, day, 3)
    (tmp_path / "new" / "late").mkdir()
    (tmp_path / "new" / "late" / "late.md").write_text(  # a new story on the oldest day
        "---\ndate: 2026-03-01T20:00:00Z\nsource: Coast Courier\n---\nLate harbour item\n\n"
        "The harbour board met late.\n",
        encoding="utf-8",
    )
    report = desk.ingest([str(tmp_path / "new")])
    assert len(desk.index.shard_keys()) == 4
    assert len(report.new_ids) == 7 and report.ruled == 7
    assert ids_of(desk, "tag:seen") == set(report.new_ids)
    assert len(ids_of(desk, "harbour")) == 13
