"""Property tests: extraction never crashes and offsets always slice back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from triage.core.quotes.extract import extract_quotes
from triage.core.quotes.matching import fold, quote_shingles, quote_similarity

_PIECES = st.sampled_from(
    [
        "“",
        "”",
        '"',
        "‘",
        "’",
        "'",
        "''",
        "«",
        "»",
        "**",
        ":",
        ",",
        ".",
        "\n",
        "\n\n",
        " ",
        "said",
        "he said",
        "Anna Berg",
        "told",
        "the ministry",
        "according to",
        "she",
        "—",
        "We will",
        "win",
        "Mr.",
        "x",
        "ÉÀ",
        "\x01",
    ]
)
_TEXT = st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=60).map("".join))


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_extract_never_crashes_and_offsets_slice_back(text: str) -> None:
    for quote in extract_quotes(text):
        assert 0 <= quote.start < quote.end <= len(text)
        assert text[quote.start : quote.end] == quote.text
        assert 0.0 <= quote.confidence <= 1.0
        if quote.speaker_start is not None:
            assert quote.speaker_end is not None
            assert 0 <= quote.speaker_start < quote.speaker_end <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_similarity_is_bounded_and_symmetric(a: str, b: str) -> None:
    score = quote_similarity(a, b)
    assert 0.0 <= score <= 1.0
    assert score == quote_similarity(b, a)
    assert fold(a) == fold(a).strip()
    assert quote_shingles(a) == quote_shingles(a)
