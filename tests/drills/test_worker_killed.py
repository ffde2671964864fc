"""Drill: a real Celery worker's pool process is SIGKILLed at a random page of a sync of 50 unit pages (after 5
property pages).

The worker runs Lintel's production task settings (late acks, reject on worker lost, prefetch 1), so the broker
hands the task back and a new pool process runs it again: it must resume from the last committed page (streams
already done are not pulled again) and end with exactly the vendor's records, fetching one page twice at most.
tests/integrations/test_worker_killed.py covers the plain process killed and rerun by hand; this one goes through
the broker and the worker's own recovery.
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
UNITS = 1000  # 50 pages of 20 units (tests/integrations/fakevendor), after 5 pages of its 100 properties
PAGES = 50
PROPERTY_PAGES = 5
LISTS = ("GET /v1/properties", "GET /v1/units")  # the sync's pages, both streams


def vendor_rows(app) -> list:
    places = {p["id"] for p in app.store.all("properties")}
    return sorted(
        [str(u["id"]), u["unit_number"], u["rent"], u["address_line1"], u["city"], u["state"], u["postal_code"],
         u["bedrooms"], str(u["property_id"]) if u["property_id"] in places else None]
        for u in app.store.all("units")
    )


def vendor_properties(app) -> list:
    return sorted([str(p["id"]), p["name"], p["address_line1"], p["city"], p["state"], p["postal_code"]]
                  for p in app.store.all("properties"))


def digest(rows: list) -> str:
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


def pages_fetched(app) -> int:
    return sum(app.stats.get(key, 0) for key in LISTS)


@pytest.mark.parametrize("victim", ["pool process", "whole worker"])
def test_a_worker_killed_at_a_random_page_resumes_through_the_broker_and_ends_equal_to_the_vendor(
    drill_env, fake_sandbox, tmp_path, victim
):
    """"pool process": the process running the task is killed; the worker forks a new one and the broker hands the
    task back at once (reject on worker lost). "whole worker": the worker and its pool are killed; a new worker is
    started and the task comes again, as the broker redelivers it once its visibility timeout is over."""
    seed = int(os.environ.get("DRILL_SEED") or random.randrange(1_000_000))
    total = PROPERTY_PAGES + PAGES
    # Any page of the sync but the last (killed there, the sync may have ended before the signal lands).
    kill_at = random.Random(seed).randint(1, total - 1)
    fake_sandbox.seed(UNITS)
    httpx.post(f"{fake_sandbox.base_url}/__sandbox__/faults", json={"latency_ms": 25})
    connection = str(child(drill_env, "connect", "kill-test", "Killed", fake_sandbox.base_url)["connection"])

    with celery_worker(drill_env, tmp_path, concurrency=1, name="first") as worker:
        child(drill_env, "publish", "sync_connection", connection, "true")
        # The kill lands while page kill_at is in flight (the sandbox counts a request before its latency).
        wait_until(lambda: pages_fetched(fake_sandbox) >= kill_at, 60, f"page {kill_at}", every=0.002)
        victims = worker.pool_pids()
        assert len(victims) == 1, worker.output()
        if victim == "pool process":
            os.kill(victims[0], signal.SIGKILL)
            wait_until(lambda: victims[0] not in worker.pool_pids() and worker.pool_pids(), 30, "a new pool process")
            runs = child(drill_env, "wait-run", connection, "pull", "60")["runs"]
        else:
            os.killpg(worker.proc.pid, signal.SIGKILL)  # the worker's own session: it and its pool
            worker.proc.wait(timeout=10)
    log = worker.output()
    if victim == "whole worker":
        with celery_worker(drill_env, tmp_path, concurrency=1, name="second") as again:
            child(drill_env, "publish", "sync_connection", connection, "true")  # the task, redelivered
            runs = child(drill_env, "wait-run", connection, "pull", "60")["runs"]
        log += again.output()

    context = (f"(DRILL_SEED={seed}, killed at page {kill_at} of {total}); stats {dict(fake_sandbox.stats)}; "
               f"runs: {runs}; worker log: {log}")
    assert [r["status"] for r in runs if r["kind"] == "pull"][-1] == "succeeded", context
    if victim == "pool process":
        assert "WorkerLostError" in log or "SIGKILL" in log, context
    # The killed run does not stay "running" for ever: it is closed, naming the run that resumed it.
    assert [r["status"] for r in runs if r["kind"] == "pull"] == ["failed", "succeeded"], context
    assert "Interrupted" in runs[0]["message"], context
    ours = child(drill_env, "checksum", connection)
    # Every record, both streams, field by field: the same checksum on both sides.
    assert len(ours["rows"]) == UNITS and digest(ours["rows"]) == digest(vendor_rows(fake_sandbox)), context
    assert len(ours["properties"]) == UNITS // 10, context
    assert digest(ours["properties"]) == digest(vendor_properties(fake_sandbox)), context
    # No duplicates: one portal record per vendor record, each created once.
    assert ours["in_org"] == ours["created"] == UNITS + UNITS // 10, context
    report = child(drill_env, "report", connection)
    assert report["homes_in_org"] == report["refs"] == report["distinct_vendor_ids"] == UNITS, context
    assert report["max_creates_per_home"] == 1, context
    # At most one page fetched twice: the one in flight when the process died.
    assert fake_sandbox.stats["GET /v1/units"] in (PAGES, PAGES + 1), f"unit pages fetched again {context}"
    assert total <= pages_fetched(fake_sandbox) <= total + 1, f"pages fetched again {context}"
