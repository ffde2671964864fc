"""Real processes for the drills: a private redis-server, Celery workers, and one-shot child commands.

Every process binds 127.0.0.1, is started for one test and stopped by it (by its own pid); every wait is bounded.
The machine's shared Redis is never touched: each drill gets a redis-server of its own on a free port.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], object], timeout: float, what: str, every: float = 0.05) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@dataclass
class RedisServer:
    port: int
    workdir: Path
    proc: subprocess.Popen | None = None
    restarts: int = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.proc = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, 20, f"redis-server on port {self.port}")

    def answers(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
        return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def restart(self, down_for: float = 0.0, while_down: Callable[[], object] | None = None) -> object:
        """Stop the server (everything it held is lost: no persistence), optionally act, start it again."""
        self.stop()
        result = while_down() if while_down else None
        time.sleep(down_for)
        self.start()
        self.restarts += 1
        return result


@contextlib.contextmanager
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(port=free_port(), workdir=tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Worker:
    proc: subprocess.Popen
    log: Path
    pids_seen: set[int] = field(default_factory=set)

    def pool_pids(self) -> list[int]:
        """The pool processes (children of the worker's main process) that run tasks."""
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


@contextlib.contextmanager
def celery_worker(env: dict[str, str], tmp_path: Path, concurrency: int = 1, name: str = "drill") -> Iterator[Worker]:
    log = tmp_path / f"worker-{name}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tests.drills.celery_app", "worker", "--pool", "prefork",
             "--concurrency", str(concurrency), "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"{name}{os.getpid()}@%h"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    worker = Worker(proc, log)
    try:
        wait_until(lambda: len(worker.pool_pids()) >= concurrency or proc.poll() is not None, 60,
                   "the Celery worker's pool")
        assert proc.poll() is None, worker.output()
        yield worker
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        # The worker's own session (its pid is the group's id): no pool process outlives the drill.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)


def child(env: dict[str, str], *args: str, timeout: float = 120) -> dict:
    """Run one command of tests/drills/child.py (a fresh Django process on the drill's database); its JSON."""
    done = subprocess.run([sys.executable, "-m", "tests.drills.child", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
