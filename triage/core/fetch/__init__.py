"""Bounded, concurrent HTTP for feeds and pages (httpx): conditional GETs, retries
with backoff for transient errors, size and time caps, one clear line per failure."""

from triage.core.fetch.client import fetch_all, fetch_one
from triage.core.fetch.types import DEFAULT_POLICY, FetchPolicy, FetchRequest, FetchResult

__all__ = [
    "DEFAULT_POLICY",
    "FetchPolicy",
    "FetchRequest",
    "FetchResult",
    "fetch_all",
    "fetch_one",
]
