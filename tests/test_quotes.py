"""Unit tests for direct-quotation extraction, one construction per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.core.models import Quote
from triage.core.quotes.extract import extract_quotes

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def _check_offsets(text: str, quotes: list[Quote]) -> None:
    """Every quote must slice back out of the text, and so must its speaker mention."""
    for quote in quotes:
        assert text[quote.start : quote.end] == quote.text
        if quote.speaker_start is not None:
            assert quote.speaker_end is not None
            assert quote.speaker_start < quote.speaker_end


def _only(text: str) -> Quote:
    """Extract from ``text`` and return its single quote."""
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert len(quotes) == 1, quotes
    return quotes[0]


def test_no_marks_no_quotes() -> None:
    assert extract_quotes("The council met on Tuesday and adjourned.") == []
    assert extract_quotes("") == []


def test_attribution_after_with_curly_marks() -> None:
    text = "“We will rebuild the harbour before winter,” Mayor Tilda Brannock said on Monday."
    quote = _only(text)
    assert quote.text == "We will rebuild the harbour before winter"
    assert quote.speaker == "Tilda Brannock"
    assert quote.role == "Mayor"
    assert quote.cue == "said"
    assert text[quote.speaker_start : quote.speaker_end] == "Tilda Brannock"


def test_attribution_after_inverted_said_name() -> None:
    text = '"The bridge is safe for traffic again," said Oskar Velde, the county engineer.'
    quote = _only(text)
    assert quote.speaker == "Oskar Velde"
    assert quote.cue == "said"


def test_attribution_before_with_colon() -> None:
    text = "Harbour master Ines Quarry told reporters: “No vessel leaves port tonight.”"
    quote = _only(text)
    assert quote.text == "No vessel leaves port tonight."
    assert quote.speaker == "Ines Quarry"
    assert quote.cue == "told"
    assert "Harbour master" in quote.role


def test_colon_at_end_of_previous_paragraph() -> None:
    text = "Councillor Bram Oduya then added:\n\n“The budget does not add up, and we all know it.”"
    quote = _only(text)
    assert quote.speaker == "Bram Oduya"
    assert quote.cue == "added"


def test_split_quote_gives_both_parts_the_speaker() -> None:
    text = "“The river is rising,” Nadia Orlov said. “We expect the peak by Friday night.”"
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert [q.text for q in quotes] == [
        "The river is rising",
        "We expect the peak by Friday night.",
    ]
    assert all(q.speaker == "Nadia Orlov" for q in quotes)


def test_split_quote_within_one_sentence() -> None:
    text = "“Frankly,” the treasurer, Colm Ashby, said, “we have run out of road on this one.”"
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert quotes[-1].speaker == "Colm Ashby"
    assert quotes[-1].text == "we have run out of road on this one."


def test_surname_resolves_to_fullest_earlier_form_and_role() -> None:
    text = (
        "Port authority spokesman Emil Varga spoke to reporters on Monday.\n\n"
        "“The ferries will run on a reduced timetable until the storm passes,” Varga said."
    )
    quote = _only(text)
    assert quote.speaker == "Emil Varga"
    assert quote.role == "Port authority spokesman"
    assert text[quote.speaker_start : quote.speaker_end] == "Varga"


def test_pronoun_resolves_to_most_recent_compatible_person() -> None:
    text = (
        "Ms. Hallie Brook chairs the committee. Mr. Toby Rusk sat beside her.\n\n"
        "“Nobody consulted the residents about the new road at all,” she said."
    )
    quote = _only(text)
    assert quote.speaker == "Hallie Brook"
    assert text[quote.speaker_start : quote.speaker_end] == "she"


def test_he_said_after_named_speaker() -> None:
    text = (
        "Engineer Paolo Serrat inspected the dam on Sunday.\n\n"
        "“The concrete is sound and the spillway works as designed,” he said."
    )
    assert _only(text).speaker == "Paolo Serrat"


def test_organisation_and_acronym_speaker() -> None:
    text = (
        "The Centre for Coastal Research (CCR) published its survey.\n\n"
        "“Erosion has doubled along the northern shore since the last survey,” the CCR reported."
    )
    quote = _only(text)
    assert quote.speaker == "Centre for Coastal Research"
    assert quote.cue == "reported"


def test_outlet_noun_speaker() -> None:
    text = (
        "The story first ran in The Lowland Courier Times.\n\n"
        "“Residents queued for hours in the rain to collect sandbags,” the newspaper wrote."
    )
    quote = _only(text)
    assert quote.cue == "wrote"
    assert quote.speaker == "Lowland Courier Times"


@pytest.mark.parametrize(
    "cue",
    [
        "told",
        "added",
        "wrote",
        "insisted",
        "warned",
        "tweeted",
        "posted",
        "stated",
        "noted",
        "explained",
        "argued",
        "asked",
        "replied",
        "claimed",
        "declared",
        "announced",
    ],
)
def test_cue_verbs_beyond_said(cue: str) -> None:
    text = f"“The festival will go ahead as planned this summer,” Greta Lindqvist {cue}."
    quote = _only(text)
    assert quote.speaker == "Greta Lindqvist"
    assert quote.cue == cue


def test_according_to() -> None:
    text = (
        "“Turnout was the highest in a decade,” according to Rafael Munro, the returning officer."
    )
    quote = _only(text)
    assert quote.cue == "according to"
    assert quote.speaker == "Rafael Munro"


def test_scare_quote_is_not_a_quotation() -> None:
    text = "The agency described the closure as a “pause” in its operations."
    assert extract_quotes(text) == []


def test_title_in_quotes_is_not_a_quotation() -> None:
    text = "She starred in the series “Harbour Lights” for three seasons."
    assert extract_quotes(text) == []


def test_partial_quote_in_reported_speech_is_a_quotation() -> None:
    text = "Dara Finch said the rebels outnumber the garrison “by about five to one, at least.”"
    quote = _only(text)
    assert quote.text == "by about five to one, at least."
    assert quote.speaker == "Dara Finch"


def test_nested_single_quotes_stay_inside() -> None:
    text = "“They kept shouting ‘open the gates’ all night long,” said Wren Halloway."
    quote = _only(text)
    assert quote.text == "They kept shouting ‘open the gates’ all night long"


def test_mixed_straight_and_curly_marks() -> None:
    text = '“The line held through the whole night and into the morning," Pia Sorensen said.'
    quote = _only(text)
    assert quote.text == "The line held through the whole night and into the morning"
    assert quote.speaker == "Pia Sorensen"


def test_missing_closing_mark_ends_at_paragraph() -> None:
    text = (
        "Commissioner Lotte Ibsen said: “We will publish every invoice online. Nothing is hid!\n\n"
        "The council has not responded."
    )
    quote = _only(text)
    assert quote.text == "We will publish every invoice online. Nothing is hid!"
    assert quote.speaker == "Lotte Ibsen"


def test_missing_opening_mark_with_attribution_after() -> None:
    text = (
        "The institute released a report.\n\n"
        "Farmers are leaving the valley faster than at any time since 1950,” the report said."
    )
    quote = _only(text)
    assert quote.text.startswith("Farmers are leaving")
    assert quote.cue == "said"


def test_multi_paragraph_quote_is_one_quote() -> None:
    text = (
        "Rector Amos Kettle addressed the graduates.\n\n"
        "“You leave here with more than a degree. You leave with friends.\n\n"
        "“Look after one another, and come back often,” Kettle said."
    )
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert len(quotes) == 1
    assert quotes[0].text.startswith("You leave here")
    assert quotes[0].text.endswith("come back often")
    assert quotes[0].speaker == "Amos Kettle"


def test_unattributed_following_paragraph_keeps_speaker() -> None:
    text = (
        "“The harvest was the worst in living memory,” farmer Jonas Ekdahl said.\n\n"
        "“We lost nearly half of the barley to the August floods.”"
    )
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert len(quotes) == 2
    assert quotes[1].speaker == "Jonas Ekdahl"


def test_markdown_bold_inside_quote() -> None:
    text = "“The pass is **closed until spring** and nobody should try it,” ranger Ada Moss warned."
    quote = _only(text)
    assert "**closed until spring**" in quote.text
    assert quote.speaker == "Ada Moss"


def test_markdown_bold_around_quote_is_trimmed() -> None:
    text = "Ranger Ada Moss said the pass was **“closed to all traffic until the thaw.”**"
    quote = _only(text)
    assert quote.text == "closed to all traffic until the thaw."


def test_guillemets() -> None:
    text = "«Nous reconstruirons le pont avant l'hiver prochain», a déclaré Léa Marchand."
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert quotes and quotes[0].text.startswith("Nous reconstruirons")


def test_confidence_in_range() -> None:
    text = "“The talks collapsed late on Thursday after six hours,” Ivo Petrak said."
    assert 0.0 < _only(text).confidence <= 1.0


def test_appositive_role_after_name() -> None:
    text = (
        "“Every ferry is cancelled until noon,” Lene Holt, a harbour spokeswoman, told reporters."
    )
    quote = _only(text)
    assert quote.speaker == "Lene Holt"
    assert quote.role == "harbour spokeswoman"


def test_aside_after_name_is_not_the_speaker() -> None:
    text = "Tova Lind, speaking to reporters in Harwick, said the plan was “a costly mistake.”"
    assert _only(text).speaker == "Tova Lind"


def test_participle_after_quote_names_the_audience_not_the_speaker() -> None:
    text = "Mayor Bo Strand called the vote “a fine result for the town,” telling reporters so."
    assert _only(text).speaker == "Bo Strand"


def test_two_apostrophes_as_double_marks() -> None:
    text = "''We will fight on for the old mill,'' Mr. Dale Aston said."
    quote = _only(text)
    assert quote.text == "We will fight on for the old mill"
    assert quote.speaker == "Dale Aston"


def test_participle_cue_takes_the_sentence_subject() -> None:
    text = "Then Mayor Ruth Okafor praised the volunteers, saying, “They saved the whole street.”"
    quote = _only(text)
    assert quote.speaker == "Ruth Okafor"
    assert quote.cue == "saying"


def test_split_partial_quote_with_participle_keeps_speaker() -> None:
    text = "Ivo Brandt said the plan was “far too timid,” adding, “We need twice the budget.”"
    quotes = extract_quotes(text)
    _check_offsets(text, quotes)
    assert [q.speaker for q in quotes] == ["Ivo Brandt", "Ivo Brandt"]


def test_phrasal_cue() -> None:
    text = "Kai Lindgren shot back: “That account of the meeting is simply untrue.”"
    quote = _only(text)
    assert quote.speaker == "Kai Lindgren"
    assert quote.cue == "shot back"


def test_party_affiliation_in_attribution() -> None:
    text = "“We will block the bill in committee,” Sen. Mara Quint (D-Ore.) said on Tuesday."
    quote = _only(text)
    assert quote.speaker == "Mara Quint"


def test_single_quoted_word_is_a_term_unless_asked_for() -> None:
    text = "The ministry said its troops would “withdraw” from the town."
    assert extract_quotes(text) == []
    terms = extract_quotes(text, min_confidence=0.3)
    _check_offsets(text, terms)
    assert [q.text for q in terms] == ["withdraw"]


def test_unattributed_partial_quote_takes_sentence_subject() -> None:
    text = "Governor Ada Brisk praised the plan for its “bold and overdue vision of the harbour.”"
    assert _only(text).speaker == "Ada Brisk"


def test_head_noun_subject_is_kept_whole() -> None:
    text = "“The figures simply do not add up this year,” the Danish government said."
    assert _only(text).speaker == "the Danish government"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not available")
def test_seed_articles_offsets_slice_back() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        quotes = extract_quotes(text)
        _check_offsets(text, quotes)
        assert quotes, path.name
