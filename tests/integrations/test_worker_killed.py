"""A worker killed with SIGKILL in the middle of a sync, then run again: the final state equals the vendor's."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from django.db import connection as db

ROOT = Path(__file__).resolve().parents[2]


def child_env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "DEBUG": "1", "PYTHONPATH": str(ROOT)}
    env.pop("LINTEL_TEST_DB_SUFFIX", None)
    if db.vendor == "postgresql":  # share the test database
        s = db.settings_dict
        env["DATABASE_URL"] = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        if s.get("PASSWORD"):
            env["PGPASSWORD"] = s["PASSWORD"]
    else:  # SQLite's test database lives in memory: the child gets a file of its own
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'worker.sqlite3'}"
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=240)
    return env


def run_child(module: str, env: dict[str, str], *args: str) -> dict:
    """Run ``python -m module args`` to its end and return the JSON of its last line."""
    out = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env, check=True, capture_output=True,
                         text=True, timeout=240)
    return json.loads(out.stdout.strip().splitlines()[-1])


def kill_when(ready: Callable[[], bool], module: str, env: dict[str, str], log_path: Path, *args: str) -> None:
    """Start ``python -m module args`` as a real worker process and SIGKILL it as soon as ``ready()`` holds (at the
    latest after two minutes); it must not have ended by itself before."""
    with log_path.open("w") as log:
        worker = subprocess.Popen([sys.executable, "-m", module, *args], cwd=ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while not ready() and time.monotonic() < deadline:
            assert worker.poll() is None, f"the worker ended before it was killed: {log_path.read_text()}"
            time.sleep(0.01)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    assert worker.returncode == -signal.SIGKILL


def child(env: dict[str, str], *args: str) -> dict:
    return run_child("tests.integrations.worker_child", env, *args)


@pytest.mark.slow
def test_a_sync_killed_mid_way_resumes_and_ends_equal_to_the_vendor(transactional_db, fake_sandbox, tmp_path):
    fake_sandbox.seed(300)
    httpx.post(f"{fake_sandbox.base_url}/__sandbox__/faults", json={"latency_ms": 60})
    env = child_env(tmp_path)
    connection_id = str(child(env, "setup", fake_sandbox.base_url)["connection"])

    kill_when(lambda: fake_sandbox.stats.get("GET /v1/units", 0) >= 4, "tests.integrations.worker_child", env,
              tmp_path / "worker.log", "sync", connection_id)
    halfway = child(env, "report", connection_id)
    assert 0 < halfway["refs"] < 300

    httpx.post(f"{fake_sandbox.base_url}/__sandbox__/faults", json={"latency_ms": 0})
    resumed = child(env, "sync", connection_id)
    assert resumed["status"] == "succeeded", resumed["message"]
    assert resumed["counts"]["units"]["fetched"] < 300 + 20  # resumed from the checkpoint: at most a page again

    final = child(env, "report", connection_id)
    vendor = {str(u["id"]): [u["unit_number"], u["rent"]] for u in fake_sandbox.store.all("units")}
    assert final["homes"] == vendor
    assert final["homes_in_org"] == final["refs"] == final["distinct_vendor_ids"] == 300
    assert final["max_creates_per_home"] == 1
