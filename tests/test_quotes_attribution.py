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


def test_relative_clause_subject_said_it_not_the_thing_described() -> None:
    text = (
        "Tamsin's Bakehouse, run by Ivo and Luka Brenn, beat forty entries with its rye "
        "loaf, which judges called “quietly brilliant”."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "judges"


def test_passive_cue_credits_the_by_phrase() -> None:
    text = "Tamsin's Bakehouse was called “quietly brilliant in every way” by the judges."
    (quote,) = _quotes(text)
    assert quote.speaker == "the judges"


def test_translation_credits_the_speaker_not_the_translator() -> None:
    text = (
        "According to a translation by Meridian News, the soldier said: “We held the line "
        "for three days without any relief at all.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "the soldier"


def test_translated_words_belong_to_their_owner() -> None:
    text = (
        "Meridian News translated the soldier's words: “We held the line for three days "
        "without any relief at all.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "the soldier"


def test_outlet_that_quoted_someone_is_not_the_speaker() -> None:
    text = (
        "A soldier filmed himself at the river. Meridian News, which translated the video, "
        "quoted him as saying: “We held the line for three days without any relief at all.”"
    )
    (quote,) = _quotes(text)
    assert "Meridian" not in quote.speaker


def test_possessed_claim_names_who_made_it() -> None:
    text = (
        "Auditors seized on Ruth Penhale’s claim that the plant was “running far beyond "
        "anything it was designed for” and checked it."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Ruth Penhale"


def test_as_aside_names_its_subject() -> None:
    text = (
        "The intake was closed at once; “an abundance of caution prevailed over the "
        "schedule,” as Ruth Penhale put it."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Ruth Penhale"


def test_cue_word_used_as_a_noun_is_no_cue() -> None:
    text = (
        "The Tollan Monitor rated 30% of Corvel claims as “false or misleading” in its "
        "yearly review of the harbour debate."
    )
    (quote,) = _quotes(
        text,
    )
    assert quote.speaker != "Corvel"


def test_noun_phrase_with_of_complement_is_the_speaker() -> None:
    text = (
        "Tomas Vell, a spokesman, announced the scheme on Monday. Asked why it leaves out "
        'fathers, the 41-year-old mother of three replied, "It is meant for every family."'
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "the 41-year-old mother of three"


def test_agent_noun_with_a_phrase_after_it_is_the_speaker() -> None:
    text = (
        "“You paid your taxes. Why did he not pay his?” a narrator in the council ad asks. "
        "The spot ends with footage of Tomas Vell."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "a narrator"


def test_opening_phrase_split_by_a_comma_is_not_the_subject() -> None:
    text = (
        "Following a hastily called, late-night meeting, the Harbour Board issued a "
        'statement calling the spill "a clear breach of every licence we hold."'
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Harbour Board"


def test_document_reporting_a_pronoun_is_the_source() -> None:
    text = (
        "The board met on Friday. The statement noted they had promised to take "
        '"further significant measures" if the spill happened again.'
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "The statement"


def test_partitive_amount_is_the_speaker_not_the_clause_subject() -> None:
    text = (
        "Tomas Vell leads the count. Only 41 percent of registered voters agreed that Vell "
        'is "ready to run the harbour on day one," while 38 percent disagreed.'
    )
    quote = _quotes(text)[0]
    assert quote.speaker == "Only 41 percent of registered voters"


def test_doubled_consonant_after_qu_is_a_cue() -> None:
    text = (
        "Ada Brisk sat through the whole hearing.\n"
        "“If they ask one more question, I may have to leave,” Brisk quipped."
    )
    (quote,) = _quotes(text)
    assert (quote.speaker, quote.cue) == ("Ada Brisk", "quipped")


def test_translation_named_after_the_quote_only_relays_it() -> None:
    text = (
        "The soldier continues: “There is the post marking the border and there a flag,” "
        "according to a translation by Meridian News, which could not confirm the footage."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "The soldier"


def test_caption_names_the_account_that_posted_it_in_full() -> None:
    text = (
        "The clip, posted on Harbour Watch 24, is captioned: “One of the first crews to "
        "reach the breakwater records the moment the tide turns.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Harbour Watch 24"


def test_outlet_before_a_person_noun_is_no_speaker_of_its_own() -> None:
    text = (
        "A Meridian News reporter visited the quay. “Crates were left along the water in "
        "evident haste,” the Meridian News reporter wrote."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "the Meridian News reporter"


def test_pronoun_after_a_quote_never_means_a_name_inside_it() -> None:
    text = (
        "The trust's chair, Robert Ellory, said the building would keep her name. "
        "“The watch room will be the Duthie Room. It's the least we can do,” he said."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Robert Ellory"


def test_courtesy_title_from_an_earlier_mention_is_not_a_role() -> None:
    text = (
        "The light was kept by Ms Duthie for thirty years.\n"
        "“People imagine it was lonely. It was never lonely,” she said."
    )
    (quote,) = _quotes(text)
    assert (quote.speaker, quote.role) == ("Duthie", "")


def test_organisation_after_a_titled_name_is_not_part_of_the_name() -> None:
    text = (
        "“The ammonia is the real hazard here, not the flames,” said Group Manager Tobias "
        "Wren of Corran and District Fire Service."
    )
    (quote,) = _quotes(text)
    assert (quote.speaker, quote.role) == ("Tobias Wren", "Group Manager")


def test_capitalised_description_before_a_name_is_the_role() -> None:
    text = (
        "Pensioner Stan Hollings, 78, said: “I have lived here fifty years and never had "
        "to carry my water home from the shops.”"
    )
    (quote,) = _quotes(text)
    assert (quote.speaker, quote.role) == ("Stan Hollings", "Pensioner")


def test_possessive_description_with_an_aside_is_the_speaker() -> None:
    text = (
        "The victim's sister, who asked not to be named, said: “He was wearing lights and a "
        "hi-vis jacket. He did everything right.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "The victim's sister"


def test_it_in_a_sentence_about_an_institution_is_that_institution() -> None:
    text = (
        "The Harbour Board on Friday condemned the spill and pledged new fines as a "
        "deterrent to what it called “a clear threat to every fishing crew in the bay.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Harbour Board"


def test_per_after_a_quote_names_the_source() -> None:
    text = (
        "Members may send proxies, but not when voting “to fill a vacancy on the board "
        "before the annual meeting,” per the club’s rules."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "the club’s rules"


def test_possessive_owner_before_a_name_is_the_role_not_the_name() -> None:
    text = "The debate ran long. “We are out of time,” said Meridian News's Ada Brisk."
    (quote,) = _quotes(text)
    assert (quote.speaker, quote.role) == ("Ada Brisk", "Meridian News")


def test_person_named_with_an_owner_is_found_for_a_later_quote() -> None:
    text = (
        "Others were unsure. Harbour State University's Dianne Ferrow agreed. "
        "“Mainstream voters are running out of time and out of options.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Dianne Ferrow"


def test_pronoun_never_refers_to_a_name_inside_an_earlier_part_of_the_quote() -> None:
    text = (
        "Mr. Vell read everything on the subject.\n"
        "“My adviser, Ada Brisk, brings a new chart to every morning meeting,” he said, "
        "“and they are terrifying.”"
    )
    quotes = _quotes(text)
    assert [q.speaker for q in quotes] == ["Vell", "Vell"]


def test_pronoun_right_after_a_quote_is_not_read_inside_the_quote() -> None:
    text = (
        "Dolores Fenn, 56, won the draw.\n"
        "But she is not hanging up her mop yet. “I will do my notice. I'm not leaving "
        "the girls short before Christmas,” she said."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Dolores Fenn"


def test_hyphenated_description_is_the_speaker() -> None:
    text = (
        "Dolores Fenn, 56, won the draw.\n"
        "The grandmother-of-five says she plans to buy her house and “treat everyone on "
        "the ward to a proper lunch”."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "The grandmother-of-five"


def test_fuller_name_inside_a_quoted_post_is_not_the_speakers_name() -> None:
    text = (
        "Tomas Vell posted: “Crooked Ada Brisk will sink the harbour!”\n"
        "“We will rebuild the breakwater before winter,” Brisk said on Tuesday."
    )
    quotes = _quotes(text)
    assert quotes[-1].speaker == "Brisk"
