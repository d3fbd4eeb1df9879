"""The prose of a story, as the clusterer reads it: no markup, no URLs.

Feed summaries often carry markup as text (an escaped ``<pre style=...>`` around a
commit message, a stray ``<img src=...>``) and bare links. Read as words, the tag
names, attributes and URL parts are shared by every story of the feed and join
unrelated ones; they say nothing about an event, so they are taken out before any
feature, shingle or name is read.
"""

from __future__ import annotations

import re
from dataclasses import replace

from triage.core.models import Story

_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]{0,400})?/?>|<!--.*?-->", re.S)
_URL = re.compile(r"\b(?:https?://|ftp://|www\.)\S+|\bmailto:\S+", re.I)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.I)
_SPACES = re.compile(r"[^\S\n]{2,}")


def clean_prose(text: str) -> str:
    """``text`` without markup tags, comments, entities and URLs."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "/" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "&" in text:
        text = _ENTITY.sub(" ", text)
    return _SPACES.sub(" ", text)


def clean_story(story: Story) -> Story:
    """``story`` with its title and body reduced to prose (the same story when clean)."""
    title, body = clean_prose(story.title), clean_prose(story.body)
    if title == story.title and body == story.body:
        return story
    return replace(story, title=title, body=body)
