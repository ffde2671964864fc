"""Fault injection and rate limiting for sandboxes: what a flaky, busy vendor does to a client.

Random faults (error_rate, malformed_rate, drop_rate) use a seeded RNG so a test run is repeatable. Scripted faults
(``script``) hit the next matching requests exactly, for tests that need "the 3rd POST answers 500 after saving".
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ScriptedFault:
    """Force the next ``count`` requests matching method/path-prefix to answer ``status``.

    ``after`` True: the request is processed first (the vendor saved it) and then the answer is replaced by the
    fault; this is how "the vendor created it but answered 500" is simulated. ``kind``: "status" | "drop" |
    "malformed" | "latency" | "corrupt" (the request is processed and one record of its list answer is spoiled:
    a bad payload among good ones).
    """

    status: int = 500
    count: int = 1
    method: str = ""
    path: str = ""
    after: bool = False
    kind: str = "status"
    retry_after: float | None = None

    def matches(self, method: str, path: str) -> bool:
        return (not self.method or self.method.upper() == method) and path.startswith(self.path)


@dataclass
class Faults:
    error_rate: float = 0.0
    statuses: list[int] = field(default_factory=lambda: [500, 502, 503])
    latency_ms: float = 0.0
    burst_429: int = 0  # the next N requests get 429
    retry_after: float = 1.0  # seconds advertised with injected 429s
    malformed_rate: float = 0.0
    drop_rate: float = 0.0
    script: list[ScriptedFault] = field(default_factory=list)
    seed: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()

    def configure(self, data: dict[str, Any]) -> None:
        with self._lock:
            for name in ("error_rate", "latency_ms", "burst_429", "retry_after", "malformed_rate", "drop_rate"):
                if name in data:
                    setattr(self, name, type(getattr(self, name))(data[name]))
            if "statuses" in data:
                self.statuses = [int(s) for s in data["statuses"]]
            if "script" in data:
                self.script = [ScriptedFault(**item) for item in data["script"]]
            if "seed" in data:
                self._rng = random.Random(int(data["seed"]))

    def clear(self) -> None:
        self.configure({"error_rate": 0, "latency_ms": 0, "burst_429": 0, "malformed_rate": 0, "drop_rate": 0,
                        "script": []})

    def as_dict(self) -> dict[str, Any]:
        return {
            "error_rate": self.error_rate, "statuses": self.statuses, "latency_ms": self.latency_ms,
            "burst_429": self.burst_429, "retry_after": self.retry_after, "malformed_rate": self.malformed_rate,
            "drop_rate": self.drop_rate, "script": [vars(s) for s in self.script],
        }

    def take_scripted(self, method: str, path: str, corrupt: bool = False) -> ScriptedFault | None:
        """The next scripted fault for this request: a "corrupt" one only when ``corrupt`` (asked after serving)."""
        with self._lock:
            for fault in self.script:
                if fault.count > 0 and fault.matches(method, path) and (fault.kind == "corrupt") == corrupt:
                    fault.count -= 1
                    return fault
        return None

    def rearm(self, fault: ScriptedFault) -> None:
        """Give back a scripted fault that found nothing to act on (e.g. "corrupt" on an answer with no list)."""
        with self._lock:
            fault.count += 1

    def take_burst(self) -> bool:
        with self._lock:
            if self.burst_429 > 0:
                self.burst_429 -= 1
                return True
        return False

    def roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._lock:
            return self._rng.random() < rate

    def pick_status(self) -> int:
        with self._lock:
            return self._rng.choice(self.statuses or [500])


class SlidingWindow:
    """At most ``requests`` in any ``per_seconds`` window, like a vendor's gateway. Thread-safe."""

    def __init__(self, requests: int, per_seconds: float) -> None:
        self.requests = requests
        self.per_seconds = per_seconds
        self._hits: deque[float] = deque()
        self._lock = threading.Lock()

    def hit(self) -> float | None:
        """Record a request; return None if allowed, else the seconds until a slot frees up."""
        now = time.monotonic()
        with self._lock:
            while self._hits and self._hits[0] <= now - self.per_seconds:
                self._hits.popleft()
            if len(self._hits) >= self.requests:
                return max(0.001, self._hits[0] + self.per_seconds - now)
            self._hits.append(now)
            return None
