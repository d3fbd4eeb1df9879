"""Tell when one cluster has grown into two events, and where to cut it.

Incremental assignment decides each story on the evidence of the moment: two
reports of two different events of one kind (two quakes, two rehab stays) can be
close enough to join while the cluster is small, and every later report of
either event then follows. Once the cluster has grown, its members show the two
groups plainly: each group's stories are close to one another and much less
close to the other group's. These pure functions find that two-way cut from the
members' pairwise similarities and say whether it is clear enough to make.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from triage.core.clusters.config import ClusterConfig
from triage.core.clusters.conflicts import penalised_similarity
from triage.core.clusters.tables import ClusterTables, StoredStory


def bisect(similarity: Sequence[Sequence[float]], rounds: int = 12) -> tuple[list[int], list[int]]:
    """Cut members into two groups by average similarity (two-means from the least
    similar pair of well-connected members).

    Args:
        similarity: Symmetric member-by-member similarity (the diagonal is ignored).
        rounds: Reassignment passes at most.

    Returns:
        Member indices of the two groups, each sorted; one is empty when the
        members do not divide.
    """
    n = len(similarity)
    if n < 2:
        return list(range(n)), []
    mean = [sum(similarity[i][j] for j in range(n) if j != i) / (n - 1) for i in range(n)]
    overall = sum(mean) / n
    # An outlier (one off-topic story) is least similar to everything: seeding with it
    # would only cut it off, so seeds come from members connected at least half as well
    # as the average member.
    core = [i for i in range(n) if mean[i] >= 0.5 * overall] or list(range(n))
    pairs = [(similarity[i][j], i, j) for i in core for j in core if i < j]
    if not pairs:
        return list(range(n)), []
    _, first, second = min(pairs)
    groups = ({first}, {second})
    for _ in range(rounds):
        left: set[int] = set()
        right: set[int] = set()
        for i in range(n):
            ours = _mean_to(similarity, i, groups[0])
            theirs = _mean_to(similarity, i, groups[1])
            (left if ours >= theirs else right).add(i)
        if not left or not right or (left, right) == groups:
            break
        groups = (left, right)
    return sorted(groups[0]), sorted(groups[1])


def _mean_to(similarity: Sequence[Sequence[float]], i: int, group: set[int]) -> float:
    others = [j for j in group if j != i]
    return sum(similarity[i][j] for j in others) / len(others) if others else 0.0


def cohesion(similarity: Sequence[Sequence[float]], a: Sequence[int], b: Sequence[int]) -> float:
    """Mean similarity between members of ``a`` and ``b`` (within one group when equal)."""
    values = [similarity[i][j] for i in a for j in b if i != j]
    return sum(values) / len(values) if values else 0.0


def split_cut(
    count: int,
    pair_similarity: Callable[[int, int], float],
    min_group: int,
    max_ratio: float,
) -> list[int] | None:
    """Return the members to move out when the cluster is two events, else None.

    The cut is made when both groups hold at least ``min_group`` members and the
    mean similarity across the groups is at most ``max_ratio`` times the mean
    within them (each group weighted by its size): one event's reports resemble
    each other much more than they resemble the other event's. The group holding member 0 (the
    cluster's first story) stays.
    """
    if count < 2 * min_group:
        return None
    matrix = [[0.0] * count for _ in range(count)]
    for i in range(count):
        for j in range(i + 1, count):
            matrix[i][j] = matrix[j][i] = pair_similarity(i, j)
    left, right = bisect(matrix)
    if len(left) < min_group or len(right) < min_group:
        return None
    within = (
        cohesion(matrix, left, left) * len(left) + cohesion(matrix, right, right) * len(right)
    ) / count
    if within <= 0 or cohesion(matrix, left, right) > max_ratio * within:
        return None
    return right if 0 in left else left


def members_cut(members: Sequence[StoredStory], settings: ClusterConfig) -> list[int] | None:
    """Return the indices of ``members`` (in assignment order) to move into a cluster
    of their own, or None; stories compare as in assignment (stored vectors, with
    the conflict penalty)."""
    vectors = [m.vector for m in members]
    features = [m.decode_features() for m in members]

    def pair(i: int, j: int) -> float:
        return penalised_similarity(
            (vectors[i], members[i].years, features[i]),
            (vectors[j], members[j].years, lambda: features[j]),
            settings,
        )

    return split_cut(len(members), pair, settings.split_min_group, settings.split_ratio)


def split_due(size: int, start: int, growth: float, until: int) -> bool:
    """Whether a cluster of ``size`` is due a split check: at ``start`` and then each
    time it has grown ``growth`` times since the last check, up to ``until`` (the
    check is pairwise, so it runs a few times per cluster, never per assign)."""
    if start <= 0 or size < start or size > until:
        return False
    due = start
    while due < size:
        due = max(due + 1, int(due * growth))
    return due == size


def review_split(
    tables: ClusterTables,
    settings: ClusterConfig,
    story_id: str,
    cluster_id: str,
    fresh_cluster_id: Callable[[str], str],
) -> str:
    """Cut a cluster that has grown into two events; return the cluster ``story_id``
    ends up in.

    Checked only when the cluster reaches one of a few sizes (see
    :func:`split_due`), so the pairwise work stays small per assign; never for a
    cluster the editor has corrected, nor across a quotation that stories on both
    sides of the cut share. The side holding the first member keeps the id.
    """
    size = tables.cluster_sizes([cluster_id]).get(cluster_id, 0)
    if not split_due(size, settings.split_from, settings.split_growth, settings.split_until):
        return cluster_id
    if tables.corrected_cluster(cluster_id):
        return cluster_id
    members = tables.members(cluster_id)
    cut = members_cut(members, settings)
    if not cut:
        return cluster_id
    moved = {members[i].story_id for i in cut}
    if settings.split_keeps_quotes and any(
        kind == "quote" and (a in moved) != (b in moved)
        for a, b, kind, _ in tables.links_among([m.story_id for m in members])
    ):
        return cluster_id  # a quotation both sides carry says one event
    fresh = fresh_cluster_id(members[cut[0]].story_id)
    for index in cut:
        tables.move(members[index].story_id, fresh)
    return fresh if story_id in moved else cluster_id
