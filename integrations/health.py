"""A connection's health: failures in a row pause it (with the reason shown); a success resets the count."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from integrations.models import Connection, ConnectionState, Health


def pause_after() -> int:
    return int(getattr(settings, "INTEGRATIONS_PAUSE_AFTER_FAILURES", 5))


def record_success(connection_id: int, partial: bool = False) -> None:
    # update(), never save(): the row also carries the sync lock, which a stale instance would overwrite.
    Connection.objects.filter(pk=connection_id).update(
        consecutive_failures=0, last_success_at=timezone.now(), health=Health.DEGRADED if partial else Health.OK,
        last_error="",
    )


def record_failure(connection_id: int, message: str) -> bool:
    """Count a failed run; pause the connection when it reaches the limit. Returns True when it was paused."""
    Connection.objects.filter(pk=connection_id).update(
        consecutive_failures=F("consecutive_failures") + 1, last_failure_at=timezone.now(),
        health=Health.FAILING, last_error=message[:2000],
    )
    failures = Connection.objects.filter(pk=connection_id).values_list("consecutive_failures", flat=True).first()
    if failures is not None and failures >= pause_after():
        reason = f"Paused after {failures} failed runs in a row. Last error: {message}"[:2000]
        Connection.objects.filter(pk=connection_id, state=ConnectionState.ACTIVE).update(
            state=ConnectionState.PAUSED, paused_reason=reason
        )
        return True
    return False


def resume(connection_id: int) -> None:
    Connection.objects.filter(pk=connection_id).update(
        state=ConnectionState.ACTIVE, paused_reason="", consecutive_failures=0
    )


def pause(connection_id: int, reason: str) -> None:
    Connection.objects.filter(pk=connection_id).update(state=ConnectionState.PAUSED, paused_reason=reason[:2000])
