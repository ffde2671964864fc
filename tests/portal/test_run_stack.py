"""`make run`'s stack: it serves the portal, runs tasks, and Ctrl-C or one dead child stops every process it started."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.core.management import get_commands

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process groups from /proc"),
]
ROOT = Path(settings.BASE_DIR)
STARTED = re.compile(r"\[run_stack\] started (\w+) \(pid (\d+)\)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def group_members(groups: set[int]) -> set[int]:
    """Live (non-zombie) processes whose process group is one of ``groups``."""
    members = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in groups and fields[0] != "Z":
            members.add(int(entry.name))
    return members


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Stack:
    """`manage.py run_stack` in a fresh var/ directory (SQLite, file broker), its output collected line by line."""

    def __init__(self, var_dir: Path) -> None:
        self.port, self.sandbox_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        drop = {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "LINTEL_TEST_DB_SUFFIX"}
        self.env = {k: v for k, v in os.environ.items() if k not in drop}
        self.env.update(DEBUG="1", LINTEL_VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1")
        self.lines: list[str] = []
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=timeout)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_stack", "--host", "127.0.0.1", "--port", str(self.port),
             "--sandbox-port", str(self.sandbox_port), "--stop-timeout", "20"],
            cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,  # our SIGINT below is the only one it gets
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def children(self) -> dict[str, int]:
        return {m.group(1): int(m.group(2)) for m in map(STARTED.search, self.lines) if m}

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self) -> None:
        wait_until(lambda: self.healthy() and "Lintel is running at" in self.output, 90,
                   f"the stack to answer /healthz\n{self.output[-3000:]}")

    def kill_everything(self) -> None:
        """Teardown safety net: whatever a failing test left running, by the process groups this stack created."""
        groups = set(self.children().values()) | ({self.process.pid} if self.process else set())
        for group in groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        if self.process is not None and self.process.poll() is None:
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def migrated_var(tmp_path_factory) -> Path:
    """A var/ directory with a migrated SQLite database (`make run` migrates first), made once for the module."""
    var_dir = tmp_path_factory.mktemp("stack") / "var"
    done = Stack(var_dir).manage("migrate", "--noinput")
    assert done.returncode == 0, done.stderr
    return var_dir


@pytest.fixture
def stack(migrated_var, tmp_path) -> Iterator[Stack]:
    var_dir = tmp_path / "var"
    shutil.copytree(migrated_var, var_dir)
    stack = Stack(var_dir)
    try:
        yield stack
    finally:
        stack.kill_everything()


def test_the_stack_serves_the_portal_runs_tasks_and_ctrl_c_stops_every_process_it_started(stack):
    stack.start()
    stack.wait_ready()

    login = httpx.get(f"{stack.url}/accounts/login/", timeout=10)
    assert login.status_code == 200
    assert 'name="login"' in login.text and 'name="password"' in login.text
    assert "Sign in as admin@example.com" in stack.output

    # The worker takes a task from the (file) broker: `make run` really runs background work.
    sent = stack.manage("shell", "-c", "from portal.core.tasks import ping; ping.delay('from-the-test')", timeout=60)
    assert sent.returncode == 0, sent.stderr
    wait_until(lambda: "'pong from-the-test'" in stack.output, 60,
               f"the worker to run the task\n{stack.output[-3000:]}")

    # Webhook deliveries go to a worker of their own (a burst of them must not hold up a sync asked for).
    sent = stack.manage("shell", "-c", "from portal.core.tasks import ping; "
                        "ping.apply_async(('on-the-webhook-queue',), queue='webhooks')", timeout=60)
    assert sent.returncode == 0, sent.stderr
    wait_until(lambda: "'pong on-the-webhook-queue'" in stack.output, 60,
               f"the webhooks worker to run the task\n{stack.output[-3000:]}")
    route = ("from integrations.tasks import process_webhook as t; "
             "print(t.app.amqp.router.route({}, t.name)['queue'].name)")
    for queue, expected in (("webhooks", "webhooks"), ("", "celery")):  # what run_stack sets / the default
        routed = subprocess.run([sys.executable, "manage.py", "shell", "-c", route], cwd=ROOT, text=True,
                                env={**stack.env, "LINTEL_WEBHOOK_QUEUE": queue}, capture_output=True, timeout=60)
        assert routed.stdout.strip().splitlines()[-1] == expected, routed.stdout + routed.stderr

    children = stack.children()
    assert {"worker", "webhooks", "web"} <= set(children)
    if "vendor_sandbox" in get_commands():
        assert "sandboxes" in children
    processes = group_members(set(children.values()))
    assert len(processes) > len(children)  # Celery's pool processes (and beat) live in the worker's group

    stack.process.send_signal(signal.SIGINT)
    assert stack.process.wait(timeout=60) == 0, stack.output[-3000:]

    assert "received SIGINT: stopping everything" in stack.output
    for name in children:
        assert f"[run_stack] {name} stopped" in stack.output
    assert group_members(set(children.values())) == set()
    assert all(not Path(f"/proc/{pid}").exists() or _is_zombie(pid) for pid in processes)


def test_when_one_process_dies_the_stack_stops_the_others_and_exits_non_zero(stack):
    stack.start()
    stack.wait_ready()
    children = stack.children()

    os.kill(children["web"], signal.SIGKILL)

    assert stack.process.wait(timeout=60) != 0
    assert "web exited with code -9: stopping the others" in stack.output
    assert group_members(set(children.values())) == set()


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
