"""The rate budget is one per connection, shared by every process, and a known limit is never exceeded."""

from __future__ import annotations

import multiprocessing
import os
import time

import httpx
import pytest
from django.db import connection as db
from django.db import connections

from integrations.contract import RateSpec
from integrations.models import RateLimitWindow
from integrations.pull import run_pull
from integrations.ratelimit import DatabaseLimiter, RedisLimiter, _redis, limiter_for
from tests.needs import missing

SPEC = RateSpec(8, 0.5)


def busiest_window(stamps: list[float], width: float) -> int:
    stamps = sorted(stamps)
    return max(sum(1 for t in stamps if start <= t < start + width) for start in stamps)


def _grab(kind: str, key: str, n: int, db_name: str, out: multiprocessing.Queue) -> None:
    if kind == "database":
        connections["default"].settings_dict["NAME"] = db_name
        connections.close_all()
        limiter = DatabaseLimiter(key, SPEC)
    else:
        from django.conf import settings

        limiter = RedisLimiter(key, SPEC, _redis(settings.REDIS_URL or "redis://127.0.0.1:6379/15"))
    stamps = []
    for _ in range(n):
        limiter.acquire(max_wait=30)
        stamps.append(limiter.granted_at)
    out.put(stamps)


def run_processes(kind: str, key: str, db_name: str = "") -> list[float]:
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    if db.vendor != "sqlite":  # children must not share the parent's socket (SQLite's in-memory test db must
        connections.close_all()  # stay open in the parent: closing it would drop it)
    workers = [ctx.Process(target=_grab, args=(kind, key, 8, db_name, out)) for _ in range(3)]
    for w in workers:
        w.start()
    stamps = [t for _ in workers for t in out.get(timeout=60)]
    for w in workers:
        w.join(timeout=10)
    return stamps


def test_the_redis_budget_is_shared_by_three_processes(settings):
    url = settings.REDIS_URL or "redis://127.0.0.1:6379/15"
    try:
        _redis(url).ping()
    except Exception:
        missing("no Redis on this machine")
    key = f"lintel-test:ratelimit:{os.getpid()}:{time.time()}"
    stamps = run_processes("redis", key)
    assert len(stamps) == 24
    assert busiest_window(stamps, SPEC.per_seconds) <= SPEC.requests
    assert max(stamps) - min(stamps) >= 2 * SPEC.per_seconds * 0.9  # 24 sends at 8 per 0.5 s take ≥ 1 s


def test_the_database_budget_is_shared_by_three_processes(transactional_db, tmp_path):
    if db.vendor == "sqlite":  # the test database is in memory: give the processes a file with the one table
        import sqlite3

        name = str(tmp_path / "limiter.sqlite3")
        with db.schema_editor(collect_sql=True, atomic=False) as editor:
            editor.create_model(RateLimitWindow)
        with sqlite3.connect(name) as side:
            side.executescript("\n".join(editor.collected_sql))
    else:
        name = db.settings_dict["NAME"]
    stamps = run_processes("database", f"db-test:{time.time()}", name)
    assert len(stamps) == 24
    assert busiest_window(stamps, SPEC.per_seconds) <= SPEC.requests


def test_a_full_sync_under_a_known_limit_receives_no_429(fake_connection, fake_sandbox):
    fake_sandbox.seed(100)  # 10 properties + 100 units: 1 + 5 pages
    httpx.post(f"{fake_sandbox.base_url}/__sandbox__/rate", json={"requests": 3, "per_seconds": 0.5})
    fake_connection.config["rate_limit"] = {"requests": 3, "per_seconds": 0.5}
    fake_connection.save()
    started = time.monotonic()
    run = run_pull(fake_connection.pk, full=True)
    elapsed = time.monotonic() - started
    stats = httpx.get(f"{fake_sandbox.base_url}/__sandbox__/stats").json()
    assert run.status == "succeeded"
    assert stats.get("429_sent", 0) == 0
    sends = stats["requests"]
    assert elapsed >= (sends - 3) / 3 * 0.5 * 0.9  # the limit was actually applied


def test_the_limit_comes_from_the_connection_override_or_the_vendor(fake_connection):
    fake_connection.config = {}
    assert limiter_for(fake_connection).spec == RateSpec(50, 1.0)
    fake_connection.config = {"rate_limit": {"requests": 2, "per_seconds": 3}}
    assert limiter_for(fake_connection).spec == RateSpec(2, 3.0)
    fake_connection.config = {"rate_limit": {"enabled": False}}
    assert limiter_for(fake_connection) is None


@pytest.mark.parametrize("kind", ["redis", "database"])
def test_a_request_counts_from_when_its_answer_came_back_not_from_its_grant(kind, db, settings):
    # The vendor sees a request somewhere between its grant and its answer: a slow one keeps its slot longer.
    spec = RateSpec(2, 0.5)
    if kind == "redis":
        url = settings.REDIS_URL or "redis://127.0.0.1:6379/15"
        try:
            _redis(url).ping()
        except Exception:
            missing("no Redis on this machine")
        limiter = RedisLimiter(f"lintel-test:ratelimit:done:{os.getpid()}:{time.time()}", spec, _redis(url))
    else:
        limiter = DatabaseLimiter(f"db-test:done:{time.time()}", spec)
    started = time.monotonic()
    limiter.acquire()
    time.sleep(0.3)  # the first request's answer takes 0.3 s
    limiter.done()
    limiter.acquire()
    limiter.done()
    limiter.acquire()  # the first slot frees 0.5 s after that answer, not after its grant
    assert time.monotonic() - started >= 0.3 + spec.per_seconds * 0.95
