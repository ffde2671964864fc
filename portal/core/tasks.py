"""Core Celery tasks."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="portal.core.tasks.ping")
def ping(token: str = "") -> str:
    """Answers "pong <token>": lets an operator (or a test) see that a worker takes tasks from the broker.

    `celery -A portal call portal.core.tasks.ping --args='["hello"]'` and watch the worker's log.
    """
    return f"pong {token}".strip()
