"""Direct-quotation extraction (placeholder until the extractor lands)."""

from __future__ import annotations

from triage.core.models import Quote


def extract_quotes(text: str) -> list[Quote]:
    """Return every direct quotation in ``text`` with offsets into it."""
    return []
