"""Rate limits per API key (or per signed-in user, or per address for anonymous calls).

A fixed window counted in the cache, shared by every web process: on Redis (production) one round trip per
request (``SET NX EX`` then ``INCR`` in one MULTI/EXEC), elsewhere the cache's ``add`` and atomic ``incr``.
The rate is read from settings.API_THROTTLE_RATE at use (default 600/minute), so tests and deployments can
change it without a restart of anything but the setting.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from portal.api.authentication import KeyPrincipal

PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
           "d": 86400, "day": 86400}
HEADERS_ATTR = "_lintel_rate_limit"


@dataclass(frozen=True)
class RateState:
    limit: int
    remaining: int
    reset_after: int  # seconds until the window starts again

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_after),
        }


def parse_rate(rate: str) -> tuple[int, int]:
    """'600/minute' -> (600, 60); '10/5m' is not supported on purpose: one number, one unit."""
    count, _, unit = rate.partition("/")
    try:
        return int(count), PERIODS[unit.strip().lower()]
    except (ValueError, KeyError):
        raise ValueError(f"API_THROTTLE_RATE “{rate}” is not like “600/minute”.") from None


def identity(request: Request) -> str:
    user: Any = request.user
    if isinstance(user, KeyPrincipal):
        return f"key:{user.key.pk}"
    if getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    forwarded = request.META.get("REMOTE_ADDR") or "unknown"
    return f"addr:{forwarded}"


def count_request(key: str, timeout: int) -> int:
    """This request's number in the window ``key`` (which lives ``timeout`` seconds from its first request)."""
    backend = caches[DEFAULT_CACHE_ALIAS]  # ``cache`` is a proxy: the backend itself tells which it is
    if isinstance(backend, RedisCache):
        # One round trip: create the window at 0 with its expiry if it is new, count this request.
        name = backend.make_and_validate_key(key)
        pipe = backend._cache.get_client(name, write=True).pipeline(transaction=True)
        pipe.set(name, 0, ex=timeout, nx=True)
        pipe.incr(name)
        return int(pipe.execute()[1])
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1


class OrganizationRateThrottle(BaseThrottle):
    """Counts the request in its caller's window; refuses once the window's budget is spent."""

    def allow_request(self, request: Request, view: Any) -> bool:
        limit, period = parse_rate(getattr(settings, "API_THROTTLE_RATE", "600/minute"))
        now = time.time()
        window = int(now // period)
        count = count_request(f"api-rate:{identity(request)}:{period}:{window}", period + 1)
        reset_after = max(1, math.ceil((window + 1) * period - now))
        self.state = RateState(limit=limit, remaining=max(0, limit - count), reset_after=reset_after)
        setattr(request, HEADERS_ATTR, self.state)
        return count <= limit

    def wait(self) -> float | None:
        return float(self.state.reset_after)
