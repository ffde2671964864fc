"""Drill: 4 worker processes (2 Celery workers x 2), 5 connections, every sync asked for three times at once, webhooks
processed alongside.

Each connection has a vendor account of its own (a sandbox enforcing 5 requests a second and answering 429 beyond
it) and knows that limit. The rate budget is shared by all worker processes through the drill's Redis, and webhook
processing (which takes no sync lock) spends the same budget as the syncs. No connection may be synced by two
processes at once, no vendor may see more than its limit (no 429), and every connection must end with exactly its
vendor's records.
"""

from __future__ import annotations

import itertools
import json

import pytest

from integrations.contract import RateSpec
from tests.drills.processes import celery_worker, child
from tests.drills.test_worker_killed import digest, vendor_properties, vendor_rows

pytestmark = [pytest.mark.drill, pytest.mark.timeout(240)]
CONNECTIONS = 5
SYNCS_EACH = 3
UNITS = 100
LIMIT = RateSpec(5, 1.0)


def test_four_workers_never_sync_a_connection_twice_at_once_nor_exceed_a_vendors_limit(
    drill_env, fake_plugin, serve_sandbox, tmp_path
):
    apps = {f"/c{i}": fake_plugin.sandbox_app(rate_limit=LIMIT) for i in range(CONNECTIONS)}
    server = serve_sandbox(apps)
    config = json.dumps({"rate_limit": {"requests": LIMIT.requests, "per_seconds": LIMIT.per_seconds},
                         "lookback_seconds": 60})
    for app in apps.values():
        app.seed(UNITS)
    # One organization each: in one organization every connection would also push the others' homes.
    made = child(drill_env, "batch", json.dumps([["connect", f"busy{p[1:]}", "Vendor", server.url_for(p), config]
                                                 for p in apps]))["results"]
    connections = {prefix: str(m["connection"]) for prefix, m in zip(apps, made, strict=True)}
    # Four worker processes: two Celery workers (two hosts, as far as the broker knows) of two pool processes each.
    with celery_worker(drill_env, tmp_path, concurrency=2, name="one") as one, \
            celery_worker(drill_env, tmp_path, concurrency=2, name="two") as two:
        assert len(set(one.pool_pids()) | set(two.pool_pids())) == 4
        # Each connection's syncs back to back, so the first four processes take three syncs of the same one.
        syncs = [["publish", "sync_connection", c, "true"] for c in connections.values() for _ in range(SYNCS_EACH)]
        hooks = [["deliver", c, json.dumps(list(range(1, 11)))] for c in connections.values()]  # thin: re-fetch
        child(drill_env, "batch", json.dumps(syncs + hooks))
        # Every sync asked for has its run (skipped or not), and every run has finished: all of them are judged.
        waited = child(drill_env, "batch", json.dumps([["settle", c, "pull", str(SYNCS_EACH), "90"]
                                                       for c in connections.values()]), timeout=150)
        runs = {prefix: w["runs"] for prefix, w in zip(connections, waited["results"], strict=True)}
        log = one.output() + two.output()
    sums = child(drill_env, "batch", json.dumps([["checksum", c] for c in connections.values()]))["results"]

    skipped = 0
    for prefix, app in apps.items():
        pulls = [r for r in runs[prefix] if r["kind"] == "pull"]
        context = f"{prefix}: runs {pulls}; stats {dict(app.stats)}; worker log {log}"
        assert len(pulls) == SYNCS_EACH, context  # none lost, none doubled
        assert all(r["status"] in ("succeeded", "partial", "skipped") for r in pulls), context
        done = sorted((r["started"], r["finished"]) for r in pulls if r["status"] in ("succeeded", "partial"))
        assert done, context
        for (_, finished), (started, _) in itertools.pairwise(done):
            assert finished <= started, f"two syncs of one connection overlapped: {context}"
        skipped += sum(1 for r in pulls if r["status"] == "skipped" and "Another sync" in r["message"])
        assert app.stats.get("429_sent", 0) == 0, f"the vendor's limit was exceeded: {context}"
        ours = sums[list(apps).index(prefix)]
        assert digest(ours["rows"]) == digest(vendor_rows(app)), context
        assert digest(ours["properties"]) == digest(vendor_properties(app)), context
    assert skipped >= 1, "the drill never made two syncs of a connection meet"
