"""Benchmark 5, webhooks: 2,000 signed Buildium deliveries to gunicorn, processed by a real Celery worker.

A Buildium connection has pulled 2,000 units from the sandbox; each unit is then changed at the vendor and its
``RentalUnit.Updated`` event (thin, signed with the connection's secret as Buildium signs it) is POSTed to
/integrations/webhooks/buildium/<id>/ from 4 threads. Figures: acknowledgements per second and the time to
acknowledge (verify, store, publish the task), and the time from the first send until every delivery is processed
(the worker re-fetches each unit from the sandbox and upserts it). Rate limits are off: this measures the work.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from bench.setup import django_setup, machine, report

DELIVERIES = int(os.environ.get("BENCH_WEBHOOKS", 2_000))
THREADS = 4
WORKER_CONCURRENCY = 2
PROCESS_TIMEOUT = 400.0


def deliveries(connection_url: str, unit_ids: list[int], secret: str) -> list[Any]:
    from django.utils import timezone

    from bench.loadgen import Call
    from integrations.buildium import webhooks
    from integrations.buildium.sandbox import ACCOUNT_ID
    from integrations.buildium.sandbox_data import stamp

    calls = []
    for unit_id in unit_ids:
        body = json.dumps({"EventName": "RentalUnit.Updated", "EventDateTime": stamp(timezone.now()),
                           "AccountId": ACCOUNT_ID, "UnitId": unit_id}, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", **webhooks.sign(secret, body)}
        calls.append(Call("POST", connection_url, headers, body))
    return calls


def run() -> dict[str, Any]:
    from bench import data, loadgen
    from bench.env import log
    from bench.procs import celery_worker, gunicorn, sandbox
    from integrations.models import WebhookDelivery
    from integrations.models_runs import DeliveryStatus
    from integrations.pull import run_pull

    env = dict(os.environ)
    with sandbox(env, seed=DELIVERIES, bench="webhooks") as vendor:
        org = data.organization("webhooks")
        conn = data.buildium_connection(org, vendor.url, rate_limit={"enabled": False},
                                        streams=["properties", "owners", "units"])
        pulled = run_pull(conn.pk, full=True)
        data.analyze()
        units = [u["Id"] for u in vendor.control("GET", "records/units").json()][:DELIVERIES]
        for unit_id in units:  # a change at the vendor for every event to carry (no webhook target is set)
            vendor.control("POST", f"records/units/{unit_id}", json={"MarketRent": 1234.5})
        secret = conn.credentials["webhook_secret"]
        with gunicorn(env) as url, celery_worker(env, WORKER_CONCURRENCY):
            calls = deliveries(f"{url}/integrations/webhooks/buildium/{conn.pk}/", units, secret)
            started = time.perf_counter()
            acks = loadgen.run(calls, requests=len(calls), threads=THREADS, duration=120, ok=(202,))
            deadline = started + PROCESS_TIMEOUT
            processed = 0
            while time.perf_counter() < deadline:
                processed = WebhookDelivery.objects.filter(connection=conn, status=DeliveryStatus.PROCESSED).count()
                if processed >= acks.sent - acks.errors:
                    break
                time.sleep(0.25)
            all_processed = time.perf_counter() - started
            failed = WebhookDelivery.objects.filter(connection=conn, status=DeliveryStatus.FAILED).count()
    log(f"webhooks: {acks.rps:.0f} acks/s, p95 {acks.percentile(95):.1f} ms, all processed in {all_processed:.1f} s")
    return {
        "deliveries": len(calls), "threads": THREADS, "acks_per_s": acks.rps, "ack_p50_ms": acks.percentile(50),
        "ack_p95_ms": acks.percentile(95), "ack_errors": acks.errors, "all_processed_s": all_processed,
        "processed": processed, "failed": failed, "processed_per_s": processed / all_processed,
        "targets": {"ack_p95_ms": "< 50"}, "worker_concurrency": WORKER_CONCURRENCY, "gunicorn_workers": 4,
        "pull_status": pulled.status, "machine": machine(),
    }


if __name__ == "__main__":
    django_setup()
    report("webhooks", run())
