"""Titles and bodies of article files (.txt, .md, .html), ingested through a real desk.

Exact titles are checked on articles written here; the shared real seeds are checked
for properties only (short, not navigation, taken from the text's first lines).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.core.desk import Desk
from triage.core.ingest.titles import LEDE_CHARS, is_navigation, strip_site_suffix
from triage.core.models import Story

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
PARAGRAPH = (
    "The harbour board voted on Tuesday to rebuild the north breakwater before winter, "
    "after storms last spring left a gap that fishing crews say makes the night crossing "
    "dangerous. Work starts next month and should take eleven weeks."
)
SECOND = "“We cannot wait another season,” said Ines Morrow, who chairs the board."


def ingest_file(desk: Desk, path: Path, text: str) -> Story:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    report = desk.ingest([str(path)])
    assert not report.errors, report.errors
    [story] = desk.store.get_stories(report.story_ids)
    return story


@pytest.mark.parametrize(
    "line",
    [
        "Accessibility links",
        "Skip to content",
        "Skip to main content",
        "Subscribe",
        "Sign in",
        "Menu",
        "Subscribe Sign In Menu Sections",
        "Breaking News",
        "NEWS  SPORT  WEATHER",
        "HOME · WORLD · BUSINESS",
        "Home | World | Business | Opinion",
        "We use cookies to give you the best experience",
        "Accept all cookies",
        "0:00 / 1:52",
        "please wait",
        "No media source currently available",
    ],
)
def test_navigation_lines_are_recognised(line: str) -> None:
    assert is_navigation(line)


@pytest.mark.parametrize(
    "line",
    [
        "Harbour board votes to rebuild breakwater",
        "Council keeps winter ferry to outer islands",
        "Live music returns to the old mill",
        "Sign language classes open at the library",
    ],
)
def test_headlines_are_not_navigation(line: str) -> None:
    assert not is_navigation(line)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Harbour board votes to rebuild breakwater | The Coast Ledger", None),
        ("Harbour board votes to rebuild breakwater - Coast Ledger", None),
        ("Harbour board votes to rebuild breakwater – Local News | Coast Ledger", None),
        ("Harbour board votes to rebuild breakwater :: ledger.example", None),
        ("Coast Ledger | Harbour board votes to rebuild breakwater", None),
        ("Ferry row - and what it means for the islands", "unchanged"),
    ],
)
def test_site_suffix_is_removed(title: str, expected: str | None) -> None:
    got = strip_site_suffix(title, "Coast Ledger", "https://ledger.example/a")
    assert got == (
        title if expected == "unchanged" else "Harbour board votes to rebuild breakwater"
    )


def test_front_matter_title_wins_and_the_body_keeps_its_first_paragraph(
    desk: Desk, tmp_path: Path
) -> None:
    text = f"---\ntitle: Board backs breakwater\n---\n{PARAGRAPH}\n\n{SECOND}\n"
    story = ingest_file(desk, tmp_path / "wire" / "a.txt", text)
    assert story.title == "Board backs breakwater"
    assert story.body.startswith("The harbour board voted")


def test_markdown_heading_is_the_title(desk: Desk, tmp_path: Path) -> None:
    text = (
        f"Skip to content\n\n# Board backs breakwater\n\n{PARAGRAPH}\n\n## Timeline\n\n{SECOND}\n"
    )
    story = ingest_file(desk, tmp_path / "wire" / "a.md", text)
    assert story.title == "Board backs breakwater"
    assert "# Board" not in story.body and "The harbour board voted" in story.body


def test_navigation_lines_above_the_headline_are_skipped(desk: Desk, tmp_path: Path) -> None:
    text = (
        "Accessibility links\n\nSkip to content\n\nBREAKING NEWS\n\nSign in\n\n"
        f"Harbour board votes to rebuild breakwater\n\n{PARAGRAPH}\n\n{SECOND}\n"
    )
    story = ingest_file(desk, tmp_path / "wire" / "a.txt", text)
    assert story.title == "Harbour board votes to rebuild breakwater"
    assert story.body.startswith("The harbour board voted")


def test_player_furniture_and_the_headline_again_are_not_the_body(
    desk: Desk, tmp_path: Path
) -> None:
    text = (
        "Breaking News\n\nFact check: Harbour board votes to rebuild breakwater\n\n"
        "Harbour board votes to rebuild breakwater\nplease wait\n\n"
        "No media source currently available\n\n0:00 0:01:52 0:00\n\n"
        f"Harbour board votes to rebuild breakwater\n\n{PARAGRAPH}\n\n{SECOND}\n"
    )
    story = ingest_file(desk, tmp_path / "wire" / "a.txt", text)
    assert story.title == "Fact check: Harbour board votes to rebuild breakwater"
    assert story.body.startswith("The harbour board voted")


def test_a_lede_is_not_the_title_when_a_shorter_heading_follows(desk: Desk, tmp_path: Path) -> None:
    assert len(PARAGRAPH) > LEDE_CHARS
    text = f"{PARAGRAPH}\n\nHarbour board votes to rebuild breakwater\n\n{SECOND}\n"
    story = ingest_file(desk, tmp_path / "wire" / "a.txt", text)
    assert story.title == "Harbour board votes to rebuild breakwater"
    assert story.body.startswith("The harbour board voted")  # the lede is kept


def test_a_lede_alone_gives_a_short_title_and_stays_in_the_body(desk: Desk, tmp_path: Path) -> None:
    text = f"PORT ELLEN — {PARAGRAPH}\n{SECOND}\n"
    story = ingest_file(desk, tmp_path / "wire" / "a.txt", text)
    assert (
        story.title
        == "The harbour board voted on Tuesday to rebuild the north breakwater before winter"
    )
    assert "PORT ELLEN" in story.body and "eleven weeks" in story.body


def test_html_title_order_and_body_starts_with_the_article(desk: Desk, tmp_path: Path) -> None:
    page = f"""<!doctype html><html><head>
    <title>Breakwater vote | Coast Ledger</title>
    <meta property="og:site_name" content="Coast Ledger">
    <meta property="og:title" content="Harbour board votes to rebuild breakwater - Coast Ledger">
    </head><body>
    <a href="#main">Skip to content</a>
    <header><div>Subscribe</div><div>Sign In</div><div>Menu</div><div>Sections</div></header>
    <nav><ul><li>Home</li><li>News</li><li>Sport</li></ul></nav>
    <main id="main"><article><h1>Harbour board votes to rebuild breakwater</h1>
    <p>{PARAGRAPH}</p><p>{SECOND}</p>
    <p>Crews will close the slipway on weekdays while the work goes on, the board said.</p>
    </article></main>
    <footer>© Coast Ledger. All rights reserved. Privacy policy.</footer>
    </body></html>"""
    story = ingest_file(desk, tmp_path / "saved" / "page.html", page)
    assert story.title == "Harbour board votes to rebuild breakwater"
    assert story.body.startswith("The harbour board voted"), story.body[:80]
    assert "Skip to content" not in story.body and "All rights reserved" not in story.body


@pytest.mark.parametrize(
    ("head", "h1", "expected"),
    [
        ("<title>Ferry kept for winter | Coast Ledger</title>", "", "Ferry kept for winter"),
        ("<title>Coast Ledger</title>", "Ferry kept for winter", "Ferry kept for winter"),
        (
            "",
            "",
            "The harbour board voted on Tuesday to rebuild the north breakwater before winter",
        ),
    ],
)
def test_html_title_falls_back_in_order(
    desk: Desk, tmp_path: Path, head: str, h1: str, expected: str
) -> None:
    heading = f"<h1>{h1}</h1>" if h1 else ""
    page = (
        f'<html><head><meta property="og:site_name" content="Coast Ledger">{head}</head>'
        f"<body>{heading}<p>{PARAGRAPH}</p><p>{SECOND}</p></body></html>"
    )
    story = ingest_file(desk, tmp_path / "saved" / "p.html", page)
    assert story.title == expected


def _first_lines(path: Path, count: int = 12) -> str:
    lines = [" ".join(line.split()) for line in path.read_text(encoding="utf-8").splitlines()]
    return " ".join([line for line in lines if line][:count])


def test_seeds_get_short_titles_from_their_first_lines(desk: Desk) -> None:
    if not SEEDS.is_dir():
        pytest.skip("shared seeds not present")
    paths = sorted(SEEDS.glob("*.txt"))
    report = desk.ingest([str(p) for p in paths])
    assert not report.errors
    by_path = {s.url: s for s in desk.store.get_stories(report.story_ids)}
    assert len(by_path) == len(paths)
    for path in paths:
        story = by_path[path.resolve().as_uri()]
        title = story.title
        assert 20 <= len(title) <= 120, (path.name, len(title))
        assert not is_navigation(title), path.name
        words = {w.lower() for w in title.split()}
        assert not words & {"accessibility", "skip", "subscribe", "menu"}, path.name
        assert title.removesuffix("…") in _first_lines(path), path.name
        assert story.body and not is_navigation(story.body.split("\n")[0]), path.name
