"""Article text for summary-only feeds: fetch each story's page (politely, cached)
and replace its summary with the article the page holds."""

from triage.core.fulltext.cache import CachedPage, PageCache
from triage.core.fulltext.extract import (
    ExtractorUnavailable,
    decode_html,
    extract_article,
    is_html,
    word_count,
)
from triage.core.fulltext.pages import enrich, needs_full_text

__all__ = [
    "CachedPage",
    "ExtractorUnavailable",
    "PageCache",
    "decode_html",
    "enrich",
    "extract_article",
    "is_html",
    "needs_full_text",
    "word_count",
]
