"""Pull: every enabled pull stream, parents first, page by page; each page lands with its checkpoint.

A pass is either incremental (``since`` = watermark − lookback) or full (``since`` None). Its state lives in
SyncState.cursor["pass"] and is committed with every page, so a worker killed at any point resumes at the first
page not committed; the page it was on is fetched again and, thanks to ExternalRef hashes, lands once.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from integrations import locking, outbox, runs
from integrations.context import SyncContext, lookback, opened
from integrations.contract import PullStream
from integrations.errors import AuthError, RateLimited, VendorError
from integrations.models import Connection, ExternalRef, SyncRun, SyncState
from integrations.models_runs import RunKind, RunStatus
from integrations.upsert.page import PageResult, upsert_records
from portal.core.actor import acting_as

MAX_PAGES = 1_000_000  # a pass longer than this is a plug-in whose cursor never ends
MAX_DEFERRED = 1000


def ordered_streams(plugin: Any, connection: Connection) -> list[PullStream]:
    """Enabled pull streams, each after the streams it depends on (declaration order otherwise)."""
    streams = {s.name: s for s in plugin.pull_streams() if connection.stream_enabled(s.name)}
    done: list[PullStream] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            raise ValueError(f"{plugin.key}: streams depend on each other in a circle: {' -> '.join(path)}")
        stream = streams.get(name)
        if stream is None or stream in done:
            return
        for dep in stream.depends_on:
            visit(dep, (*path, name))
        done.append(stream)

    for name in streams:
        visit(name, ())
    return done


def run_pull(connection_id: int, full: bool = False, run_id: int | None = None) -> SyncRun:
    connection = Connection.objects.get(pk=connection_id)
    run = runs.start(connection, "pull", full=full, run_id=run_id)
    if not connection.is_active:
        return runs.skip(run, f"Connection is paused: {connection.paused_reason}")
    try:
        holder = locking.acquire(connection.pk)
    except locking.Busy as exc:
        return runs.skip(run, str(exc))
    try:
        interrupted = _close_interrupted(connection, run)
        with opened(connection) as ctx:
            streams = ordered_streams(ctx.plugin, connection)
            failures: list[str] = []
            for index, stream in enumerate(streams):
                if full and _done_by(interrupted, connection, stream):
                    continue
                try:
                    pull_stream(ctx, run, stream, full, holder, (index, len(streams)))
                except RateLimited:
                    runs.note_faults(run, stream.name, ctx.client)
                    raise
                except AuthError:
                    raise  # every other stream would fail the same way
                except VendorError as exc:  # 400/404/422 or retries exhausted: this stream stops, others go on
                    runs.note_faults(run, stream.name, ctx.client)
                    failures.append(f"{stream.name}: {runs.describe(exc)}")
                    run.add_error(stream.name, None, runs.describe(exc))
                    run.save(update_fields=["counts", "errors", "error_count"])
            if failures:
                raise VendorError("; ".join(failures))
    except RateLimited as exc:
        runs.wait(run, exc)
        raise runs.Reschedule(exc.retry_after or 60.0, run.pk) from exc
    except Exception as exc:
        runs.fail(run, exc)
        if not isinstance(exc, VendorError):
            raise
        return run
    finally:
        locking.release(connection.pk, holder)
    return runs.finish(run)


def _close_interrupted(connection: Connection, run: SyncRun) -> SyncRun | None:
    """Pull runs of this connection still "running" while this one holds the lock were interrupted (the process
    running them died: SIGKILL, out of memory, a lost machine). Each is closed as failed, naming this run; the
    latest full one is returned, so a redelivered full pull does not fetch again the streams it completed."""
    orphans = list(SyncRun.objects.filter(connection=connection, kind=RunKind.PULL, status=RunStatus.RUNNING)
                   .exclude(pk=run.pk).order_by("pk"))
    for orphan in orphans:
        SyncRun.objects.filter(pk=orphan.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, finished_at=timezone.now(),
            message=f"Interrupted: the process running it stopped. Run {run.pk} resumed where it left off.")
    full = [o for o in orphans if o.full and o.started_at]
    return full[-1] if full else None


def _done_by(interrupted: SyncRun | None, connection: Connection, stream: PullStream) -> bool:
    """Whether the interrupted full run completed this stream's full pass (none of it is left to resume)."""
    if interrupted is None:
        return False
    state = SyncState.objects.filter(connection=connection, stream=stream.name).first()
    return bool(state and not (state.cursor or {}).get("pass") and state.last_full_pass_at
                and state.last_full_pass_at >= interrupted.started_at)


def is_incremental(stream: PullStream, options: dict[str, Any]) -> bool:
    """Whether the stream can filter by ``since`` for this connection (its options, defaults merged)."""
    flag = stream.incremental
    return bool(flag(options)) if callable(flag) else bool(flag)


def _start_pass(state: SyncState, stream: PullStream, full: bool, ctx: SyncContext) -> dict[str, Any]:
    current = (state.cursor or {}).get("pass")
    if current is not None and (current.get("full") or not full):
        return current  # resume the pass a killed or rescheduled run left behind
    is_full = full or not is_incremental(stream, ctx.client.config) or state.watermark is None
    since = None if is_full else state.watermark - lookback(ctx.connection)
    if not is_full and state.deferred and stream.fetch_one is None:
        # Records waiting for a parent come again when the pass reaches back to them.
        times = [parse_datetime(d["updated_at"]) for d in state.deferred.values() if d.get("updated_at")]
        if len(times) < len(state.deferred):
            since = None
        elif times and since is not None:
            since = min([since, *[t for t in times if t is not None]])
    return {"started_at": timezone.now().isoformat(), "full": is_full, "since": since.isoformat() if since else None,
            "page": None, "pages_done": 0, "records_done": 0, "high_water": None}


def pull_stream(
    ctx: SyncContext, run: SyncRun, stream: PullStream, full: bool, holder: str, position: tuple[int, int]
) -> None:
    state, _ = SyncState.objects.get_or_create(connection=ctx.connection, stream=stream.name)
    p = _start_pass(state, stream, full, ctx)
    if state.deferred and stream.fetch_one is not None:
        _retry_deferred(ctx, run, stream, state)
    since = parse_datetime(p["since"]) if p["since"] else None
    for _ in range(MAX_PAGES):
        page = stream.fetch_page(ctx.client, p["page"], since)
        if not page.last and page.next_cursor == p["page"]:
            raise VendorError(f"{stream.name}: the plug-in's cursor did not advance ({page.next_cursor})")
        with transaction.atomic():
            result = _upsert(ctx, stream, page.records)
            p["pages_done"] += 1
            p["records_done"] += len(page.records)
            p["page"] = page.next_cursor
            if result.high_water and (not p["high_water"] or result.high_water > parse_datetime(p["high_water"])):
                p["high_water"] = result.high_water.isoformat()
            _note_deferred(state, result)
            if page.last:
                _end_pass(ctx, run, stream, state, p)
            else:
                state.cursor = {"pass": p}
            state.save()
            _count(run, stream, result, p, page.total, position)
            runs.note_faults(run, stream.name, ctx.client)
            run.save(update_fields=["counts", "progress", "errors", "error_count"])
            locking.renew(ctx.connection.pk, holder)
        if page.last:
            return
    raise VendorError(f"{stream.name}: more than {MAX_PAGES} pages in one pass")


def _upsert(ctx: SyncContext, stream: PullStream, records: list[dict[str, Any]]) -> PageResult:
    with acting_as(ctx.actor), outbox.batched():
        return upsert_records(ctx.connection, stream, records, timezone.now())


def _note_deferred(state: SyncState, result: PageResult) -> None:
    deferred = dict(state.deferred or {})
    for item in result.items:
        if item.status != "deferred":
            deferred.pop(item.vendor_id, None)  # landed, or failed for a reason of its own (reported)
    for vid, info in result.deferred_ids.items():
        if len(deferred) < MAX_DEFERRED or vid in deferred:
            deferred[vid] = info
    state.deferred = deferred


def _end_pass(ctx: SyncContext, run: SyncRun, stream: PullStream, state: SyncState, p: dict[str, Any]) -> None:
    started = parse_datetime(p["started_at"])
    if p["high_water"]:
        state.watermark = parse_datetime(p["high_water"])
    elif stream.updated_at is None:
        state.watermark = started  # no vendor clock to go by: our own, with the lookback covering skew
    if p["full"]:
        missing = ExternalRef.objects.filter(
            Q(last_confirmed_at__lt=started) | Q(last_confirmed_at__isnull=True),
            connection=ctx.connection, stream=stream.name, missing_at_vendor_since__isnull=True,
        ).update(missing_at_vendor_since=timezone.now())
        run.add(stream.name, "missing", missing)
        state.last_full_pass_at = timezone.now()
    state.cursor = {}


def _count(run: SyncRun, stream: PullStream, result: PageResult, p: dict[str, Any], total: int | None,
           position: tuple[int, int]) -> None:
    for key, value in result.counts().items():
        run.add(stream.name, key, value)
    for vid, reason in result.errors:
        run.add_error(stream.name, vid, reason)
    per_page = max(1, len(result.items) or 1)
    pages_total = math.ceil(total / per_page) if total else None
    index, count = position
    fraction = min(1.0, p["pages_done"] / pages_total) if pages_total else (1.0 if p["page"] is None else 0.5)
    run.progress = {
        "stream": stream.name, "pages_done": p["pages_done"], "pages_total": pages_total,
        "records_done": p["records_done"], "records_total": total, "streams_done": index,
        "streams_total": count, "percent": int(100 * (index + fraction) / max(1, count)),
    }


def _retry_deferred(ctx: SyncContext, run: SyncRun, stream: PullStream, state: SyncState) -> None:
    """Fetch the records that waited for a parent last time; those that still cannot land wait again."""
    records, gone = [], []
    for vid in list(state.deferred)[:200]:
        raw = stream.fetch_one(ctx.client, vid)  # type: ignore[misc]
        (records.append(raw) if raw is not None else gone.append(vid))
    with transaction.atomic():
        result = _upsert(ctx, stream, records) if records else PageResult()
        for vid in gone:
            state.deferred.pop(vid, None)
        _note_deferred(state, result)
        state.save(update_fields=["deferred", "updated_at"])
        for key, value in result.counts().items():
            run.add(stream.name, key, value)
        run.save(update_fields=["counts"])
