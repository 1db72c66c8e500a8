"""Throughput and latency percentiles from a list of per-update latencies."""

from __future__ import annotations

import statistics


def summarise(latencies: list[float], seconds: float) -> dict:
    """updates/s over the wall time, and p50 / p99 latency in milliseconds."""
    if len(latencies) < 2:
        raise ValueError("percentiles need at least two latencies")
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "updates": len(latencies),
        "seconds": round(seconds, 3),
        "updates_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(cuts[49] * 1000, 2),
        "p99_ms": round(cuts[98] * 1000, 2),
    }
