"""Operator CLI: `python manage.py integrations list | add | test | sync | status | connect-demo`."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from integrations import engine
from integrations.cli import add_connection, connect_demo, status_of
from integrations.models import Connection, SyncRun


class Command(BaseCommand):
    help = "Manage vendor connections: list, add, test, sync, status, connect-demo."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="every connection, with its state and last run")
        add = sub.add_parser("add", help="add a connection; prints its id")
        add.add_argument("vendor")
        add.add_argument("--org", required=True, help="organization slug")
        add.add_argument("--name", required=True)
        add.add_argument("--base-url", required=True)
        add.add_argument("--credential", action="append", default=[], metavar="KEY=VALUE")
        add.add_argument("--config", default="{}", help="config JSON (streams, schedule_minutes, rate_limit, …)")
        for name in ("test", "status"):
            sub.add_parser(name).add_argument("id", type=int)
        sync = sub.add_parser("sync", help="start a sync (in the worker), or run it here with --wait")
        sync.add_argument("id", type=int)
        sync.add_argument("--full", action="store_true", help="read everything; mark what the vendor lost")
        sync.add_argument("--wait", action="store_true", help="run to the end in this process; print the counts")
        demo = sub.add_parser("connect-demo", help="connect an organization to every sandbox (idempotent)")
        demo.add_argument("--org", required=True)
        demo.add_argument("--sandbox-url", required=True)
        demo.add_argument("--no-sync", action="store_true", help="do not start a first sync")

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        if action == "list":
            return self.list()
        if action == "add":
            connection = add_connection(opts["vendor"], opts["org"], opts["name"], opts["base_url"],
                                        opts["credential"], opts["config"])
            self.stdout.write(str(connection.pk))
            return None
        if action == "connect-demo":
            for line in connect_demo(opts["org"], opts["sandbox_url"], sync=not opts["no_sync"]):
                self.stdout.write(line)
            return None
        connection = Connection.objects.filter(pk=opts["id"]).first()
        if connection is None:
            raise CommandError(f"No connection {opts['id']}.")
        if action == "test":
            ok, message = engine.test_connection(connection)
            if not ok:
                raise CommandError(message)
            self.stdout.write(message)
        elif action == "status":
            self.stdout.write(json.dumps(status_of(connection), indent=2, default=str))
        elif action == "sync":
            self.sync(connection, opts["full"], opts["wait"])
        return None

    def list(self) -> None:
        rows = Connection.objects.select_related("organization").order_by("organization__slug", "name")
        if rows:
            self.stdout.write(f"{'ID':>4}  {'ORGANIZATION':<16} {'VENDOR':<14} {'NAME':<28} {'STATE':<7} "
                              f"{'HEALTH':<8} LAST SYNC")
        for c in rows:
            # The last sync, not the last webhook delivery (one run each, hundreds after a push).
            last = (SyncRun.objects.filter(connection=c).exclude(kind="webhook").order_by("-created_at", "-id")
                    .first())
            run = f"{last.kind} {last.status} {last.created_at:%Y-%m-%d %H:%M}" if last else "never synced"
            self.stdout.write(f"{c.pk:>4}  {c.organization.slug:<16} {c.vendor:<14} {c.name:<28} {c.state:<7} "
                              f"{c.health:<8} {run}")
        if not rows:
            self.stdout.write("No connections. Add one with: manage.py integrations add VENDOR --org SLUG ...")

    def sync(self, connection: Connection, full: bool, wait: bool) -> None:
        if not wait:
            from integrations.tasks import publish_sync

            run = publish_sync(connection.pk, full=full)
            self.stdout.write(f"Sync queued as run {run.pk}; follow it with: manage.py integrations status "
                              f"{connection.pk}")
            return
        # The pull, then the drain of what it (or anyone) queued, each waited out to its end here. (Through
        # engine.sync a drain's rate-limit wait came back as the *drain's* run id, and the retried sync then
        # pulled into that push run.)
        run = self.until_done(lambda run_id: engine.run_pull(connection.pk, full=full, run_id=run_id))
        push = self.until_done(lambda run_id: engine.run_drain(connection.pk, run_id=run_id))
        report: dict[str, Any] = {"run": run.pk, "status": run.status, "counts": run.counts, "totals": run.totals(),
                                  "errors": run.error_count, "message": run.message}
        if push is not None:
            report["push"] = {"run": push.pk, "status": push.status, "totals": push.totals(),
                              "errors": push.error_count, "message": push.message}
        self.stdout.write(json.dumps(report, indent=2))
        if run.status == "failed":
            raise CommandError(run.message)

    def until_done(self, step: Any) -> Any:
        """``step(run_id)`` again after each wait the vendor asks for (bounded), as the task would reschedule."""
        run_id = None
        for _ in range(100):
            try:
                return step(run_id)
            except engine.Reschedule as later:
                self.stderr.write(f"The vendor asked to wait {later.countdown:.0f}s; waiting.")
                time.sleep(min(later.countdown, 300))
                run_id = later.run_id
        raise CommandError("Gave up after 100 reschedules.")
