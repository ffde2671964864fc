"""Benchmark 3, api: GET /api/v1/homes/?page_size=100 over 20,000 homes, served by gunicorn, beside a bare view.

The load generator (4 threads, 127.0.0.1) asks for pages starting at 50 positions spread over the whole list
(keyset cursors, as a client walking the list sends them), with an API key; the API and the bare view take turns
in 10 rounds of 100 requests each, so a drift in the shared machine's load falls on both alike. The bare view
returns the same rows and fields from one query with nothing else (no authentication, throttle, serializer or
pagination links). The query count per request is measured in process with Django's test client on a first
page, a deep page and a page of 10: the same count for all three is what "constant" means.
"""

from __future__ import annotations

import base64
import json
import os
import random
from typing import Any

from bench.setup import django_setup, machine, report

HOMES = int(os.environ.get("BENCH_HOMES", 20_000))
REQUESTS = int(os.environ.get("BENCH_API_REQUESTS", 1_000))
THREADS = 4
ROUNDS = 10  # API and bare alternate in rounds: the machine is shared and its load drifts (bench/README.md)


def cursor_after(home_id: int) -> str:
    """The API's own keyset cursor for "rows after this id" (portal/api/pagination.py)."""
    payload = json.dumps({"o": ["id"], "v": [str(home_id)], "b": False}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def query_counts(org: Any, key: str, starts: list[int]) -> list[int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, counts = Client(), []
    auth = {"Authorization": f"Bearer {key}"}
    for url in ("/api/v1/homes/?page_size=100", f"/api/v1/homes/?page_size=100&cursor={cursor_after(starts[-1])}",
                f"/api/v1/homes/?page_size=10&cursor={cursor_after(starts[0])}"):
        client.get(url, headers=auth)  # warm (the key's last-used stamp, caches)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, headers=auth)
        assert response.status_code == 200, response.content[:500]
        counts.append(len(captured))
    return counts


def run() -> dict[str, Any]:
    from bench import data, loadgen
    from bench.env import log
    from bench.procs import gunicorn
    from portal.accounts.apikeys import issue_key
    from portal.homes.models import Home

    org = data.portfolio(HOMES)
    key = issue_key(org, name=f"bench {os.getpid()}").plaintext
    ids = list(Home.objects.filter(organization=org).order_by("id").values_list("id", flat=True))
    rng = random.Random(7)
    starts = sorted(rng.choice(ids[:-100]) for _ in range(50))
    counts = query_counts(org, key, starts)
    with gunicorn(dict(os.environ)) as url:
        auth = {"Authorization": f"Bearer {key}"}
        api = [loadgen.Call("GET", f"{url}/api/v1/homes/?page_size=100&cursor={cursor_after(s)}", auth) for s in starts]
        bare = [loadgen.Call("GET", f"{url}/bench/bare-homes?org={org.pk}&after={s}&page_size=100") for s in starts]
        loadgen.run(api + bare, requests=40, threads=THREADS)  # warm every worker
        api_result, bare_result, ratios = alternate(api, bare)
    log(f"api: {api_result.rps:.0f} req/s (bare {bare_result.rps:.0f}), queries {counts}")
    return {
        "homes": len(ids), "page_size": 100, "threads": THREADS, **api_result.figures("api_"),
        **bare_result.figures("bare_"), "api_over_bare": api_result.rps / bare_result.rps,
        "rounds": ROUNDS, "api_over_bare_rounds_min_max": [min(ratios), max(ratios)],
        "queries_per_request": counts[0], "queries_first_deep_small": counts, "constant_queries": len(set(counts)) == 1,
        "targets": {"api_over_bare": ">= 0.5", "queries": "constant"}, "gunicorn_workers": 4, "machine": machine(),
    }


def alternate(api: list[Any], bare: list[Any]) -> tuple[Any, Any, list[float]]:
    """REQUESTS of each, sent in ROUNDS alternating rounds (which side goes first alternates too), so a change
    in the shared machine's load falls on both sides alike; each round starts further along the positions."""
    from bench import loadgen

    per_round = max(1, REQUESTS // ROUNDS)
    results: dict[str, list[Any]] = {"api": [], "bare": []}
    for index in range(ROUNDS):
        shift = index * per_round % len(api)
        order = (("api", api), ("bare", bare)) if index % 2 == 0 else (("bare", bare), ("api", api))
        for name, calls in order:
            results[name].append(loadgen.run(calls[shift:] + calls[:shift], requests=per_round, threads=THREADS))
    ratios = [a.rps / b.rps for a, b in zip(results["api"], results["bare"], strict=True) if b.rps]
    return merged(results["api"]), merged(results["bare"]), ratios


def merged(parts: list[Any]) -> Any:
    from bench import loadgen

    statuses: dict[int, int] = {}
    for part in parts:
        for status, n in part.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    return loadgen.Result(sent=sum(p.sent for p in parts), errors=sum(p.errors for p in parts),
                          elapsed=sum(p.elapsed for p in parts),
                          latencies=[latency for p in parts for latency in p.latencies], statuses=statuses)


if __name__ == "__main__":
    django_setup()
    report("api", run())
