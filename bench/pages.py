"""Benchmark 4, portal: the homes list page and the dashboard over 20,000 homes, served by gunicorn.

A signed-in admin of the organization (a real session, stored in the database as the portal's own login makes
it) asks for the homes list (first page, a page deep in the list, sorted by rent) and the dashboard: latency one
request at a time (what a person waits), throughput from 4 threads. Query counts are measured in process with
Django's test client; the list's count must not depend on which page is shown.
"""

from __future__ import annotations

import os
from typing import Any

from bench.setup import django_setup, machine, report

HOMES = int(os.environ.get("BENCH_HOMES", 20_000))
REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", 200))
SERIAL = 60
THREADS = 4
LIST_URLS = ("/homes/", "/homes/?page=200", "/homes/?sort=-rent")


def query_count(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def run() -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    from bench import data, loadgen
    from bench.env import log
    from bench.procs import gunicorn

    org = data.portfolio(HOMES)
    user = data.member(org)
    client = Client()
    client.force_login(user)
    list_counts = {url: query_count(client, url) for url in LIST_URLS}
    dashboard_count = query_count(client, "/")
    cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"}
    with gunicorn(dict(os.environ)) as url:
        homes = [loadgen.Call("GET", url + path, cookie) for path in LIST_URLS]
        dashboard = [loadgen.Call("GET", url + "/", cookie)]
        loadgen.run(homes + dashboard, requests=24, threads=THREADS)  # warm every worker
        homes_result = loadgen.run(homes, requests=SERIAL, threads=1)
        dashboard_result = loadgen.run(dashboard, requests=SERIAL, threads=1)
        homes_busy = loadgen.run(homes, requests=REQUESTS, threads=THREADS)
        dashboard_busy = loadgen.run(dashboard, requests=REQUESTS, threads=THREADS)
    log(f"portal: homes p95 {homes_result.percentile(95):.0f} ms, "
        f"dashboard p95 {dashboard_result.percentile(95):.0f} ms")
    return {
        "homes": HOMES, **homes_result.figures("homes_list_"), **dashboard_result.figures("dashboard_"),
        f"homes_list_rps_{THREADS}_threads": homes_busy.rps, f"dashboard_rps_{THREADS}_threads": dashboard_busy.rps,
        f"homes_list_p95_ms_{THREADS}_threads": homes_busy.percentile(95),
        f"dashboard_p95_ms_{THREADS}_threads": dashboard_busy.percentile(95), "homes_list_queries": list_counts,
        "homes_list_constant_queries": len(set(list_counts.values())) == 1, "dashboard_queries": dashboard_count,
        "gunicorn_workers": 4, "machine": machine(),
    }


if __name__ == "__main__":
    django_setup()
    report("portal", run())
