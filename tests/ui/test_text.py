"""The small text helpers every pane relies on."""

from __future__ import annotations

from datetime import timedelta

from tests.ui.conftest import FROZEN_NOW
from triage.core.models import Quote, StoredQuote
from triage.ui.screens.tag_prompt import split_tags
from triage.ui.text import attribution, clean, plain, relative_time
from triage.ui.widgets.reader import styled_body


def test_clean_replaces_controls_one_for_one() -> None:
    text = "a\x1b[2Jb\x07c\nd"
    cleaned = clean(text)
    assert len(cleaned) == len(text)
    assert "\x1b" not in cleaned and "\x07" not in cleaned and "\n" in cleaned
    assert "\n" not in clean(text, keep_newlines=False)
    assert "\u202e" not in clean("abc\u202edef") and len(clean("abc\u202edef")) == 7


def test_plain_never_parses_markup() -> None:
    assert plain("[bold]x[/] [@click=app.quit]y[/]").plain == "[bold]x[/] [@click=app.quit]y[/]"


def test_relative_time() -> None:
    """Time today, weekday this week, day and month this year, the year before that."""
    assert relative_time(FROZEN_NOW, FROZEN_NOW) == "12:00"
    assert relative_time(FROZEN_NOW - timedelta(minutes=5), FROZEN_NOW) == "11:55"
    assert relative_time(FROZEN_NOW - timedelta(hours=3), FROZEN_NOW) == "09:00"
    assert relative_time(FROZEN_NOW - timedelta(days=2), FROZEN_NOW) == "Fri"
    assert relative_time(FROZEN_NOW - timedelta(days=30), FROZEN_NOW) == "23 Oct"
    assert relative_time(FROZEN_NOW - timedelta(days=365 * 8), FROZEN_NOW) == "24 Nov 2018"


def test_attribution_reads_like_copy() -> None:
    assert (
        attribution("We will rebuild.", "Ana Ruiz", "mayor of Tollan", "The Courier")
        == "“We will rebuild,” Ana Ruiz, mayor of Tollan, said (The Courier)"
    )
    assert attribution("Why now?", "Bo Lee", "", "Wire") == "“Why now?” Bo Lee said (Wire)"
    assert attribution("Fine", "", "", "Wire") == "“Fine,” unattributed (Wire)"
    assert attribution("Fine", "Bo Lee", "", "") == "“Fine,” Bo Lee said"


def test_split_tags_accepts_spaces_and_commas() -> None:
    assert split_tags("a, b  c,,a") == ["a", "b", "c"]


def test_only_the_quote_is_styled_in_the_body() -> None:
    body = "He said \u201cgo home\u201d today."
    start = body.index("go")
    quote = StoredQuote("q1", "s1", Quote("go home", start, start + 7, speaker="Al"))
    text = styled_body(body, [quote], [(0, 2)], {}, None)
    assert text.plain == body
    assert not text.style
    styled = {(span.start, span.end) for span in text.spans}
    assert styled == {(start, start + 7), (0, 2)}
