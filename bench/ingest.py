"""Benchmark 1, ingest: 20,000 Buildium units pulled from the sandbox into PostgreSQL, three ways, same run.

- engine: a full pull of the ``units`` stream through the sync engine (fetch + enrich + map + bulk upsert with
  history, refs, owner links, outbox), its parents (properties, owners) pulled beforehand;
- naive: the same pages fetched and mapped by the same plug-in code, then one ``update_or_create`` per record;
- copy: the same pages fetched and mapped, then one ``COPY homes_home FROM STDIN``.
Every path pays the same HTTP fetch from the sandbox (a separate process on 127.0.0.1), rate limit off.
"""

from __future__ import annotations

import os
import time
from typing import Any

from bench.setup import django_setup, machine, report

UNITS = int(os.environ.get("BENCH_INGEST_UNITS", 20_000))


def fetch_all(url: str) -> Any:
    """Every units page as the engine fetches it (same client, enrichment and mapping), one page at a time."""
    from integrations.buildium import mapping
    from integrations.buildium.client import BuildiumClient
    from integrations.buildium.plugin import BuildiumPlugin, fetch_units

    with BuildiumClient(url, dict(BuildiumPlugin.demo_credentials)) as client:
        cursor = None
        while True:
            page = fetch_units(client, cursor, None)
            yield [(mapping.vendor_id(raw), mapping.map_unit(raw)) for raw in page.records]
            cursor = page.next_cursor
            if cursor is None:
                return


def naive(url: str, org: Any, parents: dict[str, int]) -> int:
    from portal.homes.models import Home
    from portal.homes.services import _normalize_home

    n = 0
    for page in fetch_all(url):
        for vid, mapped in page:
            Home.objects.update_or_create(
                organization=org, external_id=f"B-{vid}",
                defaults={**_normalize_home(mapped.fields),
                          "location_id": parents[mapped.parents["location"].vendor_id]},
            )
            n += 1
    return n


def copy(url: str, org: Any, parents: dict[str, int]) -> tuple[int, float, float]:
    """(rows, seconds fetching and mapping, seconds in COPY)."""
    from django.db import connection
    from django.utils import timezone

    from portal.homes.models import Home
    from portal.homes.services import _normalize_home

    fields = [f for f in Home._meta.concrete_fields if not f.primary_key]
    base = {f.attname: f.get_default() for f in fields}
    now = timezone.now()
    started = time.perf_counter()
    rows = []
    for page in fetch_all(url):
        for vid, mapped in page:
            values = {**base, **_normalize_home(mapped.fields), "organization_id": org.pk, "created_at": now,
                      "updated_at": now, "external_id": f"B-{vid}",
                      "location_id": parents[mapped.parents["location"].vendor_id]}
            rows.append(tuple(values[f.attname] for f in fields))
    fetched = time.perf_counter() - started
    columns = ", ".join(f'"{f.column}"' for f in fields)
    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY homes_home ({columns}) FROM STDIN") as out:
        for row in rows:
            out.write_row(row)
    return len(rows), fetched, time.perf_counter() - started


def run() -> dict[str, Any]:
    from bench import data
    from bench.env import log
    from bench.procs import sandbox
    from integrations.pull import run_pull

    env = dict(os.environ)
    with sandbox(env, seed=UNITS, bench="ingest") as vendor:
        engine_org = data.organization("ingest-engine")
        conn = data.buildium_connection(engine_org, vendor.url, rate_limit={"enabled": False},
                                        streams=["properties", "owners"])
        started = time.perf_counter()
        parents_run = run_pull(conn.pk, full=True)
        parents_s = time.perf_counter() - started
        conn.config["streams"] = ["units"]
        conn.save(update_fields=["config"])
        started = time.perf_counter()
        units_run = run_pull(conn.pk, full=True)
        engine_s = time.perf_counter() - started
        created = units_run.counts.get("units", {}).get("created", 0)
        log(f"ingest: engine {created} units in {engine_s:.1f} s ({units_run.status}, {units_run.error_count} errors)")

        naive_org = data.organization("ingest-naive")
        started = time.perf_counter()
        naive_n = naive(vendor.url, naive_org, data.copy_properties(conn, naive_org))
        naive_s = time.perf_counter() - started
        log(f"ingest: naive {naive_n} in {naive_s:.1f} s")

        copy_org = data.organization("ingest-copy")
        copy_n, fetch_s, copy_s = copy(vendor.url, copy_org, data.copy_properties(conn, copy_org))
        log(f"ingest: copy {copy_n} (fetch+map {fetch_s:.1f} s, COPY {copy_s:.2f} s)")
    engine_rps, naive_rps = created / engine_s, naive_n / naive_s
    copy_rps = copy_n / (fetch_s + copy_s)
    return {
        "records": UNITS, "engine_rps": engine_rps, "naive_rps": naive_rps, "copy_rps": copy_rps,
        "engine_over_naive": engine_rps / naive_rps, "engine_over_copy": engine_rps / copy_rps,
        "targets": {"engine_over_naive": ">= 10", "engine_over_copy": ">= 0.2"},
        "engine_s": engine_s, "naive_s": naive_s, "copy_s": fetch_s + copy_s,
        "fetch_map_rps": copy_n / fetch_s, "copy_write_only_rps": copy_n / copy_s,
        "engine_status": units_run.status, "engine_created": created, "engine_errors": units_run.error_count,
        "parents_pull_s": parents_s, "parents_status": parents_run.status, "machine": machine(),
    }


if __name__ == "__main__":
    django_setup()
    report("ingest", run())
