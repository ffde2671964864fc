"""`python manage.py vendor_sandbox --port 8001 [--seed N]`: every available vendor's sandbox under its prefix."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from integrations.sandbox.server import _not_found, _QuietHandler, available_apps


class Command(BaseCommand):
    help = "Serve the vendor sandboxes (fake vendor APIs) on 127.0.0.1, each under /<vendor key>/."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--seed", type=int, default=100, help="records to generate in each sandbox (0: none)")
        parser.add_argument("--no-rate-limit", action="store_true", help="do not enforce the vendors' rate limits")
        parser.add_argument("--verbose-requests", action="store_true", help="log every request")

    def handle(self, *args: Any, **opts: Any) -> None:
        options = {"rate_limit": False} if opts["no_rate_limit"] else {}
        apps = available_apps(seed=opts["seed"], **options)
        if not apps:
            raise CommandError("No vendor plug-in with a sandbox is installed.")
        server = make_server("127.0.0.1", opts["port"], DispatcherMiddleware(_not_found, apps), threaded=True,
                             request_handler=None if opts["verbose_requests"] else _QuietHandler)
        for prefix, app in apps.items():
            counts = ", ".join(f"{n} {name}" for name, n in app.store.collections().items()) or "empty"
            self.stdout.write(f"  {app.name:<14} http://127.0.0.1:{server.server_port}{prefix}  ({counts})")
        self.stdout.write(f"Vendor sandboxes on http://127.0.0.1:{server.server_port} (Ctrl-C stops them).")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
            for app in apps.values():
                app.webhooks.stop()
