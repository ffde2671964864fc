"""Benchmark 6, memory: the peak resident memory of a 100,000-record sync, in a child process of its own.

The sandbox (another process) holds 100,000 Buildium units on ~12,000 rental properties with their owners; the
child pulls properties, owners and units through the engine (rate limit off) and reports its own peak RSS
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``), before and after the sync. Pages stream: nothing should hold the
whole set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

from bench.setup import django_setup, machine, report

UNITS = int(os.environ.get("BENCH_MEMORY_UNITS", 100_000))


def child(url: str) -> dict[str, Any]:
    """Runs in the measured process."""
    import resource

    from bench import data
    from integrations.pull import run_pull

    def peak_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    org = data.organization("memory")
    conn = data.buildium_connection(org, url, rate_limit={"enabled": False},
                                    streams=["properties", "owners", "units"])
    before = peak_mb()
    started = time.perf_counter()
    run = run_pull(conn.pk, full=True)
    return {"peak_rss_mb": peak_mb(), "rss_before_sync_mb": before, "sync_s": time.perf_counter() - started,
            "status": run.status, "records": sum(c.get("fetched", 0) for c in run.counts.values()),
            "homes_created": run.counts.get("units", {}).get("created", 0), "errors": run.error_count}


def run() -> dict[str, Any]:
    from bench.env import ROOT, log
    from bench.procs import sandbox

    env = dict(os.environ)
    with sandbox(env, seed=UNITS, bench="memory") as vendor:
        done = subprocess.run([sys.executable, "-m", "bench.memory", "--child", vendor.url], cwd=ROOT, env=env,  # noqa: S603
                              capture_output=True, text=True, timeout=900, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    log(f"memory: peak {figures['peak_rss_mb']:.0f} MB over {figures['records']} records")
    return {"units": UNITS, **figures, "targets": {"peak_rss_mb": "< 300"}, "machine": machine()}


if __name__ == "__main__":
    django_setup()
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(sys.argv[2])), flush=True)
    else:
        report("memory", run())
