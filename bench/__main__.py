"""`python -m bench [name ...]`: run the benchmarks (all by default), each in a process of its own.

Names: ingest, rate_floor, api, portal, webhooks, memory. Each prints one JSON line on stdout; progress goes to
stderr. The database, the private Redis and the temporary files are made here and removed at the end.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time

from bench.env import ROOT, child_env, database, log, migrate, private_redis

BENCHMARKS = {
    "ingest": "bench.ingest",
    "rate_floor": "bench.rate_floor",
    "api": "bench.api",
    "portal": "bench.pages",
    "webhooks": "bench.webhooks",
    "memory": "bench.memory",
}
TIME_LIMIT = 900  # seconds per benchmark: a hung one fails instead of holding `make bench` forever


def main(argv: list[str]) -> int:
    names = [a.replace("-", "_") for a in argv] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    failed = []
    started = time.monotonic()
    var_dir = tempfile.mkdtemp(prefix="lintel-bench-")
    try:
        with database() as database_url, private_redis() as redis_url:
            env = child_env(database_url, redis_url, var_dir)
            migrate(env)
            for name in names:
                log(f"{name}: starting")
                begun = time.monotonic()
                try:
                    done = subprocess.run([sys.executable, "-m", BENCHMARKS[name]], cwd=ROOT, env=env,  # noqa: S603
                                          timeout=TIME_LIMIT, check=False)
                except subprocess.TimeoutExpired:
                    done = None
                if done is None or done.returncode != 0:
                    failed.append(name)
                    log(f"{name}: FAILED ({'timed out' if done is None else f'exit {done.returncode}'})")
                else:
                    log(f"{name}: done in {time.monotonic() - begun:.0f} s")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    log(f"all done in {time.monotonic() - started:.0f} s" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
