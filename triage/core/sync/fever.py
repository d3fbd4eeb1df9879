"""The Fever API over httpx: ``POST URL?api&COMMAND`` with the form field ``api_key``.

Items come 50 at a time (the API's page size) with ``since_id``; marks go one item at
a time (``mark=item&as=read|unread|saved|unsaved&id=N``). Timeouts and the size cap
come from :class:`triage.core.fetch.FetchPolicy`, like every other request triage
makes; any answer that is not a Fever JSON object is a :class:`ServerError`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import httpx

from triage.core.fetch import FetchPolicy
from triage.core.sync.backend import (
    AuthError,
    ServerError,
    ServerFeed,
    ServerItem,
    ServerState,
)

_MAX_ID = 2**62


def fever_api_key(email: str, password: str) -> str:
    """The Fever key: ``md5("email:password")`` in hex (password-equivalent)."""
    return hashlib.md5(f"{email}:{password}".encode(), usedforsecurity=False).hexdigest()


def _ids(value: object) -> frozenset[int]:
    """A comma-separated id list; anything that is not a positive id is dropped."""
    if isinstance(value, int) and not isinstance(value, bool):
        return frozenset({value}) if 0 < value < _MAX_ID else frozenset()
    if not isinstance(value, str):
        return frozenset()
    found = set()
    for part in value.split(","):
        part = part.strip()
        if part.isdigit() and 0 < int(part) < _MAX_ID:
            found.add(int(part))
    return frozenset(found)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _item(raw: object) -> ServerItem | None:
    """One item, or None when its id is unusable (the bad item is skipped)."""
    if not isinstance(raw, dict):
        return None
    item_id = _int(raw.get("id"))
    if item_id is None or not 0 < item_id < _MAX_ID:
        return None
    created = _int(raw.get("created_on_time"))
    published = None
    if created is not None and 0 < created < 32503680000:  # before year 3000
        published = datetime.fromtimestamp(created, UTC)
    return ServerItem(
        item_id=item_id,
        feed_id=str(_int(raw.get("feed_id")) or ""),
        title=_text(raw.get("title")),
        url=_text(raw.get("url")),
        html=_text(raw.get("html")),
        author=_text(raw.get("author")),
        published=published,
        read=bool(_int(raw.get("is_read"))),
        saved=bool(_int(raw.get("is_saved"))),
    )


class FeverBackend:
    """A Fever API server at ``url``, with the user's ``api_key``."""

    def __init__(self, url: str, api_key: str, policy: FetchPolicy | None = None) -> None:
        self.url = url
        self._key = api_key
        self.policy = policy or FetchPolicy()
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout),
            headers={"User-Agent": self.policy.user_agent},
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def _call(self, query: str, form: dict[str, str] | None = None) -> dict[str, Any]:
        data = {"api_key": self._key, **(form or {})}
        target = f"{self.url}{'&' if '?' in self.url else '?'}api{query}"
        try:
            with self._client.stream("POST", target, data=data) as response:
                if response.status_code != 200:
                    raise ServerError(
                        f"{self.url}: the server answered HTTP {response.status_code}"
                    )
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > self.policy.max_bytes:
                        raise ServerError(f"{self.url}: the answer is too large")
        except httpx.TimeoutException:
            raise ServerError(f"{self.url}: the server did not answer in time") from None
        except httpx.HTTPError as exc:
            raise ServerError(
                f"{self.url}: cannot reach the server ({type(exc).__name__})"
            ) from None
        try:
            answer = json.loads(bytes(body))
        except ValueError:
            raise ServerError(f"{self.url}: the answer is not Fever API JSON") from None
        if not isinstance(answer, dict) or "auth" not in answer:
            raise ServerError(f"{self.url}: the answer is not Fever API JSON")
        if _int(answer.get("auth")) != 1:
            raise AuthError(f"{self.url}: the server refused the user name or password")
        return answer

    def check(self) -> None:
        self._call("")

    def feeds(self) -> list[ServerFeed]:
        answer = self._call("&groups&feeds")
        titles: dict[int, str] = {}
        for raw in answer.get("groups") or []:
            if isinstance(raw, dict) and (gid := _int(raw.get("id"))) is not None:
                titles[gid] = _text(raw.get("title"))
        group_of: dict[int, str] = {}
        for raw in answer.get("feeds_groups") or []:
            if isinstance(raw, dict) and (gid := _int(raw.get("group_id"))) is not None:
                for fid in _ids(raw.get("feed_ids")):
                    group_of.setdefault(fid, titles.get(gid, ""))
        found: list[ServerFeed] = []
        for raw in answer.get("feeds") or []:
            if not isinstance(raw, dict):
                continue
            feed_id = _int(raw.get("id"))
            url = _text(raw.get("url"))
            if feed_id is None or not url:
                continue
            found.append(
                ServerFeed(
                    feed_id=str(feed_id),
                    url=url,
                    title=_text(raw.get("title")),
                    site_url=_text(raw.get("site_url")),
                    group=group_of.get(feed_id, ""),
                )
            )
        return found

    def items_since(self, since_id: int) -> tuple[list[ServerItem], int]:
        answer = self._call(f"&items&since_id={int(since_id)}")
        raw_items = answer.get("items")
        if raw_items is None:
            return [], since_id
        if not isinstance(raw_items, list):
            raise ServerError(f"{self.url}: the answer is not Fever API JSON")
        items = [item for raw in raw_items if (item := _item(raw)) is not None]
        items = sorted((i for i in items if i.item_id > since_id), key=lambda i: i.item_id)
        # a batch of unusable items still moves the cursor past them
        ids = [i for raw in raw_items if isinstance(raw, dict) and (i := _int(raw.get("id")))]
        cursor = max([since_id, *(i for i in ids if i < _MAX_ID)])
        return items, cursor

    def state(self) -> ServerState:
        answer = self._call("&unread_item_ids&saved_item_ids")
        return ServerState(
            unread=_ids(answer.get("unread_item_ids")), saved=_ids(answer.get("saved_item_ids"))
        )

    def push(self, item_id: int, read: bool | None, saved: bool | None) -> None:
        for flag, yes, no in ((read, "read", "unread"), (saved, "saved", "unsaved")):
            if flag is not None:
                self._call("", {"mark": "item", "as": yes if flag else no, "id": str(int(item_id))})
