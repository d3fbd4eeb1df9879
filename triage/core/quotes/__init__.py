"""Direct quotations and their speakers, found in a story's text.

:func:`extract_quotes` is the whole public face of extraction; the modules
behind it find marked spans (:mod:`.marks`), attribution cues (:mod:`.cues`,
:mod:`.subjects`, :mod:`.phrases`), earlier mentions of a speaker
(:mod:`.mentions`) and read names and roles (:mod:`.speakers`).
:mod:`.matching` compares quotations across stories (a lifted quote)."""

from triage.core.quotes.extract import extract_quotes
from triage.core.quotes.matching import fold, quote_shingles, quote_similarity, quotes_match

__all__ = [
    "extract_quotes",
    "fold",
    "quote_shingles",
    "quote_similarity",
    "quotes_match",
]
