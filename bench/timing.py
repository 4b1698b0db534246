"""The one timing helper of the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_us(function: Callable[[], object], repeat: int = 3000, warmup: int = 200) -> float:
    """Median microseconds of ``function`` over ``repeat`` calls, after ``warmup`` calls."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6
