"""`python -m bench.sandbox_proc`: the Buildium sandbox in a process of its own (so its CPU is not the engine's).

Prints the port on the first line of stdout, then serves until stdin closes or SIGTERM. Rate limit off at start;
the benchmarks steer it through its control API (/__sandbox__/seed, rate, faults, stats, webhooks).
"""

from __future__ import annotations

import os
import signal
import sys
import threading

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from integrations.buildium.sandbox import BuildiumSandbox  # noqa: E402
from integrations.sandbox.server import serve  # noqa: E402


def main() -> None:
    server = serve({"/buildium": BuildiumSandbox(rate_limit=False)})
    print(server.port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    server.stop()


if __name__ == "__main__":
    main()
