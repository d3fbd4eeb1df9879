"""Unit tests for the speaker rules added to raise speaker accuracy, one per test.

Every text here is invented for the test; the names are fictional.
"""

from __future__ import annotations

from triage.core.models import Quote
from triage.core.quotes.extract import extract_quotes


def _quotes(text: str, min_confidence: float | None = None) -> list[Quote]:
    """Extract quotes and check that each slices back out of the text."""
    quotes = extract_quotes(text, min_confidence)
    for quote in quotes:
        assert text[quote.start : quote.end] == quote.text
    return quotes


def test_next_sentence_cue_with_its_own_quote_does_not_attribute_the_previous() -> None:
    text = (
        'Oren Malk said the harbour plan "would ruin us." Petra Vand called Malk '
        'a "professional pessimist." Ilse Grau said nothing at all.'
    )
    first, second = _quotes(text)
    assert first.speaker == "Oren Malk"
    assert second.speaker == "Petra Vand"


def test_full_stop_quote_keeps_the_attribution_leading_into_it() -> None:
    text = (
        "Tova Rensk says the board will appeal and will “fight this to the very end.” "
        "Quinlan’s objection was first reported by the Harbour Ledger."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Tova Rensk"


def test_first_name_ending_in_ly_opens_a_subject() -> None:
    text = (
        "Holly Brannagh threw her weight behind Sen. Piet Dorn (R-Ore.) on Monday, "
        "saying it was time for “a steady hand on the tiller of this state.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Holly Brannagh"


def test_reporting_verb_outranks_the_cue_it_reports() -> None:
    text = "Rep. Anja Toller said Wim Castell called on the council to be “far more careful.”"
    (quote,) = _quotes(text)
    assert quote.speaker == "Anja Toller"


def test_according_to_outranks_the_cue_it_reports() -> None:
    text = "According to the Millbrook Courier, Wim Castell praised the “loyal volunteers.”"
    (quote,) = _quotes(text)
    assert quote.speaker == "Millbrook Courier"


def test_subordinate_clause_cue_does_not_report_the_main_clause() -> None:
    text = (
        "While not everything Wim Castell says is true, Anja Toller said the mayor is "
        "“telling voters what they want to hear.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Anja Toller"


def test_name_of_an_institute_after_a_quote_is_the_speaker() -> None:
    text = (
        "Tomas Vell spoke first.\n\n"
        "“Building a second pier would be a stretch for the town,” Ada Quill of the "
        "Harbour Centre for Maritime Studies wrote in December."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Ada Quill"
    assert quote.role == "the Harbour Centre for Maritime Studies"


def test_demonstrative_phrase_after_a_quote_is_the_speaker() -> None:
    text = (
        "Tomas Vell spoke first.\n\n"
        "“The crew do not trust him, and they are glad he is gone,” this source told the Ledger."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "this source"


def test_determiner_phrase_ending_the_sentence_attributes_its_partial_quote() -> None:
    text = (
        "Wim Castell has been “unfairly held” by the port authority since May, "
        "the dockers’ union says."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "the dockers’ union"


def test_name_and_affiliation_line_signs_a_pull_quote() -> None:
    text = (
        "Economists were split on the plan.\n\n"
        '"We will enter the next slump without any room to cut rates at all.\n'
        'Ilse Grau, Harbour Policy Institute."\n\n'
        "Others were less gloomy."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Ilse Grau"


def test_sentence_with_a_cue_is_no_signature_line() -> None:
    text = (
        "Economists were split on the plan.\n\n"
        '"We will enter the next slump without any room to cut rates at all.\n'
        'Ilse Grau, an economist, said it first."'
    )
    assert all(quote.speaker != "Ilse Grau" for quote in _quotes(text))


def test_attribution_after_the_second_part_covers_the_first() -> None:
    text = (
        "Tomas Vell spoke first.\n\n"
        '"These groups have been setting the table for voters," in sharp contrast to '
        'past years, "when campaigns did that themselves," says Ada Quill, a professor.'
    )
    first, second = _quotes(text)
    assert first.speaker == second.speaker == "Ada Quill"


def test_number_phrase_before_the_cue_is_the_speaker() -> None:
    text = (
        "Tomas Vell spoke first.\n\n"
        "“What if the mayor had taken lessons?” the 43-year-old asked in the clip’s caption."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "the 43-year-old"


def test_reacted_is_a_cue() -> None:
    text = (
        "Tomas Vell spoke first.\n\n"
        "“He said in his speech that sailors are our heroes. Which sailors?” reacted Quill."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Quill"


def test_dash_signature_on_the_quote_line_names_the_speaker() -> None:
    text = (
        "Readers wrote in about the ferry.\n"
        "“The new timetable leaves us stranded every evening.”\u00a0\u2015 Lina Oster\n"
        "“Nobody asked the islanders before cutting the night boat.”\u2015 Brede Tamm.\n"
    )
    first, second = _quotes(text)
    assert (first.speaker, second.speaker) == ("Lina Oster", "Brede Tamm")


def test_dash_inside_a_sentence_after_a_quote_is_no_signature() -> None:
    text = "Ivo Renk said the pier was “beyond repair” — Council Leader Ada Brisk disagreed."
    (quote,) = _quotes(text)
    assert quote.speaker == "Ivo Renk"


def test_acronym_inside_a_description_is_not_the_speaker() -> None:
    text = (
        "“The harbour deal was waved through far too quickly,” said a former "
        "U.N. shipping official who asked not to be named."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "U.N. shipping official"


def test_acronym_opening_a_title_phrase_is_not_the_speaker() -> None:
    text = (
        "Lina Oster toured the pier. The retired teacher and U.K. minister said it was "
        "“a disgrace” to leave the ferries idle all winter long."
    )
    (quote,) = _quotes(text)
    assert quote.speaker != "U.K."
    assert quote.speaker.endswith("minister")


def test_partitive_after_cue_is_the_speaker_not_the_earlier_name() -> None:
    text = (
        "Ada Brisk, the harbour mayor, opened the new pier on Monday. "
        "“There is no money left for the ferries,” said one of her advisers, "
        "who asked not to be named."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "one of her advisers"


def test_noun_after_a_preposition_is_not_the_subject_of_the_cue() -> None:
    text = "Fishers marching along the quay chanted “Save our boats!” well into the night."
    (quote,) = _quotes(text, min_confidence=0.3)
    assert quote.speaker == "Fishers"


def test_pointed_out_is_a_cue() -> None:
    text = (
        "Ada Brisk spoke first. “The pier has stood for a century and will stand for another,” "
        "Tomas Hale pointed out."
    )
    (quote,) = _quotes(text)
    assert (quote.speaker, quote.cue) == ("Tomas Hale", "pointed out")


def test_a_function_word_opening_the_sentence_is_no_speaker_in_any_language() -> None:
    french = (
        "Les éleveurs dénoncent « le manque d’information » dans le département. "
        "Les aides arrivent trop tard, selon les syndicats."
    )
    spanish = (
        "Urgencias.\n\nLa directora del área ha asegurado que los hospitales registran "
        '"un nivel de actividad máximo" según lo previsto para la semana.'
    )
    # no stop words, but sentence openers of a text that is not in English
    adverb = (
        "Plusieurs éleveurs ont dénoncé « une décision injuste et brutale » lors de la "
        "réunion. Ils sont plusieurs à attendre une réponse du ministère depuis des mois."
    )
    preposition = (
        'Según los datos del ministerio, "el paro bajó un dos por ciento en enero" y la '
        "cifra sigue según lo previsto por el gobierno."
    )
    for text in (french, spanish, adverb, preposition):
        (quote,) = _quotes(text)
        assert quote.speaker == "" and quote.speaker_start is None


def test_a_capitalised_group_or_a_name_spelt_like_a_common_word_stays_the_speaker() -> None:
    police = 'Police said the road "will stay closed until Friday." The police van left.'
    assert _quotes(police)[0].speaker == "Police"
    # "will" is a stop word, but this Will is capitalised within a sentence too
    will = (
        'Will said the vote "will not wait another week." Reporters asked Will again, '
        "and he repeated it."
    )
    assert _quotes(will)[0].speaker == "Will"


def test_a_low_opening_mark_is_closed_by_the_high_one_before_a_comma() -> None:
    text = (
        "Das Unternehmen teilte mit, „wir sind sehr zufrieden mit dem Quartal“, "
        "und die Aktie stieg."
    )
    (quote,) = _quotes(text)
    assert quote.text == "wir sind sehr zufrieden mit dem Quartal"
