"""A small load generator: threads of httpx clients on 127.0.0.1, bounded in requests and in time.

Each thread sends its share of ``requests`` (round-robin over the given requests, starting at its own offset)
until done or ``duration`` seconds have passed. Latency is measured per request, from send to full body.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Call:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None


@dataclass
class Result:
    sent: int
    errors: int
    elapsed: float
    latencies: list[float]  # seconds
    statuses: dict[int, int]

    @property
    def rps(self) -> float:
        return self.sent / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        """Milliseconds at percentile ``p`` (nearest rank)."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000

    def figures(self, prefix: str = "") -> dict[str, Any]:
        return {f"{prefix}rps": self.rps, f"{prefix}p50_ms": self.percentile(50),
                f"{prefix}p95_ms": self.percentile(95), f"{prefix}requests": self.sent,
                f"{prefix}errors": self.errors}


def run(calls: list[Call], *, requests: int, threads: int = 4, duration: float = 30.0,
        ok: tuple[int, ...] = (200,)) -> Result:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def worker(index: int) -> None:
        mine: list[float] = []
        seen: dict[int, int] = {}
        with httpx.Client(timeout=60) as client:
            for n in range(index, requests, threads):
                if time.perf_counter() > deadline:
                    break
                call = calls[n % len(calls)]
                began = time.perf_counter()
                try:
                    response = client.request(call.method, call.url, headers=call.headers, content=call.content)
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                mine.append(time.perf_counter() - began)
                seen[status] = seen.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for status, n in seen.items():
                statuses[status] = statuses.get(status, 0) + n

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=duration + 120)
    elapsed = time.perf_counter() - started
    errors = sum(n for status, n in statuses.items() if status not in ok)
    return Result(sent=len(latencies), errors=errors, elapsed=elapsed, latencies=latencies, statuses=statuses)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
