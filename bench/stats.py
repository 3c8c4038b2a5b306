"""Small statistics helpers (no numpy): median and percentiles with linear interpolation."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), interpolated between the closest ranks; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def ratio(value: float, floor: float) -> float:
    """value / floor, NaN when either is missing or the floor is zero."""
    if math.isnan(value) or math.isnan(floor) or floor <= 0:
        return math.nan
    return value / floor
