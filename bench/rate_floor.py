"""Benchmark 2, rate floor: a full sync against a sandbox enforcing 600 requests a minute, pages of 100.

The sandbox enforces Buildium's documented limit the way its gateway counts it, 10 requests in any rolling second
(600 a minute, never bunched), and answers 429 beyond it. The engine knows the limit from the plug-in
(``rate_limit = RateSpec(10, 1.0)``; no override) and shares it through Redis. Figures: the sync's wall time over
the time the limit allows for the requests it made (requests / 10 per second), and the 429s received.
"""

from __future__ import annotations

import os
import time
from typing import Any

from bench.setup import django_setup, machine, report

UNITS = int(os.environ.get("BENCH_RATE_UNITS", 10_000))
PAGE = 100
RATE = (10, 1.0)  # requests per seconds: 600 a minute


def run() -> dict[str, Any]:
    from bench import data
    from bench.env import log
    from bench.procs import sandbox
    from integrations.buildium import streams
    from integrations.pull import run_pull
    from integrations.ratelimit import spec_for

    # Pages of 100 (the plug-in asks for Buildium's maximum, 1000): more requests, so pacing is what is measured.
    streams.fetch_offset_page.__defaults__ = (PAGE,)
    with sandbox(dict(os.environ), seed=UNITS, bench="rate_floor") as vendor:
        org = data.organization("rate")
        conn = data.buildium_connection(org, vendor.url, streams=["properties", "owners", "units"])
        spec = spec_for(conn)
        vendor.control("POST", "rate", json={"requests": RATE[0], "per_seconds": RATE[1]})
        before = vendor.stats()
        started = time.perf_counter()
        run_ = run_pull(conn.pk, full=True)
        wall = time.perf_counter() - started
        after = vendor.stats()
    requests = after.get("requests", 0) - before.get("requests", 0)
    rejected = after.get("429_sent", 0) - before.get("429_sent", 0)
    allowed = requests * RATE[1] / RATE[0]
    log(f"rate_floor: {requests} requests in {wall:.1f} s (the limit allows {allowed:.1f} s), {rejected} 429s")
    counts = run_.counts
    return {
        "limit": f"{RATE[0]} per {RATE[1]:g} s (600/min)",
        "engine_limit": f"{spec.requests} per {spec.per_seconds:g} s",
        "page_size": PAGE, "units": UNITS, "requests": requests, "wall_s": wall, "allowed_s": allowed,
        "ratio": wall / allowed, "429s": rejected, "targets": {"ratio": "<= 1.1", "429s": "0"},
        "status": run_.status, "homes_created": counts.get("units", {}).get("created", 0), "machine": machine(),
    }


if __name__ == "__main__":
    django_setup()
    report("rate_floor", run())
