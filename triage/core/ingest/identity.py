"""Decide when two feed entries are the same story.

A story's identity key is, in order of preference: its normalised link (when the
link really identifies the entry), its GUID, or a hash of its content. The story id
shown to editors is a short hash of that key, so it is stable across re-ingests
and across desks.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from triage.core.links import url_parts

_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_hsenc",
        "_hsmi",
        "ref",
        "ref_src",
        "cmpid",
        "ocid",
        "smid",
        "smtyp",
        "ncid",
        "sr_share",
        "at_medium",
        "at_campaign",
        "spm",
        "cmp",
        "xtor",
        "taid",
        "guccounter",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(("utm_", "at_", "mkt_", "pk_")) or lowered in _TRACKING_PARAMS


def normalize_url(url: str) -> str:
    """Return a canonical form of ``url`` for comparing links.

    Scheme and host are lower-cased, default ports, fragments and tracking
    parameters (``utm_*``, ``fbclid``…) dropped, remaining query parameters kept in
    their order. Non-HTTP URLs (``file://``…) are returned stripped but otherwise
    unchanged.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:  # an IPv6 literal: hostname dropped its brackets
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    path = parts.path or "/"
    # Strip again: dropping the query or fragment can expose trailing spaces of the
    # path, and normalising twice must give the same key.
    return urlunsplit((scheme, netloc, path, query, "")).strip()


def is_home_page(url: str, site_link: str) -> bool:
    """Whether ``url`` is just the site's home page (so it cannot identify an entry)."""
    if not url:
        return True
    normalized = normalize_url(url)
    path = url_parts(normalized)[3]
    return path in ("", "/") or (bool(site_link) and normalized == normalize_url(site_link))


def content_key(title: str, body: str) -> str:
    """Identity key for an entry with neither a usable link nor a GUID."""
    digest = hashlib.blake2b(f"{title}\n{body}".encode(), digest_size=16).hexdigest()
    return f"hash:{digest}"


def story_id(identity_key: str) -> str:
    """Short, stable, URL-safe id for the story with this identity key."""
    return hashlib.blake2b(identity_key.encode(), digest_size=6).hexdigest()
