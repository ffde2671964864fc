"""Processes the benchmarks start and stop: the Buildium sandbox, gunicorn, a Celery worker. Bounded waits."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from bench.env import ROOT, free_port, log, wait_port


@dataclass
class Sandbox:
    proc: subprocess.Popen
    url: str  # the Buildium API's base URL (…/buildium)

    def control(self, method: str, path: str, **kw: object) -> httpx.Response:
        response = httpx.request(method, f"{self.url}/__sandbox__/{path}", timeout=300, **kw)  # type: ignore[arg-type]
        response.raise_for_status()
        return response

    def stats(self) -> dict:
        return self.control("GET", "stats").json()


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextlib.contextmanager
def sandbox(env: dict[str, str], seed: int = 0, bench: str = "bench") -> Iterator[Sandbox]:
    """The Buildium sandbox in a process of its own, seeded with ``seed`` generated units (and their properties,
    owners, tenants and leases) when asked."""
    proc = subprocess.Popen([sys.executable, "-m", "bench.sandbox_proc"], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline().strip())
        vendor = Sandbox(proc, f"http://127.0.0.1:{port}/buildium")
        if seed:
            started = time.perf_counter()
            vendor.control("POST", "seed", json={"n": seed})
            log(f"{bench}: sandbox seeded with {seed} units in {time.perf_counter() - started:.1f} s")
        yield vendor
    finally:
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        stop(proc)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int = 4) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(  # noqa: S603 (our own arguments)
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "sync", "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT, env=env,
    )
    try:
        wait_port(port, timeout=60)
        url = f"http://127.0.0.1:{port}"
        for _ in range(600):  # every worker booted and answering
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=5).status_code < 500:
                    break
        log(f"gunicorn ({workers} workers) on {url}")
        yield url
    finally:
        stop(proc)


@contextlib.contextmanager
def celery_worker(env: dict[str, str], concurrency: int = 2) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen(  # noqa: S603 (our own arguments)
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--concurrency", str(concurrency),
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-n", f"bench{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=sys.stderr,  # its banner must not mix with the JSON lines on stdout
    )
    try:
        yield proc
    finally:
        stop(proc, timeout=30)
