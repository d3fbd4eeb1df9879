"""Unit tests for quote constructions fixed after error analysis, one per test.

Every text here is invented for the test.
"""

from __future__ import annotations

from triage.core.models import Quote
from triage.core.quotes.extract import extract_quotes
from triage.core.quotes.marks import paragraph_bounds


def _quotes(text: str) -> list[Quote]:
    """Extract quotes and check that each slices back out of the text."""
    quotes = extract_quotes(text)
    for quote in quotes:
        assert text[quote.start : quote.end] == quote.text
    return quotes


def test_single_line_break_inside_quote_does_not_end_it() -> None:
    text = (
        "The ferry ran late again on Sunday morning, and the queue at the pier grew\n"
        "long. “We waited for three hours in the rain and nobody from the company\n"
        "came to tell us anything at all,” said Ada Pemberton, a commuter.\n"
    )
    quotes = _quotes(text)
    assert len(quotes) == 1
    assert quotes[0].text.startswith("We waited")
    assert quotes[0].text.endswith("anything at all")
    assert quotes[0].speaker == "Ada Pemberton"


def test_short_wrapped_lines_still_join() -> None:
    text = "“We waited for\nthree hours in the\nrain,” said Ada Pemberton."
    (quote,) = _quotes(text)
    assert quote.text == "We waited for\nthree hours in the\nrain"


def test_blank_line_still_ends_an_open_quote() -> None:
    text = "“We waited for three hours, said Ada Pemberton.\n\nThe company did not reply."
    (quote,) = extract_quotes(text, 0.0)
    assert "company" not in quote.text


def test_one_line_paragraphs_stay_separate() -> None:
    text = "Harbour Board Votes On Ferry Fares\nFirst paragraph of the story.\nSecond one."
    assert len(paragraph_bounds(text)) == 3


def test_list_lines_are_not_joined() -> None:
    text = "Intro.\n\nStop the delays\nFix the timetable\nAnswer the phone\n\nEnd."
    lines = [text[start:end] for start, end in paragraph_bounds(text)]
    assert lines == ["Intro.", "Stop the delays", "Fix the timetable", "Answer the phone", "End."]


def test_single_marks_in_a_double_mark_article_are_not_quotes() -> None:
    text = (
        "Harbour chief: ‘We Will Not Close The Pier’\n\n"
        "“We are keeping every berth open this winter,” said harbour master Jonah Kell."
    )
    quotes = _quotes(text)
    assert [q.text for q in quotes] == ["We are keeping every berth open this winter"]


def test_single_marks_quote_when_the_article_uses_no_double_marks() -> None:
    text = "‘We are keeping every berth open this winter,’ said harbour master Jonah Kell."
    (quote,) = _quotes(text)
    assert quote.speaker == "Jonah Kell"


def test_one_word_quoted_from_a_named_person_is_kept() -> None:
    text = "Councillor Hana Ruel called the new fares “outrageous” at Monday's meeting."
    (quote,) = _quotes(text)
    assert quote.text == "outrageous"
    assert quote.speaker == "Hana Ruel"


def test_one_word_quoted_from_an_institution_stays_a_term() -> None:
    text = "The agency said the timetable would “evolve” over the winter."
    assert _quotes(text) == []


def test_possessive_organisation_role_then_name_after_cue() -> None:
    text = "“It is what travellers asked for,” said Sealine’s fleet manager, Tomas Ridley."
    (quote,) = _quotes(text)
    assert quote.speaker == "Tomas Ridley"
    assert quote.role == "Sealine’s fleet manager"


def test_determiner_role_then_name_after_cue() -> None:
    text = (
        '"People want this route," said the port\'s commercial manager, Ravi Dunmore. "We listen."'
    )
    quotes = _quotes(text)
    assert [q.speaker for q in quotes] == ["Ravi Dunmore", "Ravi Dunmore"]


def test_organisation_role_then_name_before_cue() -> None:
    text = (
        "“We will call every customer ourselves,” said Birch & Cole’s finance director, Owen Tarr."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Owen Tarr"


def test_acronym_modifying_a_role_noun_is_not_the_speaker() -> None:
    text = "In a post online, the TV gardener said: “Our water bill doubled this year.”"
    (quote,) = _quotes(text)
    assert quote.speaker == "the TV gardener"


def test_street_after_from_is_not_a_pronoun_antecedent() -> None:
    text = (
        "Mina Harrow, 52, from Copper Lane, criticised the landlord on Monday. "
        "“Nobody told us anything,” she said."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Mina Harrow"


def test_street_after_on_is_not_a_pronoun_antecedent() -> None:
    text = (
        "Mina Harrow, who lives on Copper Lane with her father, was angry. "
        "“Nobody told us anything,” she said."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Mina Harrow"


def test_trailing_full_stop_is_not_part_of_the_name() -> None:
    text = "“We are ready for the final,” said club captain Farah Mo."
    (quote,) = _quotes(text)
    assert quote.speaker == "Farah Mo"


def test_initials_and_suffix_keep_their_full_stop() -> None:
    text = "“We are ready for the final,” said Peter R. Vane Jr."
    (quote,) = _quotes(text)
    assert quote.speaker == "Peter R. Vane Jr."


def test_full_stopped_quote_is_not_attributed_to_the_next_sentence() -> None:
    text = (
        "Ravel called the board’s decision “a reckless gamble with our money.” "
        "Tam Hollis, a local organiser, warned on Saturday that the move could hurt the party."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Ravel"


def test_full_stopped_quote_keeps_a_short_attribution_after_it() -> None:
    text = "“We will not close the pier.” Tam Hollis said on Saturday."
    (quote,) = _quotes(text)
    assert quote.speaker == "Tam Hollis"


def test_called_takes_its_object_as_the_label_not_the_speaker() -> None:
    text = (
        "Ravel thanked the members “for their support in my campaign” and called "
        "Harbour Nurses Union “one of the sponsors of my campaign and I appreciate that.”"
    )
    assert all(q.speaker != "Harbour Nurses Union" for q in _quotes(text))


def test_coordinated_cue_takes_the_sentence_subject() -> None:
    text = "Hollis praised the Harbour Club and the Town Council but said: “It is time we changed.”"
    (quote,) = _quotes(text)
    assert quote.speaker == "Hollis"


def test_surname_that_is_a_common_word() -> None:
    text = (
        "Harbour Board chair Ian Read spoke on Monday.\n\n"
        "“We have assessed the deal carefully,” Read said."
    )
    (quote,) = _quotes(text)
    assert quote.speaker.endswith("Read")


def test_common_word_without_a_first_name_is_not_a_surname() -> None:
    text = "“We have assessed the deal carefully,” Will said."
    (quote,) = extract_quotes(text, 0.0)
    assert quote.speaker == ""


def test_bare_plural_subject_after_quote() -> None:
    text = "“The harm caused is beyond measure,” federal prosecutors wrote in the filing."
    (quote,) = _quotes(text)
    assert quote.speaker == "federal prosecutors"


def test_quantified_subject_after_quote() -> None:
    text = "“Hey, hey, ho, ho, the harbour fee has to go!” some protesters chanted."
    (quote,) = _quotes(text)
    assert quote.speaker == "some protesters"


def test_stand_alone_quote_takes_the_previous_paragraph_subject() -> None:
    text = (
        "Councillor Hana Ruel met the ferry crews on Monday.\n\n"
        "Ruel praised the crews for their work in the storm in the Western Isles.\n\n"
        "“We need people like this running the harbour.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Hana Ruel"


def test_short_quote_in_a_sentence_led_by_a_person_is_kept() -> None:
    text = (
        "Councillor Hana Ruel described the new fares as “plainly unfair to islanders” on Monday."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Hana Ruel"
    assert quote.text == "plainly unfair to islanders"


def test_short_quote_in_a_sentence_led_by_an_institution_is_not() -> None:
    text = "The agency’s closure of the pier is a “temporary pause” in its operations."
    assert _quotes(text) == []


def test_title_of_domain_before_name_is_the_role() -> None:
    text = "Former Secretary of State Mara Quill urged voters on, saying, “There is no other way.”"
    (quote,) = _quotes(text)
    assert quote.speaker == "Mara Quill"
    assert quote.role == "Former Secretary of State"


def test_title_of_domain_after_cue() -> None:
    text = "“No more delays,” said Secretary of State Mara Quill."
    (quote,) = _quotes(text)
    assert (quote.speaker, quote.role) == ("Mara Quill", "Secretary of State")


def test_role_with_prepositional_phrase_then_name_after_cue() -> None:
    text = "“No more delays,” said the secretary of the sailing club, Mara Quill."
    (quote,) = _quotes(text)
    assert quote.speaker == "Mara Quill"


def test_dateline_is_not_the_subject() -> None:
    text = "HARBOURTON, Dec. 8 (Wire) — Councillor Hana Ruel rallied crews, saying: “We are ready.”"
    (quote,) = _quotes(text)
    assert quote.speaker == "Hana Ruel"


def test_according_to_its_count_is_not_the_attribution() -> None:
    text = (
        "Hana Ruel, a member of the board, said on Tuesday that according to its count, "
        "the party won most seats, but “we are still counting the votes.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Hana Ruel"


def test_participle_after_quote_takes_the_sentence_subject() -> None:
    text = "Councillor Hana Ruel defended “island values,” saying the ferry is a lifeline."
    (quote,) = _quotes(text)
    assert quote.speaker == "Hana Ruel"


def test_relative_pronoun_cue_falls_back_to_the_sentence_subject() -> None:
    text = (
        "Councillor Hana Ruel is disowning remarks by a supporter who said voters should "
        "“throw the whole board into the harbour” at a rally."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Hana Ruel"


def test_group_pronoun_is_not_given_a_person() -> None:
    text = "Hana Ruel met the crews. “We are tired of waiting for the new boat,” they said."
    (quote,) = _quotes(text)
    assert quote.speaker == ""


def test_place_after_an_opening_participle_is_not_the_subject() -> None:
    text = (
        "Speaking at a town hall in Salem, New Hampshire, Hana Ruel went after the board, "
        "calling it “a total shambles.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Hana Ruel"


def test_mixed_case_dateline_with_agency_is_not_the_subject() -> None:
    text = (
        "Harbourton (Wire) – Councillor Hana Ruel took a swipe at the board, "
        "saying that “bombastic comments” do more harm than good."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Hana Ruel"


def test_pronoun_inside_a_sentence_refers_to_its_subject() -> None:
    text = (
        "Mara Quill said on Wednesday that she had phoned Tam Hollis to congratulate him "
        "on what she called “an extraordinary campaign.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Mara Quill"


def test_show_title_after_told_is_the_audience_not_a_quote() -> None:
    text = "But he told Harbour Radio’s “Morning Tide Show” that the plan is a “total mess.”"
    quotes = _quotes(text)
    assert [q.text for q in quotes] == ["total mess."]
    assert quotes[0].speaker != "Morning Tide Show"


def test_title_followed_by_a_clause_is_not_a_spoken_quote() -> None:
    text = (
        "In an interview on the podcast “The Harbour Files” out Thursday, "
        "Mara Quill said the union is going into “overdrive.”"
    )
    assert [q.text for q in _quotes(text)] == ["overdrive."]


def test_title_case_quote_closed_by_a_comma_is_spoken() -> None:
    text = "“Not Fair,” Mara Quill said of the new fares."
    (quote,) = _quotes(text)
    assert quote.speaker == "Mara Quill"


def test_title_with_lower_case_small_words_is_a_title() -> None:
    text = "Comedians are staging a popular play called “Talk Ferries to Me” in the old theatre."
    assert _quotes(text) == []


def test_signature_line_under_a_quote_names_the_speaker() -> None:
    text = (
        "The fares rose again.\n\n“We will never close the pier while I am here.”\n\n"
        "— Tam Hollis, harbour adviser.\n\nMore follows."
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Tam Hollis"


def test_inverted_cue_opening_a_sentence() -> None:
    text = (
        "The board erred, Quill has said. Said Quill, “The thought of that error is painful to us.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Quill"


def test_doubled_consonant_cue_forms() -> None:
    text = "“We got the timetable wrong this winter,” the operator admitted on Monday."
    (quote,) = _quotes(text)
    assert quote.speaker == "the operator"


def test_adding_after_a_cue_keeps_that_cue_subject() -> None:
    text = (
        "Hollis did not stay but left as soon as the meeting ended, Quill said, "
        "adding, “He was never one for small talk.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Quill"


def test_police_ranks_are_roles() -> None:
    text = "“They knew exactly what they were after,” said Detective Inspector Rhys Cadogan."
    (quote,) = _quotes(text)
    assert (quote.speaker, quote.role) == ("Rhys Cadogan", "Detective Inspector")


def test_goes_on_is_a_cue_only_before_the_words() -> None:
    text = (
        "By contrast, Sen. Mara Quill said that once the Senate goes on recess, "
        "“I intend to do as much as I can.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Mara Quill"


def test_time_phrase_opening_a_sentence_is_not_the_subject() -> None:
    text = (
        "But a few days later, Tam Hollis reversed himself again, telling the radio "
        "station that the fares “are set and will stay that way.”"
    )
    (quote,) = _quotes(text)
    assert quote.speaker == "Tam Hollis"
