"""Medians and 95th percentiles of repeated measurements."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass(slots=True)
class Samples:
    """Repeated measurements of one figure (any unit)."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def p95(self) -> float:
        """Nearest-rank 95th percentile (the slowest 5% lie above it)."""
        if not self.values:
            return float("nan")
        ordered = sorted(self.values)
        rank = max(0, min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1))
        return ordered[rank]

    def summary(self, digits: int = 1) -> dict[str, float]:
        return {
            "median": round(self.median, digits),
            "p95": round(self.p95, digits),
            "n": len(self.values),
        }
