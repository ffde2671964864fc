"""Drill: a real Celery worker's pool process is SIGKILLed at a random page of a 50-page sync.

The worker runs Lintel's production task settings (late acks, reject on worker lost, prefetch 1), so the broker
hands the task back and a new pool process runs it again: it must resume from the last committed page and end with
exactly the vendor's records. tests/integrations/test_worker_killed.py covers the plain process killed and rerun
by hand; this one goes through the broker and the worker's own recovery.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal

import httpx
import pytest

from tests.drills.processes import celery_worker, child, wait_until

pytestmark = [pytest.mark.drill, pytest.mark.timeout(120)]
UNITS = 1000  # 50 pages of 20 (tests/integrations/fakevendor)
PAGES = 50


def vendor_rows(app) -> list:
    places = {p["id"] for p in app.store.all("properties")}
    return sorted(
        [str(u["id"]), u["unit_number"], u["rent"], u["address_line1"], u["city"], u["state"], u["postal_code"],
         u["bedrooms"], str(u["property_id"]) if u["property_id"] in places else None]
        for u in app.store.all("units")
    )


def digest(rows: list) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


def test_a_worker_killed_at_a_random_page_resumes_through_the_broker_and_ends_equal_to_the_vendor(
    drill_env, fake_sandbox, tmp_path
):
    seed = int(os.environ.get("DRILL_SEED") or random.randrange(1_000_000))
    kill_at = random.Random(seed).randint(5, PAGES - 5)
    fake_sandbox.seed(UNITS)
    httpx.post(f"{fake_sandbox.base_url}/__sandbox__/faults", json={"latency_ms": 25})
    connection = str(child(drill_env, "connect", "kill-test", "Killed", fake_sandbox.base_url)["connection"])

    with celery_worker(drill_env, tmp_path, concurrency=1) as worker:
        child(drill_env, "publish", "sync_connection", connection, "true")
        wait_until(lambda: fake_sandbox.stats.get("GET /v1/units", 0) >= kill_at, 60, f"unit page {kill_at}")
        victims = worker.pool_pids()
        assert len(victims) == 1, worker.output()
        os.kill(victims[0], signal.SIGKILL)
        wait_until(lambda: victims[0] not in worker.pool_pids() and worker.pool_pids(), 30, "a new pool process")
        runs = child(drill_env, "wait-run", connection, "pull", "60")["runs"]

    context = f"(DRILL_SEED={seed}, killed at unit page {kill_at}); runs: {runs}; worker log: {worker.output()}"
    assert [r["status"] for r in runs if r["kind"] == "pull"][-1] == "succeeded", context
    assert "WorkerLostError" in worker.output() or "SIGKILL" in worker.output(), context
    ours = child(drill_env, "checksum", connection)["rows"]
    theirs = vendor_rows(fake_sandbox)
    assert len(ours) == UNITS and digest(ours) == digest(theirs), context
    report = child(drill_env, "report", connection)
    assert report["homes_in_org"] == report["refs"] == report["distinct_vendor_ids"] == UNITS, context
    assert report["max_creates_per_home"] == 1, context
    assert PAGES <= fake_sandbox.stats["GET /v1/units"] <= PAGES + 1, f"pages fetched again {context}"
