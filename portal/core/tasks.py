"""Core Celery tasks: the worker's ping, and the housekeeping beat runs (schedules: core/migrations)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="portal.core.tasks.ping")
def ping(token: str = "") -> str:
    """Answers "pong <token>": lets an operator (or a test) see that a worker takes tasks from the broker.

    `celery -A portal call portal.core.tasks.ping --args='["hello"]'` and watch the worker's log.
    """
    return f"pong {token}".strip()


@shared_task(name="portal.core.tasks.purge_idempotency_records")
def purge_idempotency_records() -> int:
    """Hourly: forget API Idempotency-Keys older than their 24 hours (a repeat after that is a new request)."""
    from portal.api.idempotency import purge_expired

    return purge_expired()


@shared_task(name="portal.core.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Daily: delete expired sign-in sessions (what `manage.py clearsessions` does; sessions live in the database)."""
    from importlib import import_module

    from django.conf import settings

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@shared_task(name="portal.core.tasks.drop_stale_import_previews")
def drop_stale_import_previews() -> int:
    """Daily: delete homes-CSV previews nobody applied or cancelled within a day, with the files they hold."""
    from portal.homes.imports import drop_stale_previews

    return drop_stale_previews()
