"""What the story clusterer shows: clusters, their members and shared text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Relation = Literal["origin", "copy", "related"]


@dataclass(frozen=True, slots=True)
class ClusterMember:
    """One story as seen inside its cluster."""

    story_id: str
    title: str
    source: str
    url: str
    published: datetime
    relation: Relation
    copy_of: str | None


@dataclass(frozen=True, slots=True)
class SharedPassage:
    """Text that several members carry word for word (a quote or a passage)."""

    text: str
    story_ids: tuple[str, ...]
    kind: Literal["quote", "passage"]


@dataclass(frozen=True, slots=True)
class Cluster:
    """One event: its members, origin and the text they share."""

    id: str
    title: str
    size: int
    origin: str
    members: tuple[ClusterMember, ...]
    shared: tuple[SharedPassage, ...]
