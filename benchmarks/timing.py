"""Shared by the benchmark scripts: run a callable several times and report the median."""
from __future__ import annotations

import statistics
import time


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    """(median seconds over ``repeat`` runs, the last result)."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out
