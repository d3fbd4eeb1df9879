"""Links from hostile sources, made safe to hand on: to a browser, an export, a fetch.

A story's link is whatever a feed or an article file said: ``javascript:``,
``file:///etc/passwd``, or ``--renderer-cmd-prefix=/tmp/x.sh``, which a browser
launcher would read as an option. Anything that leaves triage as a link goes
through :func:`web_url`: only ``http(s)`` with a host, with every character that
could end a Markdown link, an HTML attribute or a shell word percent-encoded.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import quote, urlsplit, urlunsplit

WEB_SCHEMES = ("http", "https")

# What may stay literal in a URL handed on: RFC 3986 reserved and unreserved
# characters, minus the parentheses and quote that end a Markdown link or an
# attribute. Everything else (space, <, >, ", `, controls, non-ASCII) is %-encoded.
_SAFE = ":/?#[]@!$&*+,;=%~-._"


def web_url(url: object) -> str | None:
    """``url`` as an ``http(s)`` URL safe to open or print, or None when it is not one.

    The result always starts with ``http://`` or ``https://`` (so it can never
    parse as a command-line option), has a host, and holds only printable ASCII.
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or any(ord(c) < 0x21 or 0x7F <= ord(c) <= 0x9F for c in url):
        return None  # controls or inner whitespace: not a link someone typed
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in WEB_SCHEMES or not host or not parts.netloc:
        return None
    netloc = quote(parts.netloc, safe=_SAFE)
    rebuilt = urlunsplit(
        (
            scheme,
            netloc,
            quote(parts.path, safe=_SAFE),
            quote(parts.query, safe=_SAFE),
            quote(parts.fragment, safe=_SAFE),
        )
    )
    return rebuilt


def url_parts(url: str) -> tuple[str, str, int | None, str]:
    """``url``'s scheme and host (both lower case), port and path; empty parts (and
    no port) for what :func:`urllib.parse.urlsplit` refuses, such as an unclosed IPv6
    bracket or a port that is no number: a hostile link costs its own use, never the
    entry, the source or the command."""
    try:
        parts = urlsplit(url.strip())
        return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port, parts.path
    except ValueError:
        return "", "", None, ""


def host_of(url: str) -> str:
    """``url``'s host in lower case, or '' (see :func:`url_parts`)."""
    return url_parts(url)[1]


def is_private_host(url: str) -> bool:
    """Whether ``url``'s host is loopback, private, link-local or otherwise not public.

    A name is resolved (local resolver only) and counts as private when any of its
    addresses is; an unresolvable name is not called private (fetching it fails).
    """
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return False
    if not host:
        return False
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(
        (".localhost", ".local", ".internal")
    ):
        return True
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None)
        except (OSError, UnicodeError):
            return False
        addresses = []
        for info in infos:
            try:
                addresses.append(ipaddress.ip_address(str(info[4][0]).split("%")[0]))
            except ValueError:
                continue
    return any(not address.is_global for address in addresses)
