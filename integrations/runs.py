"""Starting, finishing and failing SyncRuns, and the connection health that follows from them."""

from __future__ import annotations

import logging

from django.utils import timezone

from integrations import health
from integrations.errors import VendorError
from integrations.models import Connection, SyncRun
from integrations.models_runs import RunStatus

logger = logging.getLogger("integrations.engine")


class Reschedule(Exception):
    """The vendor asked us to wait longer than a worker should sleep: run the task again in ``countdown`` s."""

    def __init__(self, countdown: float, run_id: int) -> None:
        super().__init__(f"retry in {countdown:.1f}s")
        self.countdown = countdown
        self.run_id = run_id


def start(connection: Connection, kind: str, full: bool = False, run_id: int | None = None) -> SyncRun:
    run = SyncRun.objects.filter(pk=run_id, connection=connection).first() if run_id else None
    if run is None:
        run = SyncRun(connection=connection, kind=kind, full=full)
    run.status = RunStatus.RUNNING
    run.started_at = run.started_at or timezone.now()
    run.save()
    return run


def skip(run: SyncRun, message: str) -> SyncRun:
    run.status, run.message, run.finished_at = RunStatus.SKIPPED, message, timezone.now()
    run.save()
    return run


def finish(run: SyncRun) -> SyncRun:
    partial = run.error_count > 0
    run.status = RunStatus.PARTIAL if partial else RunStatus.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    health.record_success(run.connection_id, partial=partial)
    return run


def fail(run: SyncRun, exc: BaseException) -> SyncRun:
    message = describe(exc)
    run.status, run.message, run.finished_at = RunStatus.FAILED, message, timezone.now()
    run.save()
    paused = health.record_failure(run.connection_id, message)
    logger.warning("%s failed for connection %s: %s%s", run.kind, run.connection_id, message,
                   " (connection paused)" if paused else "")
    return run


def wait(run: SyncRun, exc: BaseException) -> SyncRun:
    run.status, run.message = RunStatus.WAITING, describe(exc)
    run.save()
    return run


def note_faults(run: SyncRun, stream: str, client: object) -> None:
    """Failed vendor calls (429, 5xx, timeouts, dropped connections, malformed bodies) made for ``stream``, whether a
    retry then succeeded or not: counted on the run, so a flaky vendor shows before it fails a sync (tests/drills)."""
    taken = getattr(client, "take_faults", None)
    faults = taken() if taken is not None else 0
    if faults:
        run.add(stream, "faults", faults)


def describe(exc: BaseException) -> str:
    if isinstance(exc, VendorError):
        where = f"HTTP {exc.status}" if exc.status else type(exc).__name__
        code = f" [{exc.vendor_code}]" if exc.vendor_code else ""
        return f"{where}{code}: {exc.message}"
    return f"{type(exc).__name__}: {exc}"
