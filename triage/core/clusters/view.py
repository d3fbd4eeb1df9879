"""Build the editor's view of one cluster: origin, copies and shared text.

Relations are derived when a cluster is read, not stored, so they always reflect the
current members (after removals, merges and splits). The origin is the earliest
member, unless a member cites another member's outlet as its source ("told X",
"according to a report by X"): then the cited member is the origin.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from triage.core.clusters.signals import fold, outlet_key
from triage.core.clusters.tables import ClusterTables, StoredStory
from triage.core.clusters.types import Cluster, ClusterMember, Relation, SharedPassage
from triage.core.links import host_of


def _outlet_keys(story: StoredStory) -> set[str]:
    keys = {outlet_key(story.source)}
    host = host_of(story.url)
    if host:
        keys.add(outlet_key(host))
        keys.add(outlet_key(host.split(".")[-2] if host.count(".") >= 1 else host))
    return {k for k in keys if k}


def find_origin(ordered: list[StoredStory]) -> StoredStory:
    """Return the earliest member cited by another member (of another outlet), else
    the earliest member. Few members cite anyone, so candidates are matched against
    the citing ones only: linear in the cluster's size, not quadratic."""
    keys = {story.story_id: _outlet_keys(story) for story in ordered}
    citing_by_name: dict[str, list[StoredStory]] = defaultdict(list)
    for story in ordered:
        for name in story.names:
            citing_by_name[name].append(story)
    for candidate in ordered:
        own = keys[candidate.story_id]
        for name in own:
            for citing in citing_by_name.get(name, ()):
                if citing is not candidate and not own & keys[citing.story_id]:
                    return candidate
    return ordered[0]


def build_cluster(tables: ClusterTables, cluster_id: str) -> Cluster:
    """Assemble a :class:`Cluster` from the stored members and their links."""
    members = tables.members(cluster_id, text_only=True)
    if not members:
        raise KeyError(cluster_id)
    ordered = sorted(members, key=lambda s: (s.published, s.seq))
    origin = find_origin(ordered)
    sequence = [origin] + [s for s in ordered if s is not origin]
    links = tables.links_among([s.story_id for s in members])
    linked: dict[str, set[str]] = defaultdict(set)
    shared: dict[tuple[str, str], tuple[str, set[str]]] = {}
    for story_id, other_id, kind, text in links:
        linked[story_id].add(other_id)
        linked[other_id].add(story_id)
        key = (kind, " ".join(fold(text).split()))
        entry = shared.setdefault(key, (text, set()))
        entry[1].update((story_id, other_id))
    position = {s.story_id: i for i, s in enumerate(sequence)}
    result: list[ClusterMember] = []
    for index, story in enumerate(sequence):
        earlier = [position[other] for other in linked[story.story_id] if position[other] < index]
        copy_of = sequence[min(earlier)].story_id if earlier else None
        relation: Relation = "origin" if index == 0 else ("copy" if copy_of else "related")
        result.append(
            ClusterMember(
                story_id=story.story_id,
                title=story.title,
                source=story.source,
                url=story.url,
                published=datetime.fromisoformat(story.published),
                relation=relation,
                copy_of=copy_of,
            )
        )
    passages = [
        SharedPassage(
            text=text,
            story_ids=tuple(sorted(ids, key=lambda i: position[i])),
            kind="quote" if kind == "quote" else "passage",
        )
        for (kind, _), (text, ids) in shared.items()
    ]
    passages.sort(key=lambda p: (p.kind != "quote", -len(p.story_ids), -len(p.text)))
    return Cluster(
        id=cluster_id,
        title=origin.title,
        size=len(members),
        origin=origin.story_id,
        members=tuple(result),
        shared=tuple(passages),
    )
