"""Direct quotations and their speakers, found in a story's text.

:func:`extract_quotes` is the whole public face of extraction; the modules
behind it find marked spans (:mod:`.marks`), attribution cues (:mod:`.cues`,
:mod:`.subjects`, :mod:`.phrases`), earlier mentions of a speaker
(:mod:`.mentions`) and read names and roles (:mod:`.speakers`).
:mod:`.matching` compares quotations across stories (a lifted quote).

Extraction is loaded on first use (:func:`__getattr__`): the store and the
clusterer compare quotes, and the app starts without ever extracting one, so
its cue and name tables (regular expressions compiled on import) wait until then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from triage.core.quotes.matching import fold, quote_shingles, quote_similarity, quotes_match

if TYPE_CHECKING:
    from triage.core.quotes.extract import extract_quotes


def __getattr__(name: str) -> object:
    """Load :func:`extract_quotes` on first use (PEP 562)."""
    if name != "extract_quotes":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from triage.core.quotes.extract import extract_quotes

    globals()[name] = extract_quotes
    return extract_quotes


__all__ = [
    "extract_quotes",
    "fold",
    "quote_shingles",
    "quote_similarity",
    "quotes_match",
]
