"""Starting, finishing and failing SyncRuns, and the connection health that follows from them."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from integrations import health
from integrations.errors import VendorError
from integrations.models import Connection, SyncRun
from integrations.models_runs import RunKind, RunStatus

logger = logging.getLogger("integrations.engine")


class Reschedule(Exception):
    """The vendor asked us to wait longer than a worker should sleep: run the task again in ``countdown`` s."""

    def __init__(self, countdown: float, run_id: int) -> None:
        super().__init__(f"retry in {countdown:.1f}s")
        self.countdown = countdown
        self.run_id = run_id
        self.step: str | None = None  # engine.sync: which of its runs ("pull" or "push") is waiting


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


def wait(run: SyncRun, exc: BaseException | str, countdown: float | None = None) -> SyncRun:
    """The run's task comes back in ``countdown`` s (the vendor's Retry-After by default); the time it is expected is
    kept on the run, so a run whose task never came back is told from one still waiting (``close_abandoned``)."""
    countdown = countdown if countdown is not None else (getattr(exc, "retry_after", None) or 60.0)
    run.status = RunStatus.WAITING
    run.message = exc if isinstance(exc, str) else describe(exc)
    run.progress = {**(run.progress or {}), "resume_at": timezone.now().timestamp() + countdown}
    run.save()
    return run


# A waiting run whose task has not come back this long after it was due is abandoned (the task was lost).
ABANDONED_AFTER = dt.timedelta(minutes=15)
# A running run not holding the connection's lock (webhook, confirm) and started this long ago was interrupted.
UNLOCKED_RUN_MAX = dt.timedelta(hours=1)


def abandoned(run: SyncRun, now: dt.datetime) -> bool:
    resume_at = (run.progress or {}).get("resume_at")
    if isinstance(resume_at, int | float):
        return resume_at + ABANDONED_AFTER.total_seconds() < now.timestamp()
    return run.created_at < now - ABANDONED_AFTER - UNLOCKED_RUN_MAX  # waiting since before resume_at was kept


def open_run(connection_id: int, kind: str, now: dt.datetime | None = None) -> SyncRun | None:
    """The connection's queued or waiting run of this kind whose task is still to come (not abandoned)."""
    now = now or timezone.now()
    for run in SyncRun.objects.filter(connection_id=connection_id, kind=kind,
                                      status__in=[RunStatus.QUEUED, RunStatus.WAITING]).order_by("pk"):
        if run.status == RunStatus.QUEUED or not abandoned(run, now):
            return run
    return None


def close_abandoned(now: dt.datetime | None = None) -> list[int]:
    """Runs that can no longer end by themselves, closed as failed with the reason (the dispatcher calls this):
    waiting runs whose task did not come back by long after it was due, and running runs whose process is gone
    (a pull or push running longer than the lock's lease without holding the lock; any other kind after an hour).
    A task that does come back later reopens its run and finishes it."""
    from integrations.locking import ttl

    now = now or timezone.now()
    closed = []
    for run in SyncRun.objects.filter(status=RunStatus.WAITING).order_by("pk"):
        if abandoned(run, now) and SyncRun.objects.filter(pk=run.pk, status=RunStatus.WAITING).update(
                status=RunStatus.FAILED, finished_at=now,
                message=f"Abandoned: its task did not come back to resume it ({run.message}). Anything it was "
                        f"to do goes with the next run."):
            closed.append(run.pk)
    for run in SyncRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=now - ttl()).select_related(
            "connection").order_by("pk"):
        connection = run.connection
        if run.kind in (RunKind.PULL, RunKind.PUSH):
            locked = connection.lock_holder and connection.lock_expires_at and connection.lock_expires_at >= now
            if locked:
                continue  # it, or a sync that will close it (pull), is running
        elif run.started_at >= now - UNLOCKED_RUN_MAX:
            continue
        if SyncRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=RunStatus.FAILED, finished_at=now,
                message="Interrupted: the process running it stopped (closed by the dispatcher)."):
            closed.append(run.pk)
    if closed:
        logger.warning("Closed runs that could no longer finish: %s", closed)
    return closed


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
