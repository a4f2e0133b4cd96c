"""What one load run measured, whichever load generator produced it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["LoadResult", "percentile"]


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of values already sorted ascending; 0.0 for no values."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(pct / 100.0 * len(sorted_values)))
    return float(sorted_values[min(rank, len(sorted_values)) - 1])


@dataclass(frozen=True)
class LoadResult:
    """`errors` counts non-2xx answers and socket errors (connect, read, write, timeout);
    `unexpected` counts 2xx answers whose CON/END did not match the walk (an error screen, a
    resume prompt, a session that ended early): the figures are only meaningful when both are 0."""

    tool: str
    requests: int
    duration_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    unexpected: int

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def clean(self) -> bool:
        return self.errors == 0 and self.unexpected == 0
