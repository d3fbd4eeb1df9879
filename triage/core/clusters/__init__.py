"""Clusters: the same event reported more than once, with its origin and its copies.

:class:`ClusterEngine` assigns each story, in publication order, to the cluster of
the event it reports (or a new one), and applies the editor's corrections
(merge, split) as constraints. :class:`Cluster` is what the CLI and the app show."""

from triage.core.clusters.config import ClusterConfig
from triage.core.clusters.engine import ClusterEngine
from triage.core.clusters.prepare import Prepared, PreparedMemo
from triage.core.clusters.types import Cluster, ClusterMember, Relation, SharedPassage

__all__ = [
    "Cluster",
    "ClusterConfig",
    "ClusterEngine",
    "ClusterMember",
    "Prepared",
    "PreparedMemo",
    "Relation",
    "SharedPassage",
]
