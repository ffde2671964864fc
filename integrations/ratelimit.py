"""One rate budget per connection, shared by every worker process.

A sliding window (at most N sends in any ``per_seconds``), because that is what vendors' gateways count: a token
bucket would allow a burst of N right after N and earn a 429. With Redis (settings.REDIS_URL) the window is a sorted
set updated by one Lua script using Redis's clock; without it, a row per connection in the database, updated under a
row lock. Both honour ``pause(seconds)`` (a vendor's Retry-After), which stops every process sharing the budget.
A request's entry is moved from its grant time to the time its answer came back (``done``): the vendor saw it
somewhere in between, so counting by that later time never puts more than N in any of the vendor's windows,
however late a busy machine or network delivers it (a grant-time window earned 429s under load: tests/drills).
A small margin on the window covers the rest (clock rates, the vendor's own rounding).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

from integrations.contract import RateSpec
from integrations.errors import RateLimited

MARGIN = 0.03  # seconds added to every window (network jitter)

_LUA = """
local key, pause_key = KEYS[1], KEYS[2]
local limit, window, member = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local paused = redis.call('PTTL', pause_key)
if paused > 0 then return {tostring(paused / 1000), tostring(now)} end
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, math.ceil(window * 1000) + 1000)
  return {'0', tostring(now)}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {tostring(math.max(0.001, tonumber(oldest[2]) + window - now)), tostring(now)}
"""
_DONE_LUA = """
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], 'XX', tonumber(t[1]) + tonumber(t[2]) / 1000000, ARGV[1])
"""


class _Limiter:
    def __init__(self, key: str, spec: RateSpec, sleep: Callable[[float], None] = time.sleep) -> None:
        self.key = key
        self.spec = spec
        self.window = spec.per_seconds + MARGIN
        self.sleep = sleep
        self.waited = 0.0
        self.granted_at = 0.0  # the limiter's own clock at the last grant (what the window counted)

    def try_acquire(self) -> float:
        """0 when a send is granted now; otherwise the seconds to wait before asking again."""
        raise NotImplementedError

    def acquire(self, max_wait: float = 30.0) -> None:
        deadline = time.monotonic() + max_wait
        for _ in range(100_000):  # bounded: each turn sleeps at least a millisecond
            wait = self.try_acquire()
            if wait <= 0:
                return
            if time.monotonic() + wait > deadline:
                raise RateLimited("Rate budget exhausted for now", retry_after=wait)
            self.waited += wait
            self.sleep(wait)
        raise RateLimited("Rate limiter did not grant a slot", retry_after=self.window)

    def pause(self, seconds: float) -> None:
        raise NotImplementedError

    def done(self) -> None:
        """The request granted last has its answer (or failed): count it from now instead of its grant."""


class RedisLimiter(_Limiter):
    def __init__(self, key: str, spec: RateSpec, client: Any, **kw: Any) -> None:
        super().__init__(key, spec, **kw)
        self.client = client
        self.script = client.register_script(_LUA)
        self.done_script = client.register_script(_DONE_LUA)
        self.member = ""

    def try_acquire(self) -> float:
        member = uuid.uuid4().hex
        wait, now = self.script(keys=[self.key, self.key + ":pause"], args=[self.spec.requests, self.window, member])
        if float(wait) <= 0:
            self.granted_at, self.member = float(now), member
        return float(wait)

    def done(self) -> None:
        if self.member:
            self.done_script(keys=[self.key], args=[self.member])
            self.member = ""

    def pause(self, seconds: float) -> None:
        if seconds > 0:
            self.client.set(self.key + ":pause", "1", px=max(1, int(seconds * 1000)))


class DatabaseLimiter(_Limiter):
    def try_acquire(self) -> float:
        from integrations.models import RateLimitWindow

        with transaction.atomic():
            RateLimitWindow.objects.get_or_create(key=self.key)
            row = RateLimitWindow.objects.select_for_update().get(key=self.key)
            now = time.time()
            if row.paused_until > now:
                return row.paused_until - now
            hits = [t for t in row.hits if t > now - self.window]
            if len(hits) < self.spec.requests:
                hits.append(now)
                self.granted_at = now
                RateLimitWindow.objects.filter(pk=row.pk).update(hits=hits)
                return 0.0
            return max(0.001, min(hits) + self.window - now)

    def done(self) -> None:
        from integrations.models import RateLimitWindow

        if not self.granted_at:
            return
        with transaction.atomic():
            row = RateLimitWindow.objects.select_for_update().filter(key=self.key).first()
            if row is not None and self.granted_at in row.hits:
                hits = list(row.hits)
                hits[hits.index(self.granted_at)] = max(time.time(), self.granted_at)
                RateLimitWindow.objects.filter(pk=row.pk).update(hits=hits)
        self.granted_at = 0.0

    def pause(self, seconds: float) -> None:
        from integrations.models import RateLimitWindow

        until = time.time() + seconds
        with transaction.atomic():
            RateLimitWindow.objects.get_or_create(key=self.key)
            RateLimitWindow.objects.filter(key=self.key, paused_until__lt=until).update(paused_until=until)


_redis_clients: dict[str, Any] = {}


def _redis(url: str) -> Any:
    if url not in _redis_clients:
        import redis

        _redis_clients[url] = redis.Redis.from_url(url)
    return _redis_clients[url]


def spec_for(connection: Any) -> RateSpec | None:
    """The connection's override (config "rate_limit"), else the vendor's documented limit; None = unlimited."""
    override = (connection.config or {}).get("rate_limit")
    if isinstance(override, dict):
        if override.get("enabled") is False:
            return None
        if override.get("requests"):
            return RateSpec(int(override["requests"]), float(override.get("per_seconds") or 1.0))
    try:
        return connection.plugin.rate_limit
    except LookupError:
        return None


def limiter_for(connection: Any, backend: str | None = None) -> _Limiter | None:
    spec = spec_for(connection)
    if spec is None:
        return None
    prefix = getattr(settings, "CACHES", {}).get("default", {}).get("KEY_PREFIX", "lintel")
    key = f"{prefix}:ratelimit:connection:{connection.pk}"
    url = getattr(settings, "REDIS_URL", "")
    if (backend or ("redis" if url else "database")) == "redis":
        return RedisLimiter(key, spec, _redis(url))
    return DatabaseLimiter(key, spec)
