"""`manage.py vendor_sandbox --state-dir`: a sandbox stopped by SIGTERM (run_stack's stop) comes back as it was left,
not re-seeded, so the portal's links and pushes from the last `make run` stay valid."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(port: int, state_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "DEBUG": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "vendor_sandbox", "--port", str(port), "--seed", "30", "--no-rate-limit",
         "--state-dir", str(state_dir)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            httpx.get(f"http://127.0.0.1:{port}/buildium/__sandbox__/stats", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the sandboxes did not answer within 60 s")


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    return output


def rentals(port: int) -> dict[int, str]:
    rows = httpx.get(f"http://127.0.0.1:{port}/buildium/__sandbox__/records/rentals", timeout=5).json()
    return {row["Id"]: row["Name"] for row in rows}


def test_a_stopped_sandbox_comes_back_with_its_records_not_the_seed(tmp_path):
    port, state_dir = free_port(), tmp_path / "sandboxes"
    first = start(port, state_dir)
    try:
        seeded = rentals(port)
        assert len(seeded) >= 2
        gone, renamed = sorted(seeded)[:2]
        base = f"http://127.0.0.1:{port}/buildium/__sandbox__/records/rentals"
        assert httpx.delete(f"{base}/{gone}", timeout=5).status_code == 200
        assert httpx.post(f"{base}/{renamed}", json={"Name": "Renamed before the stop"}, timeout=5).is_success
    finally:
        output = stop(first)
    assert first.returncode == 0, output
    assert (state_dir / "buildium.pickle").exists()

    again = start(port, state_dir)
    try:
        after = rentals(port)
    finally:
        output = stop(again)
    assert "restored from the last run" in output
    assert gone not in after and after[renamed] == "Renamed before the stop"
    assert set(after) == set(seeded) - {gone}


def test_without_a_saved_state_the_sandbox_starts_from_the_seed(tmp_path):
    port = free_port()
    process = start(port, tmp_path / "empty")
    try:
        assert len(rentals(port)) >= 2
    finally:
        output = stop(process)
    assert "restored from the last run" not in output


def test_a_restored_sandbox_never_hands_out_an_id_it_gave_before(tmp_path):
    """BrikSync draws its records' UUIDs from a seeded generator: restored, it goes on where it stopped."""
    from integrations.management.commands.vendor_sandbox import load_state, save_state
    from integrations.registry import get_plugin

    plugin = get_plugin("briksync")
    before = plugin.sandbox_app(seed=5)
    given = {before.new_id() for _ in range(3)}
    save_state(before, tmp_path / "briksync.pickle")
    expected_next = before.new_id()

    after = plugin.sandbox_app(seed=5)
    assert load_state(after, tmp_path / "briksync.pickle")
    assert after.store.collections() == before.store.collections()
    fresh = after.new_id()
    assert fresh not in given and fresh == expected_next
