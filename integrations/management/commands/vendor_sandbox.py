"""`python manage.py vendor_sandbox --port 8001 [--seed N] [--state-dir DIR]`: every available vendor's sandbox under
its prefix.

With ``--state-dir`` (``make run`` passes ``var/sandboxes``) each sandbox's records are saved there when it stops and
loaded instead of the seed when it starts: the portal keeps the vendor ids it linked and pushed, so a second
``make run`` finds the vendors as it left them (an amnesic vendor answered its pushes with 404s and reused ids the
portal had already linked). Delete the directory (or ``make clean``) to start from the seed again.
"""

from __future__ import annotations

import os
import pickle
import random
import signal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from integrations.sandbox.app import SandboxApp
from integrations.sandbox.server import _not_found, _QuietHandler, available_apps

STATE_VERSION = 1


def state_file(state_dir: Path, app: SandboxApp) -> Path:
    return state_dir / f"{app.name}.pickle"


def save_state(app: SandboxApp, path: Path) -> None:
    """The sandbox's records and id counters, written atomically (a stop half-way never leaves a torn file)."""
    with app.store.locked() as store:
        state = pickle.dumps({"version": STATE_VERSION, "data": store._data, "next_id": store._next_id,
                              "random": {name: rng.getstate() for name, rng in _generators(app).items()}})
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(state)
    os.replace(partial, path)


def load_state(app: SandboxApp, path: Path) -> bool:
    """Replace the seeded records with the saved ones; False when there is no usable saved state."""
    try:
        # Only ever a file this command wrote into the portal's own var/ directory.
        state = pickle.loads(path.read_bytes())  # noqa: S301
    except FileNotFoundError:
        return False
    except Exception:  # a torn or foreign file: start from the seed rather than not at all
        return False
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        return False
    with app.store.locked() as store:
        store._data.clear()
        store._data.update(state["data"])
        store._next_id.clear()
        store._next_id.update(state["next_id"])
    generators = _generators(app)
    for name, saved in state.get("random", {}).items():
        if name in generators:
            generators[name].setstate(saved)
    return True


def _generators(app: SandboxApp) -> dict[str, random.Random]:
    """The sandbox's seeded random generators: some draw new records' ids (BrikSync's and RentEngine's UUIDs), so
    one restarted from its seed would hand out ids the portal already linked to other records."""
    return {name: value for name, value in vars(app).items() if isinstance(value, random.Random)}


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # SIGTERM (run_stack's stop) ends like Ctrl-C: the state is saved


class Command(BaseCommand):
    help = "Serve the vendor sandboxes (fake vendor APIs) on 127.0.0.1, each under /<vendor key>/."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--seed", type=int, default=100, help="records to generate in each sandbox (0: none)")
        parser.add_argument("--no-rate-limit", action="store_true", help="do not enforce the vendors' rate limits")
        parser.add_argument("--verbose-requests", action="store_true", help="log every request")
        parser.add_argument("--state-dir", default="",
                            help="keep each sandbox's records here between runs (loaded at start, saved at stop)")

    def handle(self, *args: Any, **opts: Any) -> None:
        options = {"rate_limit": False} if opts["no_rate_limit"] else {}
        apps = available_apps(seed=opts["seed"], **options)
        if not apps:
            raise CommandError("No vendor plug-in with a sandbox is installed.")
        state_dir = Path(opts["state_dir"]) if opts["state_dir"] else None
        restored = {app.name for app in apps.values() if state_dir and load_state(app, state_file(state_dir, app))}
        server = make_server("127.0.0.1", opts["port"], DispatcherMiddleware(_not_found, apps), threaded=True,
                             request_handler=None if opts["verbose_requests"] else _QuietHandler)
        for prefix, app in apps.items():
            counts = ", ".join(f"{n} {name}" for name, n in app.store.collections().items()) or "empty"
            origin = ", restored from the last run" if app.name in restored else ""
            self.stdout.write(f"  {app.name:<14} http://127.0.0.1:{server.server_port}{prefix}  ({counts}{origin})")
        self.stdout.write(f"Vendor sandboxes on http://127.0.0.1:{server.server_port} (Ctrl-C stops them).")
        previous = signal.signal(signal.SIGTERM, _stop)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            server.server_close()
            for app in apps.values():
                app.webhooks.stop()
                if state_dir is not None:
                    try:
                        save_state(app, state_file(state_dir, app))
                    except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
                        self.stderr.write(f"  {app.name}: its records could not be saved ({exc}); "
                                          "the next run starts from the seed")
