"""`make run`'s last step: the vendor sandboxes, a Celery worker with beat, and the web server, as one unit.

Ctrl-C (or SIGTERM) stops every child and waits for them; if one child dies, the others are stopped and the
command exits non-zero, so a half-running stack never looks healthy.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.core.supervisor import Supervisor

DEMO_ORG = "demo"
DEMO_ADMIN = "admin@example.com"


def wait_for_port(host: str, port: int, timeout: float, alive: Any = None) -> bool:
    """True once something accepts connections on host:port (bounded; gives up early if ``alive()`` says no)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            return False
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            if sock.connect_ex((host, port)) == 0:
                return True
        time.sleep(0.2)
    return False


def answers(url: str) -> bool:
    """True when the URL gives any HTTP answer (a 503 from /healthz still means the web server is up)."""
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310  (our own http://127.0.0.1 URL)
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


def password_hint() -> str:
    # seed_demo takes DEMO_ADMIN_PASSWORD, or generates one and prints it once (it is never stored in clear).
    if os.environ.get("DEMO_ADMIN_PASSWORD", "").strip():
        return "the value of DEMO_ADMIN_PASSWORD"
    return ("the one `manage.py seed_demo` printed when it created the demo "
            f"(forgotten? `manage.py changepassword {DEMO_ADMIN}`)")


WEBHOOK_QUEUE = "webhooks"


class Command(BaseCommand):
    help = "Run the vendor sandboxes, a Celery worker with beat and the web server until Ctrl-C."
    requires_system_checks: list = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--sandbox-port", type=int, default=8001)
        parser.add_argument("--server", choices=["runserver", "gunicorn"], default="runserver",
                            help="runserver (default, serves static files in DEBUG) or gunicorn.")
        parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes.")
        parser.add_argument("--stop-timeout", type=float, default=20.0,
                            help="Seconds each child gets to stop before it is killed.")

    def handle(self, *args: Any, **opts: Any) -> None:
        python, manage = sys.executable, str(settings.BASE_DIR / "manage.py")
        base_url = f"http://{opts['host']}:{opts['port']}"
        # Links built outside a request (webhook targets given to the sandboxes, document links) follow the port.
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "SITE_URL": os.environ.get("SITE_URL") or base_url}
        sup = Supervisor(out=self.stdout._out, stop_timeout=opts["stop_timeout"])  # type: ignore[attr-defined]
        sup.install_signal_handlers()
        commands = get_commands()
        try:
            if "vendor_sandbox" in commands:
                self.start_sandboxes(sup, python, manage, env, opts, "integrations" in commands)
            else:
                sup.say("vendor sandboxes not installed (no vendor_sandbox command): skipping them")
            # Webhook deliveries have a worker of their own, so "Sync now" never waits behind a burst of them
            # (every push Buildium echoes back); the web process routes them there too (env is shared).
            env["LINTEL_WEBHOOK_QUEUE"] = WEBHOOK_QUEUE
            sup.start("worker", [python, "-m", "celery", "-A", "portal", "worker", "-B", "-Q", "celery",
                                 "-n", "main@%h", "--concurrency", str(opts["concurrency"]), "-l", "info"],
                      env, cwd=str(settings.BASE_DIR))
            sup.start("webhooks", [python, "-m", "celery", "-A", "portal", "worker", "-Q", WEBHOOK_QUEUE,
                                   "-n", "webhooks@%h", "--concurrency", "1", "-l", "info"],
                      env, cwd=str(settings.BASE_DIR))
            sup.start("web", self.web_argv(python, manage, opts), env, cwd=str(settings.BASE_DIR))
            announced = False

            def announce_when_ready() -> None:
                nonlocal announced
                if not announced and answers(f"{base_url}/healthz"):
                    announced = True
                    self.stdout.write(self.style.SUCCESS(f"\nLintel is running at {base_url}/"))
                    self.stdout.write(f"  Sign in as {DEMO_ADMIN}; password: {password_hint()}.")
                    self.stdout.write(f"  Admin: {base_url}/admin/   Health: {base_url}/healthz")
                    self.stdout.write("  Press Ctrl-C to stop everything.\n")

            code = sup.watch(tick=announce_when_ready)
        finally:
            if any(child.running() for child in sup.children):
                sup.stop_all()
        if code:
            raise CommandError("a process of the stack stopped; see its output above", returncode=code)

    def web_argv(self, python: str, manage: str, opts: dict[str, Any]) -> list[str]:
        bind = f"{opts['host']}:{opts['port']}"
        if opts["server"] == "gunicorn":
            return [python, "-m", "gunicorn", "portal.wsgi:application", "--bind", bind, "--workers", "2",
                    "--access-logfile", "-", "--graceful-timeout", str(int(opts["stop_timeout"]))]
        return [python, manage, "runserver", "--noreload", bind]

    def start_sandboxes(self, sup: Supervisor, python: str, manage: str, env: dict[str, str],
                        opts: dict[str, Any], can_connect: bool) -> None:
        port = opts["sandbox_port"]
        # The sandboxes keep their records in var/ between runs: the demo's links and pushes stay valid.
        state_dir = str(getattr(settings, "VAR_DIR", settings.BASE_DIR / "var") / "sandboxes")
        child = sup.start("sandboxes", [python, manage, "vendor_sandbox", "--port", str(port),
                                        "--state-dir", state_dir], env)
        if not wait_for_port("127.0.0.1", port, timeout=30, alive=lambda: child.running() and not sup.stop_requested):
            return  # watch() notices a dead sandbox; a slow one is reported by connect-demo below
        if not can_connect or sup.stop_requested:
            return
        argv = [python, manage, "integrations", "connect-demo", "--org", DEMO_ORG,
                "--sandbox-url", f"http://127.0.0.1:{port}"]
        try:
            done = subprocess.run(argv, env=env, timeout=120, check=False)  # noqa: S603
        except subprocess.TimeoutExpired:
            sup.say("connecting the demo organization to the sandboxes took too long: skipped")
            return
        if done.returncode != 0:
            sup.say(f"connecting the demo organization to the sandboxes failed (code {done.returncode}): "
                    "the portal runs without vendor connections")
