"""Attributions an editor can paste: speaker and role in the text's own words.

One test per class of miscredit; every text here is invented for the test and
the names, firms and outlets are fictional.
"""

from __future__ import annotations

from triage.core.models import Quote
from triage.core.quotes import extract_quotes


def _quotes(text: str) -> list[Quote]:
    quotes = extract_quotes(text)
    for quote in quotes:
        assert text[quote.start : quote.end] == quote.text
    return quotes


def test_role_before_the_name_keeps_its_modifiers() -> None:
    text = (
        "“We shut the intake within the hour and tested every main,” operations director "
        "Ruth Penhale told reporters."
    )
    (quote,) = _quotes(text)
    assert (quote.speaker, quote.role) == ("Ruth Penhale", "operations director")


def test_appositive_after_the_cue_is_the_role_as_written() -> None:
    text = (
        "“We shut the intake within the hour and tested every main,” said Ruth Penhale, "
        "operations director at Corvel Water."
    )
    (quote,) = _quotes(text)
    assert (quote.speaker, quote.role) == ("Ruth Penhale", "operations director at Corvel Water")


def test_appositive_before_the_cue_is_the_role_as_written() -> None:
    text = (
        "Ruth Penhale, operations director at Corvel Water, said: “We shut the intake "
        "within the hour and tested every main.”"
    )
    (quote,) = _quotes(text)
    assert (quote.speaker, quote.role) == ("Ruth Penhale", "operations director at Corvel Water")


def test_told_the_outlet_names_the_audience_not_the_speaker_or_employer() -> None:
    text = (
        "“We shut the intake within the hour and tested every main,” operations director "
        "Ruth Penhale told The Morning Courier."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Ruth Penhale"
    assert "Courier" not in quote.role


def test_courtesy_title_is_not_a_role() -> None:
    text = (
        "Ruth Penhale runs the plant.\n"
        "“We are asking every household not to drink the water,” Ms Penhale said."
    )
    (quote,) = _quotes(text)
    assert (quote.speaker, quote.role) == ("Ruth Penhale", "")
